"""Past quotes for the what-if simulation: every round that was played, as it was asked.

Each round's bid keeps what applied to the buyer when it was asked (``buyer_context``:
the company's segment and the last price it had paid per SKU, migration ``0020``), so a
round is replayed with those, not with today's. Rounds asked before that migration fall
back to today's segment (from the customers port) and no last price.

Products are resolved once per SKU, segment and side (``simulation._Contexts``); a line
with a last price paid gets its own copy of the context with that anchor.

What the buyer told with a round (``counteroffer_quote_told``, issue 16: a cited
competing offer, the day the goods are needed by) goes to the engine as the live round
did (``negotiation/quotes/told.py: QuoteTell.citation``). Its dates are moved by the days
since the round was asked, so that they stand as they stood then against the replay's
clock: a citation valid that day is valid in the replay, and ``needed_by`` leaves the
same lead time.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.quotes import Quote, QuoteBid, QuoteTold
from ...rules import CompiledRules, LastPrice, PricingContext
from ...rules.quotes import CitedLine, OrderTarget, QuoteCitation, QuoteLine, QuoteRequest
from .quote_replay import ReplayedQuote, ReplayedRound, same_order_rules

__all__ = ["buyer_context_of", "past_quotes", "resolved_quotes", "moved"]

#: (rules, SKU, segment) -> the pricing context of that side, or None (product unknown).
ContextOf = Callable[[CompiledRules, str, "str | None"], "PricingContext | None"]
SameRules = Callable[[str, "str | None", "str | None"], bool]


def buyer_context_of(request: QuoteRequest) -> dict[str, Any]:
    """What the engine knew of the buyer in this round, as JSON for the round's bid."""
    paid = {line.sku: {"unit_price": str(last.unit_price), "quantity": last.quantity,
                       "paid_at": last.paid_at.isoformat()}
            for line in request.lines if (last := line.context.last_price) is not None}
    return {"segment": request.segment, "last_paid": paid}


def past_quotes(session: Session, now: datetime, days: int,
                segment_today: Callable[[str], str | None]) -> list[dict[str, Any]]:
    """The quotes asked in the last ``days`` days, oldest first, each with its rounds:
    {"quote_id", "currency", "rounds": [{"round", "lines", "order_target", "segment",
    "last_paid", "citation", "needed_by"}]}."""
    since = now - timedelta(days=days)
    rows = session.execute(
        select(Quote.id, Quote.company_id, Quote.currency, QuoteBid.round, QuoteBid.lines,
               QuoteBid.order_target, QuoteBid.buyer_context, QuoteBid.created_at,
               QuoteTold.competitor, QuoteTold.total, QuoteTold.line_prices, QuoteTold.valid_until,
               QuoteTold.needed_by, QuoteTold.document_id)
        .join(QuoteBid, QuoteBid.quote_id == Quote.id)
        .outerjoin(QuoteTold, (QuoteTold.quote_id == QuoteBid.quote_id) & (QuoteTold.round == QuoteBid.round))
        .where(Quote.created_at >= since)
        .order_by(Quote.created_at, Quote.id, QuoteBid.round)
        .execution_options(yield_per=2000))
    quotes: list[dict[str, Any]] = []
    today = now.date()
    for (quote_id, company_id, currency, round_, lines, target, then, asked_at,
         competitor, total, line_prices, valid_until, needed_by, document_id) in rows:
        if not quotes or quotes[-1]["quote_id"] != quote_id:
            quotes.append({"quote_id": quote_id, "currency": currency, "rounds": []})
        then = then if then is not None else {"segment": segment_today(company_id), "last_paid": {}}
        shift = today - asked_at.date()
        quotes[-1]["rounds"].append({"round": round_, "lines": lines, "order_target": target,
                                     "segment": then.get("segment"), "last_paid": then.get("last_paid") or {},
                                     "citation": _citation(competitor, total, line_prices, valid_until,
                                                           document_id is not None, shift),
                                     "needed_by": moved(needed_by, shift)})
    return quotes


def _citation(competitor: str | None, total: Decimal | None, line_prices: list[dict[str, str]] | None,
              valid_until: date | None, has_document: bool, shift: timedelta) -> QuoteCitation | None:
    """The round's cited offer as the live round handed it to the engine (told.py)."""
    if competitor is None or (total is None and not line_prices):
        return None
    return QuoteCitation(competitor, total=total, valid_until=moved(valid_until, shift), has_document=has_document,
                         lines=tuple(CitedLine(x["sku"], Decimal(x["unit_price"])) for x in line_prices or ()))


