"""The outbox relay: hand committed messages to rq, at least once.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several relays (one per worker
machine) never hand the same row over at the same time. If Redis is down the relay stops,
leaves the rest unpublished, and the next pass picks them up: nothing is lost.

A message handed over but still not handled after ``republish_after`` is handed over
again: a Redis restarted without persistence forgets its queues, and the row is the
only record that survives. Handlers are idempotent, so an extra delivery does no harm.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from ..db import transaction
from ..db.models import OutboxMessage

__all__ = ["relay_pending", "relay_stale"]


def _claim(session: Session, waiting: ColumnElement[bool], limit: int) -> list[OutboxMessage]:
    query = (select(OutboxMessage).where(waiting)
             .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    return list(session.scalars(query))


def _relay(session_factory: sessionmaker[Session], enqueue: Callable[[int], None],
           now: Callable[[], datetime], waiting: ColumnElement[bool], limit: int) -> int:
    handed = 0
    with transaction(session_factory) as session:
        for message in _claim(session, waiting, limit):
            try:
                enqueue(message.id)
            except RedisError:
                break  # Redis is away: what was handed over is marked, the rest waits
            message.published_at = now()
            handed += 1
    return handed


def relay_pending(session_factory: sessionmaker[Session], enqueue: Callable[[int], None],
                  now: Callable[[], datetime], limit: int = 200) -> int:
    """Enqueue up to ``limit`` unpublished messages; returns how many were handed over."""
    return _relay(session_factory, enqueue, now, OutboxMessage.published_at.is_(None), limit)


def relay_stale(session_factory: sessionmaker[Session], enqueue: Callable[[int], None],
                now: Callable[[], datetime], older_than: timedelta, limit: int = 200) -> int:
    """Enqueue again messages handed over more than ``older_than`` ago and never handled."""
    stale = OutboxMessage.handled_at.is_(None) & (OutboxMessage.published_at < now() - older_than)
    return _relay(session_factory, enqueue, now, stale, limit)
