"""The told rows of whole-cart quotes: each citation split by the SKUs it is about, and each
quote lost for a reason, in the shapes of ``rows.py``.

Our price for a line is its price for the quantity (list or volume break), kept on the
quote's line as last asked: a round's citation is compared where the round asked that
quantity, as a line request's is compared at the quantity first asked. A citation of an
order total speaks of every line of its round at once: it is compared when every line is,
as the same share off each line (the competitor's total over ours), so a SKU's median gap
and a competitor's take quotes and line requests alike, unit price against unit price.

Reads only the database's rows (``db.quotes``), never the quote use cases: those write
result facts through ``results``, which must not import them back.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....db.quotes import Quote, QuoteBid, QuoteLineRow, QuoteOfferRow, QuoteTold
from ....db.results import ResultFact
from ..rollups import NONE
from .rows import Citation, Lost, Scope, among, matched

__all__ = ["quote_citations", "quote_lost"]

#: The most cited SKUs read as one list of parameters (with ``among``'s 500 ids on SQLite).
_MOST_SKUS = 10_000
#: (quote id, SKU) -> (the line's quantity as last asked, its price for that quantity, its category).
_Priced = Mapping[tuple[str, str], tuple[int, Decimal, str | None]]


def quote_citations(session: Session, scope: Scope, category_of: Callable[[str], str | None]) -> list[Citation]:
    told = _told_rows(session, scope)
    outcomes = _outcomes(session, scope, {row.quote_id for row in told})
    told = [row for row in told if row.quote_id in outcomes]  # the period's quotes, in its currency and segment
    ids = {row.quote_id for row in told}
    priced = _needed_lines(session, told)
    matches = matched(session, QuoteOfferRow.quote_id, QuoteOfferRow.kind, ids)
    categories: dict[str, str] = {}

    def category(quote_id: str, sku: str) -> str:
        kept = priced.get((quote_id, sku))
        if kept is not None and kept[2] is not None:
            return kept[2]
        if sku not in categories:  # a line written before migration 0023: the catalog's
            categories[sku] = category_of(sku) or NONE
        return categories[sku]

    found: list[Citation] = []
    for row in told:
        dealt, ordered = outcomes[row.quote_id]
        asked = {str(line["sku"]): int(line["quantity"]) for line in row.lines}
        gaps = _line_gaps(row, asked, priced) if row.line_prices else _total_gaps(row, asked, priced)
        found.extend(Citation(
            f"quote:{row.id}", row.created_at, row.quote_id, str(row.competitor), sku, category(row.quote_id, sku),
            gap=gap, ours=ours, matched=row.quote_id in matches, dealt=dealt, ordered=ordered)
            for sku, (gap, ours) in gaps.items())
    return found


def _told_rows(session: Session, scope: Scope) -> list[Any]:
    """The citations told since the period began, with their round's bid. A round is told
    after its quote starts: the period's start bounds them, and the facts (``_outcomes``)
    keep the period's own quotes; read apart, so that PostgreSQL starts from these few rows
    rather than hashing every quote fact of the period (85 ms at 200,000 negotiations)."""
    return list(session.connection().execute(
        select(QuoteTold.id, QuoteTold.created_at, QuoteTold.quote_id, QuoteTold.competitor, QuoteTold.total,
               QuoteTold.line_prices, QuoteBid.lines)
        .join(QuoteBid, (QuoteBid.quote_id == QuoteTold.quote_id) & (QuoteBid.round == QuoteTold.round))
        .where(QuoteTold.competitor.is_not(None), QuoteTold.created_at >= scope.since)
        .order_by(QuoteTold.id)))


def _outcomes(session: Session, scope: Scope, ids: Iterable[str]) -> dict[str, tuple[bool, bool]]:
    """(won, ordered) of each of the quotes ``ids`` that are the period's, in its currency and segment."""
    found: dict[str, tuple[bool, bool]] = {}
    for where in among(session, ResultFact.negotiation_id, ids):
        for quote_id, dealt, ordered in session.connection().execute(
                select(ResultFact.negotiation_id, ResultFact.deal_at.is_not(None), ResultFact.redeemed_at.is_not(None))
                .where(where, *scope.facts("quote"))).all():
            found[quote_id] = (bool(dealt), bool(ordered))
    return found


