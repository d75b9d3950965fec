"""Results: what negotiation earns, by period, rule, segment, rep, SKU, category or
rule-set version, read from the roll-ups only (docs/results.md defines every measure).

Only pricing managers and sales leads (reps with people reporting to them) see results.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.results import ROLLUP_MEASURES, ResultCycle, ResultRollup
from ..approvals.reps import find_rep, reports_of
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ForbiddenError, InvalidRequestError
from ..shared.states import Role
from .cycles import percentile
from .rollups import ALL, FOLD_BATCH, fold_pending, rebuild

__all__ = ["PERIODS", "GROUPS", "Measures", "ResultsReport", "results_report", "results_csv",
           "require_results_reader", "may_read_results", "measures_from", "MAX_DAYS", "rebuild_results", "fold_results",
           "check_period", "period_currencies"]

PERIODS = ("day", "week", "month")
#: ``kind``: line requests beside whole-cart quotes (issue 15); by SKU and category: line requests only.
GROUPS = (*PERIODS, "rule", "segment", "rep", "sku", "category", "version", "kind")
#: The longest range one report may cover (about three years of daily roll-ups).
MAX_DAYS = 1100
RATE = Decimal("0.0001")
PERCENT = Decimal("0.01")
_SUMS = [name for name, _ in ROLLUP_MEASURES]


@dataclass(frozen=True)
class Measures:
    key: str
    requests: int
    offered: int
    decisions: dict[str, int]
    deals: int
    redeemed: int
    acceptance_rate: Decimal | None
    conversion_rate: Decimal | None
    avg_discount_pct: Decimal | None
    margin_given_away: Decimal
    headroom_kept: Decimal
    extra_volume: int
    #: The units dealt beyond those asked, at the deal's prices.
    extra_order_value: Decimal
    order_revenue: Decimal
    #: None when the group's orders were all of products without a known cost.
    order_margin: Decimal | None
    deal_cycle_p50_s: int | None
    deal_cycle_p90_s: int | None
    decision_cycle_p50_s: int | None
    decision_cycle_p90_s: int | None
    automated_share: Decimal | None
    sla_compliance: Decimal | None


@dataclass(frozen=True)
class ResultsReport:
    start: date
    end: date
    group_by: str
    segment: str | None
    currency: str | None
    total: Measures
    groups: list[Measures]
    currencies: list[str]
    segments: list[str]


def require_results_reader(session: Session, actor: Actor) -> None:
    """Managers, pricing managers, and sales leads: reps with someone reporting to them."""
    if actor.role in (Role.MANAGER, Role.PRICING_MANAGER):
        return
    if actor.role == Role.REP and find_rep(session, actor.id) is not None and reports_of(session, actor.id):
        return
    raise ForbiddenError("Results are for pricing managers and sales leads.")


def may_read_results(deps: Deps, actor: Actor) -> bool:
    """Whether ``actor`` may open the results (the back office's header asks before it
    links them: a rep who leads others may, a rep who leads nobody may not)."""
    with transaction(deps.session_factory) as session:
        try:
            require_results_reader(session, actor)
        except ForbiddenError:
            return False
        return True


def fold_results(deps: Deps, most: int = 100) -> int:
    """Fold the waiting roll-up deltas in, a batch per transaction; returns how many.
    The worker calls it every minute; a reader calls it first, so what it reads is
    up to date to its own moment."""
    folded = 0
    for _ in range(most):
        with transaction(deps.session_factory) as session:
            batch = fold_pending(session)
        folded += batch
        if batch < FOLD_BATCH:
            break
    return folded


def results_report(deps: Deps, actor: Actor, start: date, end: date, group_by: str = "rule",
                   segment: str | None = None, currency: str | None = None) -> ResultsReport:
    _check(start, end, group_by)
    with transaction(deps.session_factory) as session:
        require_results_reader(session, actor)  # before any write a stranger could cause
    fold_results(deps)
    with transaction(deps.session_factory) as session:
        require_results_reader(session, actor)
        currencies = period_currencies(session, start, end)
        currency = currency or (currencies[0] if currencies else None)
        scope = _Scope(start, end, segment or ALL, currency or "")
        sums, cycles = _grouped(session, scope, group_by)
        return ResultsReport(
            start=start, end=end, group_by=group_by, segment=segment, currency=currency,
            total=measures_from("total", _fold(sums.values()), _fold(cycles.values())),
            groups=[measures_from(key, sums[key], cycles.get(key, {})) for key in _order(sums, group_by)],
            currencies=currencies, segments=_segments(session, scope))


def rebuild_results(deps: Deps) -> int:
    """Every roll-up again from the result facts (a repair); returns how many facts."""
    with transaction(deps.session_factory) as session:
        return rebuild(session)


def _check(start: date, end: date, group_by: str) -> None:
    if group_by not in GROUPS:
        message = f"Group by one of {', '.join(GROUPS)}."
        raise InvalidRequestError(message, {"group_by": [message]})
    check_period(start, end)


def check_period(start: date, end: date) -> None:
    """A 422 naming ``to`` or ``from`` for a period no report covers."""
    if end < start:
        message = "The end of the period comes before its start."
        raise InvalidRequestError(message, {"to": [message]})
    if (end - start).days >= MAX_DAYS:
        message = f"A report covers at most {MAX_DAYS} days."
        raise InvalidRequestError(message, {"from": [message]})


@dataclass(frozen=True)
class _Scope:
    start: date
    end: date
    segment: str
    currency: str


def _grouped(session: Session, scope: _Scope,
             group_by: str) -> tuple[dict[str, Counter[str]], dict[str, Counter[tuple[str, int]]]]:
    by_period = group_by in PERIODS
    dimension = "all" if by_period else group_by
    label = ResultRollup.day if by_period else ResultRollup.key
    sums: dict[str, Counter[str]] = defaultdict(Counter)
    query = select(label, *[func.sum(getattr(ResultRollup, name)) for name in _SUMS]).where(
        *_where(ResultRollup, scope, dimension)).group_by(label)
    for row in session.execute(query):
        sums[_label(row[0], group_by)].update(dict(zip(_SUMS, row[1:], strict=True)))
    cycle_label = ResultCycle.day if by_period else ResultCycle.key
    cycles: dict[str, Counter[tuple[str, int]]] = defaultdict(Counter)
    query = select(cycle_label, ResultCycle.cycle, ResultCycle.bucket, func.sum(ResultCycle.count)).where(
        *_where(ResultCycle, scope, dimension)).group_by(cycle_label, ResultCycle.cycle, ResultCycle.bucket)
    for key, cycle, bucket, count in session.execute(query):
        cycles[_label(key, group_by)][(cycle, bucket)] += count
    return sums, cycles


def _where(model: Any, scope: _Scope, dimension: str) -> list[Any]:
    return [model.day >= scope.start, model.day <= scope.end, model.currency == scope.currency,
            model.segment == scope.segment, model.dimension == dimension]


def _label(value: Any, group_by: str) -> str:
    day: date = value  # a roll-up's day when grouped by period, else its key (a str)
    if group_by == "day":
        return day.isoformat()
    if group_by == "week":  # the Monday it starts on
        return (day - timedelta(days=day.weekday())).isoformat()
    if group_by == "month":
        return day.strftime("%Y-%m")
    return str(value)


def _order(sums: dict[str, Counter[str]], group_by: str) -> list[str]:
    # A key a negotiation moved away from (its rule or rep changed) is left with zeros.
    keys = [key for key in sums if sums[key]["requests"]]
    if group_by in PERIODS:
        return sorted(keys)
    return sorted(keys, key=lambda key: (-sums[key]["requests"], key))


def _fold(many: Any) -> Counter[Any]:
    total: Counter[Any] = Counter()
    for sums in many:
        total.update(sums)
    return total


def measures_from(key: str, sums: Mapping[str, Any], cycles: Mapping[tuple[str, int], int]) -> Measures:
    """The measures of docs/results.md from summed roll-up columns and cycle buckets."""
    n = {name: sums.get(name) or 0 for name in _SUMS}
    money = {name: Decimal(n[name]) for name, is_money in ROLLUP_MEASURES if is_money}
    deal_buckets = {b: c for (cycle, b), c in cycles.items() if cycle == "deal" and c}
    decision_buckets = {b: c for (cycle, b), c in cycles.items() if cycle == "decision" and c}
    return Measures(
        key=key, requests=n["requests"], offered=n["offered"], decisions=_decisions(n),
        deals=n["deals"], redeemed=n["redeemed"],
        acceptance_rate=_rate(n["deals"], n["offered"]), conversion_rate=_rate(n["redeemed"], n["deals"]),
        avg_discount_pct=_discount(money["list_value"], money["priced_value"]),
        margin_given_away=money["list_value"] - money["priced_value"],
        headroom_kept=money["priced_value"] - money["floor_value"],
        extra_volume=n["deal_units"] - n["asked_units"], extra_order_value=money["extra_value"],
        order_revenue=money["order_revenue"],
        # Orders were placed, none with a known cost: their margin is unknown, not 0.00.
        order_margin=None if n["redeemed"] and not n["margin_known"] else money["order_margin"],
        deal_cycle_p50_s=percentile(deal_buckets, 50), deal_cycle_p90_s=percentile(deal_buckets, 90),
        decision_cycle_p50_s=percentile(decision_buckets, 50),
        decision_cycle_p90_s=percentile(decision_buckets, 90),
        automated_share=_rate(n["auto_deals"], n["deals"]), sla_compliance=_rate(n["sla_met"], n["decided"]))


def _decisions(n: dict[str, Any]) -> dict[str, int]:
    return {"accept": n["dec_accept"], "counter": n["dec_counter"], "escalate": n["dec_escalate"],
            "decline": n["dec_decline"], "rep_approve": n["dec_approve"],
            "rep_counter": n["dec_rep_counter"], "rep_reject": n["dec_reject"]}


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE) if whole else None


def _discount(list_value: Decimal, priced_value: Decimal) -> Decimal | None:
    if not list_value:
        return None
    return ((list_value - priced_value) * 100 / list_value).quantize(PERCENT)


def period_currencies(session: Session, start: date, end: date) -> list[str]:
    """Currencies with requests in the period, the busiest first."""
    total = func.sum(ResultRollup.requests)
    rows = session.execute(select(ResultRollup.currency, total).where(
        ResultRollup.day >= start, ResultRollup.day <= end, ResultRollup.segment == ALL,
        ResultRollup.dimension == "all").group_by(ResultRollup.currency).order_by(total.desc(), ResultRollup.currency))
    return [currency for currency, requests in rows if requests]


def _segments(session: Session, scope: _Scope) -> list[str]:
    rows = session.scalars(select(ResultRollup.key).where(
        *_where(ResultRollup, _Scope(scope.start, scope.end, ALL, scope.currency), "segment"))
        .group_by(ResultRollup.key).having(func.sum(ResultRollup.requests) > 0).order_by(ResultRollup.key))
    return list(rows)


CSV_COLUMNS = [f.name for f in fields(Measures) if f.name != "decisions"]


def results_csv(report: ResultsReport) -> str:
    """One line per group, then the total: every measure, decisions as one column each."""
    out = io.StringIO()
    writer = csv.writer(out)
    kinds = list(report.total.decisions)
    writer.writerow([report.group_by, *CSV_COLUMNS[1:], *[f"decisions_{k}" for k in kinds]])
    for row in [*report.groups, report.total]:
        values = [getattr(row, name) for name in CSV_COLUMNS]
        writer.writerow([*("" if v is None else v for v in values), *[row.decisions[k] for k in kinds]])
    return out.getvalue()
