"""Is a worker running? Each worker's pump writes a beat; pages that wait on one read it.

A worker beats every ``BEAT_SECONDS``; none seen for ``MISSING_AFTER`` means none runs
(it died, or nobody started one), and the page says so and how to start one.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..db import transaction
from ..db.workers import WorkerBeat

__all__ = ["BEAT_SECONDS", "MISSING_AFTER", "START_HINT", "worker_name", "beat", "last_seen",
           "worker_missing"]

BEAT_SECONDS = 10
MISSING_AFTER = timedelta(seconds=60)
#: Beats of workers gone for this long are deleted by the next beat.
FORGET_AFTER = timedelta(days=1)
#: How to start one, as the pages say it.
START_HINT = "flask counteroffer worker"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(factory: sessionmaker[Session], name: str, started_at: datetime, now: datetime) -> None:
    """Record that worker ``name`` is alive at ``now`` (one row per worker, updated)."""
    with transaction(factory) as session:
        updated = session.execute(update(WorkerBeat).where(WorkerBeat.name == name).values(seen_at=now))
        found = cast(CursorResult[Any], updated).rowcount
        if not found:
            session.add(WorkerBeat(name=name, started_at=started_at, seen_at=now))
        session.execute(delete(WorkerBeat).where(WorkerBeat.seen_at < now - FORGET_AFTER))


def last_seen(factory: sessionmaker[Session]) -> datetime | None:
    with transaction(factory) as session:
        return session.scalar(select(func.max(WorkerBeat.seen_at)))


def worker_missing(factory: sessionmaker[Session], clock: Callable[[], datetime]) -> bool:
    """True when no worker has beaten within the last minute."""
    seen = last_seen(factory)
    return seen is None or clock() - seen > MISSING_AFTER
