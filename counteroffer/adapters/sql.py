"""Default adapters: the plugin's own tables (what the demo uses)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..db.models import Company, Product
from .ports import CatalogItem, Customer

__all__ = ["SqlCatalog", "SqlCustomers"]


class SqlCatalog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def item(self, sku: str) -> CatalogItem | None:
        row = self._session.get(Product, sku)
        if row is None:
            return None
        return CatalogItem(sku=row.sku, name=row.name, currency=row.currency,
                           list_price=row.list_price, cost=row.cost, category=row.category,
                           order_multiple=row.order_multiple)


class SqlCustomers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def customer(self, company_id: str) -> Customer | None:
        row = self._session.get(Company, company_id)
        if row is None:
            return None
        return Customer(company_id=row.id, name=row.name, segment=row.segment)
