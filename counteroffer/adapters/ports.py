"""The outside world as small Protocols. Hosts plug their own catalog and customers in.

Values crossing a port are frozen dataclasses of primitives and ``Decimal``: no ORM
objects, so a port can be backed by SQL, HTTP or a function the host writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

__all__ = ["CatalogItem", "Customer", "Catalog", "Customers"]


@dataclass(frozen=True)
class CatalogItem:
    sku: str
    name: str
    currency: str
    list_price: Decimal
    cost: Decimal
    category: str | None = None
    order_multiple: int = 1


@dataclass(frozen=True)
class Customer:
    company_id: str
    name: str
    segment: str | None = None


class Catalog(Protocol):
    def item(self, sku: str) -> CatalogItem | None:
        """The product with its list price and cost, or None if the shop does not sell it."""
        ...


class Customers(Protocol):
    def customer(self, company_id: str) -> Customer | None:
        """The buyer's company with its segment, or None if unknown."""
        ...
