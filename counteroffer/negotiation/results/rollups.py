"""Roll-ups of the result facts, kept up to date in the transaction that changes a fact.

A fact contributes to one request day and currency, under two segment filters (its own
segment and '*', every segment) and, under each, to one key of each dimension: 'all'
('*'), 'rule', 'segment', 'rep', 'sku', 'category', 'version' and 'kind' ('line' or
'quote'; a quote, many SKUs at once, counts under no SKU or category). When a fact changes, its
old contribution is taken away and its new one added, with one INSERT ... ON CONFLICT DO
UPDATE (``x = x + delta``) for the sums and one for the cycle-time buckets. Rows are
written in key order, so two transactions never wait on each other in a cycle.

``rebuild`` recomputes every roll-up from the facts (a repair, or after a bulk load).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ...db.appends import append_row
from ...db.results import ROLLUP_MEASURES, ResultCycle, ResultDelta, ResultFact, ResultRollup
from .cycles import BOUNDS, bucket_of

__all__ = ["DIMENSIONS", "ALL", "NONE", "Contribution", "contribution", "apply_delta", "rebuild",
           "rebuild_in_sql", "queue_delta", "fold_pending", "FOLD_BATCH"]

DIMENSIONS = ("all", "rule", "segment", "rep", "sku", "category", "version", "kind")
#: The dimensions a quote's fact leaves out: its lines are many SKUs and categories.
_LINE_ONLY = frozenset({"sku", "category"})
ALL = "*"  # the one key of dimension 'all', and the segment filter "every segment"
NONE = "-"  # a dimension value not known (no segment, no category, no person)

RowKey = tuple[Any, ...]  # (day, currency, segment, dimension, key)
CycleKey = tuple[Any, ...]  # RowKey + (cycle, bucket)
ZERO = Decimal(0)


class Contribution:
    """What one fact adds to the roll-ups: sums per row key, counts per cycle bucket."""

    def __init__(self) -> None:
        self.sums: dict[RowKey, Counter[str]] = defaultdict(Counter)
        self.cycles: Counter[CycleKey] = Counter()

    def add(self, more: Contribution) -> None:
        """Sum ``more`` into this one (deltas may be negative)."""
        for key, sums in more.sums.items():
            self.sums[key].update(sums)
        self.cycles.update(more.cycles)

    def minus(self, other: Contribution) -> Contribution:
        """What changed from ``other`` to this one, zeros left out."""
        delta = Contribution()
        for key in self.sums.keys() | other.sums.keys():
            mine, theirs = self.sums.get(key), other.sums.get(key)
            if theirs is None:  # a new fact's keys (every price request): nothing to take away
                kept = Counter({name: value for name, value in mine.items() if value}) if mine else None
            else:
                sums = Counter(mine or {})
                sums.subtract(theirs)
                kept = Counter({name: value for name, value in sums.items() if value})
            if kept:
                delta.sums[key] = kept
        cycles = Counter(self.cycles)
        cycles.subtract(other.cycles)
        delta.cycles = Counter({key: value for key, value in cycles.items() if value})
        return delta


def _keys(fact: ResultFact) -> list[RowKey]:
    kind = fact.kind or "line"
    values = {"all": ALL, "rule": fact.rule, "segment": fact.segment or NONE,
              "rep": fact.rep_id or NONE, "sku": fact.sku, "category": fact.category or NONE,
              "version": fact.rule_version_id or NONE, "kind": kind}
    dimensions = DIMENSIONS if kind == "line" else [d for d in DIMENSIONS if d not in _LINE_ONLY]
    return [(fact.day, fact.currency, segment, dimension, values[dimension])
            for segment in (ALL, fact.segment or NONE) for dimension in dimensions]


def contribution(fact: ResultFact | None) -> Contribution:
    result = Contribution()
    if fact is None:
        return result
    # Zero measures left out: a missing measure counts as 0 everywhere a contribution is
    # read (minus, add, _sum_row), and a price request's fact is mostly zeros.
    sums = {name: value for name, value in measures(fact).items() if value}
    cycles = _cycle_buckets(fact)
    for key in _keys(fact):
        result.sums[key] = Counter(sums)
        for cycle, bucket in cycles:
            result.cycles[(*key, cycle, bucket)] += 1
    return result


def measures(fact: ResultFact) -> dict[str, Any]:
    """The additive measures of one negotiation (docs/results.md defines each)."""
    found: dict[str, Any] = {
        "requests": 1, "offered": int(bool(fact.offered)),
        **{name: getattr(fact, name) or 0 for name in (
            "dec_accept", "dec_counter", "dec_escalate", "dec_decline", "dec_approve",
            "dec_rep_counter", "dec_reject")},
        "decided": int(fact.decided_at is not None),
        "sla_met": int(fact.decided_at is not None and fact.due_at is not None
                       and fact.decided_at <= fact.due_at)}
    if fact.deal_at is not None:
        found.update(_deal_measures(fact))
    return found


def _deal_measures(fact: ResultFact) -> dict[str, Any]:
    quantity = fact.deal_quantity or 0
    value, list_value, floor_value, cost_value = _deal_totals(fact)
    found: dict[str, Any] = {"deals": 1, "auto_deals": int(not fact.by_person),
                             "asked_units": fact.asked_quantity, "deal_units": quantity,
                             "deal_value": value, "extra_value": _extra_value(fact)}
    if list_value is not None and floor_value is not None:
        found.update(list_value=list_value, priced_value=value, floor_value=floor_value)
    if fact.redeemed_at is not None:
        found.update(redeemed=1, order_revenue=value)
        if cost_value is not None:
            found.update(order_margin=value - cost_value, margin_known=1)
    return found


def _deal_totals(fact: ResultFact) -> tuple[Decimal, Decimal | None, Decimal | None, Decimal | None]:
    """The deal's value, list value, floor value and cost: a quote keeps its totals, a
    line request its unit prices (``rebuild_in_sql`` reads them with the same coalesce)."""
    quantity, price = fact.deal_quantity or 0, fact.deal_unit_price or ZERO

    def total(kept: Decimal | None, unit: Decimal | None) -> Decimal | None:
        return kept if kept is not None else (unit * quantity if unit is not None else None)

    value = total(fact.deal_value, price)
    assert value is not None
    return (value, total(fact.deal_list_value, fact.deal_list_price), total(fact.deal_floor_value, fact.deal_floor),
            total(fact.deal_cost_value, fact.deal_cost))


def _extra_value(fact: ResultFact) -> Decimal:
    """The units dealt beyond those asked, at the deal's prices."""
    if fact.extra_value is not None:
        return fact.extra_value
    return ((fact.deal_quantity or 0) - fact.asked_quantity) * (fact.deal_unit_price or ZERO)