def _ours(row: Any, sku: str, asked: Mapping[str, int], priced: _Priced) -> Decimal | None:
    known = priced.get((row.quote_id, sku))
    return known[1] if known is not None and known[0] == asked.get(sku) else None


def _line_gaps(row: Any, asked: Mapping[str, int],
               priced: _Priced) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    gaps: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for line in row.line_prices:
        sku, cited = str(line["sku"]), Decimal(str(line["unit_price"]))
        ours = _ours(row, sku, asked, priced)
        gaps[sku] = (cited - ours if ours is not None else None, ours)
    return gaps


def _total_gaps(row: Any, asked: Mapping[str, int],
                priced: _Priced) -> dict[str, tuple[Decimal | None, Decimal | None]]:
    ours = {sku: _ours(row, sku, asked, priced) for sku in asked}
    known = [price for price in ours.values() if price is not None]
    if len(known) < len(ours) or not known:
        return {sku: (None, price) for sku, price in ours.items()}
    our_total = sum((price * asked[sku] for sku, price in ours.items() if price is not None), Decimal(0))
    if not our_total:
        return {sku: (None, price) for sku, price in ours.items()}
    share = Decimal(row.total) / our_total - 1
    return {sku: (price * share, price) for sku, price in ours.items() if price is not None}


def _needed_lines(session: Session, told: list[Any]) -> dict[tuple[str, str], tuple[int, Decimal, str | None]]:
    """The lines the citations compare with: every line of a quote with an order total cited,
    only the cited SKUs of the others (at a million negotiations, half the rows to read)."""
    whole = {row.quote_id for row in told if not row.line_prices}
    cited = {row.quote_id for row in told} - whole
    skus = {str(line["sku"]) for row in told if row.quote_id in cited for line in row.line_prices}
    found = _priced_lines(session, whole)
    if cited:  # (so many SKUs that SQLite could not take them as parameters: all the lines)
        only = (QuoteLineRow.sku.in_(sorted(skus)),) if len(skus) <= _MOST_SKUS else ()
        lines = _priced_lines(session, cited, *only)
        found.update((key, value) for key, value in lines.items() if key[1] in skus)
    return found


def _priced_lines(session: Session, ids: Iterable[str],
                  *more: Any) -> dict[tuple[str, str], tuple[int, Decimal, str | None]]:
    found: dict[tuple[str, str], tuple[int, Decimal, str | None]] = {}
    for where in among(session, QuoteLineRow.quote_id, ids):
        for quote_id, sku, quantity, price, category in session.connection().execute(
                select(QuoteLineRow.quote_id, QuoteLineRow.sku, QuoteLineRow.quantity,
                       QuoteLineRow.price_for_quantity, QuoteLineRow.category).where(where, *more)).all():
            found[(quote_id, sku)] = (int(quantity), Decimal(price), category)
    return found


def quote_lost(session: Session, scope: Scope) -> list[Lost]:
    """A lost quote counts once under its rule and segment, and once under each line it had
    when it ended (a line a counter removed is not counted). The quotes with their facts are
    read once (a scan of the period's facts); their lines are counted by the database."""
    lost = session.connection().execute(
        select(Quote.id, Quote.lost_reason, ResultFact.rule, ResultFact.segment)
        .join(ResultFact, ResultFact.negotiation_id == Quote.id)
        .where(Quote.lost_reason.is_not(None), Quote.created_at >= scope.since, Quote.created_at < scope.until,
               *scope.facts("quote"))).all()
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for _id, reason, rule, segment in lost:
        counts[("rule", rule, str(reason))] += 1
        counts[("segment", segment or NONE, str(reason))] += 1
    for where in among(session, QuoteLineRow.quote_id, {row.id for row in lost}):
        for sku, reason, count in session.execute(
                select(QuoteLineRow.sku, Quote.lost_reason, func.count()).join(Quote, Quote.id == QuoteLineRow.quote_id)
                .where(where, QuoteLineRow.removed_round.is_(None)).group_by(QuoteLineRow.sku, Quote.lost_reason)):
            counts[("sku", sku, str(reason))] += int(count)
    return [Lost(dimension, key, reason, count) for (dimension, key, reason), count in counts.items()]
