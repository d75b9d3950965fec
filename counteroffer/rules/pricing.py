"""Price at a quantity and the floor: the two numbers every decision starts from."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from decimal import Decimal

from .model import Floor, PriceBreak, PricingContext
from .money import round_up
from .scope import matching

__all__ = ["price_for_quantity", "price_at", "floor_price", "floor_from",
           "next_break", "effective_breaks"]

HUNDRED = Decimal(100)


def price_at(list_price: Decimal, breaks: tuple[PriceBreak, ...], quantities: tuple[int, ...],
             quantity: int) -> Decimal:
    """Like ``price_for_quantity`` with the quantities already extracted (the hot path)."""
    index = bisect_right(quantities, quantity)
    if index == 0:
        return list_price
    return min(list_price, breaks[index - 1].unit_price)


def price_for_quantity(list_price: Decimal, breaks: tuple[PriceBreak, ...], quantity: int) -> Decimal:
    """The catalog price per unit at ``quantity``: the last break reached, else list."""
    return price_at(list_price, breaks, tuple(step.min_quantity for step in breaks), quantity)


def effective_breaks(list_price: Decimal, breaks: tuple[PriceBreak, ...]) -> tuple[PriceBreak, ...]:
    """The breaks that lower the price, ascending: each below the price just before it
    (the list price, or the last break kept). A break at or above it (the list price
    dropped in a sale under a break set before) saves the buyer nothing, so it is
    neither shown nor offered."""
    kept, current = [], list_price
    for step in breaks:
        if step.unit_price < current:
            kept.append(step)
            current = step.unit_price
    return tuple(kept)


def next_break(breaks: tuple[PriceBreak, ...], quantity: int) -> PriceBreak | None:
    """The first step above ``quantity``: what the widget shows before anyone asks."""
    index = bisect_right([step.min_quantity for step in breaks], quantity)
    return breaks[index] if index < len(breaks) else None


def floor_from(floors: Iterable[Floor], cost: Decimal | None, currency: str,
               list_price: Decimal | None = None) -> Decimal:
    """The strictest of these floors, never below cost, rounded up to the minor unit.

    Rounding up means an offer that passes ``price >= floor`` after rounding to what
    is charged can never undercut the unrounded floor. (One loop, no lists: every
    decision and every alternative product asks for a floor.)

    ``cost`` None: the shop keeps none. A margin floor then says nothing (no cost is
    invented), so the floor comes from ``min_unit_price`` and ``max_discount_pct`` (off
    ``list_price``); with neither, it is the list price itself: no discount goes out
    without a person.
    """
    strictest = cost if cost is not None else Decimal(0)
    known = cost is not None
    # ``a if a > b else b`` rather than max(b, a): the same pick (max keeps the first of
    # equals), without a builtin call per rule (every line of a quote asks for a floor).
    for rule in floors:
        if rule.min_margin_pct is not None and cost is not None:
            marked = cost * (1 + rule.min_margin_pct / HUNDRED)
            strictest = marked if marked > strictest else strictest
        if rule.min_unit_price is not None:
            minimum, known = rule.min_unit_price, True
            strictest = minimum if minimum > strictest else strictest
        if rule.max_discount_pct is not None and list_price is not None:
            off_list, known = list_price * (1 - rule.max_discount_pct / HUNDRED), True
            strictest = off_list if off_list > strictest else strictest
    if not known and list_price is not None:
        strictest = list_price
    return round_up(strictest, currency)


def floor_price(rules: Iterable[Floor], sku: str, context: PricingContext) -> Decimal:
    """The strictest floor among the rules that apply to this SKU and buyer."""
    applicable = matching(rules, sku, context.segment, context.category)
    return floor_from(applicable, context.cost if context.cost_known else None, context.currency,
                      context.list_price)