def moved(day: date | None, shift: timedelta) -> date | None:
    """A day told with a round, as far from the replay's day as it was from the round's."""
    return None if day is None else day + shift


def resolved_quotes(quotes: list[dict[str, Any]], live: CompiledRules, draft: CompiledRules,
                    context_of: ContextOf, same_rules: SameRules) -> tuple[list[ReplayedQuote], int]:
    """Quotes with every line's contexts on both sides; a quote with a product no longer
    sold (or in another currency now) is skipped whole: it cannot be asked again as it was."""
    found, skipped = [], 0
    order_alike = same_order_rules(live, draft)
    sides = _Sides(live, draft, context_of, same_rules)
    for quote in quotes:
        framed = [sides.round(asked, quote["currency"]) for asked in quote["rounds"]]
        rounds = [each for each in framed if each is not None]
        if not rounds or len(rounds) < len(framed):
            skipped += 1
            continue
        same = order_alike and all(alike for _, alike in rounds)
        found.append(ReplayedQuote(quote["quote_id"], quote["currency"], tuple(r for r, _ in rounds), same))
    return found, skipped


class _Sides:
    """Both contexts of a SKU and segment and whether they decide alike, worked out once;
    with a last price paid, each side's copy of them, once per price paid."""

    def __init__(self, live: CompiledRules, draft: CompiledRules, context_of: ContextOf,
                 same_rules: SameRules) -> None:
        self._live, self._draft, self._context_of, self._same_rules = live, draft, context_of, same_rules
        self._found: dict[tuple[str, str | None], tuple[PricingContext, PricingContext, bool] | None] = {}
        self._anchored: dict[tuple[Any, ...], tuple[PricingContext, PricingContext]] = {}

    def of(self, sku: str, segment: str | None) -> tuple[PricingContext, PricingContext, bool] | None:
        key = (sku, segment)
        if key not in self._found:
            before, after = self._context_of(self._live, sku, segment), self._context_of(self._draft, sku, segment)
            self._found[key] = None if before is None or after is None else (
                before, after, before == after and self._same_rules(sku, before.category, segment))
        return self._found[key]

    def round(self, asked: dict[str, Any], currency: str) -> tuple[ReplayedRound, bool] | None:
        """The round framed for both sides, and whether every line is alike on both."""
        segment, last_paid = asked["segment"], asked["last_paid"]
        before_lines, after_lines, all_alike = [], [], True
        for line in asked["lines"]:
            sku = line["sku"]
            both = self.of(sku, segment)
            if both is None or both[0].currency != currency:
                return None
            before, after, alike = both
            paid = last_paid.get(sku) if last_paid else None
            if paid:
                before, after = self._with_last_price(sku, segment, paid, before, after)
            target = line.get("target_unit_price")
            target_price = Decimal(target) if target else None
            quantity = int(line["quantity"])
            framed = QuoteLine(sku, quantity, before, target_price)
            before_lines.append(framed)  # alike on both sides: the same facts serve both
            after_lines.append(framed if alike else QuoteLine(sku, quantity, after, target_price))
            all_alike = all_alike and alike
        target = asked["order_target"]
        order_target = None if not target else OrderTarget(
            total=Decimal(target["total"]) if "total" in target else None,
            discount_pct=Decimal(target["discount_pct"]) if "discount_pct" in target else None)
        return ReplayedRound(int(asked["round"]), tuple(before_lines), tuple(after_lines), order_target,
                             segment, asked.get("citation"), asked.get("needed_by")), all_alike

    def _with_last_price(self, sku: str, segment: str | None, paid: dict[str, Any], before: PricingContext,
                         after: PricingContext) -> tuple[PricingContext, PricingContext]:
        key = (sku, segment, paid["unit_price"], paid["quantity"], paid["paid_at"])
        found = self._anchored.get(key)
        if found is None:
            last = _last_price(paid)
            found = self._anchored[key] = (replace(before, last_price=last), replace(after, last_price=last))
        return found


def _last_price(paid: dict[str, Any] | None) -> LastPrice | None:
    if not paid:
        return None
    return LastPrice(unit_price=Decimal(paid["unit_price"]), quantity=int(paid["quantity"]),
                     paid_at=datetime.fromisoformat(paid["paid_at"]))
