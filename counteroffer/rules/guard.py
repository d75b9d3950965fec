"""The guard price: where the engine's own answers stop, a secret margin above the floor.

If the engine answered on its own right down to the floor, a buyer could bisect on what
it does (countered or escalated, declined or escalated) and read the floor to the cent,
and solve a margin-neutral volume offer's quantity for the cost. So every automatic
answer stops at ``floor + margin`` instead, the margin a share of list price drawn
from the configured band (``Policy.floor_guard_pct``) by a number in [0, 1) that the
caller fixes per (company, SKU) from a server secret (``GuardDraws``). Between the floor
and the guard price a person answers, exactly as below the floor. Quantities and ranks
that would need the cost use the cost plus a second, independent margin from the same
band, so solving them gives that sum, not the cost. docs/security.md.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import round_up

__all__ = ["GuardDraws", "NO_DRAWS", "guard_margin", "guard_price", "guarded_cost"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class GuardDraws:
    """Two numbers in [0, 1) for one (company, SKU), unknown to the buyer: where in the
    band this pair's floor margin and cost margin fall. Independent of each other, so the
    guard price and the guarded cost cannot be subtracted to cancel the margin."""

    floor: Decimal = ZERO
    cost: Decimal = ZERO


NO_DRAWS = GuardDraws()


def guard_margin(list_price: Decimal, band: tuple[Decimal, Decimal], draw: Decimal) -> Decimal:
    """``list_price`` times a percentage from ``band`` (low, high): low at draw 0."""
    low, high = band
    if not high:
        return ZERO  # no band: the hot path skips the arithmetic
    return list_price * (low + (high - low) * draw) / HUNDRED


def guard_price(floor: Decimal, list_price: Decimal, band: tuple[Decimal, Decimal],
                draw: Decimal, currency: str) -> Decimal:
    """The lowest price the engine offers or accepts on its own, rounded up like a floor."""
    margin = guard_margin(list_price, band, draw)
    return round_up(floor + margin, currency) if margin else floor


def guarded_cost(cost: Decimal, list_price: Decimal, band: tuple[Decimal, Decimal],
                 draw: Decimal) -> Decimal:
    """The cost the engine reasons with where a buyer could solve an answer for it."""
    return cost + guard_margin(list_price, band, draw)
