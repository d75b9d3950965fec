"""Tables of the plugin, on their own ``MetaData``, every name prefixed ``counteroffer_``.

A host can point the plugin at its own database: nothing here collides with its tables,
and Alembic keeps its own version table (``counteroffer_alembic_version``).
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import Money, UTCDateTime

__all__ = ["Base", "metadata", "Product", "Company", "Rule", "Negotiation", "Offer", "Deal",
           "Event", "OutboxMessage"]

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class Base(DeclarativeBase):
    metadata = metadata


class Product(Base):
    """The default catalog: used unless the host registers a ``catalog_loader``."""

    __tablename__ = "counteroffer_products"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    list_price: Mapped[Decimal] = mapped_column(Money)
    cost: Mapped[Decimal] = mapped_column(Money)
    order_multiple: Mapped[int] = mapped_column(Integer, default=1)


class Company(Base):
    """The default customer data: used unless the host registers a ``customer_loader``."""

    __tablename__ = "counteroffer_companies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(64))


class Rule(Base):
    """A pricing manager's rule as data: ``kind`` says how to read ``params``."""

    __tablename__ = "counteroffer_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str | None] = mapped_column(String(100))
    segment: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)


class Negotiation(Base):
    __tablename__ = "counteroffer_negotiations"
    __table_args__ = (Index("ix_counteroffer_negotiations_company", "company_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    company_id: Mapped[str] = mapped_column(String(64))
    buyer_id: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    quantity: Mapped[int] = mapped_column(Integer)
    target_unit_price: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer, default=1)
    #: What the buyer is told beyond the offers (e.g. why a person will answer).
    buyer_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    offers: Mapped[list[Offer]] = relationship(back_populates="negotiation", order_by="Offer.created_at")


class Offer(Base):
    __tablename__ = "counteroffer_offers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_negotiations.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # open, accepted, superseded, expired
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)  # rep-only
    #: Term levers the buyer gives for this price: [{"group", "option", "label"}].
    terms: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    negotiation: Mapped[Negotiation] = relationship(back_populates="offers")


class Deal(Base):
    __tablename__ = "counteroffer_deals"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # One deal per offer: the database itself refuses a second acceptance.
    offer_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_offers.id"), unique=True)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_negotiations.id"))
    company_id: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The terms the deal binds, as on its offer.
    terms: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_ref: Mapped[str | None] = mapped_column(String(100))


class Event(Base):
    """Append-only audit trail: one row per state change, in the same transaction."""

    __tablename__ = "counteroffer_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_negotiations.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    before_status: Mapped[str | None] = mapped_column(String(16))
    after_status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Declared so one flush inserts the negotiation before its events.
    negotiation: Mapped[Negotiation] = relationship()


class OutboxMessage(Base):
    """Work for the background jobs, written in the same transaction as its cause."""

    __tablename__ = "counteroffer_outbox"
    __table_args__ = (UniqueConstraint("business_key"),
                      Index("ix_counteroffer_outbox_pending", "published_at", "id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64))
    business_key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set by the handler in the transaction that does the work: a redelivery sees it and
    #: does nothing, so at-least-once delivery still acts exactly once.
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