def _cycle_buckets(fact: ResultFact) -> list[tuple[str, int]]:
    found = []
    if fact.deal_at is not None:
        found.append(("deal", bucket_of(fact.deal_at - fact.requested_at)))
    if fact.decided_at is not None and fact.escalated_at is not None:
        found.append(("decision", bucket_of(fact.decided_at - fact.escalated_at)))
    return found


def apply_delta(session: Session, delta: Contribution) -> None:
    if delta.sums:
        _upsert(session, ResultRollup, [_sum_row(key, sums) for key, sums in sorted(delta.sums.items())],
                [name for name, _ in ROLLUP_MEASURES])
    if delta.cycles:
        _upsert(session, ResultCycle, [_cycle_row(key, count) for key, count in sorted(delta.cycles.items())],
                ["count"])


def _sum_row(key: RowKey, sums: Counter[str]) -> dict[str, Any]:
    row = dict(zip(("day", "currency", "segment", "dimension", "key"), key, strict=True))
    for name, is_money in ROLLUP_MEASURES:
        value = sums.get(name, 0)
        row[name] = Decimal(value) if is_money else int(value)
    return row


def _cycle_row(key: CycleKey, count: int) -> dict[str, Any]:
    return {**dict(zip(("day", "currency", "segment", "dimension", "key", "cycle", "bucket"), key, strict=True)),
            "count": count}


def _upsert(session: Session, model: Any, rows: list[dict[str, Any]], added: Iterable[str]) -> None:
    # One statement with many parameter sets, not ``.values(rows)``: a multi-row VALUES is
    # compiled again on every call (hundreds of bind parameters), which cost a price
    # request more than everything else it did. This form is compiled once and cached.
    session.execute(_upsert_statement(session.get_bind().dialect.name, model.__table__,
                                      tuple(added)), rows)


