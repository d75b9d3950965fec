"""Closing moves around the concession: the same price for more units, and the last round.

Measured with bench/deal_quality.py (docs/deal-quality.md) and kept because they earn
more with the same simulated buyers:

- **More units at the same price.** Beside this round's concession, and beside an
  accepted target, the engine offers that price for the margin-neutral quantity at it:
  the smallest quantity, in order multiples, at which the price earns what the quantity
  asked earns at its catalog price (over the guarded cost, like
  ``tradeoffs.margin_neutral_volume``, so the quantity does not solve for the cost).
  The buyer loses nothing (the offer for the quantity asked stands beside it) and may
  take more units it can use; if it does, the shop earns about what the quantity asked
  would have earned at the catalog price, instead of the lower price alone.
- **The last round.** When the buyer has no round left (``Policy.max_rounds``) and its
  target is below the concession, a price-only counter asks it to pay more than its last
  word: a person, who may agree above the floor, answers instead, with the concession and
  the trade-offs as suggestions. A target below the decline line (routing's reach under
  the guard price) is declined, as in every round (engine.py: no concession far above
  the ask).
"""
from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from .frame import Candidate, Frame, Priced, round_up_to_multiple
from .messages import volume_message
from .model import OfferKind
from .money import round_money
from .pricing import price_at

__all__ = ["volume_at", "is_last_round", "LAST_ROUND"]

LAST_ROUND = "last round: the target is below what the rules concede; a rep may agree"


def volume_at(frame: Frame, price: Decimal) -> Candidate | None:
    """``price`` for the margin-neutral quantity at it, or nothing: no cost kept, a price
    under the guard price, no whole order multiple more than asked, more than
    ``max_volume_factor`` times the quantity, or a quantity whose catalog price is
    already at or below ``price`` (the price break sells that many for as little)."""
    cost, quantity, start = frame.guarded_cost, frame.request.quantity, frame.price_at_quantity
    if not frame.context.cost_known or price < frame.guard or price <= cost or price >= start:
        return None
    needed = quantity * (start - cost) / (price - cost)
    total = round_up_to_multiple(int(needed.to_integral_value(rounding=ROUND_CEILING)), frame.order_multiple)
    if total <= quantity or total > quantity * frame.policy.max_volume_factor:
        return None
    rules = frame.rules
    at_total = round_money(price_at(frame.context.list_price, rules.breaks, rules.break_quantities, total),
                           frame.currency)
    if at_total <= price:
        return None
    priced = Priced(OfferKind.VOLUME, frame.request.sku, total, price, frame.context.cost, frame.floor,
                    frame.guarded_cost)
    return Candidate(priced, lambda: volume_message(total - quantity, total, price, frame.currency),
                     "margin-neutral volume at the price offered for the quantity asked")


def is_last_round(frame: Frame) -> bool:
    """The buyer cannot counter after this request: its target is its last word."""
    return frame.request.round >= frame.policy.max_rounds
