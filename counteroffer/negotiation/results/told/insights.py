"""What pricing managers learn from what buyers told (issue 16): the competitors cited by
name, SKU and category with the median gap to our price, win rates with and without a
citation and when it was matched, and why negotiations were lost by rule, segment and SKU.

Line price requests and whole-cart quotes (or one of the two: ``kind``) started in the
period, in one currency (the busiest by default, as the results report) and optionally one
segment. Citations and lost reasons are read from the rows joined to their result facts
(``rows.py``, ``quote_rows.py``), not rolled up: this costs in proportion to the period's
facts (bench/README.md has the figures). The totals the win rates compare with come from
the roll-ups, as the rest of the dashboard (docs/competing-offers.md#what-pricing-managers-learn
defines every figure).
"""
from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from ....db import transaction
from ....rules import round_money
from ...buying.why_not import LOST_REASONS
from ...shared.actors import Actor
from ...shared.deps import Deps
from ..reports import check_period, fold_results, period_currencies, require_results_reader
from .quote_rows import quote_citations, quote_lost
from .rows import Citation, Lost, Scope, kind_totals, line_citations, line_lost

__all__ = ["CitedGroup", "WinRate", "LostGroup", "ToldInsights", "told_insights", "told_csv", "WIN_GROUPS",
           "CSV_TABLES"]

RATE = Decimal("0.0001")
PERCENT = Decimal("0.01")
#: The win-rate rows, in the order shown.
WIN_GROUPS = ("all", "not_cited", "cited", "matched", "not_matched")
#: The tables of the CSV export: table -> the heading of its first column.
CSV_TABLES = {"competitors": "competitor", "skus": "sku", "categories": "category", "win_rates": "group",
              "lost_by_rule": "rule", "lost_by_segment": "segment", "lost_by_sku": "sku"}


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
    #: Cited SKUs in the median: those at a quantity asked whose price for it is known (a
    #: quote's citation counts once per SKU it is about).
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
    #: "line" (price requests), "quote" (whole-cart quotes), or None: both.
    kind: str | None
    competitors: tuple[CitedGroup, ...]
    skus: tuple[CitedGroup, ...]
    categories: tuple[CitedGroup, ...]
    total: CitedGroup
    win_rates: tuple[WinRate, ...]
    lost_by_rule: tuple[LostGroup, ...]
    lost_by_segment: tuple[LostGroup, ...]
    lost_by_sku: tuple[LostGroup, ...]


def told_insights(deps: Deps, actor: Actor, start: date, end: date, segment: str | None = None,
                  currency: str | None = None, kind: str | None = None) -> ToldInsights:
    """The figures of docs/competing-offers.md#what-pricing-managers-learn for the line
    requests and quotes (or ``kind``) started from ``start`` to ``end`` (both days included, UTC)."""
    check_period(start, end)
    with transaction(deps.session_factory) as session:
        require_results_reader(session, actor)  # before the fold, a write a stranger could cause
    fold_results(deps)
    with transaction(deps.session_factory) as session:
        require_results_reader(session, actor)
        if currency is None:
            currency = next(iter(period_currencies(session, start, end)), None)
        scope = Scope(start, end, segment, currency or "", kind)
        citations: list[Citation] = []
        lost: list[Lost] = []
        totals = (0, 0, 0)
        if "line" in scope.kinds:
            citations += line_citations(session, scope)
            lost += line_lost(session, scope)
            totals = kind_totals(session, scope, "line")
        if "quote" in scope.kinds:
            citations += quote_citations(session, scope, lambda sku: _category(deps, session, sku))
            lost += quote_lost(session, scope)
            quotes = kind_totals(session, scope, "quote")
            totals = (totals[0] + quotes[0], totals[1] + quotes[1], totals[2] + quotes[2])
        citations.sort(key=lambda c: c.told_at)  # stable: a citation's SKUs stay together
        return ToldInsights(
            start=start, end=end, segment=segment, currency=currency, kind=kind,
            competitors=_grouped(citations, lambda c: c.competitor.casefold(), scope.currency, first_written=True),
            skus=_grouped(citations, lambda c: c.sku, scope.currency),
            categories=_grouped(citations, lambda c: c.category, scope.currency),
            total=_cited_group("total", citations, scope.currency),
            win_rates=_win_rates(totals, citations), **_lost_by(lost))


def _category(deps: Deps, session: Any, sku: str) -> str | None:
    """A quote's fact has no category: its SKUs' are the catalog's (a SKU gone from it: none)."""
    item = deps.catalog_item(session, sku)
    return item.category if item is not None else None


def _grouped(citations: Sequence[Citation], key_of: Any, currency: str,
             first_written: bool = False) -> tuple[CitedGroup, ...]:
    groups: dict[str, list[Citation]] = defaultdict(list)
    for citation in citations:
        groups[key_of(citation)].append(citation)
    found = [_cited_group(members[0].competitor if first_written else key, members, currency)
             for key, members in groups.items()]
    return tuple(sorted(found, key=lambda g: (-g.citations, g.key.casefold())))


def _cited_group(key: str, citations: Sequence[Citation], currency: str) -> CitedGroup:
    negotiations = {c.negotiation_id: c for c in citations}  # a negotiation's outcome is the same on each row
    matched = {c.negotiation_id for c in citations if c.matched}
    compared = [(c.gap, c.ours) for c in citations if c.gap is not None and c.ours]
    gap = statistics.median(gap for gap, _ in compared) if compared else None
    share = statistics.median(gap * 100 / ours for gap, ours in compared) if compared else None
    return CitedGroup(
        key=key, citations=len({c.told_id for c in citations}), negotiations=len(negotiations), matched=len(matched),
        deals=sum(c.dealt for c in negotiations.values()), ordered=sum(c.ordered for c in negotiations.values()),
        compared=len(compared), median_gap=round_money(gap, currency) if gap is not None else None,
        median_gap_pct=share.quantize(PERCENT) if share is not None else None)


def _win_rates(totals: tuple[int, int, int], citations: Iterable[Citation]) -> tuple[WinRate, ...]:
    by_negotiation: dict[str, Citation] = {}
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


def _outcomes(cited: Sequence[Citation]) -> tuple[int, int, int]:
    return len(cited), sum(c.dealt for c in cited), sum(c.ordered for c in cited)


def _win_rate(key: str, negotiations: int, deals: int, ordered: int) -> WinRate:
    return WinRate(key, negotiations, deals, ordered, _rate(deals, negotiations), _rate(ordered, negotiations))


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE) if whole else None


def _lost_by(lost: Iterable[Lost]) -> dict[str, tuple[LostGroup, ...]]:
    by: dict[str, dict[str, dict[str, int]]] = {name: defaultdict(lambda: defaultdict(int))
                                                 for name in ("rule", "segment", "sku")}
    for row in lost:
        by[row.dimension][row.key][row.reason] += row.count
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