@lru_cache(maxsize=16)
def _upsert_statement(dialect_name: str, table: Any, added: tuple[str, ...]) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=keys, set_={name: table.c[name] + statement.excluded[name] for name in added})


# -- the queue of deltas: written by use cases, folded in by the worker and by readers ---

#: Deltas folded per transaction; a reader folds batches until none are left.
FOLD_BATCH = 5000


def queue_delta(session: Session, delta: Contribution) -> None:
    """Append what this transaction changed; the roll-ups move when it is folded."""
    # An appended row, not an ORM object: nothing reads it back in this transaction, and
    # on PostgreSQL it goes out in the one statement with the request's other new rows
    # (db/appends.py). Queued from a before_commit hook that runs before the one that
    # writes the queue (result_facts._move_rollups).
    if delta.sums or delta.cycles:
        append_row(session, ResultDelta.__table__, {"payload": _to_payload(delta)})


def fold_pending(session: Session, limit: int = FOLD_BATCH) -> int:
    """Sum up to ``limit`` waiting deltas into the roll-ups and delete them, in the
    caller's transaction; returns how many. Two folds at once take disjoint rows (SKIP
    LOCKED) and upsert their keys in one order, so they neither double-count nor deadlock."""
    query = select(ResultDelta.id, ResultDelta.payload).order_by(ResultDelta.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).all()
    if not rows:
        return 0
    total = Contribution()
    for row in rows:
        total.add(_from_payload(row.payload))
    apply_delta(session, total)
    session.execute(delete(ResultDelta).where(ResultDelta.id.in_([row.id for row in rows])))
    return len(rows)


def _to_payload(delta: Contribution) -> dict[str, Any]:
    return {"sums": [[key[0].isoformat(), *key[1:], {name: _plain(value) for name, value in sums.items()}]
                     for key, sums in delta.sums.items()],
            "cycles": [[key[0].isoformat(), *key[1:], count] for key, count in delta.cycles.items()]}


def _from_payload(payload: dict[str, Any]) -> Contribution:
    delta = Contribution()
    for *key, sums in payload["sums"]:
        delta.sums[(date.fromisoformat(key[0]), *key[1:])].update(
            {name: Decimal(value) if isinstance(value, str) else value for name, value in sums.items()})
    for *key, count in payload["cycles"]:
        delta.cycles[(date.fromisoformat(key[0]), *key[1:])] += count
    return delta


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def rebuild(session: Session, batch: int = 5000) -> int:
    """Every roll-up again from the facts; returns how many facts were read."""
    session.execute(delete(ResultDelta))  # the facts already hold what they would add
    session.execute(delete(ResultRollup))
    session.execute(delete(ResultCycle))
    total, pending = 0, Contribution()
    for fact in session.scalars(select(ResultFact).execution_options(yield_per=batch)):
        pending.add(contribution(fact))
        total += 1
        if total % batch == 0:
            apply_delta(session, pending)
            pending = Contribution()
    apply_delta(session, pending)
    return total


# A quote's fact keeps its deal's totals; a line request's are its unit prices times its
# quantity (``_deal_totals``): the coalesce below reads both.
_TOTALS = {"value": "coalesce(f.deal_value, coalesce(f.deal_unit_price, 0) * f.deal_quantity)",
           "list": "coalesce(f.deal_list_value, f.deal_list_price * f.deal_quantity)",
           "floor": "coalesce(f.deal_floor_value, f.deal_floor * f.deal_quantity)",
           "cost": "coalesce(f.deal_cost_value, f.deal_cost * f.deal_quantity)",
           "extra": "coalesce(f.extra_value, (f.deal_quantity - f.asked_quantity) * coalesce(f.deal_unit_price, 0))"}
