"""Adapters over plain functions: what a host's ``catalog_loader`` or ``customer_loader``
decorator registers becomes a Catalog or Customers port."""
from __future__ import annotations

from collections.abc import Callable

from .ports import CatalogItem, Customer, LastPrice

__all__ = ["FunctionCatalog", "FunctionCustomers"]


class FunctionCatalog:
    def __init__(self, load: Callable[[str], CatalogItem | None]) -> None:
        self._load = load

    def item(self, sku: str) -> CatalogItem | None:
        return self._load(sku)


class FunctionCustomers:
    """``last_price`` is optional: without it nobody's last price is known."""

    def __init__(self, load: Callable[[str], Customer | None],
                 last_price: Callable[[str, str], LastPrice | None] | None = None) -> None:
        self._load, self._last_price = load, last_price

    def customer(self, company_id: str) -> Customer | None:
        return self._load(company_id)

    def last_price_paid(self, company_id: str, sku: str) -> LastPrice | None:
        return self._last_price(company_id, sku) if self._last_price else None
