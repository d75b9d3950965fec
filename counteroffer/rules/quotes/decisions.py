"""How a quote decision is put together: accept, counter, escalate or decline."""
from __future__ import annotations

from decimal import Decimal

from ..model import Outcome
from .candidates import QuoteCandidate
from .lines import QuoteFrame
from .model import QuoteDecision, QuoteOffer
from .offers import make_quote_offer

__all__ = ["decision", "escalate", "accept", "meets_order_floor"]

HUNDRED = Decimal(100)


def decision(qf: QuoteFrame, outcome: Outcome, offers: tuple[QuoteOffer, ...], reason: str,
             suggestions: tuple[QuoteOffer, ...] = (), accepted: QuoteOffer | None = None) -> QuoteDecision:
    return QuoteDecision(outcome=outcome, offers=offers, reason=reason, cart_total=qf.cart_total,
                         accepted=accepted, suggestions=suggestions,
                         floors={line.sku: line.frame.floor for line in qf.lines},
                         guards={line.sku: line.guard for line in qf.lines}, order_floor=qf.floor_total)


def escalate(qf: QuoteFrame, reason: str, suggestions: tuple[QuoteOffer, ...]) -> QuoteDecision:
    return decision(qf, Outcome.ESCALATE, (), reason, suggestions)


def accept(qf: QuoteFrame, candidate: QuoteCandidate, why: str) -> QuoteDecision:
    offer = make_quote_offer(qf, candidate)
    return decision(qf, Outcome.ACCEPT, (offer,), why, accepted=offer)


def meets_order_floor(qf: QuoteFrame, candidate: QuoteCandidate) -> bool:
    """The lines whose cost is known total at least the order floor over their guarded
    cost, at the quantities and products this candidate offers."""
    floor = qf.order.floor
    if floor is None:
        return True
    revenue, cost = candidate.known_totals
    return revenue >= cost * (1 + floor.min_margin_pct / HUNDRED)
