"""The audit trail of a quote, for the seller's people, as a line request's
(approvals/audit.py): every change, who made it in which role (and on whose behalf),
before and after, why, and when, from ``counteroffer_quote_events``.

Any rep or manager may read any quote's trail: it is the seller's own record.
"""
from __future__ import annotations

from sqlalchemy import select

from ....db import transaction
from ....db.quotes import Quote, QuoteEvent
from ...approvals.audit import AuditEvent, event_view, events_csv
from ...approvals.staff import require_staff
from ...shared.actors import Actor
from ...shared.deps import Deps
from ...shared.errors import NotFoundError

__all__ = ["quote_audit_trail", "quote_audit_csv"]


def quote_audit_trail(deps: Deps, actor: Actor, quote_id: str) -> list[AuditEvent]:
    require_staff(actor)
    with transaction(deps.session_factory) as session:
        if session.get(Quote, quote_id) is None:
            raise NotFoundError("No such quote.")
        events = session.scalars(select(QuoteEvent).where(QuoteEvent.quote_id == quote_id).order_by(QuoteEvent.id))
        return [event_view(event) for event in events]


def quote_audit_csv(deps: Deps, actor: Actor, quote_id: str) -> str:
    """The trail as CSV (RFC 4180, a header row, times in ISO 8601 UTC, formulas defused)."""
    return events_csv(quote_audit_trail(deps, actor, quote_id))
