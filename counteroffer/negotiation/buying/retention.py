"""Deleting buyers' documents when their retention ends (issue 16): the sweep's one entry point.

A cited document's bytes go once its negotiation, or the whole-cart quote citing it
(quotes/retention.py), has been closed (accepted, declined,
withdrawn or expired) for the retention (``COUNTEROFFER_DOCUMENT_RETENTION_DAYS``),
counted from its last change of status (``updated_at``). The citation stays,
and so does the document's row as a marker (name, type, size, ``purged_at``): reps see
"deleted under retention" and the staff route answers 410. An upload never cited is
deleted whole after a day: nothing refers to it and nobody may read it.

Run by the worker's minutely sweep and by ``flask counteroffer documents purge``; either
may run twice at once: each batch locks its negotiations or quotes with SKIP LOCKED
(shared/retention.py), so two sweeps share the work and never delete one document twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Document, Negotiation
from ..quotes.retention import purge_quote_documents
from ..shared.deps import Deps
from ..shared.records import record_event
from ..shared.retention import CLOSED, DOCUMENTS_DELETED, purge_owners

__all__ = ["PurgeResult", "purge_documents", "CLOSED", "UNCITED_KEPT", "DOCUMENTS_DELETED"]

#: An upload never cited is kept this long, time enough to send the request that cites it.
UNCITED_KEPT = timedelta(days=1)


@dataclass(frozen=True)
class PurgeResult:
    #: Cited documents whose file was deleted, and the negotiations they belonged to.
    documents: int = 0
    negotiations: tuple[str, ...] = ()
    #: Uploads never cited, deleted whole.
    uncited: int = 0
    #: Documents whole-cart quotes cited whose file was deleted, and those quotes.
    quote_documents: int = 0
    quotes: tuple[str, ...] = ()


def purge_documents(deps: Deps, retention: timedelta, batch_size: int = 100) -> PurgeResult:
    """Delete the files of documents past retention, ``batch_size`` negotiations (then
    quotes) per transaction, until none is left that another sweep is not already handling."""
    now = deps.clock()

    def record(session: Session, row: Negotiation, documents: int) -> None:
        record_event(session, row, None, DOCUMENTS_DELETED, row.status, now, documents=documents,
                     retention_days=retention.days, closed_at=row.updated_at.isoformat())

    negotiations = purge_owners(deps, Negotiation, Document.negotiation_id, record, retention, now, batch_size)
    quotes = purge_quote_documents(deps, retention, now, batch_size)
    uncited = 0
    while (deleted := _delete_uncited(deps, now - UNCITED_KEPT, batch_size)):
        uncited += deleted
        if deleted < batch_size:
            break
    return PurgeResult(sum(negotiations.values()), tuple(negotiations), uncited,
                       sum(quotes.values()), tuple(quotes))


def _delete_uncited(deps: Deps, cutoff: datetime, batch_size: int) -> int:
    """Uploads never cited and older than ``cutoff``; one being cited right now is locked
    by its citation (document_store.claim_document) and skipped. A document a quote cites
    (``quote_id``) is cited: kept."""
    with transaction(deps.session_factory) as session:
        ids = list(session.scalars(select(Document.id).where(
            Document.negotiation_id.is_(None), Document.quote_id.is_(None), Document.created_at <= cutoff)
            .limit(batch_size).with_for_update(skip_locked=True)))
        if ids:
            session.execute(Document.__table__.delete().where(
                Document.id.in_(ids), Document.negotiation_id.is_(None), Document.quote_id.is_(None)))
        return len(ids)
