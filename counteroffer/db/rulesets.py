"""Rule sets, their versions and what-if simulations (pricing managers' back office).

The shop has one rule set. Its rules (``counteroffer_rules``) each belong to a version:
at most one ``draft`` (edits go there) and any number of ``published`` ones, numbered
1, 2, 3... ``LiveRuleVersion`` is a one-row table pointing at the version buyers are
answered with: publishing flips that pointer in the same transaction that numbers the
draft, so every process sees the old set or the new one, never a mix.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import UTCDateTime

__all__ = ["RuleVersion", "LiveRuleVersion", "Simulation", "DRAFT", "PUBLISHED", "LIVE_ROW_ID"]

DRAFT, PUBLISHED = "draft", "published"
#: The id of the pointer's only row.
LIVE_ROW_ID = 1


class RuleVersion(Base):
    __tablename__ = "counteroffer_rule_versions"
    __table_args__ = (
        # At most one draft: the database refuses a second one made by a concurrent edit.
        Index("uq_counteroffer_rule_versions_draft", "status", unique=True,
              postgresql_where=text("status = 'draft'"), sqlite_where=text("status = 'draft'")),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: 1, 2, 3... in order of publication; None while a draft.
    number: Mapped[int | None] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    #: Every money amount of the set is in this currency (None: not fixed yet).
    currency: Mapped[str | None] = mapped_column(String(3))
    #: The version this one was copied from (the live one for a draft, the old one for a rollback).
    based_on_id: Mapped[int | None] = mapped_column(Integer)
    #: Bumped whenever the rules of this version change in place (a draft's edits, or the
    #: host's ``save_rule`` on the live version): compiled rules are cached by (id, revision).
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(64))


class LiveRuleVersion(Base):
    """One row (id 1): the version price requests are decided with."""

    __tablename__ = "counteroffer_live_rule_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version_id: Mapped[int] = mapped_column(ForeignKey("counteroffer_rule_versions.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(64))


class Simulation(Base):
    """A what-if run: requests replayed against the draft and the live version.

    ``status``: queued, running, done, cancelled, failed. The worker writes ``processed``
    as it goes (the page's progress bar) and checks ``cancel_requested`` between batches.
    """

    __tablename__ = "counteroffer_simulations"
    __table_args__ = (Index("ix_counteroffer_simulations_created", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    #: "history" (the last ``days`` days of requests) or "csv" (``requests`` holds them).
    source: Mapped[str] = mapped_column(String(16))
    days: Mapped[int | None] = mapped_column(Integer)
    requests: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    draft_version_id: Mapped[int | None] = mapped_column(Integer)
    live_version_id: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
