"""Reading a deal by its token and writing what one use of it leaves behind, shared by
redeeming (``deals.py``) and giving a redemption back (``releases.py``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import Deal, Event, Negotiation
from ...jobs.outbox import add_message
from ..results.result_facts import record_redeemed
from ..shared.actors import Actor
from ..shared.errors import NotFoundError
from ..shared.records import new_id, record_event
from .views import NOT_PLACED, Release

__all__ = ["find_deal", "record_use", "released_order_refs", "last_releases"]


def find_deal(session: Session, token: str, company_id: str | None, lock: bool) -> Deal:
    """The deal behind ``token``; 404 for another company's, as for none."""
    query = select(Deal).where(Deal.token == token).execution_options(populate_existing=True)
    deal = session.scalars(query.with_for_update() if lock else query).first()
    if deal is None or (company_id is not None and deal.company_id != company_id):
        raise NotFoundError("No such deal.")
    return deal


def record_use(session: Session, deal: Deal, actor: Actor | None, action: str,
               order_ref: str | None, now: datetime, **detail: Any) -> None:
    """What a redemption or a release writes beside the deal: the results, the audit
    event, and the ``deal.<action>`` message."""
    record_redeemed(session, deal)  # the result fact follows deal.redeemed_at either way
    row = session.get(Negotiation, deal.negotiation_id)
    assert row is not None
    record_event(session, row, actor, action, row.status, now, deal_id=deal.id, order_ref=order_ref, **detail)
    # One key per use: a deal released and redeemed again is redeemed twice (the deal
    # row's lock makes each use, and so its message, happen once).
    add_message(session, f"deal.{action}", f"deal.{action}:{deal.id}:{new_id()}",
                {"deal_id": deal.id, "order_ref": order_ref}, now)


def released_order_refs(session: Session, deal: Deal) -> list[str]:
    """The orders this deal served and was given back from, oldest first. The audit
    trail is where releases are recorded, in the same transaction as the release."""
    details = session.scalars(select(Event.detail).where(
        Event.negotiation_id == deal.negotiation_id, Event.action == "released").order_by(Event.id))
    refs = [detail.get("order_ref") for detail in details if detail.get("deal_id") == deal.id]
    return list(dict.fromkeys(ref for ref in refs if ref))


def last_releases(session: Session, negotiation_ids: list[str]) -> dict[str, Release]:
    """deal id -> its last release, for the deals of these negotiations (one query)."""
    if not negotiation_ids:
        return {}
    events = session.scalars(select(Event).where(
        Event.negotiation_id.in_(negotiation_ids), Event.action == "released").order_by(Event.id))
    return {event.detail["deal_id"]: Release(event.at, event.detail.get("order_ref"),
                                             event.detail.get("order_status") or NOT_PLACED)
            for event in events if event.detail.get("deal_id")}
