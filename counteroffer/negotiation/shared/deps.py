"""What the use cases need from outside, handed in by the caller (the Flask extension)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ...adapters import Catalog, CatalogItem, Customer, Customers, LastPrice, Orders, SqlCatalog, SqlCustomers
from ...rules import CompiledRules, Policy
from ..approvals.service_levels import ServiceLevels
from ..buying.limits import Guards
from ..pricing.rulebook import live_rules
from .cache import LookupCache

__all__ = ["Deps", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Deps:
    session_factory: sessionmaker[Session]
    catalog_for: Callable[[Session], Catalog] = SqlCatalog
    customers_for: Callable[[Session], Customers] = SqlCustomers
    #: The shop's orders, asked before a redemption is given back; None: none registered.
    orders_for: Callable[[Session], Orders] | None = None
    policy: Policy = field(default_factory=Policy)
    deal_validity: timedelta = timedelta(days=7)
    clock: Callable[[], datetime] = utc_now
    cache: LookupCache = field(default_factory=lambda: LookupCache(0))
    service_levels: ServiceLevels = field(default_factory=ServiceLevels)
    #: Request cap and concession jitter (``limits.py``); off by default.
    guards: Guards = field(default_factory=Guards)
    #: What links in e-mails start with: the shop's origin (``COUNTEROFFER_SHOP_URL``, if
    #: set) and the plugin's prefix. The worker writes e-mails outside any request.
    links_base: str = "/negotiate"

    def catalog_item(self, session: Session, sku: str) -> CatalogItem | None:
        return self.cache.items.get_or_load(sku, lambda: self.catalog_for(session).item(sku))

    def customer(self, session: Session, company_id: str) -> Customer | None:
        return self.cache.customers.get_or_load(
            company_id, lambda: self.customers_for(session).customer(company_id))

    def last_price_paid(self, session: Session, company_id: str, sku: str) -> LastPrice | None:
        # Wrapped in a 1-tuple so "never bought it" is cached too: most requests have no history.
        found = self.cache.last_prices.get_or_load(
            (company_id, sku), lambda: (self.customers_for(session).last_price_paid(company_id, sku),))
        return found[0] if found else None

    def rules(self, session: Session) -> CompiledRules:
        """The live version's compiled rules (see ``live_rules``)."""
        return live_rules(session).rules
