"""Loading the plugin's own catalog, customers and rules (the default adapters' data).

Hosts that keep their catalog elsewhere register loaders instead and never call these.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...adapters import CatalogItem, Customer
from ...db import transaction
from ...db.models import Company, Product, Rule
from ..shared.deps import Deps
from .rulebook import add_rule, live_version_id

__all__ = ["save_products", "save_customers", "update_costs", "save_rule", "catalog_size",
           "rule_count"]


def save_products(deps: Deps, items: Iterable[CatalogItem]) -> int:
    """Insert or update products by SKU; returns how many were written."""
    count = 0
    with transaction(deps.session_factory) as session:
        for item in items:
            session.merge(Product(sku=item.sku, name=item.name, category=item.category,
                                  currency=item.currency, list_price=item.list_price,
                                  cost=item.cost, order_multiple=item.order_multiple,
                                  available=item.available))
            count += 1
    deps.cache.clear()
    return count


def save_customers(deps: Deps, customers: Iterable[Customer]) -> int:
    count = 0
    with transaction(deps.session_factory) as session:
        for customer in customers:
            session.merge(Company(id=customer.company_id, name=customer.name,
                                  segment=customer.segment, owner_rep=customer.owner_rep,
                                  profitability_tier=customer.profitability_tier,
                                  region=customer.region))
            count += 1
    deps.cache.clear()
    return count


def update_costs(deps: Deps, costs: Mapping[str, Decimal]) -> set[str]:
    """Set the cost of products already in the catalog, all or none: returns the SKUs
    that are not there (and then writes nothing)."""
    with transaction(deps.session_factory) as session:
        products = {product.sku: product for product in _products(session, list(costs))}
        unknown = set(costs) - set(products)
        if unknown:
            return unknown
        for sku, cost in costs.items():
            products[sku].cost = cost
    deps.cache.clear()
    return set()


def _products(session: Session, skus: list[str]) -> Iterable[Product]:
    for start in range(0, len(skus), 1000):  # stay far below any database's bind limit
        yield from session.scalars(select(Product).where(Product.sku.in_(skus[start:start + 1000])))


def save_rule(deps: Deps, kind: str, params: dict[str, Any], sku: str | None = None,
              segment: str | None = None, priority: int = 0, category: str | None = None) -> int:
    """Store one rule (checked by the engine's loader first); returns its id."""
    with transaction(deps.session_factory) as session:
        rule = add_rule(session, kind, params, sku=sku, segment=segment, priority=priority,
                        category=category, now=deps.clock())
        session.flush()
        rule_id = rule.id
    deps.cache.clear()
    return rule_id


def catalog_size(deps: Deps) -> int:
    with transaction(deps.session_factory) as session:
        return session.scalar(select(func.count()).select_from(Product)) or 0


def rule_count(deps: Deps) -> int:
    with transaction(deps.session_factory) as session:
        return session.scalar(select(func.count()).select_from(Rule)
                              .where(Rule.version_id == live_version_id(session))) or 0
