"""Read models handed back by the use cases: plain values, safe to use after commit.

``OfferView.explanation`` is for reps; the buyer schemas never dump it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ...db.models import Deal, Negotiation, Offer
from ...rules import round_money
from ..shared.states import OfferStatus, Status

__all__ = ["OfferView", "NegotiationView", "DealView", "offer_view", "negotiation_view", "deal_view"]


@dataclass(frozen=True)
class OfferView:
    id: str
    kind: str
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str
    expires_at: datetime
    message: str
    status: str
    round: int
    explanation: str
    terms: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class NegotiationView:
    id: str
    status: str
    sku: str
    quantity: int
    target_unit_price: Decimal
    currency: str
    round: int
    created_at: datetime
    updated_at: datetime
    offers: tuple[OfferView, ...]
    company_id: str
    buyer_id: str
    deal: DealView | None = None
    note: str | None = None


@dataclass(frozen=True)
class DealView:
    id: str
    token: str
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str
    valid_until: datetime
    redeemed_at: datetime | None
    order_ref: str | None
    negotiation_id: str
    company_id: str
    terms: tuple[dict[str, str], ...] = ()


def offer_view(offer: Offer) -> OfferView:
    return OfferView(id=offer.id, kind=offer.kind, sku=offer.sku, quantity=offer.quantity,
                     unit_price=round_money(offer.unit_price, offer.currency),
                     currency=offer.currency, expires_at=offer.expires_at, message=offer.message,
                     status=offer.status, round=offer.round, explanation=offer.explanation,
                     terms=tuple(offer.terms or ()))


def _on_the_table(offer: Offer, now: datetime) -> bool:
    if offer.status == OfferStatus.ACCEPTED:
        return True
    # Past its time an offer is gone, whether or not the expiry sweep has run yet.
    return offer.status == OfferStatus.OPEN and now < offer.expires_at


def _status_as_of(row: Negotiation, current: tuple[OfferView, ...]) -> str:
    waiting = row.status in (Status.OPEN, Status.COUNTERED)
    if waiting and not any(o.status == OfferStatus.OPEN for o in current):
        return Status.EXPIRED.value
    return row.status


def negotiation_view(row: Negotiation, offers: list[Offer], now: datetime,
                     deal: Deal | None = None) -> NegotiationView:
    # The buyer sees the offers still on the table; history stays in the audit trail.
    current = tuple(offer_view(o) for o in offers if _on_the_table(o, now))
    return NegotiationView(
        id=row.id, status=_status_as_of(row, current), sku=row.sku, quantity=row.quantity,
        target_unit_price=round_money(row.target_unit_price, row.currency), currency=row.currency,
        round=row.round, created_at=row.created_at, updated_at=row.updated_at, offers=current,
        company_id=row.company_id, buyer_id=row.buyer_id,
        deal=deal_view(deal) if deal is not None else None, note=row.buyer_note)


def deal_view(deal: Deal) -> DealView:
    return DealView(id=deal.id, token=deal.token, sku=deal.sku, quantity=deal.quantity,
                    unit_price=round_money(deal.unit_price, deal.currency), currency=deal.currency,
                    valid_until=deal.valid_until, redeemed_at=deal.redeemed_at,
                    order_ref=deal.order_ref, negotiation_id=deal.negotiation_id,
                    company_id=deal.company_id, terms=tuple(deal.terms or ()))
