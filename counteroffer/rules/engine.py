"""``decide``: answer one price request with an acceptance, a trade-off, or a hand-off.

Pure: the clock comes in as ``now``; nothing here touches a database or the network.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from .messages import accept_message, format_money, volume_message
from .model import (Decision, Floor, Offer, OfferKind, Outcome, Policy, PriceBreak,
                    PriceBreaks, PriceRequest, PricingContext)
from .money import round_money
from .pricing import breaks_for, floor_price, price_for_quantity

__all__ = ["RuleSet", "decide"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RuleSet:
    floors: tuple[Floor, ...] = ()
    price_breaks: tuple[PriceBreaks, ...] = ()


@dataclass(frozen=True)
class _Frame:
    """Everything a decision needs, worked out once."""

    request: PriceRequest
    context: PricingContext
    breaks: tuple[PriceBreak, ...]
    floor: Decimal
    price_at_quantity: Decimal
    expires_at: datetime


def decide(request: PriceRequest, context: PricingContext, rules: RuleSet,
           now: datetime, policy: Policy = Policy()) -> Decision:
    frame = _frame(request, context, rules, now, policy)
    # A catalog price under the floor is a pricing error a person must see, not a deal.
    if frame.price_at_quantity < frame.floor:
        return _decision(frame, Outcome.ESCALATE, (), "the catalog price for this quantity "
                         "is below the floor; check the price breaks")
    if request.target_unit_price >= frame.price_at_quantity:
        return _accept(frame)
    volume = _volume_offer(frame)
    if volume is not None:
        return _decision(frame, Outcome.COUNTER, (volume,), "a price break meets the target")
    if request.target_unit_price >= _decline_line(frame.floor, policy):
        return _decision(frame, Outcome.ESCALATE, (), _escalation_reason(frame))
    return _decision(frame, Outcome.DECLINE, (), "target is far below the floor")


def _frame(request: PriceRequest, context: PricingContext, rules: RuleSet,
           now: datetime, policy: Policy) -> _Frame:
    breaks = breaks_for(rules.price_breaks, request.sku, context.segment)
    return _Frame(
        request=request, context=context, breaks=breaks,
        floor=floor_price(rules.floors, request.sku, context),
        price_at_quantity=round_money(
            price_for_quantity(context.list_price, breaks, request.quantity), context.currency),
        expires_at=now + timedelta(hours=policy.offer_validity_hours),
    )


def _decision(frame: _Frame, outcome: Outcome, offers: tuple[Offer, ...], reason: str) -> Decision:
    return Decision(outcome=outcome, offers=offers, reason=reason, floor=frame.floor,
                    price_for_quantity=frame.price_at_quantity)


def _accept(frame: _Frame) -> Decision:
    # The buyer never pays more than the catalog price for the quantity asked.
    price = frame.price_at_quantity
    request = frame.request
    offer = Offer(
        kind=OfferKind.PRICE, sku=request.sku, quantity=request.quantity, unit_price=price,
        currency=request.currency, expires_at=frame.expires_at,
        message=accept_message(request.quantity, price, request.currency),
        explanation=_explain(frame, price, "target at or above the price for this quantity"),
    )
    return _decision(frame, Outcome.ACCEPT, (offer,), "target meets the price for the quantity")


def _round_up_to_multiple(quantity: int, multiple: int) -> int:
    return -(-quantity // multiple) * multiple


def _qualifying_steps(frame: _Frame) -> Sequence[PriceBreak]:
    target = frame.request.target_unit_price
    currency = frame.context.currency
    return [step for step in frame.breaks
            if step.min_quantity > frame.request.quantity
            and round_money(step.unit_price, currency) <= target
            and round_money(step.unit_price, currency) >= frame.floor]


def _volume_offer(frame: _Frame) -> Offer | None:
    """The smallest extra volume whose break price meets the target, never below the floor."""
    steps = _qualifying_steps(frame)
    if not steps:
        return None
    step = steps[0]
    request, currency = frame.request, frame.context.currency
    total = _round_up_to_multiple(step.min_quantity, frame.context.order_multiple)
    price = round_money(price_for_quantity(frame.context.list_price, frame.breaks, total), currency)
    return Offer(
        kind=OfferKind.VOLUME, sku=request.sku, quantity=total, unit_price=price,
        currency=currency, expires_at=frame.expires_at,
        message=volume_message(total - request.quantity, total, price, currency),
        explanation=_explain(frame, price, f"price break from {step.min_quantity:,} units"),
    )


def _decline_line(floor: Decimal, policy: Policy) -> Decimal:
    return floor * (1 - policy.decline_below_floor_pct / HUNDRED)


def _escalation_reason(frame: _Frame) -> str:
    target = frame.request.target_unit_price
    if target >= frame.floor:
        return "no price break meets the target; it is above the floor, a rep may agree"
    return "target is below the floor, within a rep's reach"


def _explain(frame: _Frame, price: Decimal, why: str) -> str:
    currency, cost = frame.context.currency, frame.context.cost
    margin = price - cost
    markup = (margin / cost * HUNDRED).quantize(Decimal("0.1")) if cost else Decimal(0)
    return (f"{why}; cost {format_money(cost, currency)}, floor {format_money(frame.floor, currency)}; "
            f"margin after offer {format_money(margin, currency)}/unit ({markup}% over cost); "
            f"headroom above floor {format_money(price - frame.floor, currency)}/unit")
