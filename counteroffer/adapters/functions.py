"""Adapters over plain functions: what a host's ``catalog_loader``, ``customer_loader`` or
``order_status_loader`` decorator registers becomes a Catalog, Customers or Orders port."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from .ports import CatalogItem, Customer, LastPrice, OrderLine

__all__ = ["FunctionCatalog", "FunctionCustomers", "FunctionOrders"]


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


class FunctionOrders:
    """``status(order_ref)`` answers ``order_status``; ``lines`` is optional: without it
    no order lines are known."""

    def __init__(self, status: Callable[[str], str | None],
                 lines: Callable[[str, str, datetime], Sequence[OrderLine]] | None = None) -> None:
        self._status, self._lines = status, lines

    def order_status(self, order_ref: str) -> str | None:
        return self._status(order_ref)

    def order_lines(self, company_id: str, sku: str, since: datetime) -> Sequence[OrderLine]:
        return self._lines(company_id, sku, since) if self._lines else ()
