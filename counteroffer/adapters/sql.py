"""Default adapters: the plugin's own tables (what the demo uses).

The plugin's tables know only what the plugin itself saw: a customer's last price paid
and its orders are the deals it redeemed. Companies keep their segment, owner rep,
profitability tier and region; the shop's own price breaks and equivalents are not
stored here (they come back empty); a host that has them plugs in its own adapters.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db.models import Company, Deal, Product
from .errors import BackOfficeUnavailableError
from .ports import CatalogItem, Customer, LastPrice, OrderLine

__all__ = ["SqlCatalog", "SqlCustomers", "SqlOrders"]


class SqlCatalog:
    def __init__(self, session: Session) -> None:
        self._session = session

    def item(self, sku: str) -> CatalogItem | None:
        row = self._session.get(Product, sku)
        if row is None:
            return None
        return CatalogItem(sku=row.sku, name=row.name, currency=row.currency,
                           list_price=row.list_price, cost=row.cost, category=row.category,
                           order_multiple=row.order_multiple, available=row.available)

    def costlier_than(self, amount: Decimal, category: str | None,
                      limit: int) -> tuple[tuple[tuple[str, Decimal], ...], int]:
        where = self._in_scope(category) + (Product.cost > amount,)
        found = self._session.execute(select(Product.sku, Product.cost).where(*where)
                                      .order_by(Product.cost.desc(), Product.sku).limit(limit))
        total = self._session.scalar(select(func.count()).select_from(Product).where(*where))
        # ``cost > amount`` leaves out products without a cost (NULL); said again for the types.
        return tuple((sku, cost) for sku, cost in found if cost is not None), total or 0

    def listed_at_or_below(self, amount: Decimal, category: str | None,
                           limit: int) -> tuple[tuple[tuple[str, Decimal, str], ...], int]:
        where = self._in_scope(category) + (Product.list_price <= amount,)
        found = self._session.execute(
            select(Product.sku, Product.list_price, Product.currency).where(*where)
            .order_by(Product.list_price, Product.sku).limit(limit))
        total = self._session.scalar(select(func.count()).select_from(Product).where(*where))
        return tuple((sku, price, currency) for sku, price, currency in found), total or 0

    def currencies(self, category: str | None) -> dict[str, str]:
        query = (select(Product.currency, func.min(Product.sku)).where(*self._in_scope(category))
                 .group_by(Product.currency))
        return {currency: sku for currency, sku in self._session.execute(query)}

    @staticmethod
    def _in_scope(category: str | None) -> tuple[Any, ...]:
        return () if category is None else (Product.category == category,)


def _redeemed(company_id: str, sku: str):  # noqa: ANN202 - a Select of Deal
    return select(Deal).where(Deal.company_id == company_id, Deal.sku == sku,
                              Deal.redeemed_at.is_not(None))


class SqlCustomers:
    def __init__(self, session: Session) -> None:
        self._session = session

    def customer(self, company_id: str) -> Customer | None:
        row = self._session.get(Company, company_id)
        if row is None:
            return None
        return Customer(company_id=row.id, name=row.name, segment=row.segment,
                        owner_rep=row.owner_rep, profitability_tier=row.profitability_tier,
                        region=row.region)

    def last_price_paid(self, company_id: str, sku: str) -> LastPrice | None:
        """The latest redeemed deal of the company for the SKU."""
        query = _redeemed(company_id, sku).order_by(Deal.redeemed_at.desc(), Deal.id).limit(1)
        deal = self._session.scalars(query).first()
        if deal is None or deal.redeemed_at is None:
            return None
        return LastPrice(unit_price=deal.unit_price, quantity=deal.quantity,
                         paid_at=deal.redeemed_at, currency=deal.currency)


class SqlOrders:
    """Orders as the plugin knows them: the lines its deals priced. Whether an order still
    stands only the shop knows, so ``order_status`` cannot answer from these tables."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def order_lines(self, company_id: str, sku: str, since: datetime) -> tuple[OrderLine, ...]:
        query = _redeemed(company_id, sku).where(Deal.redeemed_at >= since).order_by(Deal.redeemed_at)
        return tuple(OrderLine(order_ref=deal.order_ref or deal.token, company_id=deal.company_id,
                               sku=deal.sku, quantity=deal.quantity, unit_price=deal.unit_price,
                               currency=deal.currency, placed_at=deal.redeemed_at,
                               deal_token=deal.token)
                     for deal in self._session.scalars(query) if deal.redeemed_at is not None)

    def order_status(self, order_ref: str) -> str | None:
        # "Could not find out", never "no such order": a release must not be let through
        # on the word of tables that never saw the shop cancel anything.
        raise BackOfficeUnavailableError(
            f"The plugin's own tables cannot tell whether order {order_ref!r} stands; "
            "register the shop's orders port (use_orders or order_status_loader).")
