"""The rows the told figures count, and those of line price requests.

A ``Citation`` is one SKU of one citation: a line request's citation is about its SKU, a
quote's about each SKU it prices or, for an order total, every line of its round
(``quote_rows.py``). A ``Lost`` is a count of negotiations lost for one reason under one
rule, segment or SKU. Both come from the rows
(``counteroffer_told``, the negotiations' ``lost_reason``) joined to the result facts of
the period, not from the roll-ups: ``insights.py`` says why.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ....db.models import Event, Negotiation, Offer, Told
from ....db.results import ResultFact, ResultRollup
from ..rollups import ALL, NONE

__all__ = ["KINDS", "Scope", "Citation", "Lost", "among", "line_citations", "line_lost", "kind_totals"]

#: What the figures may count: line price requests, whole-cart quotes (None: both).
KINDS = ("line", "quote")
#: Negotiation ids per IN (...) list on SQLite (PostgreSQL takes one array: ``among``).
_CHUNK = 500


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    segment: str | None
    currency: str
    #: "line", "quote", or None for both.
    kind: str | None = None
    since: datetime = field(init=False)
    until: datetime = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", datetime.combine(self.start, time.min, tzinfo=UTC))
        object.__setattr__(self, "until", datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC))

    @property
    def kinds(self) -> tuple[str, ...]:
        return KINDS if self.kind is None else (self.kind,)

    def facts(self, kind: str) -> list[Any]:
        """The facts of the period's negotiations of ``kind`` in the currency and segment."""
        where = [ResultFact.day >= self.start, ResultFact.day <= self.end, ResultFact.currency == self.currency,
                 ResultFact.kind == kind]
        if self.segment == NONE:  # the roll-ups' name for "no segment known"
            where.append(ResultFact.segment.is_(None))
        elif self.segment is not None:
            where.append(ResultFact.segment == self.segment)
        return where


@dataclass(frozen=True)
class Citation:
    #: The citation this SKU belongs to ("line:<id>", "quote:<id>"): one citation may be
    #: about several SKUs, and counts once where they are grouped together.
    told_id: str
    #: When it was told: the name a competitor is shown by is its first written.
    told_at: datetime
    negotiation_id: str
    competitor: str
    sku: str
    category: str
    #: The cited unit price less ours for the quantity; None: not comparable (another
    #: quantity, or our price unknown).
    gap: Decimal | None
    ours: Decimal | None
    matched: bool
    dealt: bool
    ordered: bool


@dataclass(frozen=True)
class Lost:
    """``count`` negotiations lost for ``reason`` under one ``key`` of a ``dimension``
    ("rule", "segment" or "sku"; a segment not known is ``NONE``)."""

    dimension: str
    key: str
    reason: str
    count: int


def line_citations(session: Session, scope: Scope) -> list[Citation]:
    # Through the Core connection: the ORM's handling of the rows was 40% of the time of
    # a year's 8,800 citations at 200,000 negotiations (cProfile on the bench's data).
    rows = session.connection().execute(
        select(Told.id, Told.created_at, Told.negotiation_id, Told.round, Told.competitor, Told.unit_price,
               ResultFact.sku, ResultFact.category, ResultFact.price_for_quantity, ResultFact.asked_quantity,
               ResultFact.deal_at.is_not(None).label("dealt"), ResultFact.redeemed_at.is_not(None).label("ordered"))
        .join(ResultFact, ResultFact.negotiation_id == Told.negotiation_id)
        # A round is told after its negotiation starts: a lower bound for the index on created_at.
        .where(Told.competitor.is_not(None), Told.created_at >= scope.since, *scope.facts("line"))
        .order_by(Told.id)).all()
    matches = matched(session, Offer.negotiation_id, Offer.kind, {row.negotiation_id for row in rows})
    quantities = _later_round_quantities(session, {row.negotiation_id for row in rows if row.round > 1})
    found = []
    for row in rows:
        quantity = row.asked_quantity if row.round == 1 else quantities.get((row.negotiation_id, row.round))
        ours = row.price_for_quantity if quantity == row.asked_quantity else None
        found.append(Citation(
            f"line:{row.id}", row.created_at, row.negotiation_id, str(row.competitor), row.sku, row.category or NONE,
            gap=row.unit_price - ours if ours is not None else None, ours=ours,
            matched=row.negotiation_id in matches, dealt=bool(row.dealt), ordered=bool(row.ordered)))
    return found


def among(session: Session, column: Any, ids: Iterable[str]) -> Iterator[Any]:
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


def matched(session: Session, owner: Any, kind: Any, ids: Iterable[str]) -> set[str]:
    """Of ``ids`` (negotiations or quotes, by the offer table's ``owner`` column), those
    where the competing_offer rule made a match offer (``kind`` is "match")."""
    found: set[str] = set()
    for where in among(session, owner, ids):
        found.update(session.scalars(select(owner).where(where, kind == "match").distinct()))
    return found


def _later_round_quantities(session: Session, negotiation_ids: set[str]) -> dict[tuple[str, int], int]:
    """The quantity of each counter, from its audit event (a counter may change it)."""
    quantities: dict[tuple[str, int], int] = {}
    for where in among(session, Event.negotiation_id, negotiation_ids):
        events = session.execute(select(Event.negotiation_id, Event.detail).where(where, Event.action == "countered"))
        for negotiation_id, detail in events:
            if "round" in detail and "quantity" in detail:
                quantities[(negotiation_id, int(detail["round"]))] = int(detail["quantity"])
    return quantities


def line_lost(session: Session, scope: Scope) -> list[Lost]:
    rows = session.execute(
        select(ResultFact.rule, ResultFact.segment, ResultFact.sku, Negotiation.lost_reason, func.count())
        .join(ResultFact, ResultFact.negotiation_id == Negotiation.id)
        # The partial index ix_counteroffer_negotiations_lost (migration 0022) holds only these rows.
        .where(Negotiation.lost_reason.is_not(None), Negotiation.created_at >= scope.since,
               Negotiation.created_at < scope.until, *scope.facts("line"))
        .group_by(ResultFact.rule, ResultFact.segment, ResultFact.sku, Negotiation.lost_reason)).all()
    return [Lost(dimension, key, str(reason), int(count)) for rule, segment, sku, reason, count in rows
            for dimension, key in (("rule", rule), ("segment", segment or NONE), ("sku", sku))]


def kind_totals(session: Session, scope: Scope, kind: str) -> tuple[int, int, int]:
    """Negotiations of ``kind``, their deals and ordered deals in the period, from the roll-ups."""
    row = session.execute(select(
        func.coalesce(func.sum(ResultRollup.requests), 0), func.coalesce(func.sum(ResultRollup.deals), 0),
        func.coalesce(func.sum(ResultRollup.redeemed), 0)).where(
        ResultRollup.dimension == "kind", ResultRollup.key == kind, ResultRollup.segment == (scope.segment or ALL),
        ResultRollup.currency == scope.currency, ResultRollup.day >= scope.start,
        ResultRollup.day <= scope.end)).one()
    return int(row[0]), int(row[1]), int(row[2])
