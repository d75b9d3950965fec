"""Everything one quote decision needs, worked out once: a single-line ``Frame`` per line
(floor, guard price, price for the quantity, this round's concession), the order's
totals and target, and the order's rules.

Each line is framed exactly as a single-line request for its SKU and quantity would be,
so every per-line guarantee (floor, guard price, breaks, multiples, stock, earlier
offers) holds for the line inside a quote.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from ..concession import concession_price
from ..engine import Resolve, resolver_for
from ..frame import Frame, make_frame
from ..model import EarlierOffer, Policy, PriceRequest, Routing
from ..money import round_money, round_up
from ..ruleset import CompiledRules, RuleSet
from ..tradeoffs import anchor_price
from .model import QuoteLine, QuoteOfferKind, QuoteRequest
from .order_rules import OrderRules, order_rules

__all__ = ["Line", "QuoteFrame", "make_quote_frame", "PRICE_ONLY"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)
#: The quote offers that bind later rounds line by line: price-only moves.
PRICE_ONLY = frozenset({QuoteOfferKind.CONCESSION, QuoteOfferKind.MARGIN_MIX, QuoteOfferKind.MATCH})


@dataclass(slots=True)
class Line:
    """One line of the quote, framed as a single-line request for its SKU and quantity."""

    frame: Frame
    #: The catalog price for the quantity asked (what the cart shows).
    price: Decimal
    #: The lowest price the rules give on this line on their own this round, price-only:
    #: the single-line concession (never below the guard price, never back on an earlier
    #: offer), or the price itself without a concession rule.
    concession: Decimal
    #: What the buyer wants for this line: its own target, or its share of the order target.
    wanted: Decimal
    #: True when the buyer set this line's target itself.
    own_target: bool
    #: The highest price a price-only move may give this line: the price, or the rules'
    #: own earlier quote offer for this SKU and quantity if lower (never gone back on),
    #: but never below this round's concession (a floor raised since wins).
    cap: Decimal

    #: The line's quantity and SKU (the frame's request's, kept here: read in every loop).
    quantity: int = 0
    sku: str = ""
    #: The rep's words about the line's floor and cost, the cost rounded to the currency
    #: (None: unknown), the currency's symbol and code: written once per decision
    #: (messages.price_explanation).
    worded: tuple[str, Decimal | None, str | None, str] | None = None
    #: The line's cost and guarded cost, and each times the quantity, and its price times
    #: the quantity: read by every candidate's sums (``Totals``), multiplied once here.
    cost: Decimal = ZERO
    rank_cost: Decimal = ZERO
    cost_value: Decimal = ZERO
    rank_cost_value: Decimal = ZERO
    cart_value: Decimal = ZERO
    cost_known: bool = True

    @property
    def guard(self) -> Decimal:
        return self.frame.guard

    def acceptable(self) -> bool:
        """The single-line engine would accept this line's wanted price on its own."""
        if self.wanted >= self.concession:
            return True
        anchor = anchor_price(self.frame)
        return anchor is not None and anchor <= self.wanted


@dataclass(slots=True)
class QuoteFrame:
    request: QuoteRequest
    lines: list[Line]
    policy: Policy
    now: datetime
    currency: str
    cart_total: Decimal
    #: What the buyer wants to pay for the whole order.
    target: Decimal
    #: The order at every line's ``cap``: where price-only moves start from this round.
    standing_total: Decimal
    order: OrderRules
    #: The routing rule for all products of the segment: the order's own.
    routing: Routing
    #: The least the lines whose cost is known may total, automatically (the order floor
    #: over their guarded cost); None without an order floor rule.
    floor_total: Decimal | None
    #: (index, limit) of each line whose own routing rule has an auto-approval limit.
    line_limits: list[tuple[int, Decimal]]
    #: The lines' indexes, most units first (``most_units_first``), sorted on first read.
    _by_units: list[int] | None = None
    #: False: offers without the buyer's message or the rep's explanations (offers.py),
    #: for callers that read only the decision (the what-if replay).
    worded: bool = True

    def most_units_first(self) -> list[int]:
        if self._by_units is None:
            lines = self.lines
            self._by_units = sorted(range(len(lines)), key=lambda i: lines[i].quantity, reverse=True)
        return self._by_units

    @property
    def by_order_target(self) -> bool:
        return self.request.order_target is not None

    @property
    def expires_at(self) -> datetime:
        return self.lines[0].frame.expires_at


def make_quote_frame(request: QuoteRequest, rules: RuleSet | CompiledRules, now: datetime,
                     policy: Policy, worded: bool = True) -> QuoteFrame:
    resolve = resolver_for(rules)
    segment = request.segment
    earlier = _earlier_by_sku(request)
    caps = _caps(request)
    expires_at = now + timedelta(hours=policy.offer_validity_hours)  # as make_frame's, once
    frames = [_line_frame(request, line, resolve, now, policy, earlier.get(line.sku, ()), expires_at)
              for line in request.lines]
    currency = request.currency
    cart_total = ZERO
    for f in frames:  # loops, not sum() over generators: a quote sums its lines a dozen times
        cart_total += f.price_at_quantity * f.request.quantity
    target = _target_total(request, frames, cart_total)
    wanted = _wanted(request, frames, target)
    lines = [_line(frame, own, want, caps) for frame, own, want in zip(frames, request.lines, wanted, strict=True)]
    standing_total = ZERO
    for line in lines:
        standing_total += line.cap * line.quantity
    order = order_rules(rules, segment)
    return QuoteFrame(request=request, lines=lines, policy=policy, now=now, currency=currency,
                      cart_total=cart_total, target=target, order=order,
                      standing_total=standing_total,
                      routing=resolve("", None, segment).routing or Routing(),
                      floor_total=_floor_total(lines, order, currency), line_limits=_line_limits(lines),
                      worded=worded)


