"""Reading and writing negotiation rows inside a use case's transaction."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.appends import append_row
from ..db.models import Event, Negotiation, Offer
from ..rules import Decision
from .actors import Actor
from .errors import NotFoundError
from .states import OfferStatus

__all__ = ["new_id", "locked_negotiation", "offers_of", "write_offers", "WrittenOffer",
           "OfferRecord", "record_event", "close_open_offers"]


def new_id() -> str:
    # Random ids: nobody can walk the id space to find another company's negotiations.
    return uuid.uuid4().hex


def locked_negotiation(session: Session, negotiation_id: str, company_id: str) -> Negotiation:
    """The negotiation, row-locked until commit; 404 if it is not this company's."""
    row = session.scalars(
        select(Negotiation).where(Negotiation.id == negotiation_id).with_for_update()
        .execution_options(populate_existing=True)).first()
    if row is None or row.company_id != company_id:
        raise NotFoundError("No such price request.")
    return row


def offers_of(session: Session, negotiation_id: str) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.negotiation_id == negotiation_id)
                                .order_by(Offer.created_at, Offer.id)
                                .execution_options(populate_existing=True)))


@dataclass(frozen=True)
class WrittenOffer:
    """An offer row this transaction has just appended: the columns, without an ORM
    object. A new offer is not changed again in the transaction that makes it; later
    ones load it as an ``Offer``."""

    id: str
    negotiation_id: str
    round: int
    kind: str
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str
    status: str
    expires_at: datetime
    message: str
    explanation: str
    terms: list[dict[str, str]] | None
    created_at: datetime


#: Either kind of offer row, for code that only reads one.
OfferRecord = Offer | WrittenOffer


def write_offers(session: Session, negotiation: Negotiation, decision: Decision,
                 now: datetime) -> list[WrittenOffer]:
    """Appended rows (db/appends.py): the ORM's bookkeeping for an offer object was about
    a tenth of a price request's CPU, and nothing changes the offer before commit."""
    written = [WrittenOffer(
        id=new_id(), negotiation_id=negotiation.id, round=negotiation.round,
        kind=offer.kind.value, sku=offer.sku, quantity=offer.quantity,
        unit_price=offer.unit_price, currency=offer.currency, status=OfferStatus.OPEN.value,
        expires_at=offer.expires_at, message=offer.message, explanation=offer.explanation,
        terms=[{"group": t.group, "option": t.option, "label": t.label} for t in offer.terms] or None,
        created_at=now) for offer in decision.offers]
    for offer in written:
        append_row(session, Offer.__table__, _columns(offer))
    return written


def _columns(offer: WrittenOffer) -> dict[str, Any]:
    return {name: getattr(offer, name) for name in _OFFER_COLUMNS}


_OFFER_COLUMNS = tuple(WrittenOffer.__dataclass_fields__)


def close_open_offers(session: Session, negotiation_id: str, status: OfferStatus) -> int:
    closed = 0
    for offer in offers_of(session, negotiation_id):
        if offer.status == OfferStatus.OPEN:
            offer.status = status.value
            closed += 1
    return closed


def record_event(session: Session, negotiation: Negotiation, actor: Actor | None, action: str,
                 before: str | None, now: datetime, **detail: Any) -> None:
    append_row(session, Event.__table__, dict(
        negotiation_id=negotiation.id, at=now, actor_id=actor.id if actor else "system",
        actor_role=actor.role if actor else "system", action=action, before_status=before,
        after_status=negotiation.status, detail=_jsonable(detail)))


def _jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {key: (str(value) if not isinstance(value, (int, str, bool, type(None))) else value)
            for key, value in detail.items()}
