"""Knowing, without a query per request, whether the pricing rules may have changed.

Which rule version is live (and whether an experiment runs) changes only when a pricing
manager publishes, rolls back, edits in place or starts and stops an experiment, but
every price request used to ask (one SELECT, a round trip of its own). Now a process
remembers the answer with a *generation* and asks again only when the generation moves:
- on PostgreSQL a trigger (migration 0012) sends ``NOTIFY counteroffer_rules`` from every
  statement that writes the live pointer, a rule version or an experiment, delivered at
  commit to every process; each process listens on one connection per database, in a
  daemon thread, and counts what it hears;
- a commit of this process that wrote those tables moves its generation at once (the
  notification is only a moment behind, but the next request must not wait for it);
- while the listening connection is down (not yet up, lost, or SQLite), ``heard`` is
  None and the caller reads the answer afresh every time, as before. Each reconnection
  moves the generation: what was heard before it may have missed a change.
"""
from __future__ import annotations

import os
import threading
import weakref
from typing import Any

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

__all__ = ["CHANNEL", "WATCHED_TABLES", "heard", "never_listen", "stop_listening", "application_name", "engine_of"]

CHANNEL = "counteroffer_rules"
#: The tables that decide which rules a request is decided with (the trigger's too).
WATCHED_TABLES = frozenset({"counteroffer_live_rule_version", "counteroffer_rule_versions",
                            "counteroffer_experiments"})
_RETRY_S = 1.0  # between attempts to (re)connect, and how often a stop request is seen
_KEEPALIVE_S = 30.0  # a statement now and then, so that a dead connection is found out
_CHANGED = "counteroffer_rules_changed"


class _Listener:
    """One database's notifications in this process."""

    def __init__(self, connect_kwargs: dict[str, Any]) -> None:
        self._connect_kwargs = connect_kwargs
        self._lock = threading.Lock()
        self._generation = 0
        self._listening = False
        self._stopped = threading.Event()
        self.pid = os.getpid()
        threading.Thread(target=self._run, name="counteroffer-rule-changes", daemon=True).start()

    def heard(self) -> int | None:
        with self._lock:
            return self._generation if self._listening else None

    def changed(self) -> None:
        with self._lock:
            self._generation += 1

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                self._listen()
            except (psycopg.Error, OSError):
                pass  # down: callers read afresh until we are back
            finally:
                with self._lock:
                    self._listening = False
                    self._generation += 1
            self._stopped.wait(_RETRY_S)

    def _listen(self) -> None:
        with psycopg.connect(**self._connect_kwargs, autocommit=True, connect_timeout=5,
                             application_name=application_name()) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            # Databases shared by several shops (or test runs), one schema each: only our
            # schema's changes count (the trigger sends its table's schema).
            row = connection.execute("SELECT current_schema()").fetchone()
            schema = row[0] if row else None
            with self._lock:  # from here on nothing is missed; before, anything may have been
                self._generation += 1
                self._listening = True
            idle = 0.0
            while not self._stopped.is_set():
                for notice in connection.notifies(timeout=_RETRY_S):
                    if notice.payload in (schema, ""):
                        self.changed()
                idle += _RETRY_S
                if idle >= _KEEPALIVE_S:
                    connection.execute("SELECT 1")
                    idle = 0.0


def application_name() -> str:
    """How this process's listening connections are named in ``pg_stat_activity``."""
    return f"counteroffer-rule-changes-{os.getpid()}"


_listeners: weakref.WeakKeyDictionary[Engine, _Listener] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


_never: weakref.WeakSet[Engine] = weakref.WeakSet()


def never_listen(engine: Engine) -> None:
    """``engine`` goes through a pooler that does not keep LISTEN (PgBouncer in
    transaction mode): its readers always read afresh."""
    _never.add(engine)
    stop_listening(engine)


def heard(engine: Engine) -> int | None:
    """The generation of ``engine``'s rules in this process, or None: read them afresh."""
    if engine.dialect.name != "postgresql" or engine in _never:
        return None
    listener = _listener(engine)
    return listener.heard() if listener is not None else None


def _listener(engine: Engine) -> _Listener | None:
    with _registry_lock:
        listener = _listeners.get(engine)
        if listener is not None and listener.pid == os.getpid():
            return listener
        # New, or inherited through fork (a forked child has no thread): start one.
        _args, kwargs = engine.dialect.create_connect_args(engine.url)
        listener = _listeners[engine] = _Listener(dict(kwargs))
        weakref.finalize(engine, listener.stop)
        event.listen(engine, "engine_disposed", stop_listening)
        return listener


def engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def stop_listening(engine: Engine) -> None:
    """Close ``engine``'s listening connection (within a second); the next call of
    ``heard`` starts another."""
    with _registry_lock:
        listener = _listeners.pop(engine, None)
    if listener is not None:
        listener.stop()


# -- this process's own changes: counted at commit, not when the notification arrives --


@event.listens_for(Session, "before_flush")
def _objects_written(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if getattr(instance, "__tablename__", None) in WATCHED_TABLES:
            session.info[_CHANGED] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _statement_written(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in WATCHED_TABLES:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _count_own_change(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        with _registry_lock:
            listener = _listeners.get(engine_of(session))
        if listener is not None:
            listener.changed()


@event.listens_for(Session, "after_rollback")
def _forget_own_change(session: Session) -> None:
    session.info.pop(_CHANGED, None)
