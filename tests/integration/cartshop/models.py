"""The shop's own tables, Flask-SQLAlchemy style: every model commits on ``create()``, the
cart lives in the database, products have stock, orders have a status. Lines are priced
from the product's price wherever the shop needs a price (the cart page, its total, the
order), as real shops do; a negotiated deal's price has to win in each of those places."""
from __future__ import annotations

import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Self

from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CheckConstraint, Dialect, ForeignKey, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = ["db", "Company", "User", "Product", "CartLine", "Order", "OrderLine", "OutOfStock",
           "cart_total", "new_order_ref"]


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Money(TypeDecorator[Decimal]):
    """Exact decimals on SQLite too: kept as text, read back as Decimal."""

    impl = String(24)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class Model(db.Model):  # type: ignore[name-defined]
    __abstract__ = True

    @classmethod
    def create(cls, **fields: Any) -> Self:
        """Add a row and commit it at once: the shop does this everywhere."""
        row = cls(**fields)
        db.session.add(row)
        db.session.commit()
        return row


class Company(Model):
    __tablename__ = "companies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(64))


class User(UserMixin, Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id"))


class Product(Model):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(Money)
    cost: Mapped[Decimal] = mapped_column(Money)
    stock: Mapped[int]


class CartLine(Model):
    __tablename__ = "cart_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sku: Mapped[str] = mapped_column(ForeignKey("products.sku"))
    quantity: Mapped[int]
    product: Mapped[Product] = relationship()
    # counteroffer: begin
    deal_token: Mapped[str | None] = mapped_column(String(64))
    deal_price: Mapped[Decimal | None] = mapped_column(Money)
    # counteroffer: end


class OutOfStock(Exception):
    """The shop's own refusal, raised by ``Order.place`` before anything is written."""


class Order(Model):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16))  # "placed" or "cancelled"
    total: Mapped[Decimal] = mapped_column(Money)
    created_at: Mapped[datetime]
    lines: Mapped[list[OrderLine]] = relationship(order_by="OrderLine.id")

    @classmethod
    def place(cls, ref: str, user_id: int, cart: list[CartLine]) -> Order:
        """Take the stock, write the order (one commit), then empty the cart."""
        lines = []
        for line in cart:
            if line.quantity > line.product.stock:
                raise OutOfStock(f"Only {line.product.stock} x {line.product.name} left in stock.")
            line.product.stock -= line.quantity
            # counteroffer: begin
            price = line.deal_price or line.product.price
            # counteroffer: end
            lines.append(OrderLine(sku=line.sku, quantity=line.quantity, unit_price=price))
        order = cls.create(ref=ref, user_id=user_id, status="placed", total=cart_total(cart), lines=lines,
                           created_at=datetime.now(UTC).replace(tzinfo=None))
        for line in cart:
            db.session.delete(line)
        db.session.commit()
        return order

    def cancel(self) -> None:
        """Cancelled, and its units back on the shelf (once: the button may be pressed twice)."""
        if self.status == "cancelled":
            return
        self.status = "cancelled"
        for line in self.lines:
            db.session.get_one(Product, line.sku).stock += line.quantity
        db.session.commit()


class OrderLine(Model):
    __tablename__ = "order_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="order_line_quantity_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Money)


def cart_total(cart: list[CartLine]) -> Decimal:
    # counteroffer: begin
    return sum((line.quantity * (line.deal_price or line.product.price) for line in cart), Decimal(0))
    # counteroffer: end


def new_order_ref() -> str:
    return f"ORD-{secrets.token_hex(4).upper()}"
