"""What pricing managers learn from what buyers told (issue 16): the competitors cited by
name, SKU and category with the median gap to our price, win rates with and without a
citation and when it was matched, and why requests were lost by rule, segment and SKU.

Line price requests started in the period, in one currency (the busiest by default, as the
results report) and optionally one segment. Citations and lost reasons are read from
``counteroffer_told`` and the negotiations joined to their result facts, not rolled up:
this costs in proportion to the period's facts (bench/README.md has the figures). The
totals the win rates compare with come from the roll-ups, as the rest of the dashboard
(docs/competing-offers.md#what-pricing-managers-learn defines every figure).
"""
from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Event, Negotiation, Offer, Told
from ...db.results import ResultFact, ResultRollup
from ...rules import round_money
from ..buying.why_not import LOST_REASONS
from ..shared.actors import Actor
from ..shared.deps import Deps
from .reports import check_period, fold_results, period_currencies, require_results_reader
from .rollups import ALL, NONE

__all__ = ["CitedGroup", "WinRate", "LostGroup", "ToldInsights", "told_insights", "told_csv", "WIN_GROUPS",
           "CSV_TABLES"]

RATE = Decimal("0.0001")
PERCENT = Decimal("0.01")
#: The win-rate rows, in the order shown.
WIN_GROUPS = ("all", "not_cited", "cited", "matched", "not_matched")
#: The tables of the CSV export: table -> the heading of its first column.
CSV_TABLES = {"competitors": "competitor", "skus": "sku", "categories": "category", "win_rates": "group",
              "lost_by_rule": "rule", "lost_by_segment": "segment", "lost_by_sku": "sku"}
#: Negotiation ids per IN (...) list on SQLite (PostgreSQL takes one array: ``_among``).
_CHUNK = 500


@dataclass(frozen=True)
class CitedGroup:
    """Citations of one competitor, SKU or category (``key``), or of all (``total``)."""

    key: str
    citations: int
    negotiations: int
    #: Negotiations where the competing_offer rule made a match offer.
    matched: int
    #: Negotiations that ended in a deal, and those whose deal was ordered.
    deals: int
    ordered: int
    #: Citations in the median: those at the quantity first asked whose price for it is known.
    compared: int
    #: The median of cited unit price less ours for the quantity (negative: the
    #: competitor is cheaper), in the currency; and as a percentage of ours.
    median_gap: Decimal | None
    median_gap_pct: Decimal | None


@dataclass(frozen=True)
class WinRate:
    key: str
    negotiations: int
    deals: int
    ordered: int
    win_rate: Decimal | None
    order_rate: Decimal | None


@dataclass(frozen=True)
class LostGroup:
    """Requests lost with a reason given, for one rule, segment or SKU: each reason's count."""

    key: str
    negotiations: int
    reasons: dict[str, int]


@dataclass(frozen=True)
class ToldInsights:
    start: date
    end: date
    segment: str | None
    currency: str | None
    competitors: tuple[CitedGroup, ...]
    skus: tuple[CitedGroup, ...]
    categories: tuple[CitedGroup, ...]
    total: CitedGroup
    win_rates: tuple[WinRate, ...]
    lost_by_rule: tuple[LostGroup, ...]
    lost_by_segment: tuple[LostGroup, ...]
    lost_by_sku: tuple[LostGroup, ...]


@dataclass(frozen=True)
class _Citation:
    negotiation_id: str
    competitor: str
    sku: str
    category: str
    #: None: not comparable (another quantity, or our price unknown).
    gap: Decimal | None
    ours: Decimal | None
    matched: bool
    dealt: bool
    ordered: bool


def told_insights(deps: Deps, actor: Actor, start: date, end: date, segment: str | None = None,
                  currency: str | None = None) -> ToldInsights:
    """The figures of docs/competing-offers.md#what-pricing-managers-learn for line requests
    started from ``start`` to ``end`` (both days included, UTC)."""
    check_period(start, end)
    with transaction(deps.session_factory) as session:
        require_results_reader(session, actor)  # before the fold, a write a stranger could cause
    fold_results(deps)
    with transaction(deps.session_factory) as session:
        require_results_reader(session, actor)
        if currency is None:
            currency = next(iter(period_currencies(session, start, end)), None)
        scope = _Scope(start, end, segment, currency or "")
        citations = _citations(session, scope)
        return ToldInsights(
            start=start, end=end, segment=segment, currency=currency,
            competitors=_grouped(citations, lambda c: c.competitor.casefold(), scope.currency, first_written=True),
            skus=_grouped(citations, lambda c: c.sku, scope.currency),
            categories=_grouped(citations, lambda c: c.category, scope.currency),
            total=_cited_group("total", citations, scope.currency),
            win_rates=_win_rates(_line_totals(session, scope), citations),
            **_lost(session, scope))


