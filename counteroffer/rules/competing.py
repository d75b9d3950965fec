"""A cited competing offer: information the rules may act on, never a target to probe with.

A ``competing_offer`` rule matches (or beats by an amount or a share) the unit price a
buyer cites from a competitor, for the quantity asked. The matched price is held to the
guard price, not the floor (rules/guard.py): a citation whose match would fall below it
goes to a person with the evidence, and is never answered with the guard or the floor
themselves. So a buyer who cites ever lower prices learns where matches stop, the guard
price, which bisecting targets on "declined" already finds; nothing nearer the floor or
the cost (docs/competing-offers.md, tests/guards/test_competing_probing.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from .frame import Candidate, Frame, Priced
from .messages import format_money
from .model import Citation, CompetingOffer, OfferKind
from .money import quantum

__all__ = ["CitedAnswer", "cited_answer", "matched_price", "NEEDS_DOCUMENT", "BELOW_GUARD"]

HUNDRED = Decimal(100)
NEEDS_DOCUMENT = "a competing offer over the document limit came without a document; a rep checks the citation"
BELOW_GUARD = "the cited price is below what the rules may match; a rep checks the evidence"


@dataclass(frozen=True, slots=True)
class CitedAnswer:
    """What a citation earns: ``match`` (a candidate at the matched price) or, when
    ``match`` is None, a person, for ``reason``."""

    reason: str
    match: Candidate | None = None


def matched_price(rule: CompetingOffer, cited: Decimal, currency: str) -> Decimal:
    """The cited price less the rule's margin, rounded up to the currency's unit (a
    match never undercuts by more than the rule says)."""
    beat = rule.beat_by_amount or Decimal(0)
    if rule.beat_by_pct is not None:
        beat = cited * rule.beat_by_pct / HUNDRED
    return (cited - beat).quantize(quantum(currency), ROUND_CEILING)


def cited_answer(frame: Frame) -> CitedAnswer | None:
    """None when the citation changes nothing: none given, past its date, no rule covers
    the competitor, or the match is no lower than the shop's own price."""
    citation = frame.request.citation
    if citation is None or _expired(citation, frame.now.date()):
        return None
    rule = next((r for r in frame.rules.competing if r.covers(citation.competitor)), None)
    if rule is None:
        return None
    price = matched_price(rule, citation.unit_price, frame.currency)
    price = min([price, *_ours_for_quantity(frame)])  # never back on an earlier offer
    if price >= frame.price_at_quantity:
        return None
    if price < frame.guard:
        return CitedAnswer(BELOW_GUARD)
    quantity = frame.request.quantity
    if rule.document_above is not None and price * quantity > rule.document_above and not citation.has_document:
        return CitedAnswer(NEEDS_DOCUMENT)
    return CitedAnswer("matches a cited competing offer", _match(frame, price, citation))


def _expired(citation: Citation, today: date) -> bool:
    return citation.valid_until is not None and citation.valid_until < today


def _ours_for_quantity(frame: Frame) -> list[Decimal]:
    quantity = frame.request.quantity
    return [o.unit_price for o in frame.context.earlier_offers if o.quantity == quantity and not o.by_rep]


def _match(frame: Frame, price: Decimal, citation: Citation) -> Candidate:
    request, context = frame.request, frame.context
    priced = Priced(OfferKind.MATCH, request.sku, request.quantity, price, context.cost, frame.floor,
                    frame.guarded_cost)
    money = format_money(price, frame.currency)
    why = f"matches {citation.competitor} at {format_money(citation.unit_price, frame.currency)}"
    return Candidate(priced, lambda: f"We match the offer you cited: {request.quantity:,} units at {money} each.",
                     why)
