"""Sweep offers past their time. Correctness never depends on it: acceptance checks expiry
itself. The sweep keeps statuses true for lists, the widget and the results."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import transaction
from ..db.models import Negotiation, Offer
from .deps import Deps
from .records import record_event
from .states import OfferStatus, Status

__all__ = ["expire_lapsed"]


def expire_lapsed(deps: Deps, limit: int = 500) -> int:
    """Mark lapsed offers expired, and negotiations left with none; returns how many."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        lapsed = list(session.scalars(
            select(Offer).where(Offer.status == OfferStatus.OPEN, Offer.expires_at <= now)
            .order_by(Offer.expires_at).limit(limit).with_for_update(skip_locked=True)))
        for offer in lapsed:
            offer.status = OfferStatus.EXPIRED.value
        session.flush()
        for negotiation_id in {offer.negotiation_id for offer in lapsed}:
            _expire_if_empty(session, negotiation_id, now)
        return len(lapsed)


def _expire_if_empty(session: Session, negotiation_id: str, now: datetime) -> None:
    row = session.get(Negotiation, negotiation_id, with_for_update=True)
    if row is None or row.status not in (Status.OPEN, Status.COUNTERED):
        return
    open_left = session.scalar(select(Offer.id).where(
        Offer.negotiation_id == row.id, Offer.status == OfferStatus.OPEN).limit(1))
    if open_left is None:
        before, row.status, row.updated_at = row.status, Status.EXPIRED.value, now
        record_event(session, row, None, "expired", before, now)
