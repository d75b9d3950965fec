"""Rows that a transaction writes and then only reads or updates through the ORM (a new
negotiation, its offers and result fact, audit events, outbox messages, a new
escalation, a roll-up delta), inserted as plain rows, not through the ORM's flush.

Nothing reads these rows back before they are written, so the ORM's unit of work buys
nothing there: it would track each object through the flush, sort the tables and
fetch server ids back (RETURNING). On PostgreSQL every queued row of a transaction goes
out in ONE statement (each table's rows in a data-modifying ``WITH`` of the next), so a
price request that once sent five INSERTs sends one (bench/http_bench.py; the commit
messages say what it bought). SQLite gets one multi-row INSERT per table.

Two kinds of queued row:
- ``append_row``: a dict for a table, never an object in this transaction;
- ``append_object``: a new ORM object. At write time its columns are read (so changes
  made to it before then count), and afterwards it is a persistent object of the
  session, as if loaded: later changes are ordinary ORM UPDATEs.

When they are written, so that the transaction sees them as it would see pending objects:
- right after the ORM's own rows at every flush (their foreign keys may need those rows);
- before an ORM query while autoflush is on (a query then sees them, as with autoflush);
- at commit, even when no ORM object was pending.
Tables go out in the order they were first queued (a parent before its children).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

import orjson
import psycopg
from sqlalchemy import JSON, Table, event, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import (
    Mapper,
    ORMExecuteState,
    Session,
    SessionTransaction,
    class_mapper,
    make_transient_to_detached,
)
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlalchemy.types import TypeEngine

__all__ = ["append_row", "append_object", "new_object", "queued_objects", "write_appended", "CLOSES_AFTER_COMMIT"]

IDLE = psycopg.pq.TransactionStatus.IDLE
#: Set in ``session.info`` by ``db.engine.transaction``, whose session is closed right after
#: its commit: the objects written at commit are then not made persistent objects of the
#: session first (identity keys, cascades, the identity map), since closing would only
#: detach them again. They keep their values; nothing reads their relationships after.
CLOSES_AFTER_COMMIT = "counteroffer_closes_after_commit"
_PENDING = "counteroffer_appended_rows"
_OBJECTS = "counteroffer_appended_objects"


def append_row(session: Session, table: Table, values: dict[str, Any]) -> None:
    """Queue one row for ``table``; it is inserted with the session's next flush or commit."""
    if not session.in_transaction():
        session.begin()  # as session.add would: so that a rollback forgets the queue
    pending: dict[Table, list[Any]] = session.info.setdefault(_PENDING, {})
    pending.setdefault(table, []).append(values)


def append_object(session: Session, instance: Any) -> None:
    """Queue a new ORM object (instead of ``session.add``); see the module's docstring."""
    append_row(session, instance.__table__, instance)
    session.info.setdefault(_OBJECTS, []).append(instance)


T = TypeVar("T")


def new_object(cls: type[T], **columns: Any) -> T:
    """A new (transient) object of a mapped class holding ``columns``, as ``cls(**columns)``
    would make it, without the declarative constructor's per-attribute set events (about
    1.4 µs per column: a price request's negotiation, offers and result fact are some 60
    columns). Nothing listens to a new object's first values: an INSERT, ours or the
    ORM's flush of a pending object, reads the object's values as they are, and later
    changes and relationships go through the ORM as usual. Columns only."""
    keys = _COLUMN_KEYS.get(cls)
    if keys is None:
        keys = _COLUMN_KEYS[cls] = frozenset(attribute.key for attribute in class_mapper(cls).column_attrs)
    unknown = columns.keys() - keys
    if unknown:
        raise TypeError(f"{cls.__name__} has no column {', '.join(sorted(unknown))}")
    instance: T = manager_of_class(cls).new_instance()
    instance_state(instance).dict.update(columns)
    return instance


#: Per mapped class, its columns' attribute names (worked out on first use).
_COLUMN_KEYS: dict[type, frozenset[str]] = {}


def queued_objects(session: Session) -> Iterator[Any]:
    """The objects queued and not yet written (``session.new`` does not hold them)."""
    return iter(session.info.get(_OBJECTS, ()))


def write_appended(session: Session, at_commit: bool = False) -> None:
    """Insert every queued row now: one statement on PostgreSQL, one per table elsewhere.
    ``at_commit``: nothing else is written in this transaction after them."""
    pending = session.info.pop(_PENDING, None)
    objects = session.info.pop(_OBJECTS, [])
    if not pending:
        return
    connection = session.connection()
    batches = [(table, [_values(table, row) for row in rows]) for table, rows in pending.items()]
    if connection.dialect.name == "postgresql":
        _write_at_once(connection, batches, at_commit)
    else:
        for table, rows in batches:
            connection.execute(insert(table), rows)
    if at_commit and session.info.get(CLOSES_AFTER_COMMIT):
        return  # nothing can change them in this session any more: no need to track them
    for instance in objects:  # now a row: tracked from here on as if loaded
        make_transient_to_detached(instance)
        session.add(instance)


