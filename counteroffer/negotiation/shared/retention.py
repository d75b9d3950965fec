"""Deleting the files of cited documents once their owner closed more than the retention
ago (issue 16): what a line's negotiation and a whole-cart quote share.

An owner is a negotiation (``Document.negotiation_id``) or a quote (``Document.quote_id``);
both have ``id``, ``status`` and ``updated_at``, the last change of status, so a closed
one's ``updated_at`` is when it closed. Each batch is one transaction that locks its owners
with SKIP LOCKED (the order every use case locks in: the owner first), so two sweeps share
the work and never delete one document twice; the bytes go, the row stays as the marker
(``purged_at``), and each owner gets one audit event through ``record``.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from ...db import transaction
from ...db.models import Document
from .deps import Deps
from .states import Status

__all__ = ["CLOSED", "DOCUMENTS_DELETED", "Owner", "purge_owners"]

#: Statuses a negotiation or a quote ends in; its ``updated_at`` is then when it closed.
CLOSED = (Status.ACCEPTED.value, Status.DECLINED.value, Status.WITHDRAWN.value, Status.EXPIRED.value)
#: The audit event's action, for a negotiation's and a quote's alike.
DOCUMENTS_DELETED = "documents_deleted"


class Owner(Protocol):
    id: Any
    status: Any
    updated_at: Any


OwnerRow = TypeVar("OwnerRow", bound=Owner)
#: Writes the owner's audit event: (session, owner row, files deleted).
Recorder = Callable[[Session, OwnerRow, int], None]


def purge_owners(deps: Deps, owner: type[OwnerRow], cited_by: InstrumentedAttribute[Any], record: Recorder[OwnerRow],
                 retention: timedelta, now: datetime, batch_size: int) -> dict[str, int]:
    """Every owner closed before ``now - retention`` whose documents still hold a file,
    ``batch_size`` per transaction, until none is left that another sweep is not already
    handling. Owner id -> files deleted, in the order they were handled."""
    purged: dict[str, int] = {}
    while True:
        with transaction(deps.session_factory) as session:
            batch = _purge_batch(session, owner, cited_by, record, now - retention, now, batch_size)
        purged.update(batch)
        if len(batch) < batch_size:
            return purged


def _purge_batch(session: Session, owner: type[OwnerRow], cited_by: InstrumentedAttribute[Any],
                 record: Recorder[OwnerRow], cutoff: datetime, now: datetime, batch_size: int) -> dict[str, int]:
    """One transaction: lock closed owners past ``cutoff`` that still hold a file, delete
    their files, and write each one's audit event."""
    holding = select(cited_by).where(cited_by.is_not(None), Document.purged_at.is_(None))
    columns: Any = owner  # the mapped class: its columns are SQL expressions here
    rows = session.scalars(select(owner).where(
        columns.id.in_(holding), columns.status.in_(CLOSED), columns.updated_at <= cutoff)
        .order_by(columns.updated_at, columns.id).limit(batch_size)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)).all()
    if not rows:
        return {}
    # Read afresh under the locks: a sweep that committed meanwhile has left nothing here.
    found = session.execute(select(Document.id, cited_by).where(
        cited_by.in_([row.id for row in rows]), Document.purged_at.is_(None))).all()
    session.execute(update(Document).where(Document.id.in_([id_ for id_, _ in found]))
                    .values(data=None, purged_at=now))
    counts = Counter(owner_id for _, owner_id in found)
    for row in rows:
        if counts[row.id]:
            record(session, row, counts[row.id])
    return {row.id: counts[row.id] for row in rows if counts[row.id]}
