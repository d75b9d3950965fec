"""Reading and writing negotiation rows inside a use case's transaction."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.appends import append_object, append_row, new_object
from ...db.models import Event, Negotiation, Offer
from ...rules import Decision
from .actors import Actor
from .errors import NotFoundError
from .states import OfferStatus

__all__ = ["new_id", "locked_negotiation", "offers_of", "write_offers", "record_event",
           "close_open_offers"]


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
                                .order_by(Offer.created_at, Offer.rank, Offer.id)
                                .execution_options(populate_existing=True)))


def write_offers(session: Session, negotiation: Negotiation, decision: Decision,
                 now: datetime) -> list[Offer]:
    rows = [new_object(
            Offer, id=new_id(), negotiation_id=negotiation.id, round=negotiation.round,
            kind=offer.kind.value, sku=offer.sku, quantity=offer.quantity,
            unit_price=offer.unit_price, currency=offer.currency, status=OfferStatus.OPEN.value,
            expires_at=offer.expires_at, message=offer.message, explanation=offer.explanation,
            terms=[{"group": t.group, "option": t.option, "label": t.label} for t in offer.terms] or None,
            created_at=now, rank=rank) for rank, offer in enumerate(decision.offers)]
    for row in rows:
        append_object(session, row)
    return rows


def close_open_offers(session: Session, negotiation_id: str, status: OfferStatus) -> int:
    closed = 0
    for offer in offers_of(session, negotiation_id):
        if offer.status == OfferStatus.OPEN:
            offer.status = status.value
            closed += 1
    return closed


def record_event(session: Session, negotiation: Negotiation, actor: Actor | None, action: str,
                 before: str | None, now: datetime, **detail: Any) -> None:
    append_row(session, Event.__table__, event_values(
        {"negotiation_id": negotiation.id}, actor, action, before, negotiation.status, now, detail))


def event_values(subject: dict[str, str], actor: Actor | None, action: str, before: str | None,
                 after: str, now: datetime, detail: dict[str, Any]) -> dict[str, Any]:
    """An audit event's columns, for a line's events or a quote's (``subject`` names the
    row it is about): who (``system`` for the worker), what, the move, and the detail as JSON."""
    return dict(subject, at=now, actor_id=actor.id if actor else "system",
                actor_role=actor.role if actor else "system", action=action, before_status=before,
                after_status=after, detail=jsonable(detail))


def jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as JSON values: lists and mappings kept, Decimals and dates as text."""
    def plain(value: Any) -> Any:
        if isinstance(value, (int, str, bool, type(None))):
            return value
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return str(value)
    return {key: plain(value) for key, value in detail.items()}
