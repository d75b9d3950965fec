"""Deleting the documents whole-cart quotes cite once the quote closed (accepted, declined,
withdrawn or expired) more than the retention ago (issue 16), as a line's negotiation's
are (shared/retention.py). Called by buying/retention.py's ``purge_documents``, the one
entry point of the sweep; the audit event is the quote's (``counteroffer_quote_events``).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ...db.models import Document
from ...db.quotes import Quote
from ..shared.deps import Deps
from ..shared.retention import DOCUMENTS_DELETED, purge_owners
from .records import record_event

__all__ = ["purge_quote_documents"]


def purge_quote_documents(deps: Deps, retention: timedelta, now: datetime, batch_size: int) -> dict[str, int]:
    """Quote id -> files deleted, ``batch_size`` quotes per transaction."""
    def record(session: Session, row: Quote, documents: int) -> None:
        record_event(session, row, None, DOCUMENTS_DELETED, row.status, now, documents=documents,
                     retention_days=retention.days, closed_at=row.updated_at.isoformat())

    return purge_owners(deps, Quote, Document.quote_id, record, retention, now, batch_size)
