"""The shop's own orders: three ``demo_`` tables on the shop's own metadata.

They live in the plugin's database (same URL) but the plugin never reads them: the links
are the order reference handed to ``redeem_deal``, and the shop's answer to "what became
of this order?" (``order_status``, registered as the plugin's orders port), which the
plugin asks before it gives a deal's redemption back.
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Column, DateTime, Engine, ForeignKey, Integer, MetaData, String, Table, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from ..plugin import negotiation

__all__ = ["OrderLine", "Order", "EXTENSION_KEY", "shop_engine", "create_tables", "new_order_ref", "save_order",
           "get_order", "list_orders", "order_count", "cancel_order", "order_status"]


class DecimalText(TypeDecorator[Decimal]):
    """Exact money on every database: SQLite's NUMERIC is a float, text is not."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be Decimal, got {type(value).__name__}")
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


EXTENSION_KEY = "counteroffer_demo"
metadata = MetaData()

orders_table = Table(
    "demo_orders", metadata,
    Column("ref", String(32), primary_key=True),
    Column("company_id", String(64), nullable=False, index=True),
    Column("buyer_id", String(120), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total", DecimalText(), nullable=False),
    Column("created_at", DateTime(), nullable=False),  # naive UTC
)

lines_table = Table(
    "demo_order_lines", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_ref", String(32), ForeignKey("demo_orders.ref"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", DecimalText(), nullable=False),
    Column("line_total", DecimalText(), nullable=False),
    # The deal's id, never its token: the token is a bearer secret.
    Column("deal_id", String(64), nullable=True),
)

# A table of its own rather than a column of demo_orders: create_all adds it to a demo
# database made before orders could be cancelled.
cancellations_table = Table(
    "demo_order_cancellations", metadata,
    Column("order_ref", String(32), ForeignKey("demo_orders.ref"), primary_key=True),
    Column("cancelled_by", String(120), nullable=False),
    Column("cancelled_at", DateTime(), nullable=False),  # naive UTC
)


@dataclass(frozen=True)
class OrderLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    deal_id: str | None = None

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Order:
    ref: str
    company_id: str
    buyer_id: str
    currency: str
    lines: tuple[OrderLine, ...]
    created_at: datetime
    cancelled_at: datetime | None = None

    @property
    def total(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))


def shop_engine() -> Engine:
    """The shop's own engine for the current app (set up by ``create_app``)."""
    engine: Engine = current_app.extensions[EXTENSION_KEY]
    return engine


def create_tables(engine: Engine) -> None:
    metadata.create_all(engine)


def new_order_ref() -> str:
    return "ORD-" + secrets.token_hex(6).upper()


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def save_order(engine: Engine, order: Order) -> None:
    """The order and its lines in one transaction: all or nothing."""
    with engine.begin() as connection:
        connection.execute(orders_table.insert().values(
            ref=order.ref, company_id=order.company_id, buyer_id=order.buyer_id,
            currency=order.currency, total=order.total, created_at=order.created_at))
        connection.execute(lines_table.insert(), [
            {"order_ref": order.ref, "position": index, "sku": line.sku, "name": line.name,
             "quantity": line.quantity, "unit_price": line.unit_price,
             "line_total": line.line_total, "deal_id": line.deal_id}
            for index, line in enumerate(order.lines)])


def get_order(engine: Engine, ref: str) -> Order | None:
    with engine.connect() as connection:
        row = connection.execute(select(orders_table, cancellations_table.c.cancelled_at)
                                 .outerjoin(cancellations_table)
                                 .where(orders_table.c.ref == ref)).first()
        if row is None:
            return None
        lines = connection.execute(select(lines_table).where(lines_table.c.order_ref == ref)
                                   .order_by(lines_table.c.position)).all()
    return _order(row, lines)


def cancel_order(engine: Engine, ref: str, cancelled_by: str) -> bool:
    """Mark the order cancelled; False if it already was."""
    with engine.begin() as connection:
        done = connection.execute(select(cancellations_table.c.order_ref)
                                  .where(cancellations_table.c.order_ref == ref)).first()
        if done is None:
            connection.execute(cancellations_table.insert().values(
                order_ref=ref, cancelled_by=cancelled_by, cancelled_at=utc_now()))
    return done is None


@negotiation.order_status_loader
def order_status(ref: str) -> str | None:
    """The shop's word on its order, for the plugin: placed, cancelled, or None (never
    placed: a checkout that failed before saving it)."""
    order = get_order(shop_engine(), ref)
    if order is None:
        return None
    return "cancelled" if order.cancelled_at is not None else "placed"


def list_orders(engine: Engine, company_id: str | None = None, limit: int = 50) -> list[Order]:
    """Newest first; every company's when ``company_id`` is None (the seller's view)."""
    query = select(orders_table.c.ref).order_by(orders_table.c.created_at.desc()).limit(limit)
    if company_id is not None:
        query = query.where(orders_table.c.company_id == company_id)
    with engine.connect() as connection:
        refs = list(connection.execute(query).scalars())
    return [order for order in (get_order(engine, ref) for ref in refs) if order is not None]


def order_count(engine: Engine, company_id: str | None = None) -> int:
    query = select(func.count()).select_from(orders_table)
    if company_id is not None:
        query = query.where(orders_table.c.company_id == company_id)
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _order(row: Any, lines: Sequence[Any]) -> Order:
    return Order(ref=row.ref, company_id=row.company_id, buyer_id=row.buyer_id,
                 currency=row.currency, created_at=row.created_at, cancelled_at=row.cancelled_at,
                 lines=tuple(OrderLine(sku=line.sku, name=line.name, quantity=line.quantity,
                                       unit_price=line.unit_price, deal_id=line.deal_id)
                             for line in lines))

