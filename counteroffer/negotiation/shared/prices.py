"""The prices a person decides against: list, price for the quantity, floor and cost.

The engine already worked them out when it escalated; a request a buyer handed to a
person, or a decision for another quantity, works them out again from the same rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError, CatalogItem, Customer
from ...rules import Decision, PricingContext, floor_price, price_for_quantity
from .deps import Deps

__all__ = ["PriceFacts", "price_facts", "facts_from_decision", "facts_if_known", "engine_cost"]


def engine_cost(item: CatalogItem) -> dict[str, Any]:
    """The product's cost as the engine takes it: a shop that keeps none (``cost`` None)
    gives 0 as a stand-in that only ranks offers, and ``cost_known=False`` so that no
    margin is worked out of it (rules/model.py: PricingContext)."""
    return {"cost": item.cost if item.cost is not None else Decimal(0), "cost_known": item.cost is not None}


@dataclass(frozen=True)
class PriceFacts:
    list_price: Decimal
    price_for_quantity: Decimal
    floor: Decimal
    cost: Decimal | None  # None: the shop keeps no cost for it
    order_multiple: int = 1


def price_facts(deps: Deps, session: Session, item: CatalogItem, segment: str | None,
                quantity: int) -> PriceFacts:
    """From the catalog item and the pricing manager's rules, as the engine sees them."""
    resolved = deps.rules(session).resolve(item.sku, item.category, segment)
    context = PricingContext(list_price=item.list_price, currency=item.currency,
                             segment=segment, category=item.category, **engine_cost(item))
    return PriceFacts(list_price=item.list_price,
                      price_for_quantity=price_for_quantity(item.list_price, resolved.breaks, quantity),
                      floor=floor_price(resolved.floors, item.sku, context), cost=item.cost,
                      order_multiple=resolved.order_multiple or item.order_multiple)


def facts_from_decision(decision: Decision, item: CatalogItem) -> PriceFacts | None:
    if decision.price_for_quantity is None or decision.floor is None:
        return None
    return PriceFacts(list_price=item.list_price, price_for_quantity=decision.price_for_quantity,
                      floor=decision.floor, cost=item.cost, order_multiple=item.order_multiple)


def facts_if_known(deps: Deps, session: Session, sku: str, customer: Customer | None,
                   quantity: int) -> PriceFacts | None:
    """Best effort, for what a rep sees: None if the back office cannot say right now."""
    try:
        item = deps.catalog_item(session, sku)
    except BackOfficeUnavailableError:
        return None
    if item is None:
        return None
    return price_facts(deps, session, item, customer.segment if customer else None, quantity)