def _write_at_once(connection: Connection, batches: list[tuple[Table, list[dict[str, Any]]]],
                   at_commit: bool) -> None:
    sql, encoders = _compiled(connection.dialect, tuple((table, tuple(rows[0])) for table, rows in batches))
    # orjson: the rows' JSON in a tenth of the json module's time (about 0.04 ms of a price
    # request's five batches); dates and times come out as isoformat() writes them, and
    # keys that are not strings become strings, as with the json module.
    values = {f"rows_{n}": orjson.dumps([{key: encode(row[key]) for key, encode in encoders[n]} for row in rows],
                                        default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()
              for n, (_, rows) in enumerate(batches)}
    driver = connection.connection.driver_connection
    if at_commit and isinstance(driver, psycopg.Connection) and driver.info.transaction_status == IDLE:
        # The transaction's only statement: run as a statement of its own (PostgreSQL
        # makes it one atomic, durable transaction) instead of BEGIN, it and COMMIT, 3
        # round trips for 1. The commit that follows finds nothing open and sends nothing.
        driver.autocommit = True
        try:
            connection.exec_driver_sql(sql, values)
        finally:
            driver.autocommit = False
        return
    connection.exec_driver_sql(sql, values)


#: (table, its columns) for each table, in order.
_Shape = tuple[tuple[Table, tuple[str, ...]], ...]
#: Per table, per column: how a value becomes JSON for PostgreSQL.
_Encoders = tuple[tuple[tuple[str, Callable[[Any], Any]], ...], ...]


@lru_cache(maxsize=256)
def _compiled(dialect: Dialect, shape: _Shape) -> tuple[str, _Encoders]:
    """One INSERT for every table of ``shape``: each table's rows in a ``WITH`` of the
    next (PostgreSQL checks foreign keys at the end of the statement, when every row is
    in), each table's rows as ONE JSON parameter (``json_populate_recordset``), and how
    each column's value is encoded. Built once per shape. One parameter per table, not
    per value: SQLAlchemy does not cache multi-row VALUES, and psycopg parses a statement
    of more than 50 parameters afresh on every execution (the largest single item of a
    price request's profile, about a fifth of it, when the rows went as VALUES). No
    RETURNING: nobody reads the ids."""
    quote = dialect.identifier_preparer
    parts = []
    for n, (table, keys) in enumerate(shape):
        name, columns = quote.format_table(table), ", ".join(quote.quote(key) for key in keys)
        parts.append(f"INSERT INTO {name} ({columns}) SELECT {columns} "
                     f"FROM json_populate_recordset(NULL::{name}, %(rows_{n})s::json)")
    *earlier, last = parts
    ctes = ", ".join(f"appended_{n} AS ({part})" for n, part in enumerate(earlier))
    encoders = tuple(tuple((key, _encoder(table.c[key].type, dialect)) for key in keys) for table, keys in shape)
    return (f"WITH {ctes} {last}" if ctes else last), encoders


def _encoder(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any]:
    """JSON columns as they are (nested JSON); any other through its type's conversion
    (aware times to naive UTC, money to four places), then ``_json_default``."""
    if isinstance(column_type, JSON):
        return _as_is
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _as_is


def _as_is(value: Any) -> Any:
    return value


def _json_default(value: Any) -> str:
    """Exact text PostgreSQL casts back: never a float for money."""
    if isinstance(value, (Decimal, datetime, date)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    raise TypeError(f"cannot append a {type(value).__name__}")


def _values(table: Table, row: Any) -> dict[str, Any]:
    """A queued dict as it is; a queued object's columns (its defaults filled in, on the
    object too, so nothing is left to load after it is written)."""
    if isinstance(row, dict):
        return row
    values = {}
    state = instance_state(row)
    current = state.dict
    for key, column_key, missing in _column_plan(state.mapper):
        if key not in current:
            if missing is _NEEDS_ID:
                raise ValueError(f"{table.name}: an appended object needs its id")
            if missing is _NOT_PLAIN:
                raise ValueError(f"{table.name}.{column_key}: only plain defaults can be appended")
            setattr(row, key, missing)
        values[column_key] = current[key]
    return values


_NEEDS_ID, _NOT_PLAIN = object(), object()


@lru_cache(maxsize=64)  # one entry per appended class
def _column_plan(mapper: Mapper[Any]) -> tuple[tuple[str, str, Any], ...]:
    """Per column of a mapped class, worked out once: its attribute, its column, and what
    an object that never set it holds (its plain default, or None) or why it cannot be
    appended (an id the database would make, a default computed in Python or SQL)."""
    plan = []
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        default = column.default
        if column.autoincrement is True and column.primary_key:
            missing: Any = _NEEDS_ID
        elif default is not None and not default.is_scalar:
            missing = _NOT_PLAIN
        else:
            missing = default.arg if default is not None else None
        plan.append((attribute.key, column.key, missing))
    return tuple(plan)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: object) -> None:
    write_appended(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.info.get(_PENDING):
        session.flush()  # the ORM's rows first: the appended rows refer to them
        write_appended(session, at_commit=True)  # when nothing else was pending, the flush wrote nothing


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
        session.info.pop(_OBJECTS, None)
