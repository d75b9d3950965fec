"""Building the engine's PricingContext from the ports: product, buyer, alternatives,
the last price this company paid, and what earlier rounds already offered."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError, CatalogItem, Customer
from ...db.models import Event, Offer
from ...rules import AlternativeProduct, CompiledRules, EarlierBid, EarlierOffer, LastPrice, OfferKind, PricingContext
from ..approvals.decisions import REP_OFFER_KIND
from ..shared.deps import Deps
from ..shared.prices import engine_cost

__all__ = ["pricing_context", "earlier_offers", "earlier_bids"]


def _alternative(deps: Deps, session: Session, sku: str, currency: str,
                 company_id: str) -> AlternativeProduct | None:
    try:
        item = deps.catalog_item(session, sku)
    except BackOfficeUnavailableError:
        return None  # an alternative is a nicety: without its price, it is simply not offered
    if item is None or item.currency != currency or item.cost is None:
        # An alternative we cannot price in the buyer's currency is no offer; nor one
        # without a cost, whose floor and worth to the seller nobody could check.
        return None
    return AlternativeProduct(sku=item.sku, name=item.name, list_price=item.list_price,
                              cost=item.cost, category=item.category,
                              order_multiple=item.order_multiple, available=item.available,
                              guard_draws=deps.guards.guard_draws(company_id, item.sku))


def _last_price(deps: Deps, session: Session, company_id: str, item: CatalogItem) -> LastPrice | None:
    try:
        paid = deps.last_price_paid(session, company_id, item.sku)
    except BackOfficeUnavailableError:
        return None  # no anchor is always safe; the floor still holds
    if paid is None or paid.currency != item.currency:
        return None
    return LastPrice(unit_price=paid.unit_price, quantity=paid.quantity, paid_at=paid.paid_at)


def pricing_context(deps: Deps, session: Session, rules: CompiledRules, item: CatalogItem,
                    customer: Customer, earlier: tuple[EarlierOffer, ...] = (),
                    bids: tuple[EarlierBid, ...] = ()) -> PricingContext:
    wanted = rules.resolve(item.sku, item.category, customer.segment).alternatives
    company_id = customer.company_id
    found = (_alternative(deps, session, sku, item.currency, company_id) for sku in wanted)
    return PricingContext(
        list_price=item.list_price, currency=item.currency, **engine_cost(item),
        segment=customer.segment, order_multiple=item.order_multiple, category=item.category,
        profitability_tier=customer.profitability_tier,
        last_price=_last_price(deps, session, company_id, item),
        earlier_offers=earlier, earlier_bids=bids, alternatives=tuple(a for a in found if a is not None),
        guard_draws=deps.guards.guard_draws(company_id, item.sku), available=item.available)


#: Price-only counters for the quantity asked: the engine's, and a sales rep's.
# A competing offer's match is price-only too: no later round goes back on it.
_PRICE_COUNTERS = (OfferKind.CONCESSION.value, OfferKind.MATCH.value, REP_OFFER_KIND)


def earlier_offers(session: Session, negotiation_id: str) -> tuple[EarlierOffer, ...]:
    """The price-only counters made so far, by the rules or by a rep, each with the
    quantity it was made for: later automatic rounds never go back on them, like with
    like (rules/concession.py). A rep's counter with terms is not price-only: it was
    made for those terms, so it caps nothing."""
    # Terms are filtered here, not in SQL: a JSON column's "none" may be NULL or 'null'.
    rows = session.execute(select(Offer.quantity, Offer.unit_price, Offer.kind, Offer.terms).where(
        Offer.negotiation_id == negotiation_id, Offer.kind.in_(_PRICE_COUNTERS)))
    return tuple(EarlierOffer(quantity, Decimal(unit_price), by_rep=kind == REP_OFFER_KIND)
                 for quantity, unit_price, kind, terms in rows if not terms)


def earlier_bids(session: Session, negotiation_id: str) -> tuple[EarlierBid, ...]:
    """The buyer's targets so far (the request and each counter), oldest first, from the
    audit trail: the concession moves no faster than the buyer (rules/concession.py)."""
    rows = session.execute(select(Event.detail).where(
        Event.negotiation_id == negotiation_id, Event.action.in_(("requested", "countered"))).order_by(Event.id))
    return tuple(EarlierBid(int(detail["quantity"]), Decimal(detail["target_unit_price"]))
                 for (detail,) in rows if detail and "quantity" in detail and "target_unit_price" in detail)
