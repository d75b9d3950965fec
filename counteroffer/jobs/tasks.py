"""rq tasks. They take ids, never ORM objects, and are idempotent: a message handled
once is skipped when rq delivers it again."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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
    """Deliver one outbox message to its signal's receivers, once."""
    runtime = _bound()
    with transaction(runtime.session_factory) as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.id == message_id)
                                  .with_for_update()).first()
        if message is None:
            return "missing"
        if message.handled_at is not None:
            return "duplicate"
        signal = SIGNAL_BY_TOPIC.get(message.topic)
        if signal is not None:
            # Receivers run inside the transaction: if one fails, handled_at is rolled
            # back and rq's retry delivers the message again.
            signal.send(runtime.sender, payload=dict(message.payload), message_id=message.id)
        message.handled_at = runtime.clock()
        return "handled"
