"""Worker heartbeats: one row per running ``flask counteroffer worker`` process.

Pages that wait on background work (the what-if simulation) read the newest beat to
tell a pricing manager plainly that no worker is running, rather than "waiting" forever.
The beat lives in the database, not Redis, so a web process that never talks to Redis
(the default) can still read it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import UTCDateTime

__all__ = ["WorkerBeat"]


class WorkerBeat(Base):
    __tablename__ = "counteroffer_worker_beats"
    #: host:pid of the worker process.
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