@dataclass(frozen=True)
class _Scope:
    start: date
    end: date
    segment: str | None
    currency: str
    since: datetime = field(init=False)
    until: datetime = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", datetime.combine(self.start, time.min, tzinfo=UTC))
        object.__setattr__(self, "until", datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC))

    def facts(self) -> list[Any]:
        """The facts of the period's line requests in the currency and segment."""
        where = [ResultFact.day >= self.start, ResultFact.day <= self.end, ResultFact.currency == self.currency,
                 ResultFact.kind == "line"]
        if self.segment == NONE:  # the roll-ups' name for "no segment known"
            where.append(ResultFact.segment.is_(None))
        elif self.segment is not None:
            where.append(ResultFact.segment == self.segment)
        return where


def _citations(session: Session, scope: _Scope) -> list[_Citation]:
    # Through the Core connection: the ORM's handling of the rows was 40% of the time of
    # a year's 8,800 citations at 200,000 negotiations (cProfile on the bench's data).
    rows = session.connection().execute(
        select(Told.negotiation_id, Told.round, Told.competitor, Told.unit_price, ResultFact.sku,
               ResultFact.category, ResultFact.price_for_quantity, ResultFact.asked_quantity,
               ResultFact.deal_at.is_not(None).label("dealt"), ResultFact.redeemed_at.is_not(None).label("ordered"))
        .join(ResultFact, ResultFact.negotiation_id == Told.negotiation_id)
        # A round is told after its negotiation starts: a lower bound for the index on created_at.
        .where(Told.competitor.is_not(None), Told.created_at >= scope.since, *scope.facts())
        .order_by(Told.id)).all()
    matched = _matched(session, {row.negotiation_id for row in rows})
    quantities = _later_round_quantities(session, {row.negotiation_id for row in rows if row.round > 1})
    found = []
    for row in rows:
        quantity = row.asked_quantity if row.round == 1 else quantities.get((row.negotiation_id, row.round))
        ours = row.price_for_quantity if quantity == row.asked_quantity else None
        found.append(_Citation(
            row.negotiation_id, str(row.competitor), row.sku, row.category or NONE,
            gap=row.unit_price - ours if ours is not None else None, ours=ours,
            matched=row.negotiation_id in matched, dealt=bool(row.dealt), ordered=bool(row.ordered)))
    return found


def _among(session: Session, column: Any, ids: Iterable[str]) -> Iterator[Any]:
    """Conditions ``column`` is one of ``ids``, for one statement each. PostgreSQL takes
    them all as one array (``= ANY(:ids)``): as ``IN (...)`` lists of bound parameters the
    same text ran again and again, and after ten runs psycopg's prepared statement took
    PostgreSQL's generic plan, a scan of the whole table: 1 to 2 s a chunk of result facts
    at 100,000 negotiations instead of 10 ms (measured on bench/results_bench.py's data)."""
    ordered = sorted(ids)
    if not ordered:
        return
    if session.get_bind().dialect.name == "postgresql":
        yield column == any_(bindparam("ids", ordered, type_=postgresql.ARRAY(String)))
        return
    for i in range(0, len(ordered), _CHUNK):  # SQLite: at most 32,766 parameters a statement
        yield column.in_(ordered[i:i + _CHUNK])


def _matched(session: Session, ids: set[str]) -> set[str]:
    """The negotiations where the competing_offer rule made a match offer."""
    found: set[str] = set()
    for among in _among(session, Offer.negotiation_id, ids):
        found.update(session.scalars(select(Offer.negotiation_id).where(among, Offer.kind == "match").distinct()))
    return found


def _later_round_quantities(session: Session, negotiation_ids: set[str]) -> dict[tuple[str, int], int]:
    """The quantity of each counter, from its audit event (a counter may change it)."""
    quantities: dict[tuple[str, int], int] = {}
    for among in _among(session, Event.negotiation_id, negotiation_ids):
        events = session.execute(select(Event.negotiation_id, Event.detail).where(among, Event.action == "countered"))
        for negotiation_id, detail in events:
            if "round" in detail and "quantity" in detail:
                quantities[(negotiation_id, int(detail["round"]))] = int(detail["quantity"])
    return quantities


def _grouped(citations: Sequence[_Citation], key_of: Any, currency: str,
             first_written: bool = False) -> tuple[CitedGroup, ...]:
    groups: dict[str, list[_Citation]] = defaultdict(list)
    for citation in citations:
        groups[key_of(citation)].append(citation)
    found = [_cited_group(members[0].competitor if first_written else key, members, currency)
             for key, members in groups.items()]
    return tuple(sorted(found, key=lambda g: (-g.citations, g.key.casefold())))


def _cited_group(key: str, citations: Sequence[_Citation], currency: str) -> CitedGroup:
    negotiations = {c.negotiation_id: c for c in citations}  # a negotiation's outcome is the same on each row
    matched = {c.negotiation_id for c in citations if c.matched}
    compared = [(c.gap, c.ours) for c in citations if c.gap is not None and c.ours]
    gap = statistics.median(gap for gap, _ in compared) if compared else None
    share = statistics.median(gap * 100 / ours for gap, ours in compared) if compared else None
    return CitedGroup(
        key=key, citations=len(citations), negotiations=len(negotiations), matched=len(matched),
        deals=sum(c.dealt for c in negotiations.values()), ordered=sum(c.ordered for c in negotiations.values()),
        compared=len(compared), median_gap=round_money(gap, currency) if gap is not None else None,
        median_gap_pct=share.quantize(PERCENT) if share is not None else None)


