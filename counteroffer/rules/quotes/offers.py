"""Whole-quote offers: the order's terms, the lines' own trade-offs, and how the
candidates become ranked ``QuoteOffer``s (worded only once chosen)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from ..engine import likely_value, trade_offs
from ..frame import Candidate
from ..model import Term
from ..money import round_money
from ..pricing import price_at
from ..ruleset import LeverBundle
from .candidates import OfferedLine, QuoteCandidate, line_at
from .lines import Line, QuoteFrame
from .messages import (
    line_explanation,
    order_explanation,
    price_explanation,
    terms_quote_message,
    trade_offs_quote_message,
)
from .mix import mix_quote
from .model import QuoteLineOffer, QuoteOffer, QuoteOfferKind
from .order_rules import deliverable

__all__ = ["order_terms_quotes", "line_trade_offs_quote", "ranked", "make_quote_offer"]

HUNDRED = Decimal(100)
ZERO = Decimal(0)


def order_terms_quotes(qf: QuoteFrame, limit: int = 2) -> list[QuoteCandidate]:
    """Order levers whose value on the order's total closes the gap to the target: the
    cheapest for the buyer first, then the fewest levers (as ``tradeoffs.term_bundles``
    for a line). The order is priced at the target less the buyer's share of the terms'
    value, spread over the lines' room above their guard prices."""
    gap, bundles = qf.cart_total - qf.target, deliverable(qf.order.bundles, qf.request.needed_by, qf.now.date())
    if not bundles or gap <= 0:
        return []
    units = sum(line.quantity for line in qf.lines)
    hundredth = qf.cart_total / HUNDRED
    valued = [(b.per_unit * units + hundredth * b.pct, b) for b in bundles]
    share = qf.policy.terms_buyer_share_pct / HUNDRED
    closing = [vb for vb in valued if vb[0] * (1 - share) >= gap]
    masks = {b.mask for _, b in closing}
    minimal = sorted((vb for vb in closing if masks.isdisjoint(vb[1].submasks)), key=_cheapest_first)
    found = []
    guards = [line.guard for line in qf.lines]
    for value, bundle in minimal[:limit]:
        total = qf.target - round_money(value * share, qf.currency)
        why = "order term levers: " + ", ".join(lv.option for lv in bundle.levers)
        candidate = mix_quote(qf, guards, QuoteOfferKind.ORDER_TERMS, why, total)
        if candidate is None:
            continue
        labels = [lv.label for lv in bundle.levers]
        candidate.terms = tuple(Term(lv.group, lv.option, lv.label) for lv in bundle.levers)
        candidate.terms_value = value
        candidate._sums = None  # the value changes the seller's totals
        candidate.message = lambda c, labels=labels: terms_quote_message(c, labels)  # type: ignore[misc]
        found.append(candidate)
    return found


def _cheapest_first(valued: tuple[Decimal, LeverBundle]) -> tuple[Decimal, tuple[int, tuple[str, ...]]]:
    return valued[0], valued[1].order


def line_trade_offs_quote(qf: QuoteFrame) -> QuoteCandidate | None:
    """Every line at its best single-line trade-off (volume to a break, margin-neutral
    volume, its own terms, an alternative, the last price paid); a line without one at
    its wanted price if the rules accept that, else at this round's concession."""
    offered, traded = [], False
    for line in qf.lines:
        best = _best_trade_off(line)
        if best is None:
            price = line.price if line.wanted >= line.price else (
                line.wanted if line.acceptable() else line.concession)
            why = "as asked" if price == line.wanted else (
                "price for the quantity" if price == line.price else f"concession, round {qf.request.round}")
            offered.append(line_at(line, price, why))
            continue
        traded = True
        candidate, catalog = best
        offered.append(OfferedLine(line=line, priced=candidate.priced, why=candidate.why, catalog=catalog,
                                   message=candidate.message))
    if not traded:
        return None
    return QuoteCandidate(QuoteOfferKind.LINE_TRADE_OFFS, qf.lines, trade_offs_quote_message,
                          "per-line trade-offs", offered=offered)


def _best_trade_off(line: Line) -> tuple[Candidate, Decimal] | None:
    """The line's best trade-off and the catalog price at its quantity, or None."""
    if line.wanted >= line.price or line.acceptable():
        return None
    # Never dearer than the catalog at the offer's own quantity: a break there already
    # sells that many for less (the buyer would just order them).
    found = [(c, catalog) for c in trade_offs(line.frame) if c.priced.unit_price <= (catalog := _catalog(line, c))]
    if len(found) < 2:
        return found[0] if found else None
    return min(found, key=lambda pair: likely_value(pair[0], line.quantity))


