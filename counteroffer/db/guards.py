"""Idempotency keys and request caps: the defences against replays and floor probing."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, Negotiation
from .types import UTCDateTime

__all__ = ["IdempotencyKey", "RequestCapLock"]


class IdempotencyKey(Base):
    """One ``Idempotency-Key`` a caller sent, and the answer it got.

    ``pending`` while the first call runs (its ``claim`` holds it until ``locked_until``);
    ``done`` once the call's work committed: the answer is written by the same
    transaction as the work, so there is never a done key without its work or work
    without its key. Unique per (scope, key): a scope is one caller, so nobody can see
    another's replay.
    """

    __tablename__ = "counteroffer_idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(255))
    #: sha256 of method, path and canonical body: the same key with another body is a 422.
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # pending, done
    claim: Mapped[str] = mapped_column(String(32))
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RequestCapLock(Base):
    """One row per (company, SKU) asked about: locked while a new request counts the
    company's recent ones, so two requests at once cannot both slip under the cap."""

    __tablename__ = "counteroffer_request_caps"
    company_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)


# The cap counts a company's requests for a SKU over a window: this index answers it.
Index("ix_counteroffer_negotiations_company_sku", Negotiation.company_id, Negotiation.sku,
      Negotiation.created_at)
