"""The outbox relay: hand committed messages to rq, at least once.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several relays (one per worker
machine) never hand the same row over at the same time. If Redis is down the relay stops,
leaves the rest unpublished, and the next pass picks them up: nothing is lost.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..db import transaction
from ..db.models import OutboxMessage

__all__ = ["relay_pending"]


def _claim(session: Session, limit: int) -> list[OutboxMessage]:
    query = (select(OutboxMessage).where(OutboxMessage.published_at.is_(None))
             .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True))
    return list(session.scalars(query))


def relay_pending(session_factory: sessionmaker[Session], enqueue: Callable[[int], None],
                  now: Callable[[], datetime], limit: int = 200) -> int:
    """Enqueue up to ``limit`` unpublished messages; returns how many were handed over."""
    handed = 0
    with transaction(session_factory) as session:
        for message in _claim(session, limit):
            try:
                enqueue(message.id)
            except RedisError:
                break  # Redis is away: what was handed over is marked, the rest waits
            message.published_at = now()
            handed += 1
    return handed
