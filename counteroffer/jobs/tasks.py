"""rq tasks. They take ids, never ORM objects, and are idempotent: a message handled
once is skipped when rq delivers it again."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..db import transaction
from ..db.models import OutboxMessage
from .signals import SIGNAL_BY_TOPIC

__all__ = ["JobRuntime", "bind_runtime", "handle_message", "HANDLE_MESSAGE"]

#: The dotted path rq stores; the web process never imports the worker's state.
HANDLE_MESSAGE = "counteroffer.jobs.tasks.handle_message"


@dataclass(frozen=True)
class JobRuntime:
    session_factory: sessionmaker[Session]
    clock: Callable[[], datetime]
    sender: object  # what signals are sent from: the Flask app in the worker
    #: topic -> handler(payload, business_key), e.g. the e-mail and webhook senders.
    handlers: Mapping[str, Callable[[dict[str, Any], str], object]] = field(default_factory=dict)
    #: topic -> writer(session, payload, business_key): work written in the message's own
    #: transaction, e.g. an escalation's notices as further outbox messages. They commit
    #: together with ``handled_at``, so they exist once whatever rq delivers twice.
    writers: Mapping[str, Callable[[Session, dict[str, Any], str], None]] = field(default_factory=dict)
    #: name -> periodic work (the once-a-minute sweep), run as rq jobs by ``run_periodic``.
    periodic: Mapping[str, Callable[[], None]] = field(default_factory=dict)


_runtime: JobRuntime | None = None


def bind_runtime(runtime: JobRuntime | None) -> None:
    """Called once by the worker at start: tasks run against this database."""
    global _runtime
    _runtime = runtime


def _bound() -> JobRuntime:
    if _runtime is None:
        raise RuntimeError("No job runtime bound: start workers with 'flask counteroffer worker'.")
    return _runtime


def handle_message(message_id: int) -> str:
    """Deliver one outbox message to its handler and its signal's receivers, once.

    The row stays locked while they run, so a second delivery of the same message waits
    for the first and then finds it handled."""
    runtime = _bound()
    with transaction(runtime.session_factory) as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.id == message_id)
                                  .with_for_update()).first()
        if message is None:
            return "missing"
        if message.handled_at is not None:
            return "duplicate"
        # Handlers and receivers run inside the transaction: if one fails, handled_at is
        # rolled back and rq's retry delivers the message again.
        writer = runtime.writers.get(message.topic)
        if writer is not None:
            writer(session, dict(message.payload), message.business_key)
        handler = runtime.handlers.get(message.topic)
        if handler is not None:
            handler(dict(message.payload), message.business_key)
        signal = SIGNAL_BY_TOPIC.get(message.topic)
        if signal is not None:
            signal.send(runtime.sender, payload=dict(message.payload), message_id=message.id)
        message.handled_at = runtime.clock()
        return "handled"


#: The dotted path of the periodic job, as rq stores it.
RUN_PERIODIC = "counteroffer.jobs.tasks.run_periodic"


def run_periodic(name: str) -> str:
    """Run the named periodic work (expiry, service levels, lost messages): idempotent, so a
    minute's job that two workers both enqueued may run twice without harm."""
    _bound().periodic[name]()
    return "done"
