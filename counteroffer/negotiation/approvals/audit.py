"""The audit trail of a negotiation, for the seller's people: every change, who made it in
which role (and on whose behalf), before and after, why, and when. Append-only: events
are only ever inserted, in the transaction of the change they record.

Any rep or manager may read any negotiation's trail: it is the seller's own record.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...db import transaction
from ...db.models import Event, Negotiation
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import NotFoundError
from .staff import require_staff

__all__ = ["AuditEvent", "audit_trail", "audit_csv", "event_view", "events_csv", "CSV_COLUMNS"]

CSV_COLUMNS = ("at", "actor_id", "actor_role", "on_behalf_of", "action", "before_status",
               "after_status", "rationale", "detail")
#: A cell starting with one of these is a formula to a spreadsheet: never let a rationale
#: typed by someone run in the reader's Excel (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor_id: str
    actor_role: str
    on_behalf_of: str | None
    action: str
    before_status: str | None
    after_status: str
    rationale: str | None
    detail: dict[str, Any]


def audit_trail(deps: Deps, actor: Actor, negotiation_id: str) -> list[AuditEvent]:
    require_staff(actor)
    with transaction(deps.session_factory) as session:
        if session.get(Negotiation, negotiation_id) is None:
            raise NotFoundError("No such price request.")
        events = session.scalars(select(Event).where(Event.negotiation_id == negotiation_id)
                                 .order_by(Event.id))
        return [event_view(event) for event in events]


def event_view(event: Any) -> AuditEvent:
    """A line request's ``Event`` or a quote's ``QuoteEvent``: the same columns."""
    detail = dict(event.detail or {})
    return AuditEvent(at=event.at, actor_id=event.actor_id, actor_role=event.actor_role,
                      on_behalf_of=detail.pop("on_behalf_of", None), action=event.action,
                      before_status=event.before_status, after_status=event.after_status,
                      rationale=detail.pop("rationale", None), detail=detail)


def audit_csv(deps: Deps, actor: Actor, negotiation_id: str) -> str:
    """The trail as CSV (RFC 4180, a header row, times in ISO 8601 UTC)."""
    return events_csv(audit_trail(deps, actor, negotiation_id))


def events_csv(events: list[AuditEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        writer.writerow([_cell(value) for value in (
            event.at.isoformat(), event.actor_id, event.actor_role, event.on_behalf_of or "",
            event.action, event.before_status or "", event.after_status, event.rationale or "",
            json.dumps(event.detail, sort_keys=True) if event.detail else "")])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
