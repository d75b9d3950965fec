"""What buyers told, for pricing managers: the competitors they cited and why deals were lost.

Read straight from the rows (``counteroffer_told``, the negotiations' ``lost_reason``) for
the report's period, not from the roll-ups: these are counts of a few columns over the
negotiations of a period, and a citation is not a result measure of one negotiation.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Negotiation, Told
from ..shared.actors import Actor
from ..shared.deps import Deps
from .reports import require_results_reader

__all__ = ["CompetitorCount", "LostReasonCount", "ToldReport", "told_report"]


@dataclass(frozen=True)
class CompetitorCount:
    competitor: str
    citations: int
    negotiations: int
    skus: tuple[str, ...]


@dataclass(frozen=True)
class LostReasonCount:
    reason: str
    negotiations: int
    skus: tuple[str, ...]


@dataclass(frozen=True)
class ToldReport:
    competitors: tuple[CompetitorCount, ...]
    lost_reasons: tuple[LostReasonCount, ...]


def told_report(deps: Deps, actor: Actor, start: date, end: date) -> ToldReport:
    """Citations made and reasons given for negotiations started from ``start`` to
    ``end`` (both days included, UTC); most cited first, then by name."""
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    with transaction(deps.session_factory) as session:
        require_results_reader(session, actor)
        return ToldReport(competitors=_competitors(session, since, until),
                          lost_reasons=_lost_reasons(session, since, until))


def _competitors(session: Session, since: datetime, until: datetime) -> tuple[CompetitorCount, ...]:
    # One name however buyers spell its case: grouped by its lower case, shown as first written.
    rows = session.execute(
        select(Told.competitor, Told.negotiation_id, Negotiation.sku)
        .join(Negotiation, Negotiation.id == Told.negotiation_id)
        .where(Told.competitor.is_not(None), Negotiation.created_at >= since, Negotiation.created_at < until)
        .order_by(Told.id))
    names: dict[str, str] = {}
    cited: dict[str, int] = defaultdict(int)
    negotiations: dict[str, set[str]] = defaultdict(set)
    skus: dict[str, set[str]] = defaultdict(set)
    for competitor, negotiation_id, sku in rows:
        key = str(competitor).casefold()
        names.setdefault(key, str(competitor))
        cited[key] += 1
        negotiations[key].add(negotiation_id)
        skus[key].add(sku)
    found = [CompetitorCount(names[k], cited[k], len(negotiations[k]), tuple(sorted(skus[k]))) for k in names]
    return tuple(sorted(found, key=lambda c: (-c.citations, c.competitor.casefold())))


def _lost_reasons(session: Session, since: datetime, until: datetime) -> tuple[LostReasonCount, ...]:
    rows = session.execute(
        select(Negotiation.lost_reason, Negotiation.sku, func.count())
        .where(Negotiation.lost_reason.is_not(None), Negotiation.created_at >= since,
               Negotiation.created_at < until)
        .group_by(Negotiation.lost_reason, Negotiation.sku))
    counts: dict[str, int] = defaultdict(int)
    skus: dict[str, set[str]] = defaultdict(set)
    for reason, sku, count in rows:
        counts[str(reason)] += int(count)
        skus[str(reason)].add(sku)
    found = [LostReasonCount(reason, counts[reason], tuple(sorted(skus[reason]))) for reason in counts]
    return tuple(sorted(found, key=lambda r: (-r.negotiations, r.reason)))
