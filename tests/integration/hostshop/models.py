"""The host shop's own tables: companies, users, products and orders (money in cents).
Products come in variants (a T-shirt in sizes: one SKU each, grouped by ``style``), may
be on sale, and carry no cost: the shop does not keep one."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker

__all__ = ["Base", "Company", "User", "Product", "Order", "db", "init_db", "cents_to_money"]

db = scoped_session(sessionmaker(expire_on_commit=False))


class Base(DeclarativeBase):
    pass


class Company(Base):
    __tablename__ = "companies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(64))


class User(UserMixin, Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    company_id: Mapped[str] = mapped_column(ForeignKey("companies.id"))


class Product(Base):
    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    price_cents: Mapped[int]
    sale_price_cents: Mapped[int | None]
    style: Mapped[str | None] = mapped_column(String(64))  # the variants of one product share it
    size: Mapped[str | None] = mapped_column(String(8))

    @property
    def price_now_cents(self) -> int:
        return self.sale_price_cents or self.price_cents


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    unit_price_cents: Mapped[int]
    deal_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


def cents_to_money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def init_db(app: Flask) -> None:
    engine = create_engine(app.config["SHOP_DATABASE_URL"])
    Base.metadata.create_all(engine)
    db.configure(bind=engine)
    app.teardown_appcontext(lambda _exc: db.remove())