def _line(frame: Frame, own: QuoteLine, want: Decimal, caps: dict[tuple[str, int], Decimal]) -> Line:
    # The frame's own request, made for it above and seen by nobody yet: set in place
    # (a replace() per line was a tenth of a 50-line quote's time).
    frame.request.__dict__["target_unit_price"] = want
    price = frame.price_at_quantity
    concession = price if (found := concession_price(frame)) is None else found
    highest = min(price, caps.get((own.sku, own.quantity), price)) if caps else price
    cap = highest if highest > concession else concession  # max(concession, highest)
    quantity, context = own.quantity, frame.context
    return Line(frame=frame, price=price, concession=concession, wanted=want,
                own_target=own.target_unit_price is not None, cap=cap, quantity=quantity,
                sku=own.sku, cost=context.cost, rank_cost=frame.guarded_cost,
                cost_value=context.cost * quantity, rank_cost_value=frame.guarded_cost * quantity,
                cart_value=price * quantity, cost_known=context.cost_known)


def _line_frame(request: QuoteRequest, line: QuoteLine, resolve: Resolve, now: datetime,
                policy: Policy, earlier: tuple[EarlierOffer, ...], expires_at: datetime) -> Frame:
    context = line.context
    if earlier:
        context = replace(context, earlier_offers=(*context.earlier_offers, *earlier))
    target = line.target_unit_price if line.target_unit_price is not None else context.list_price
    # Built without the frozen __init__ (each field through object.__setattr__): every
    # field is given, and the object is the frame's own until the decision is made.
    price_request = object.__new__(PriceRequest)
    price_request.__dict__.update(sku=line.sku, quantity=line.quantity, target_unit_price=target,
                                  currency=request.currency, round=request.round, jitter=request.jitter,
                                  needed_by=request.needed_by)
    sku_rules = resolve(line.sku, context.category, context.segment)
    return make_frame(price_request, context, sku_rules, now, policy,
                      lambda sku, category: resolve(sku, category, context.segment), expires_at)


def _earlier_by_sku(request: QuoteRequest) -> dict[str, tuple[EarlierOffer, ...]]:
    """Earlier price-only quote offers as each line's earlier offers (rules/concession.py)."""
    found: dict[str, list[EarlierOffer]] = {}
    for offer in request.earlier_offers:
        if offer.kind in PRICE_ONLY or offer.by_rep:
            for line in offer.lines:
                found.setdefault(line.sku, []).append(EarlierOffer(line.quantity, line.unit_price, offer.by_rep))
    return {sku: tuple(offers) for sku, offers in found.items()}


def _caps(request: QuoteRequest) -> dict[tuple[str, int], Decimal]:
    """(SKU, quantity) -> the lowest price the rules gave it in an earlier price-only quote
    offer (a person's counters stand on their own and are not repeated by the rules)."""
    found: dict[tuple[str, int], Decimal] = {}
    for offer in request.earlier_offers:
        if offer.kind in PRICE_ONLY and not offer.by_rep:
            for line in offer.lines:
                key = (line.sku, line.quantity)
                found[key] = min(found.get(key, line.unit_price), line.unit_price)
    return found


def _target_total(request: QuoteRequest, frames: list[Frame], cart_total: Decimal) -> Decimal:
    target = request.order_target
    if target is not None and target.total is not None:
        return target.total
    if target is not None and target.discount_pct is not None:
        return round_money(cart_total * (1 - target.discount_pct / HUNDRED), request.currency)
    return sum((min(_own(line, frame), frame.price_at_quantity) * line.quantity
                for line, frame in zip(request.lines, frames, strict=True)), ZERO)


def _own(line: QuoteLine, frame: Frame) -> Decimal:
    return line.target_unit_price if line.target_unit_price is not None else frame.price_at_quantity


def _wanted(request: QuoteRequest, frames: list[Frame], target: Decimal) -> list[Decimal]:
    """Each line's wanted price: its own target, else its share of what the order target
    leaves for the lines without one (the same share off each line's price)."""
    pairs = list(zip(request.lines, frames, strict=True))
    owned = rest = ZERO
    for line, f in pairs:
        if line.target_unit_price is None:
            rest += f.price_at_quantity * line.quantity
        else:
            owned += min(line.target_unit_price, f.price_at_quantity) * line.quantity
    ratio = min(Decimal(1), max(ZERO, (target - owned) / rest)) if rest else Decimal(1)
    return [round_up(min(line.target_unit_price, f.price_at_quantity), request.currency)
            if line.target_unit_price is not None
            else round_up(f.price_at_quantity * ratio, request.currency) for line, f in pairs]


def _line_limits(lines: list[Line]) -> list[tuple[int, Decimal]]:
    found = []
    for index, line in enumerate(lines):
        routing = line.frame.rules.routing
        if routing is not None and routing.auto_approval_limit is not None:
            found.append((index, routing.auto_approval_limit))
    return found


def _floor_total(lines: list[Line], order: OrderRules, currency: str) -> Decimal | None:
    if order.floor is None:
        return None
    cost = ZERO
    for line in lines:
        if line.cost_known:
            cost += line.rank_cost_value  # the guarded cost times the quantity
    return round_up(cost * (1 + order.floor.min_margin_pct / HUNDRED), currency)
