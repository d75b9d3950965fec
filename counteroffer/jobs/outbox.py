"""The transactional outbox: work for the workers, written with the change that causes it.

A message is a row in the same transaction as the negotiation change, so it exists if and
only if the change committed; the relay hands it to rq afterwards, at least once. Its
``business_key`` is unique, so writing the same message twice is refused by the database.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..db.appends import append_row
from ..db.models import OutboxMessage

__all__ = ["add_message"]


def add_message(session: Session, topic: str, business_key: str, payload: dict[str, Any],
                now: datetime) -> None:
    """Queue the message in ``session``'s transaction (an appended row: db/appends.py)."""
    append_row(session, OutboxMessage.__table__, {
        "topic": topic, "business_key": business_key, "payload": payload, "created_at": now,
        "published_at": None, "handled_at": None})