_SQL_MEASURES = """
  count(*), sum(f.offered::int), sum(f.dec_accept), sum(f.dec_counter), sum(f.dec_escalate),
  sum(f.dec_decline), sum(f.dec_approve), sum(f.dec_rep_counter), sum(f.dec_reject),
  count(f.deal_at), count(*) FILTER (WHERE f.deal_at IS NOT NULL AND NOT f.by_person),
  count(*) FILTER (WHERE f.deal_at IS NOT NULL AND f.redeemed_at IS NOT NULL),
  coalesce(sum(f.asked_quantity) FILTER (WHERE f.deal_at IS NOT NULL), 0),
  coalesce(sum(f.deal_quantity) FILTER (WHERE f.deal_at IS NOT NULL), 0),
  coalesce(sum({value}) FILTER (WHERE f.deal_at IS NOT NULL), 0),
  coalesce(sum({list}) FILTER (WHERE {priced}), 0),
  coalesce(sum({value}) FILTER (WHERE {priced}), 0),
  coalesce(sum({floor}) FILTER (WHERE {priced}), 0),
  coalesce(sum({value}) FILTER (WHERE {redeemed}), 0),
  coalesce(sum({value} - {cost}) FILTER (WHERE {redeemed} AND {cost} IS NOT NULL), 0),
  count(*) FILTER (WHERE {redeemed} AND {cost} IS NOT NULL),
  count(f.decided_at), count(*) FILTER (WHERE f.decided_at <= f.due_at),
  coalesce(sum({extra}) FILTER (WHERE f.deal_at IS NOT NULL), 0)
""".format(priced=f"f.deal_at IS NOT NULL AND {_TOTALS['list']} IS NOT NULL AND {_TOTALS['floor']} IS NOT NULL",
           redeemed="f.deal_at IS NOT NULL AND f.redeemed_at IS NOT NULL", **_TOTALS)
_SQL_KEYS = """
FROM counteroffer_result_facts f
CROSS JOIN LATERAL (VALUES ('*'), (coalesce(f.segment, '-'))) s(segment)
CROSS JOIN LATERAL (VALUES ('all', '*'), ('rule', f.rule), ('segment', coalesce(f.segment, '-')),
  ('rep', coalesce(f.rep_id, '-')), ('sku', f.sku), ('category', coalesce(f.category, '-')),
  ('version', coalesce(f.rule_version_id, '-')), ('kind', f.kind)) d(dimension, key)
"""
_SQL_LINE_ONLY = "(f.kind = 'line' OR d.dimension NOT IN ('sku', 'category'))"  # as _keys leaves them out
_SQL_CYCLES = """
INSERT INTO counteroffer_result_cycles (day, currency, segment, dimension, key, cycle, bucket, count)
SELECT f.day, f.currency, s.segment, d.dimension, d.key, c.cycle,
       least(width_bucket(c.seconds, CAST(:thresholds AS bigint[])), :last), count(*)
""" + _SQL_KEYS + """
CROSS JOIN LATERAL (VALUES
  ('deal', ceil(extract(epoch FROM f.deal_at - f.requested_at))),
  ('decision', ceil(extract(epoch FROM f.decided_at - f.escalated_at)))) c(cycle, seconds)
WHERE c.seconds IS NOT NULL AND """ + _SQL_LINE_ONLY + """
GROUP BY 1, 2, 3, 4, 5, 6, 7
"""


def rebuild_in_sql(session: Session) -> None:
    """``rebuild`` as two INSERT ... SELECT on PostgreSQL: for bulk loads (bench/results_bench.py).

    Must sum exactly what ``measures`` and ``_cycle_buckets`` add (a test compares them)."""
    names = ", ".join(name for name, _ in ROLLUP_MEASURES)
    session.execute(delete(ResultDelta))
    session.execute(delete(ResultRollup))
    session.execute(delete(ResultCycle))
    session.execute(text(f"INSERT INTO counteroffer_result_rollups (day, currency, segment, dimension, key, {names}) "
                         f"SELECT f.day, f.currency, s.segment, d.dimension, d.key, {_SQL_MEASURES} {_SQL_KEYS} "
                         f"WHERE {_SQL_LINE_ONLY} GROUP BY 1, 2, 3, 4, 5"))
    # bucket_of is bisect_left over BOUNDS: the number of bounds below the duration,
    # i.e. of thresholds bound + 1 at or below it, which is what width_bucket counts.
    session.execute(text(_SQL_CYCLES), {"thresholds": [bound + 1 for bound in BOUNDS],
                                        "last": len(BOUNDS) - 1})
