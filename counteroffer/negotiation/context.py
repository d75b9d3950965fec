"""Building the engine's PricingContext from the ports: product, buyer, alternatives,
and what earlier rounds of this negotiation already offered."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..adapters import CatalogItem, Customer
from ..db.models import Offer
from ..rules import AlternativeProduct, CompiledRules, OfferKind, PricingContext
from .deps import Deps

__all__ = ["pricing_context", "previous_concession"]


def _alternative(deps: Deps, session: Session, sku: str, currency: str) -> AlternativeProduct | None:
    item = deps.catalog_item(session, sku)
    if item is None or item.currency != currency:
        return None  # an alternative we cannot price in the buyer's currency is no offer
    return AlternativeProduct(sku=item.sku, name=item.name, list_price=item.list_price,
                              cost=item.cost, category=item.category,
                              order_multiple=item.order_multiple)


def pricing_context(deps: Deps, session: Session, rules: CompiledRules, item: CatalogItem,
                    customer: Customer, previous: Decimal | None = None) -> PricingContext:
    wanted = rules.resolve(item.sku, item.category, customer.segment).alternatives
    found = (_alternative(deps, session, sku, item.currency) for sku in wanted)
    return PricingContext(
        list_price=item.list_price, cost=item.cost, currency=item.currency,
        segment=customer.segment, order_multiple=item.order_multiple, category=item.category,
        profitability_tier=getattr(customer, "profitability_tier", None),
        previous_concession=previous, alternatives=tuple(a for a in found if a is not None))


def previous_concession(session: Session, negotiation_id: str) -> Decimal | None:
    """The lowest price-only counter made so far: later rounds never go above it."""
    return session.scalar(select(func.min(Offer.unit_price)).where(
        Offer.negotiation_id == negotiation_id, Offer.kind == OfferKind.CONCESSION.value))
