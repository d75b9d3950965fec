"""What a buyer tells with a quote's round: a competing offer (the competitor's order total,
or its unit prices for SKUs of the quote) and the day the goods are needed by.

The checks shared with a line's citation are buying/told.py's (``check_told``); here, what
only a quote has: a total or line prices (one of the two), each line's SKU on the quote.
Stored with the round (``counteroffer_quote_told``), shown back in the quote to its own
company and to staff, and handed to the engine as ``rules.quotes.QuoteCitation`` and
``QuoteRequest.needed_by`` (rules/quotes/citations.py decides what it earns).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import Document
from ...db.quotes import Quote, QuoteTold
from ...rules import round_money
from ...rules.quotes import CitedLine, QuoteCitation
from ..buying.told import check_told, document_ref
from ..shared.errors import InvalidRequestError

__all__ = ["QuoteTell", "QuoteToldView", "NOTHING_TOLD", "check_quote_tell", "store_quote_tell",
           "quote_told_views"]


@dataclass(frozen=True)
class QuoteTell:
    """What the buyer sends with a quote request or counter; every part optional."""

    competitor: str | None = None
    total: Decimal | None = None
    #: (SKU, the competitor's unit price), in the order sent.
    line_prices: tuple[tuple[str, Decimal], ...] = ()
    valid_until: date | None = None
    note: str | None = None
    needed_by: date | None = None
    document_id: str | None = None

    @property
    def cites(self) -> bool:
        return self.competitor is not None and (self.total is not None or bool(self.line_prices))

    def citation(self, has_document: bool) -> QuoteCitation | None:
        if not self.cites or self.competitor is None:
            return None
        return QuoteCitation(self.competitor, total=self.total, valid_until=self.valid_until,
                             lines=tuple(CitedLine(sku, price) for sku, price in self.line_prices),
                             has_document=has_document)

    def said_anything(self) -> bool:
        return self.cites or self.needed_by is not None


NOTHING_TOLD = QuoteTell()


@dataclass(frozen=True)
class QuoteToldView:
    round: int
    competitor: str | None
    currency: str
    total: Decimal | None
    #: [{"sku", "unit_price"}] cited per line (empty for a total).
    lines: tuple[dict[str, object], ...]
    valid_until: date | None
    note: str | None
    needed_by: date | None
    document: dict[str, object] | None = None


def check_quote_tell(tell: QuoteTell, currency: str, today: date, skus: Sequence[str]) -> None:
    """Before anything is written: a 422 naming the field (``competing_offer.lines[0].sku``)."""
    if tell.competitor is not None and (tell.total is None) == (not tell.line_prices):
        _refuse("competing_offer", "Give the competitor's order total or its unit prices per line, not both.")
    asked, seen = set(skus), set()
    for index, (sku, _price) in enumerate(tell.line_prices):
        if sku not in asked:
            _refuse(f"competing_offer.lines[{index}].sku", f"{sku} is not a line of this quote.")
        if sku in seen:
            _refuse(f"competing_offer.lines[{index}].sku", f"{sku} is cited twice; cite each line once.")
        seen.add(sku)
    prices = [(f"competing_offer.lines[{index}].unit_price", price)
              for index, (_sku, price) in enumerate(tell.line_prices)]
    if tell.total is not None:
        prices.insert(0, ("competing_offer.total", tell.total))
    check_told(currency, today, prices, tell.valid_until, tell.note, tell.needed_by, tell.document_id, tell.cites)


def _refuse(field: str, message: str) -> None:
    raise InvalidRequestError(f"{field}: {message}", {field: [message]})


def store_quote_tell(session: Session, row: Quote, tell: QuoteTell, now: datetime,
                     document: Document | None) -> None:
    """Kept with the quote's current round; the document is the quote's from now on."""
    if not tell.said_anything():
        return
    cites = tell.cites
    if document is not None:
        document.quote_id = row.id
    session.add(QuoteTold(
        quote_id=row.id, round=row.round, competitor=tell.competitor if cites else None,
        total=tell.total if cites else None,
        line_prices=[{"sku": sku, "unit_price": str(price)} for sku, price in tell.line_prices] if cites else None,
        valid_until=tell.valid_until if cites else None, note=(tell.note or None) if cites else None,
        needed_by=tell.needed_by, document_id=document.id if document is not None else None, created_at=now))


def quote_told_views(session: Session, row: Quote) -> tuple[QuoteToldView, ...]:
    """The quote's history of what the buyer told, oldest round first."""
    told = session.scalars(select(QuoteTold).where(QuoteTold.quote_id == row.id).order_by(QuoteTold.round))
    currency = row.currency
    return tuple(QuoteToldView(
        round=t.round, competitor=t.competitor, currency=currency,
        total=round_money(t.total, currency) if t.total is not None else None,
        lines=tuple({"sku": line["sku"], "unit_price": round_money(Decimal(line["unit_price"]), currency)}
                    for line in t.line_prices or ()),
        valid_until=t.valid_until, note=t.note, needed_by=t.needed_by,
        document=document_ref(session.get(Document, t.document_id) if t.document_id else None)) for t in told)
