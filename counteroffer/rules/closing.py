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
  the trade-offs as suggestions. Except (issue 23) when the rules reach the target
  without this negotiation's jitter (at or above the reservation price: the guard price,
  or the rule's most off if higher) and the engine already sells more units at it
  (``volume_at``: a known cost, stock, the volume factor, the limit): then the target is
  accepted, with those units beside it. The jitter keeps counters from being a fixed
  function of the reservation; in the last round no counter is made, and the acceptance's
  edge tells nothing new: the rule's most off is no floor, and the same price for more
  units at the target (``tradeoffs.margin_neutral_volume``, in every round) already
  starts at the guard price. In bench/deal_quality.py every one of these went to a person
  who approved it (about 5 of the 22 to 24 points of negotiations needing one).
  A target below the decline line (routing's reach under
  the guard price) is declined, as in every round (engine.py: no concession far above
  the ask).
"""
from __future__ import annotations

from decimal import Decimal

from .frame import Candidate, Frame
from .money import round_money
from .pricing import price_at
from .tradeoffs import margin_neutral_quantity, volume_offer

__all__ = ["volume_at", "is_last_round", "LAST_ROUND", "LAST_ROUND_ACCEPTED"]

LAST_ROUND = "last round: the target is below what the rules concede; a rep may agree"
LAST_ROUND_ACCEPTED = "last round: the rules reach the target without jitter and sell more units at it"


def volume_at(frame: Frame, price: Decimal) -> Candidate | None:
    """``price`` for the margin-neutral quantity at it (``tradeoffs.margin_neutral_quantity``),
    or nothing: also when ``price`` is not below the price for the quantity asked, or the
    catalog price for that quantity is already at or below ``price`` (the price break
    sells that many for as little)."""
    if price >= frame.price_at_quantity:
        return None
    total = margin_neutral_quantity(frame, price)
    if total is None:
        return None
    rules = frame.rules
    at_total = round_money(price_at(frame.context.list_price, rules.breaks, rules.break_quantities, total),
                           frame.currency)
    if at_total <= price:
        return None
    return volume_offer(frame, total, price, "margin-neutral volume at the price offered for the quantity asked")


def is_last_round(frame: Frame) -> bool:
    """The buyer cannot counter after this request: its target is its last word."""
    return frame.request.round >= frame.policy.max_rounds