def _catalog(line: Line, candidate: Candidate) -> Decimal:
    priced, frame = candidate.priced, line.frame
    if priced.sku != line.sku:
        alt = next(a for a in frame.context.alternatives if a.sku == priced.sku)
        return alt.list_price
    if priced.quantity == line.quantity:
        return line.price
    rules = frame.rules
    return round_money(price_at(frame.context.list_price, rules.breaks, rules.break_quantities, priced.quantity),
                       frame.currency)


def ranked(qf: QuoteFrame, candidates: list[QuoteCandidate], most: int | None = None) -> tuple[QuoteOffer, ...]:
    """Best for the seller first; an offer asking for more than the cart counts only in
    the share of it the buyer asked for (as ``engine.likely_value`` for a line). At most
    ``most`` offers (default ``max_offers``), and only those are made and worded."""
    order = sorted((_likely(qf, c), c.kind.value, index, c) for index, c in enumerate(candidates))
    made: dict[tuple[int, int, Decimal, str], QuoteLineOffer] = {}
    keep = qf.policy.max_offers if most is None else most
    return tuple(make_quote_offer(qf, c, made) for *_, c in order[:keep])


def _likely(qf: QuoteFrame, candidate: QuoteCandidate) -> Decimal:
    value, catalog = candidate.rank_value, candidate.catalog_total
    if catalog > qf.cart_total:
        value = value * qf.cart_total / catalog
    return -value


def make_quote_offer(qf: QuoteFrame, candidate: QuoteCandidate,
                     made: dict[tuple[int, int, Decimal, str], QuoteLineOffer] | None = None) -> QuoteOffer:
    """``made``: the line offers already made for this decision, by (line, quantity, price,
    why): a line priced alike in several offers (a line at its concession in the
    concession and the trade-offs quotes) is one frozen object, worded once. Unworded
    (``qf.worded`` False), the same offer with every message and explanation empty."""
    made = {} if made is None else made
    worded = qf.worded
    if candidate.prices is not None and candidate.offered is None:
        lines = _price_only_lines(candidate, candidate.prices, made, worded)
    else:
        lines = []
        for o in candidate.lines:
            priced = o.priced
            key = (id(o.line), priced.quantity, priced.unit_price, o.why)
            line_offer = made.get(key)
            if line_offer is None or line_offer.sku != priced.sku:
                line_offer = made[key] = _line_offer(priced.sku, priced.quantity, priced.unit_price, o.catalog,
                                                     line_explanation(o) if worded else "")
            lines.append(line_offer)
    return _made(QuoteOffer, kind=candidate.kind, lines=tuple(lines), currency=qf.currency,
                 expires_at=qf.expires_at, message=candidate.message(candidate) if worded else "",
                 terms=candidate.terms, seller_value=candidate.seller_value,
                 explanation=order_explanation(qf, candidate) if worded else "")


def _price_only_lines(candidate: QuoteCandidate, prices: list[Decimal],
                      made: dict[tuple[int, int, Decimal, str], QuoteLineOffer], worded: bool) -> list[QuoteLineOffer]:
    """As ``make_quote_offer``'s loop over ``line_at`` lines, without making them: each line
    as asked at its price, worded with the line's own floor and cost."""
    why, lines = candidate.why_each_line, []
    for line, price in zip(candidate.quote_lines, prices, strict=True):
        key = (id(line), line.quantity, price, why)
        line_offer = made.get(key)
        if line_offer is None or line_offer.sku != line.sku:
            line_offer = made[key] = _line_offer(
                line.sku, line.quantity, price, line.price,
                price_explanation(line, why, price, line.frame.floor, line.cost) if worded else "")
        lines.append(line_offer)
    return lines


def _line_offer(sku: str, quantity: int, price: Decimal, catalog: Decimal, explanation: str) -> QuoteLineOffer:
    """``QuoteLineOffer(...)`` without its frozen ``__init__`` (as ``_made``), from a dict
    literal: up to 600 a quote."""
    made = object.__new__(QuoteLineOffer)
    made.__dict__.update({"sku": sku, "quantity": quantity, "unit_price": price, "price_for_quantity": catalog,
                          "explanation": explanation})
    return made


T = TypeVar("T")


def _made(cls: type[T], **fields: Any) -> T:
    """``cls(**fields)`` for a frozen dataclass given every field, without its ``__init__``
    (which sets each field through ``object.__setattr__``: up to 600 line offers a quote).
    As ``model._Made`` for single-line offers; tests check it equals the normal build."""
    made = object.__new__(cls)
    made.__dict__.update(fields)
    return made
