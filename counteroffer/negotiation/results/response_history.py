"""Reading the shop's answered offers for the buyer response model (``response_model.py``).

A *round* is the offers one decision put on the table (the engine's, or a person's).
It is answered once none of them is still open: the buyer took one (a deal), or
countered, withdrew or let them expire. Its features are those of its offer deepest off
list (what the buyer could have had at most), against the list price and segment its
result fact kept (docs/results.md) and the quantity asked in that round (the round's
``requested`` or ``countered`` audit event). Offers of an equivalent product are left out
of the features (their list price is not kept); a round of nothing else is left out.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import Event, Offer
from ...db.results import ResultFact
from ..shared.states import OfferStatus
from .response_model import Answer, ResponseModel, fit_response

__all__ = ["answered_rounds", "response_model", "HISTORY_DAYS", "MAX_ROUNDS"]

#: How far back the model looks, and the most recent rounds it fits on at most.
HISTORY_DAYS = 365
MAX_ROUNDS = 50_000
HUNDRED = Decimal(100)


#: The offer of a round deepest off list: unit price, quantity, kind, terms.
_Best = tuple[Decimal, int, str, "list[dict[str, str]] | None"]


@dataclass
class _Round:
    segment: str | None
    list_price: Decimal
    asked: int
    accepted: bool = False
    open: bool = False
    best: _Best | None = None


def response_model(session: Session, now: datetime, days: int = HISTORY_DAYS) -> ResponseModel:
    return fit_response(answered_rounds(session, now, days))


def answered_rounds(session: Session, now: datetime, days: int = HISTORY_DAYS,
                    limit: int = MAX_ROUNDS) -> list[Answer]:
    """The answered rounds of offers made in the last ``days`` days, newest first, at most ``limit``."""
    since = now - timedelta(days=days)
    rows = session.execute(
        select(Offer.negotiation_id, Offer.round, Offer.sku, Offer.kind, Offer.quantity, Offer.unit_price,
               Offer.terms, Offer.status, Offer.expires_at, ResultFact.sku, ResultFact.segment,
               ResultFact.list_price, ResultFact.asked_quantity)
        .join(ResultFact, ResultFact.negotiation_id == Offer.negotiation_id)
        .where(Offer.created_at >= since, ResultFact.list_price.is_not(None))
        .order_by(Offer.created_at.desc(), Offer.negotiation_id, Offer.round))
    rounds: dict[tuple[str, int], _Round] = {}
    for negotiation_id, round_, sku, kind, quantity, price, terms, status, expires_at, fact_sku, segment, \
            list_price, asked in rows:
        key = (negotiation_id, round_)
        if key not in rounds:
            if len(rounds) >= limit * 2:  # enough read: some rounds may still turn out open
                break
            rounds[key] = _Round(segment, list_price, asked)
        found = rounds[key]
        found.accepted |= status == OfferStatus.ACCEPTED
        found.open |= status == OfferStatus.OPEN and expires_at > now
        if sku == fact_sku and (found.best is None or price < found.best[0]):
            found.best = (price, quantity, kind, terms)
    _asked_per_round(session, rounds)
    answers = [_answer(r) for r in rounds.values() if not r.open and r.best is not None]
    return answers[:limit]


def _asked_per_round(session: Session, rounds: dict[tuple[str, int], _Round]) -> None:
    """The quantity asked in each round, from its audit event (a counter may change it)."""
    ids = sorted({negotiation_id for negotiation_id, round_ in rounds if round_ > 1})
    asked: dict[tuple[str, int], int] = defaultdict(int)
    for start in range(0, len(ids), 500):
        for negotiation_id, detail in session.execute(
                select(Event.negotiation_id, Event.detail).where(
                    Event.negotiation_id.in_(ids[start:start + 500]), Event.action == "countered")):
            if isinstance(detail, dict) and detail.get("round") and detail.get("quantity"):
                asked[(negotiation_id, int(detail["round"]))] = int(detail["quantity"])
    for key, found in rounds.items():
        if asked.get(key):
            found.asked = asked[key]


def _answer(found: _Round) -> Answer:
    assert found.best is not None  # rounds without one are left out before
    price, quantity, kind, terms = found.best
    depth = float((found.list_price - price) * HUNDRED / found.list_price) if found.list_price else 0.0
    extra = (quantity - found.asked) * 100.0 / found.asked if found.asked else 0.0
    return Answer(found.segment, depth, extra, bool(terms), kind == "price", found.accepted)
