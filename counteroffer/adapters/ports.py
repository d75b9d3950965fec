"""The outside world as small Protocols. Hosts plug their own systems in.

Values crossing a port are frozen dataclasses of primitives, ``Decimal`` and aware UTC
``datetime``: no ORM objects, so a port can be backed by SQL, HTTP or a function the host
writes. Ports that read (catalog, customers, orders) return ``None`` for "does not
exist" and raise ``BackOfficeUnavailableError`` for "could not find out": the two must
never be confused, or a dead ERP would look like an unknown product.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

__all__ = ["CatalogItem", "Customer", "LastPrice", "OrderLine", "NegotiationOutcome",
           "Catalog", "ScopeCatalog", "Customers", "Orders", "Mailer", "Webhooks", "Chat", "Crm",
           "ORDER_PLACED", "ORDER_FAILED", "ORDER_CANCELLED", "ORDER_STATUSES"]

#: What the shop's orders port may say about one of its orders (``Orders.order_status``).
ORDER_PLACED, ORDER_FAILED, ORDER_CANCELLED = "placed", "failed", "cancelled"
ORDER_STATUSES = (ORDER_PLACED, ORDER_FAILED, ORDER_CANCELLED)


@dataclass(frozen=True)
class CatalogItem:
    sku: str
    name: str
    currency: str
    list_price: Decimal
    #: None: the shop keeps no cost. Floors then come from ``min_unit_price`` or
    #: ``max_discount_pct``; no margin is worked out (docs/rules.md).
    cost: Decimal | None
    category: str | None = None
    order_multiple: int = 1
    #: The shop's own volume prices: (min_quantity, unit_price) pairs, ascending.
    price_breaks: tuple[tuple[int, Decimal], ...] = ()
    #: SKUs the shop would sell instead (same product, other brand or pack).
    equivalents: tuple[str, ...] = ()
    #: Units the shop can deliver now; None when it does not track stock. No offer is for
    #: more, and a deal for more than is left is refused at checkout.
    available: int | None = None

    def unit_price_for(self, quantity: int) -> Decimal:
        """The shop's price per unit at this quantity: the best break reached, else list."""
        reached = [price for minimum, price in self.price_breaks if quantity >= minimum]
        return min(reached, default=self.list_price)


@dataclass(frozen=True)
class Customer:
    company_id: str
    name: str
    segment: str | None = None
    #: The sales rep who owns the account (an id or e-mail, as the host knows reps).
    owner_rep: str | None = None
    #: The shop's own grading of the account, e.g. "A", "B", "C".
    profitability_tier: str | None = None
    #: Sales region: requests of accounts without an owner rep go to the region's pool.
    region: str | None = None


@dataclass(frozen=True)
class LastPrice:
    """What the company paid per unit for a SKU the last time it ordered it."""

    unit_price: Decimal
    quantity: int
    paid_at: datetime
    currency: str


@dataclass(frozen=True)
class OrderLine:
    """One line of an order the host placed; ``deal_token`` set if a deal priced it."""

    order_ref: str
    company_id: str
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str
    placed_at: datetime
    deal_token: str | None = None


@dataclass(frozen=True)
class NegotiationOutcome:
    """How a negotiation ended, for the CRM or ERP. ``event_id`` is stable per outcome,
    so a receiver can drop a redelivery."""

    event_id: str
    negotiation_id: str
    company_id: str
    sku: str
    status: str
    quantity: int
    currency: str
    round: int
    at: datetime
    unit_price: Decimal | None = None  # the agreed price, if there was a deal


class Catalog(Protocol):
    def item(self, sku: str) -> CatalogItem | None:
        """The product with its list price, cost, breaks, order multiple, currency and
        equivalents; None if the shop does not sell it."""
        ...


@runtime_checkable
class ScopeCatalog(Protocol):
    """A catalog that can also answer for every product of a category (or of the whole
    shop), so the rule editor can check category and all-products rules against them.
    The SQL default is one; a host's ``catalog_loader`` or an HTTP back office that only
    looks SKUs up is not, and those checks are then skipped."""

    def costlier_than(self, amount: Decimal, category: str | None,
                      limit: int) -> tuple[tuple[tuple[str, Decimal], ...], int]:
        """Up to ``limit`` (SKU, cost) of the scope's products costing more than
        ``amount``, costliest first, and how many there are in all."""
        ...

    def currencies(self, category: str | None) -> dict[str, str]:
        """The scope's currencies, each with one SKU priced in it."""
        ...


@runtime_checkable
class ListPriceScopeCatalog(Protocol):
    """A catalog that can list a scope's products by list price, so the rule editor can
    warn about a category or all-products price break at or above some of their list
    prices. The SQL default is one; catalogs that only look SKUs up are not."""

    def listed_at_or_below(self, amount: Decimal, category: str | None,
                           limit: int) -> tuple[tuple[tuple[str, Decimal, str], ...], int]:
        """Up to ``limit`` (SKU, list price, currency) of the scope's products listed at
        or below ``amount``, cheapest first, and how many there are in all."""
        ...


class Customers(Protocol):
    def customer(self, company_id: str) -> Customer | None:
        """The buyer's company with its segment, owner rep and tier; None if unknown."""
        ...

    def last_price_paid(self, company_id: str, sku: str) -> LastPrice | None:
        """The unit price of the company's latest order of the SKU; None if it never ordered it."""
        ...


class Orders(Protocol):
    def order_lines(self, company_id: str, sku: str, since: datetime) -> Sequence[OrderLine]:
        """The company's order lines for the SKU placed since a moment, oldest first, with
        or without a deal: redeemed deals and plain orders, to measure conversion."""
        ...

    def order_status(self, order_ref: str) -> str | None:
        """Whether the shop's order stands: ``"placed"``, ``"failed"`` or ``"cancelled"``;
        None if the shop has no such order (it was never placed). Raises
        ``BackOfficeUnavailableError`` if it cannot find out. A deal's redemption is
        given back only when this says the order it served did not happen."""
        ...


class Mailer(Protocol):
    def send_email(self, to: Sequence[str], subject: str, text: str) -> None:
        """Send a plain-text e-mail; raises DeliveryError if the server refuses it."""
        ...


class Webhooks(Protocol):
    def deliver(self, event_type: str, data: Mapping[str, Any], event_id: str | None = None) -> str:
        """POST a signed event; returns its id (the same on every retry of one event)."""
        ...


class Chat(Protocol):
    def post(self, text: str) -> None:
        """Post a message to a team channel (Slack-compatible incoming webhook)."""
        ...


class Crm(Protocol):
    def record_outcome(self, outcome: NegotiationOutcome) -> None:
        """Push how a negotiation ended to the CRM or ERP."""
        ...