def _line_totals(session: Session, scope: _Scope) -> tuple[int, int, int]:
    """Line requests, deals and ordered deals of the period, from the roll-ups."""
    row = session.execute(select(
        func.coalesce(func.sum(ResultRollup.requests), 0), func.coalesce(func.sum(ResultRollup.deals), 0),
        func.coalesce(func.sum(ResultRollup.redeemed), 0)).where(
        ResultRollup.dimension == "kind", ResultRollup.key == "line", ResultRollup.segment == (scope.segment or ALL),
        ResultRollup.currency == scope.currency, ResultRollup.day >= scope.start,
        ResultRollup.day <= scope.end)).one()
    return int(row[0]), int(row[1]), int(row[2])


def _win_rates(totals: tuple[int, int, int], citations: Iterable[_Citation]) -> tuple[WinRate, ...]:
    by_negotiation: dict[str, _Citation] = {}
    matched: set[str] = set()
    for citation in citations:
        by_negotiation.setdefault(citation.negotiation_id, citation)
        if citation.matched:
            matched.add(citation.negotiation_id)
    cited = list(by_negotiation.values())
    counts = {"all": totals, "cited": _outcomes(cited),
              "matched": _outcomes([c for c in cited if c.negotiation_id in matched]),
              "not_matched": _outcomes([c for c in cited if c.negotiation_id not in matched])}
    # The roll-ups may trail a fact written after the fold by a moment: never below zero.
    (requests, deals, ordered), (cited_requests, cited_deals, cited_ordered) = totals, counts["cited"]
    counts["not_cited"] = (max(0, requests - cited_requests), max(0, deals - cited_deals),
                           max(0, ordered - cited_ordered))
    return tuple(_win_rate(key, *counts[key]) for key in WIN_GROUPS)


def _outcomes(cited: Sequence[_Citation]) -> tuple[int, int, int]:
    return len(cited), sum(c.dealt for c in cited), sum(c.ordered for c in cited)


def _win_rate(key: str, negotiations: int, deals: int, ordered: int) -> WinRate:
    return WinRate(key, negotiations, deals, ordered, _rate(deals, negotiations), _rate(ordered, negotiations))


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE) if whole else None


def _lost(session: Session, scope: _Scope) -> dict[str, tuple[LostGroup, ...]]:
    rows = session.execute(
        select(ResultFact.rule, ResultFact.segment, ResultFact.sku, Negotiation.lost_reason, func.count())
        .join(ResultFact, ResultFact.negotiation_id == Negotiation.id)
        # The partial index ix_counteroffer_negotiations_lost (migration 0022) holds only these rows.
        .where(Negotiation.lost_reason.is_not(None), Negotiation.created_at >= scope.since,
               Negotiation.created_at < scope.until, *scope.facts())
        .group_by(ResultFact.rule, ResultFact.segment, ResultFact.sku, Negotiation.lost_reason)).all()
    by: dict[str, dict[str, dict[str, int]]] = {name: defaultdict(lambda: defaultdict(int))
                                                 for name in ("rule", "segment", "sku")}
    for rule, segment, sku, reason, count in rows:
        for name, key in (("rule", rule), ("segment", segment or NONE), ("sku", sku)):
            by[name][key][str(reason)] += int(count)
    return {f"lost_by_{name}": _lost_groups(groups) for name, groups in by.items()}


def _lost_groups(groups: dict[str, dict[str, int]]) -> tuple[LostGroup, ...]:
    found = [LostGroup(key, sum(reasons.values()), {reason: reasons.get(reason, 0) for reason in LOST_REASONS})
             for key, reasons in groups.items()]
    return tuple(sorted(found, key=lambda g: (-g.negotiations, g.key)))


def told_csv(insights: ToldInsights, table: str) -> str:
    """One of ``CSV_TABLES`` as CSV: a line per row; a cited table ends with its total, a
    lost table has a column per reason."""
    rows: list[Any] = list(getattr(insights, table))
    if table in ("competitors", "skus", "categories"):
        rows.append(insights.total)
    kind = CitedGroup if table in ("competitors", "skus", "categories") else WinRate if table == "win_rates" \
        else LostGroup
    names = [f.name for f in fields(kind) if f.name not in ("key", "reasons")]
    reasons = LOST_REASONS if kind is LostGroup else ()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([CSV_TABLES[table], *names, *reasons])
    for row in rows:
        cells = ["" if getattr(row, name) is None else getattr(row, name) for name in names]
        writer.writerow([row.key, *cells, *(row.reasons[reason] for reason in reasons)])
    return out.getvalue()
