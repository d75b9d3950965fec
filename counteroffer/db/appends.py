"""Rows written once and not changed again in the transaction that writes them (audit
events, outbox messages, a new escalation), as plain INSERTs without ORM objects.

Nothing reads these rows back as objects in that transaction, so the ORM's bookkeeping
buys nothing there: it would track each object through the flush and fetch server ids
back (RETURNING, sorted by a sentinel column as soon as two rows share a flush). On an
escalating price request that bookkeeping was about a tenth of the request's CPU
(bench/http_bench.py's ratio_escalating; the request writes two events, an outbox row
and the escalation). Later transactions load and change these rows as ORM objects.

When they are written, so that the transaction sees them as it would see pending objects:
- right after the ORM's own rows at every flush (their foreign keys need those rows);
- before an ORM query while autoflush is on (a query then sees them, as with autoflush);
- at commit, even when no ORM object was pending.
Rows of one table go out in one statement, in the order they were appended.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Table, event, insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

__all__ = ["append_row", "write_appended"]

_PENDING = "counteroffer_appended_rows"


def append_row(session: Session, table: Table, values: dict[str, Any]) -> None:
    """Queue one row for ``table``; it is inserted with the session's next flush or commit."""
    pending: dict[Table, list[dict[str, Any]]] = session.info.setdefault(_PENDING, {})
    pending.setdefault(table, []).append(values)


def write_appended(session: Session) -> None:
    """Insert every queued row now, one statement per table."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    for table, rows in pending.items():
        connection.execute(insert(table), rows)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: object) -> None:
    write_appended(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        session.flush()  # the ORM's rows first: the appended rows refer to them
        write_appended(session)  # when nothing else was pending, the flush wrote nothing


@event.listens_for(Session, "do_orm_execute")
def _before_query(state: ORMExecuteState) -> None:
    session = state.session
    if state.is_select and session.autoflush and session.info.get(_PENDING):
        session.flush()
        write_appended(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    # Every rollback() call, even one with nothing yet sent to the database. A savepoint's
    # rollback would need per-savepoint bookkeeping; nothing here uses savepoints.
    if not previous.nested:
        session.info.pop(_PENDING, None)
