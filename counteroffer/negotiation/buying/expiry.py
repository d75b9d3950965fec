"""Sweep offers past their time. Correctness never depends on it: acceptance checks expiry
itself. The sweep keeps statuses true for lists, the widget and the results."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Negotiation, Offer
from ..shared.deps import Deps
from ..shared.records import record_event
from ..shared.states import OfferStatus, Status

__all__ = ["expire_lapsed"]


def expire_lapsed(deps: Deps, limit: int = 500) -> int:
    """Mark lapsed offers expired, and negotiations left with none; returns how many.

    Locks the negotiation before its offers, the order every use case locks in: locking
    offers first deadlocked against an accept or a rep's decision on the same request
    (tests/integration/test_security_races.py). A negotiation locked by one of them right
    now is skipped; it checks expiry itself, and the next sweep comes back for the rest."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        lapsed_in = select(Offer.negotiation_id).where(
            Offer.status == OfferStatus.OPEN, Offer.expires_at <= now).distinct().limit(limit)
        rows = session.scalars(select(Negotiation).where(Negotiation.id.in_(lapsed_in))
                               .with_for_update(skip_locked=True)
                               .execution_options(populate_existing=True)).all()
        return sum(_expire_offers_of(session, row, now) for row in rows)


def _expire_offers_of(session: Session, row: Negotiation, now: datetime) -> int:
    """Under the negotiation's lock: read its lapsed offers afresh and expire them."""
    lapsed = list(session.scalars(select(Offer).where(
        Offer.negotiation_id == row.id, Offer.status == OfferStatus.OPEN, Offer.expires_at <= now)
        .execution_options(populate_existing=True)))
    for offer in lapsed:
        offer.status = OfferStatus.EXPIRED.value
    session.flush()
    _expire_if_empty(session, row, now)
    return len(lapsed)


def _expire_if_empty(session: Session, row: Negotiation, now: datetime) -> None:
    if row.status not in (Status.OPEN, Status.COUNTERED):
        return
    open_left = session.scalar(select(Offer.id).where(
        Offer.negotiation_id == row.id, Offer.status == OfferStatus.OPEN).limit(1))
    if open_left is None:
        before, row.status, row.updated_at = row.status, Status.EXPIRED.value, now
        record_event(session, row, None, "expired", before, now)
