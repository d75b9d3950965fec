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
from .told import ToldView, told_views

__all__ = ["OfferView", "NegotiationView", "DealView", "Release", "offer_view", "negotiation_view",
           "deal_view", "NOT_PLACED"]

#: A released order the shop's orders port did not know (never placed); else its status.
NOT_PLACED = "not_placed"


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
    #: What the buyer told with each round (a competing offer, needed_by), oldest first.
    told: tuple[ToldView, ...] = ()
    #: Why the buyer let it go, if they said (negotiation/buying/reasons.py).
    lost_reason: str | None = None
    lost_note: str | None = None


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
    #: When the deal is free again because its order was given back (the host's
    #: release_deal or release_order): when, which order, and what became of it
    #: (``cancelled``, ``failed`` or ``not_placed``). None while it is used or never was.
    released_at: datetime | None = None
    released_order_ref: str | None = None
    released_because: str | None = None


@dataclass(frozen=True)
class Release:
    """The last time a deal's redemption was given back (its ``released`` audit event)."""
    at: datetime
    order_ref: str | None
    order_status: str


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
                     deal: Deal | None = None, release: Release | None = None) -> NegotiationView:
    # The buyer sees the offers still on the table; history stays in the audit trail.
    current = tuple(offer_view(o) for o in offers if _on_the_table(o, now))
    return NegotiationView(
        id=row.id, status=_status_as_of(row, current), sku=row.sku, quantity=row.quantity,
        target_unit_price=round_money(row.target_unit_price, row.currency), currency=row.currency,
        round=row.round, created_at=row.created_at, updated_at=row.updated_at, offers=current,
        company_id=row.company_id, buyer_id=row.buyer_id,
        deal=deal_view(deal, release) if deal is not None else None, note=row.buyer_note,
        told=told_views(row), lost_reason=row.lost_reason, lost_note=row.lost_note)


def deal_view(deal: Deal, release: Release | None = None) -> DealView:
    """``release``: the deal's last release, said only while the deal is free again."""
    free_again = release if release is not None and deal.redeemed_at is None else None
    return DealView(id=deal.id, token=deal.token, sku=deal.sku, quantity=deal.quantity,
                    unit_price=round_money(deal.unit_price, deal.currency), currency=deal.currency,
                    valid_until=deal.valid_until, redeemed_at=deal.redeemed_at,
                    order_ref=deal.order_ref, negotiation_id=deal.negotiation_id,
                    company_id=deal.company_id, terms=tuple(deal.terms or ()),
                    released_at=free_again.at if free_again else None,
                    released_order_ref=free_again.order_ref if free_again else None,
                    released_because=free_again.order_status if free_again else None)
