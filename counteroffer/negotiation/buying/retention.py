"""Deleting buyers' documents when their retention ends (issue 16).

A cited document's bytes go once its negotiation has been closed (accepted, declined,
withdrawn or expired) for the retention (``COUNTEROFFER_DOCUMENT_RETENTION_DAYS``),
counted from the negotiation's last change of status (``updated_at``). The citation stays,
and so does the document's row as a marker (name, type, size, ``purged_at``): reps see
"deleted under retention" and the staff route answers 410. An upload never cited is
deleted whole after a day: nothing refers to it and nobody may read it.

Run by the worker's minutely sweep and by ``flask counteroffer documents purge``; either
may run twice at once: each batch locks its negotiations with SKIP LOCKED (the order every
use case locks in: the negotiation first), so two sweeps share the work and never delete
one document twice.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Document, Negotiation
from ..shared.deps import Deps
from ..shared.records import record_event
from ..shared.states import Status

__all__ = ["PurgeResult", "purge_documents", "CLOSED", "UNCITED_KEPT", "DOCUMENTS_DELETED"]

#: Statuses a negotiation ends in; its ``updated_at`` is then when it closed.
CLOSED = (Status.ACCEPTED.value, Status.DECLINED.value, Status.WITHDRAWN.value, Status.EXPIRED.value)
#: An upload never cited is kept this long, time enough to send the request that cites it.
UNCITED_KEPT = timedelta(days=1)
#: The audit event's action.
DOCUMENTS_DELETED = "documents_deleted"


@dataclass(frozen=True)
class PurgeResult:
    #: Cited documents whose file was deleted, and the negotiations they belonged to.
    documents: int = 0
    negotiations: tuple[str, ...] = ()
    #: Uploads never cited, deleted whole.
    uncited: int = 0


def purge_documents(deps: Deps, retention: timedelta, batch_size: int = 100) -> PurgeResult:
    """Delete the files of documents past retention, ``batch_size`` negotiations per
    transaction, until none is left that another sweep is not already handling."""
    now = deps.clock()
    documents, negotiations = 0, list[str]()
    while True:
        with transaction(deps.session_factory) as session:
            per_negotiation = _purge_batch(session, now - retention, now, retention, batch_size)
        documents += sum(per_negotiation.values())
        negotiations.extend(per_negotiation)
        if len(per_negotiation) < batch_size:
            break
    uncited = 0
    while (deleted := _delete_uncited(deps, now - UNCITED_KEPT, batch_size)):
        uncited += deleted
        if deleted < batch_size:
            break
    return PurgeResult(documents, tuple(negotiations), uncited)


def _purge_batch(session: Session, cutoff: datetime, now: datetime, retention: timedelta,
                 batch_size: int) -> dict[str, int]:
    """One transaction: lock closed negotiations past ``cutoff`` that still hold a file,
    delete their files, and write each one's audit event. Negotiation id -> files deleted."""
    holding = select(Document.negotiation_id).where(
        Document.negotiation_id.is_not(None), Document.purged_at.is_(None))
    rows = session.scalars(select(Negotiation).where(
        Negotiation.id.in_(holding), Negotiation.status.in_(CLOSED), Negotiation.updated_at <= cutoff)
        .order_by(Negotiation.updated_at, Negotiation.id).limit(batch_size)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)).all()
    if not rows:
        return {}
    # Read afresh under the locks: a sweep that committed meanwhile has left nothing here.
    found = session.execute(select(Document.id, Document.negotiation_id).where(
        Document.negotiation_id.in_([row.id for row in rows]), Document.purged_at.is_(None))).all()
    session.execute(update(Document).where(Document.id.in_([id_ for id_, _ in found]))
                    .values(data=None, purged_at=now))
    counts = Counter(negotiation_id for _, negotiation_id in found)
    for row in rows:
        if counts[row.id]:
            record_event(session, row, None, DOCUMENTS_DELETED, row.status, now, documents=counts[row.id],
                         retention_days=retention.days, closed_at=row.updated_at.isoformat())
    return {row.id: counts[row.id] for row in rows if counts[row.id]}


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
