"""Adapters over plain functions: what a host's ``catalog_loader`` or ``customer_loader``
decorator registers becomes a Catalog or Customers port."""
from __future__ import annotations

from collections.abc import Callable

from .ports import CatalogItem, Customer

__all__ = ["FunctionCatalog", "FunctionCustomers"]


class FunctionCatalog:
    def __init__(self, load: Callable[[str], CatalogItem | None]) -> None:
        self._load = load

    def item(self, sku: str) -> CatalogItem | None:
        return self._load(sku)


class FunctionCustomers:
    def __init__(self, load: Callable[[str], Customer | None]) -> None:
        self._load = load

    def customer(self, company_id: str) -> Customer | None:
        return self._load(company_id)
