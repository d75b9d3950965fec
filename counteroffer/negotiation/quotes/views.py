"""Read models of a quote handed back by the use cases: plain values, safe after commit.

``explanation`` fields are for reps; the buyer schemas never dump them, nor any floor or cost.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from ...db.quotes import Quote, QuoteDeal, QuoteLineRow, QuoteOfferLine, QuoteOfferRow
from ...rules import round_money
from ..shared.states import OfferStatus, Status

__all__ = ["QuoteLineView", "QuoteOfferLineView", "QuoteOfferView", "QuoteDealView", "QuoteView",
           "quote_view", "quote_deal_view", "offer_view"]


@dataclass(frozen=True)
class QuoteLineView:
    sku: str
    name: str
    quantity: int
    target_unit_price: Decimal | None
    price_for_quantity: Decimal


@dataclass(frozen=True)
class QuoteOfferLineView:
    sku: str
    quantity: int
    unit_price: Decimal
    price_for_quantity: Decimal
    line_total: Decimal
    explanation: str = ""


@dataclass(frozen=True)
class QuoteOfferView:
    id: str
    kind: str
    round: int
    status: str
    expires_at: datetime
    message: str
    terms: tuple[dict[str, str], ...]
    total: Decimal
    lines: tuple[QuoteOfferLineView, ...]
    explanation: str = ""


@dataclass(frozen=True)
class QuoteDealView:
    id: str
    token: str
    quote_id: str
    company_id: str
    currency: str
    total: Decimal
    expires_at: datetime
    redeemed_at: datetime | None
    order_ref: str | None
    terms: tuple[dict[str, str], ...]
    lines: tuple[QuoteOfferLineView, ...]


@dataclass(frozen=True)
class QuoteView:
    id: str
    status: str
    round: int
    max_rounds: int
    currency: str
    cart_total: Decimal
    order_target: dict[str, Decimal] | None
    lines: tuple[QuoteLineView, ...]
    offers: tuple[QuoteOfferView, ...]
    deal: QuoteDealView | None
    note: str | None
    company_id: str
    buyer_id: str
    created_at: datetime
    updated_at: datetime
    #: What the buyer told, round by round (told.py: ``QuoteToldView``), oldest first.
    told: tuple[Any, ...] = ()
    #: Why the buyer let it go, if they said (why_not.py).
    lost_reason: str | None = None
    lost_note: str | None = None


def _offer_line(line: QuoteOfferLine | dict[str, Any], currency: str) -> QuoteOfferLineView:
    values: dict[str, Any] = line if isinstance(line, dict) else {
        "sku": line.sku, "quantity": line.quantity, "unit_price": line.unit_price,
        "price_for_quantity": line.price_for_quantity, "explanation": line.explanation}
    unit_price = round_money(Decimal(values["unit_price"]), currency)
    return QuoteOfferLineView(
        sku=values["sku"], quantity=int(values["quantity"]), unit_price=unit_price,
        price_for_quantity=round_money(Decimal(values["price_for_quantity"]), currency),
        line_total=unit_price * int(values["quantity"]), explanation=values.get("explanation", ""))


def offer_view(offer: QuoteOfferRow, lines: list[QuoteOfferLine]) -> QuoteOfferView:
    return QuoteOfferView(
        id=offer.id, kind=offer.kind, round=offer.round, status=offer.status, expires_at=offer.expires_at,
        message=offer.message, terms=tuple(offer.terms or ()), total=round_money(offer.total, offer.currency),
        lines=tuple(_offer_line(line, offer.currency) for line in lines), explanation=offer.explanation)


def quote_deal_view(deal: QuoteDeal) -> QuoteDealView:
    return QuoteDealView(
        id=deal.id, token=deal.token, quote_id=deal.quote_id, company_id=deal.company_id,
        currency=deal.currency, total=round_money(deal.total, deal.currency), expires_at=deal.valid_until,
        redeemed_at=deal.redeemed_at, order_ref=deal.order_ref, terms=tuple(deal.terms or ()),
        lines=tuple(_offer_line(line, deal.currency) for line in deal.lines))


def _on_the_table(offer: QuoteOfferRow, now: datetime) -> bool:
    if offer.status == OfferStatus.ACCEPTED:
        return True
    return offer.status == OfferStatus.OPEN and now < offer.expires_at  # swept or not


def _order_target(row: Quote) -> dict[str, Decimal] | None:
    if row.target_total is not None:
        return {"total": round_money(row.target_total, row.currency)}
    if row.target_discount_pct is not None:
        return {"discount_pct": _plain(row.target_discount_pct)}
    return None


def _plain(value: Decimal) -> Decimal:
    """6.5000 -> 6.5 and 10.0000 -> 10 (``normalize`` alone would write 1E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _status_as_of(row: Quote, offers: tuple[QuoteOfferView, ...]) -> str:
    waiting = row.status in (Status.OPEN, Status.COUNTERED)
    if waiting and not any(o.status == OfferStatus.OPEN for o in offers):
        return Status.EXPIRED.value  # every offer lapsed, whether or not the sweep ran
    return row.status


def quote_view(row: Quote, lines: list[QuoteLineRow],
               offers: list[tuple[QuoteOfferRow, list[QuoteOfferLine]]], now: datetime,
               max_rounds: int, deal: QuoteDeal | None = None, told: tuple[Any, ...] = ()) -> QuoteView:
    current = tuple(offer_view(o, ls) for o, ls in offers if _on_the_table(o, now))
    return QuoteView(
        id=row.id, status=_status_as_of(row, current), round=row.round, max_rounds=max_rounds,
        currency=row.currency, cart_total=round_money(row.cart_total, row.currency),
        order_target=_order_target(row),
        lines=tuple(QuoteLineView(
            sku=line.sku, name=line.name, quantity=line.quantity,
            target_unit_price=round_money(line.target_unit_price, row.currency)
            if line.target_unit_price is not None else None,
            price_for_quantity=round_money(line.price_for_quantity, row.currency))
            for line in sorted(lines, key=lambda line: line.position) if line.removed_round is None),
        offers=current, deal=quote_deal_view(deal) if deal is not None else None, note=row.buyer_note,
        company_id=row.company_id, buyer_id=row.buyer_id, created_at=row.created_at, updated_at=row.updated_at,
        told=told, lost_reason=row.lost_reason, lost_note=row.lost_note)
