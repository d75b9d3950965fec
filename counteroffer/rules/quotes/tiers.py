"""Order-value tiers: "Add $3,400 more to this order and every line is 2% off".

Rule kind ``order_tiers``: from an order value on (the cart's price for its quantities),
every line is n% off its price for the quantity. A tier the cart has reached is offered
as it stands; the first tier above the cart whose discount reaches the buyer's asked
share off is offered with what to add: quantity increases, in order multiples, on lines
the buyer already has (the richest-margin lines first; at most ``max_volume_factor``
times a line's quantity, never more than in stock). A tier is offered only if no line
would go below its guard price at it: "every line" stays true.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from ..frame import Priced, round_up_to_multiple
from ..model import OfferKind
from ..money import round_money, round_up
from ..pricing import price_at
from .candidates import OfferedLine, QuoteCandidate
from .lines import Line, QuoteFrame
from .messages import tier_quote_message
from .model import OrderTier, QuoteOfferKind

__all__ = ["tier_quotes", "additions"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def tier_quotes(qf: QuoteFrame) -> list[QuoteCandidate]:
    tiers = qf.order.tiers
    if not tiers or qf.target >= qf.cart_total:
        return []
    asked = (qf.cart_total - qf.target) / qf.cart_total * HUNDRED
    reached = [t for t in tiers if t.min_order_value <= qf.cart_total]
    best = max(reached, key=lambda t: t.discount_pct, default=None)
    found = [_tier_quote(qf, best, {})] if best is not None else []
    for tier in tiers:
        if tier.min_order_value > qf.cart_total and tier.discount_pct >= asked:
            extra = additions(qf, tier.min_order_value - qf.cart_total)
            if extra is not None:
                found.append(_tier_quote(qf, tier, extra))
            break  # the least to add that reaches the target; a larger tier asks for more
    return [c for c in found if c is not None]


def _catalog(line: Line, quantity: int) -> Decimal:
    frame = line.frame
    if quantity == line.quantity:
        return line.price
    rules = frame.rules
    return round_money(price_at(frame.context.list_price, rules.breaks, rules.break_quantities, quantity),
                       frame.currency)


def _tier_quote(qf: QuoteFrame, tier: OrderTier, extra: dict[int, int]) -> QuoteCandidate | None:
    keep = 1 - tier.discount_pct / HUNDRED
    why = f"order tier: {tier.discount_pct}% off from {tier.min_order_value} of order value"
    pct = tier.discount_pct
    if not extra:  # a tier the cart has reached: every line as asked, n% off
        prices = _reached(qf, keep)
        return None if prices is None else QuoteCandidate(
            QuoteOfferKind.ORDER_TIER, qf.lines, lambda c: tier_quote_message(c, pct, ZERO, []),
            f"order tier {pct}% off from {tier.min_order_value}", prices=prices, line_why=why)
    offered = []
    for index, line in enumerate(qf.lines):
        quantity = line.quantity + extra.get(index, 0)
        catalog = _catalog(line, quantity)
        price = round_up(catalog * keep, qf.currency)
        if price < line.guard:
            return None
        kind = OfferKind.VOLUME if quantity > line.quantity else OfferKind.PRICE
        frame = line.frame
        priced = Priced(kind, line.sku, quantity, price, frame.context.cost, frame.floor, frame.guarded_cost)
        offered.append(OfferedLine(line=line, priced=priced, catalog=catalog, why=why))
    adds = [(qf.lines[i].sku, units, qf.lines[i].quantity + units) for i, units in sorted(extra.items())]
    more = round_up(max(ZERO, tier.min_order_value - qf.cart_total), qf.currency)
    return QuoteCandidate(QuoteOfferKind.ORDER_TIER, qf.lines,
                          lambda c: tier_quote_message(c, pct, more, adds),
                          f"order tier {pct}% off from {tier.min_order_value}", offered=offered)


def _reached(qf: QuoteFrame, keep: Decimal) -> list[Decimal] | None:
    """Every line's price for its quantity times ``keep``, rounded up; None if a line would
    go below its guard price."""
    prices, currency = [], qf.currency
    for line in qf.lines:
        price = round_up(line.price * keep, currency)
        if price < line.guard:
            return None
        prices.append(price)
    return prices


def additions(qf: QuoteFrame, more: Decimal) -> dict[int, int] | None:
    """Extra units per line index that add at least ``more`` to the cart's value at its
    catalog prices: the lines with the most margin per unit of price first."""
    order = sorted(range(len(qf.lines)), key=lambda i: _richness(qf.lines[i]), reverse=True)
    extra: dict[int, int] = {}
    for index in order:
        if more <= 0:
            break
        line = qf.lines[index]
        units, gained = _grow(qf, line, more)
        if units:
            extra[index] = units
            more -= gained
    return extra if more <= 0 else None


def _richness(line: Line) -> Decimal:
    return (line.price - line.frame.guarded_cost) / line.price if line.price else ZERO


def _grow(qf: QuoteFrame, line: Line, more: Decimal) -> tuple[int, Decimal]:
    """The fewest extra units (in order multiples) adding ``more`` to this line's value,
    or as many as it may take; and the value they add."""
    multiple = line.frame.order_multiple
    most = line.quantity * (qf.policy.max_volume_factor - 1)
    available = line.frame.context.available
    if available is not None:
        most = min(most, available - line.quantity)
    most = most // multiple * multiple
    if most <= 0:
        return 0, ZERO
    before = line.price * line.quantity
    units = 0
    gained = ZERO
    for _ in range(4):  # a break crossed lowers the price: a few steps settle it
        price = _catalog(line, line.quantity + units) if units else line.price
        step = int(((more - gained) / price).to_integral_value(ROUND_CEILING))
        units = min(most, round_up_to_multiple(units + max(step, 1), multiple))
        gained = _catalog(line, line.quantity + units) * (line.quantity + units) - before
        if gained >= more or units == most:
            break
    return units, gained
