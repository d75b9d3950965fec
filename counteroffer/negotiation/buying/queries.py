"""Read-only use cases: a buyer's negotiations, and the public terms of a product."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...db import transaction
from ...db.models import Deal, Negotiation, Offer
from ...rules import PriceBreak, effective_breaks, round_money
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import NotFoundError, unavailable_as_503
from .deal_rows import last_releases
from .views import DealView, NegotiationView, Release, deal_view, negotiation_view

__all__ = ["ProductTerms", "deals_for_order", "get_negotiation", "list_negotiations", "product_terms"]

TERMS_UNAVAILABLE = "This product's prices cannot be checked right now; please try again shortly."


@dataclass(frozen=True)
class ProductTerms:
    """What the widget may show before the buyer asks: public prices and the rules of play."""

    sku: str
    name: str
    currency: str
    list_price: Decimal
    breaks: tuple[PriceBreak, ...]
    order_multiple: int
    offer_validity_hours: int
    max_rounds: int


def get_negotiation(deps: Deps, actor: Actor, negotiation_id: str) -> NegotiationView:
    company_id = require_buyer(actor)
    with transaction(deps.session_factory) as session:
        row = session.get(Negotiation, negotiation_id)
        if row is None or row.company_id != company_id:
            raise NotFoundError("No such price request.")
        offers = _offers_by_negotiation(session, [row.id]).get(row.id, [])
        deal = _deals_by_negotiation(session, [row.id]).get(row.id)
        return negotiation_view(row, offers, deps.clock(), deal, _release_of(session, [row.id], deal))


def list_negotiations(deps: Deps, actor: Actor, sku: str | None = None,
                      status: str | None = None, limit: int = 50) -> list[NegotiationView]:
    """The caller's company's negotiations, newest first."""
    company_id = require_buyer(actor)
    query = select(Negotiation).where(Negotiation.company_id == company_id)
    if sku is not None:
        query = query.where(Negotiation.sku == sku)
    if status is not None:
        query = query.where(Negotiation.status == status)
    query = query.order_by(Negotiation.created_at.desc(), Negotiation.id).limit(limit)
    query = query.options(selectinload(Negotiation.told))  # each row's history, in one query
    with transaction(deps.session_factory) as session:
        rows = list(session.scalars(query))
        ids, now = [row.id for row in rows], deps.clock()
        offers, deals = _offers_by_negotiation(session, ids), _deals_by_negotiation(session, ids)
        free = [deal.negotiation_id for deal in deals.values() if deal.redeemed_at is None]
        releases = last_releases(session, free)
        return [negotiation_view(row, offers.get(row.id, []), now, deals.get(row.id),
                                 _release(releases, deals.get(row.id))) for row in rows]


def _offers_by_negotiation(session: Session, ids: list[str]) -> dict[str, list[Offer]]:
    grouped: dict[str, list[Offer]] = {}
    if not ids:
        return grouped
    query = select(Offer).where(Offer.negotiation_id.in_(ids)).order_by(Offer.created_at, Offer.rank, Offer.id)
    for offer in session.scalars(query):
        grouped.setdefault(offer.negotiation_id, []).append(offer)
    return grouped


def _deals_by_negotiation(session: Session, ids: list[str]) -> dict[str, Deal]:
    if not ids:
        return {}
    return {deal.negotiation_id: deal
            for deal in session.scalars(select(Deal).where(Deal.negotiation_id.in_(ids)))}


def deals_for_order(deps: Deps, order_ref: str) -> list[DealView]:
    """The deals redeemed for the host's order ``order_ref``, by redemption time: what a shop
    that keeps no deal token on its order lines finds when it shows, cancels or refunds
    the order. The host's call (no actor): the order reference is the host's own."""
    with transaction(deps.session_factory) as session:
        deals = session.scalars(select(Deal).where(Deal.order_ref == order_ref)
                                .order_by(Deal.redeemed_at, Deal.id))
        return [deal_view(deal) for deal in deals]


def product_terms(deps: Deps, actor: Actor | None, sku: str) -> ProductTerms:
    """Public terms for the widget; segment-specific breaks when the buyer is known."""
    with transaction(deps.session_factory) as session, unavailable_as_503(TERMS_UNAVAILABLE):
        item = deps.catalog_item(session, sku)
        if item is None:
            raise NotFoundError("No product with this SKU.")
        segment = None
        if actor is not None and actor.company_id:
            customer = deps.customer(session, actor.company_id)
            segment = customer.segment if customer else None
        resolved = deps.rules(session).resolve(sku, item.category, segment)
    currency = item.currency
    list_price = round_money(item.list_price, currency)
    # Against today's list price: a break at or above it is not shown (effective_breaks).
    public_breaks = effective_breaks(list_price, tuple(
        PriceBreak(step.min_quantity, round_money(step.unit_price, currency)) for step in resolved.breaks))
    return ProductTerms(sku=item.sku, name=item.name, currency=currency,
                        list_price=list_price, breaks=public_breaks,
                        order_multiple=resolved.order_multiple or item.order_multiple,
                        offer_validity_hours=deps.policy.offer_validity_hours,
                        max_rounds=deps.policy.max_rounds)


def _release_of(session: Session, ids: list[str], deal: Deal | None) -> Release | None:
    """A free deal's last release (the widget says its order was given back)."""
    if deal is None or deal.redeemed_at is not None:
        return None
    return last_releases(session, ids).get(deal.id)


def _release(releases: dict[str, Release], deal: Deal | None) -> Release | None:
    return releases.get(deal.id) if deal is not None else None
