"""Margin mix: a concession on the whole order, spread across its lines by headroom.

Each line has a low price it may go to (its guard price, or this round's single-line
concession) and a high one (its price for the quantity); its room is the quantity
times the difference. A concession of ``give`` takes the same share ``give / room`` of
every line's room: a rich line gives more, a line at its low gives nothing, no line
goes below its low, and each price is rounded up (in the seller's favour), so the
order never gives more in total than ``give``. The order floor (``order_floor``, over
the lines whose cost is known) caps the share.
"""
from __future__ import annotations

from decimal import Decimal

from ..money import quantum, round_up
from .candidates import QuoteCandidate
from .lines import QuoteFrame
from .messages import concession_quote_message, mix_quote_message
from .model import QuoteOfferKind

__all__ = ["spread", "floor_share", "concession_quote", "mix_quote"]

ZERO = Decimal(0)
ONE = Decimal(1)


def _rooms(qf: QuoteFrame, lows: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """The room between the lines' caps and ``lows`` (each line's quantity times the
    difference, none below its low): over all lines, and over those whose cost is known;
    and what those lines total at their caps. One loop: the concession and every mix
    read all three."""
    room = known_room = known_high = ZERO
    for line, low in zip(qf.lines, lows, strict=True):
        gap = line.cap - low  # max(ZERO, gap) as a comparison: no builtin call per line
        line_room = (gap if gap > ZERO else ZERO) * line.quantity
        room += line_room
        if line.cost_known:
            known_room += line_room
            known_high += line.cap * line.quantity
    return room, known_room, known_high


def floor_share(qf: QuoteFrame, known_room: Decimal, known_high: Decimal) -> Decimal:
    """The largest share of the room the order floor allows (1 or more: no limit)."""
    if qf.floor_total is None:
        return ONE
    if not known_room:
        return ONE if known_high >= qf.floor_total else ZERO
    return max(ZERO, min(ONE, (known_high - qf.floor_total) / known_room))


def spread(qf: QuoteFrame, lows: list[Decimal], share: Decimal, total: Decimal | None = None) -> list[Decimal]:
    """Every line ``share`` of the way from its cap down to its low, rounded up; then, if
    ``total`` is given, lowered a minor unit at a time where that keeps the order at or
    above ``total`` (the rounding up left the order a little above what was asked)."""
    currency = qf.currency
    prices = []
    for line, low in zip(qf.lines, lows, strict=True):
        cap = line.cap
        if low >= cap:
            prices.append(cap)
        else:
            price = round_up(cap - share * (cap - low), currency)
            prices.append(price if price > low else low)  # max(low, price)
    if total is not None:
        _fit(qf, lows, prices, total)
    return prices


def _fit(qf: QuoteFrame, lows: list[Decimal], prices: list[Decimal], total: Decimal) -> None:
    """Take the excess over ``total`` off the lines with the most units first (each cent
    there is worth most), never below a line's low, and never taking the lines whose cost
    is known below the order floor: the share was checked against it before rounding, but
    a line with few units may otherwise take the whole excess (a hypothesis case: 48 units
    taken to their guard price, 528 against an order floor of 629, because the line of
    2,988 units could not give a yen)."""
    unit = quantum(qf.currency)
    excess = known = ZERO
    for price, line in zip(prices, qf.lines, strict=True):
        excess += price * line.quantity
        if line.cost_known:
            known += price * line.quantity
    excess -= total
    floor = qf.floor_total
    for index in qf.most_units_first():
        if excess < unit:
            return
        line, low = qf.lines[index], lows[index]
        quantity = line.quantity
        steps = min(int(excess / (unit * quantity)), int((prices[index] - low) / unit))
        if floor is not None and line.cost_known:
            steps = min(steps, int((known - floor) / (unit * quantity)))
        if steps > 0:
            prices[index] -= unit * steps
            excess -= unit * steps * quantity
            if line.cost_known:
                known -= unit * steps * quantity


def concession_quote(qf: QuoteFrame) -> QuoteCandidate | None:
    """This round's step toward the order target: every line at its single-line
    concession (a line whose own target is above it at that target: never more than
    asked), or as far toward it as the order floor allows."""
    lows = [max(line.concession, min(line.wanted, line.cap)) if line.own_target else line.concession
            for line in qf.lines]
    room, known_room, known_high = _rooms(qf, lows)
    if room <= 0:
        return None
    share = floor_share(qf, known_room, known_high)
    if share <= 0:
        return None
    prices = spread(qf, lows, share, qf.floor_total if share < 1 else None)
    why = f"concession, round {qf.request.round}"
    candidate = QuoteCandidate(QuoteOfferKind.CONCESSION, qf.lines, concession_quote_message, why, prices=prices)
    return candidate if candidate.total < qf.cart_total else None


def mix_quote(qf: QuoteFrame, lows: list[Decimal], kind: QuoteOfferKind, why: str,
              total: Decimal | None = None) -> QuoteCandidate | None:
    """The order at ``total`` (default: the order target), spread over the lines' room
    between their caps and ``lows``; None if the room or the order floor does not allow it."""
    total = qf.target if total is None else total
    give = qf.standing_total - total
    if give <= 0:
        return None
    room, known_room, known_high = _rooms(qf, lows)
    if room < give:
        return None
    share = give / room
    if share > floor_share(qf, known_room, known_high):
        return None
    prices = spread(qf, lows, share, total)
    return QuoteCandidate(kind, qf.lines, mix_quote_message, why, prices=prices)
