"""Everything one decision needs, worked out once, and how an offer is put together."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from .guard import guard_price, guarded_cost
from .messages import format_money
from .model import Offer, OfferKind, Policy, PriceRequest, PricingContext, Term
from .money import round_money
from .pricing import floor_from, price_at
from .ruleset import SkuRules

__all__ = ["Frame", "Resolver", "Priced", "Candidate", "make_frame", "make_offer",
           "round_up_to_multiple", "explain_priced"]

HUNDRED = Decimal(100)
#: Resolves the rules of another SKU (an alternative): (sku, category) -> SkuRules.
Resolver = Callable[[str, str | None], SkuRules]


# The three classes below live for one decision and are never changed after they are
# made. They are not ``frozen``: a frozen dataclass sets every field through
# ``object.__setattr__``, which made building them a quarter of a decision's time.
@dataclass(slots=True)
class Frame:
    request: PriceRequest
    context: PricingContext
    rules: SkuRules
    policy: Policy
    floor: Decimal
    #: Where the engine's own answers stop, a secret margin above the floor (guard.py).
    guard: Decimal
    #: The cost plus a second secret margin: what quantities and ranks a buyer sees use.
    guarded_cost: Decimal
    price_at_quantity: Decimal
    order_multiple: int
    now: datetime
    expires_at: datetime
    resolve: Resolver
    #: The context's currency, kept here: read for every amount rounded or worded.
    currency: str

    @property
    def target(self) -> Decimal:
        return self.request.target_unit_price


def make_frame(request: PriceRequest, context: PricingContext, rules: SkuRules, now: datetime,
               policy: Policy, resolve: Resolver, expires_at: datetime | None = None) -> Frame:
    """``expires_at``: when the offers expire, if the caller has worked it out already
    (``now`` plus the policy's validity: a quote's lines share it)."""
    list_price, currency = context.list_price, context.currency
    price = price_at(list_price, rules.breaks, rules.break_quantities, request.quantity)
    floor = floor_from(rules.floors, context.cost if context.cost_known else None, currency, list_price)
    band, draws = policy.floor_guard_pct, context.guard_draws
    return Frame(
        request=request, context=context, rules=rules, policy=policy, floor=floor,
        guard=guard_price(floor, list_price, band, draws.floor, currency),
        guarded_cost=guarded_cost(context.cost, list_price, band, draws.cost),
        price_at_quantity=round_money(price, currency),
        order_multiple=rules.order_multiple or context.order_multiple or 1, now=now,
        expires_at=now + _validity(policy.offer_validity_hours) if expires_at is None else expires_at,
        resolve=resolve, currency=currency)


@lru_cache(maxsize=64)
def _validity(hours: int | float) -> timedelta:
    return timedelta(hours=hours)  # one object per setting, not one per decision


def round_up_to_multiple(quantity: int, multiple: int) -> int:
    return -(-quantity // multiple) * multiple


@dataclass(slots=True)
class Priced:
    """An offer's economics before it is dressed as an Offer."""

    kind: OfferKind
    sku: str
    quantity: int
    unit_price: Decimal
    cost: Decimal
    floor: Decimal
    #: The cost offers are ranked with: the guarded cost, so that the order a buyer sees
    #: them in cannot be solved for the true one.
    rank_cost: Decimal
    terms: tuple[Term, ...] = ()
    terms_value: Decimal = Decimal(0)  # per unit, to the seller


@dataclass(slots=True)
class Candidate:
    """An offer priced but not yet worded. Wording (the buyer's message, the rep's
    explanation) is most of an offer's cost, so only the offers kept are worded."""

    priced: Priced
    message: Callable[[], str]
    why: str

    @property
    def seller_value(self) -> Decimal:
        priced = self.priced
        return (priced.unit_price - priced.cost + priced.terms_value) * priced.quantity

    @property
    def rank(self) -> tuple[Decimal, str, str, int]:
        # Best for the seller first, valued at the guarded cost (the buyer sees the order);
        # a stable order for equal value keeps decisions repeatable.
        priced = self.priced
        value = (priced.unit_price - priced.rank_cost + priced.terms_value) * priced.quantity
        return (-value, priced.kind.value, priced.sku, priced.quantity)


def make_offer(frame: Frame, candidate: Candidate) -> Offer:
    priced = candidate.priced
    margin = priced.unit_price - priced.cost
    return Offer.made(
        kind=priced.kind, sku=priced.sku, quantity=priced.quantity, unit_price=priced.unit_price,
        currency=frame.currency, expires_at=frame.expires_at, message=candidate.message(),
        explain=lambda: explain_priced(frame, priced, margin, candidate.why), terms=priced.terms,
        seller_value=candidate.seller_value)


def explain_priced(frame: Frame, priced: Priced, margin: Decimal, why: str) -> str:
    currency, cost = frame.currency, priced.cost
    if frame.context.cost_known or priced.sku != frame.request.sku:
        markup = (margin / cost * HUNDRED).quantize(Decimal("0.1")) if cost else Decimal(0)
        margin_text = (f"cost {format_money(cost, currency)}, floor {format_money(priced.floor, currency)}; "
                       f"margin after offer {format_money(margin, currency)}/unit ({markup}% over cost)")
    else:  # the shop keeps no cost: say so rather than work a margin out of a made-up one
        margin_text = f"cost unknown, floor {format_money(priced.floor, currency)}; margin unknown"
    text = (f"{why}; {margin_text}; "
            f"headroom above floor {format_money(priced.unit_price - priced.floor, currency)}/unit")
    if priced.terms_value:
        text += f"; terms worth {format_money(priced.terms_value, currency)}/unit to us"
    if frame.context.profitability_tier:
        text += f"; customer tier {frame.context.profitability_tier}"
    return text
