"""Tables of the plugin, on their own ``MetaData``, every name prefixed ``counteroffer_``.

A host can point the plugin at its own database: nothing here collides with its tables,
and Alembic keeps its own version table (``counteroffer_alembic_version``).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import Money, UTCDateTime

__all__ = ["Base", "metadata", "Product", "Company", "Rule", "Negotiation", "Offer", "Deal",
           "Event", "OutboxMessage", "Rep", "Delegation", "Escalation", "Told", "Document"]

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class Base(DeclarativeBase):
    metadata = metadata
    #: Every model maps one Table (SQLAlchemy types ``__table__`` as any FromClause).
    __table__: ClassVar[Table]


class Product(Base):
    """The default catalog: used unless the host registers a ``catalog_loader``."""

    __tablename__ = "counteroffer_products"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    list_price: Mapped[Decimal] = mapped_column(Money)
    #: NULL: the shop keeps no cost for it (CatalogItem.cost None).
    cost: Mapped[Decimal | None] = mapped_column(Money)
    order_multiple: Mapped[int] = mapped_column(Integer, default=1)
    #: Units in stock; NULL: not tracked (CatalogItem.available).
    available: Mapped[int | None] = mapped_column(Integer)


class Company(Base):
    """The default customer data: used unless the host registers a ``customer_loader``."""

    __tablename__ = "counteroffer_companies"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    segment: Mapped[str | None] = mapped_column(String(64))
    #: The rep who owns the account: a rep's id or e-mail (see ``Rep``).
    owner_rep: Mapped[str | None] = mapped_column(String(254))
    profitability_tier: Mapped[str | None] = mapped_column(String(64))
    #: Sales region, for routing to a regional pool when the account has no owner rep.
    region: Mapped[str | None] = mapped_column(String(64))


class Rule(Base):
    """A pricing manager's rule as data: ``kind`` says how to read ``params``."""

    __tablename__ = "counteroffer_rules"
    # The editor filters a version's rules by SKU, category, kind and segment.
    __table_args__ = (Index("ix_counteroffer_rules_version_sku", "version_id", "sku"),
                      Index("ix_counteroffer_rules_version_kind", "version_id", "kind"),
                      Index("ix_counteroffer_rules_version_category", "version_id", "category"),
                      Index("ix_counteroffer_rules_version_segment", "version_id", "segment"),
                      # A rule's number names one rule in a version.
                      Index("uq_counteroffer_rules_version_number", "version_id", "number", unique=True))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: The rule set version it belongs to (``db/rulesets.py``).
    version_id: Mapped[int] = mapped_column(ForeignKey("counteroffer_rule_versions.id"))
    #: The rule's number, shown as "#N": the id of the rule's first row, kept by every copy
    #: of it (a draft, a rollback, a promoted experiment), so it stays the same when a draft
    #: starts. A new row gets it right after its insert, in the same transaction
    #: (``negotiation/pricing/rulebook.py: number_new_rule``).
    number: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    sku: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str | None] = mapped_column(String(100))
    segment: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)


class Negotiation(Base):
    __tablename__ = "counteroffer_negotiations"
    __table_args__ = (Index("ix_counteroffer_negotiations_company", "company_id", "created_at"),
                      # The lost reasons of a period (results/told/rows.py; migration 0022):
                      # only the few negotiations with a reason are in it.
                      Index("ix_counteroffer_negotiations_lost", "created_at",
                            postgresql_where=text("lost_reason IS NOT NULL"),
                            sqlite_where=text("lost_reason IS NOT NULL")))
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
    #: How to reach the buyer when a person decides (from the host's ``Actor``).
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    buyer_email: Mapped[str | None] = mapped_column(String(254))
    #: The rule set version that decided the latest round (None: no rules were asked).
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("counteroffer_rule_versions.id"),
                                                        index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Why the buyer let it go, if they said (withdrew, let it expire, declined a rep's
    #: counter): one of negotiation/buying/reasons.py's LOST_REASONS; migration 0014.
    lost_reason: Mapped[str | None] = mapped_column(String(24))
    lost_note: Mapped[str | None] = mapped_column(Text)
    offers: Mapped[list[Offer]] = relationship(back_populates="negotiation",
                                                   order_by="(Offer.created_at, Offer.rank, Offer.id)")
    #: What the buyer told with each round (a competing offer, needed_by), oldest first.
    told: Mapped[list[Told]] = relationship(back_populates="negotiation", order_by="Told.round")


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
    #: The engine's rank within its round (0 first): a round's offers share created_at and
    #: ids are random, so without it they came back in no particular order (migration 0017).
    rank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    negotiation: Mapped[Negotiation] = relationship(back_populates="offers")


class Told(Base):
    """What the buyer told with one round: a competing offer they cite and the day they
    need the goods by (issue 16; migration 0014). Never shown to another company: read
    only through its negotiation, whose company is checked first."""

    __tablename__ = "counteroffer_told"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_negotiations.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    competitor: Mapped[str | None] = mapped_column(String(100), index=True)
    unit_price: Mapped[Decimal | None] = mapped_column(Money)
    valid_until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    needed_by: Mapped[date | None] = mapped_column(Date)
    #: The competitor's quote the buyer attached (``Document``), if any.
    document_id: Mapped[str | None] = mapped_column(ForeignKey("counteroffer_documents.id"))
    #: Indexed for the results' citations of a period (migration 0018).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    negotiation: Mapped[Negotiation] = relationship(back_populates="told")
    document: Mapped[Document | None] = relationship()


class Document(Base):
    """A buyer's document (a competitor's quote), checked (negotiation/buying/documents.py)
    and kept in the database, outside any public folder; served only to staff, as an
    attachment. Uploaded first (``negotiation_id`` None), then cited once, by its company.
    When its negotiation's or quote's retention ends, its bytes are deleted and the row stays as the
    marker reps see (``negotiation/buying/retention.py``; migration 0018)."""

    __tablename__ = "counteroffer_documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    company_id: Mapped[str] = mapped_column(String(64), index=True)
    negotiation_id: Mapped[str | None] = mapped_column(ForeignKey("counteroffer_negotiations.id"), index=True)
    #: Or the whole-cart quote that cited it (migration 0019): one of the two, once.
    quote_id: Mapped[str | None] = mapped_column(ForeignKey("counteroffer_quotes.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    #: None once deleted under retention (``purged_at``).
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set through the relationship, so a new negotiation is inserted before the update.
    negotiation: Mapped[Negotiation | None] = relationship()


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
    # The host's order: deals_for_order and release_order look deals up by it.
    order_ref: Mapped[str | None] = mapped_column(String(100), index=True)


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
    # Written as appended rows (db/appends.py), after the flush that inserts the negotiation.


class OutboxMessage(Base):
    """Work for the background jobs, written in the same transaction as its cause."""

    __tablename__ = "counteroffer_outbox"
    __table_args__ = (UniqueConstraint("business_key"),
                      Index("ix_counteroffer_outbox_pending", "published_at", "id"),
                      # The relay's search for messages handed over but never handled.
                      Index("ix_counteroffer_outbox_unhandled", "handled_at", "published_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(64))
    business_key: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set by the handler in the transaction that does the work: a redelivery sees it and
    #: does nothing, so at-least-once delivery still acts exactly once.
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Rep(Base):
    """A sales rep or manager who decides escalations, with what they may approve alone.

    ``id`` is the host's user id (the ``Actor.id`` its ``user_loader`` returns).
    ``max_deal_value`` None means no limit on value; the discount limit always applies.
    """

    __tablename__ = "counteroffer_reps"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    #: Next up the approval chain; no foreign key, so reps load in any order.
    manager_id: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Percent off the price for the quantity this person may grant.
    max_discount_pct: Mapped[Decimal] = mapped_column(Money)
    max_deal_value: Mapped[Decimal | None] = mapped_column(Money)
    #: Product categories and customer regions whose unowned requests this rep takes.
    pool_categories: Mapped[list[str] | None] = mapped_column(JSON)
    pool_regions: Mapped[list[str] | None] = mapped_column(JSON)


class Delegation(Base):
    """Out of office: from ``starts_at`` (inclusive) to ``ends_at`` (exclusive), the
    delegate gets ``rep_id``'s new escalations and may decide their open ones."""

    __tablename__ = "counteroffer_delegations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rep_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_reps.id"), index=True)
    delegate_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_reps.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Escalation(Base):
    """A request a person must decide: written with the negotiation change that needs it.

    ``status`` is open, decided or void (the buyer changed the request first). At most one
    is open per negotiation: a partial unique index makes the database refuse a second.
    Prices are what the engine saw when it escalated (None if the back office was down).
    """

    __tablename__ = "counteroffer_escalations"
    __table_args__ = (
        Index("uq_counteroffer_escalations_open", "negotiation_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        Index("ix_counteroffer_escalations_inbox", "status", "due_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    negotiation_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_negotiations.id"), index=True)
    # A new one is an appended row (db/appends.py), after the flush that inserts the negotiation.
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Set when the assignee stands in for someone out of office.
    on_behalf_of_id: Mapped[str | None] = mapped_column(String(64))
    segment: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    list_price: Mapped[Decimal | None] = mapped_column(Money)
    price_for_quantity: Mapped[Decimal | None] = mapped_column(Money)
    floor: Mapped[Decimal | None] = mapped_column(Money)
    cost: Mapped[Decimal | None] = mapped_column(Money)
    #: The offer the rules would have made: {"kind", "quantity", "unit_price", "message", "explanation"}.
    suggested_offer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Answer by then, or it moves to the assignee's manager.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it was decided or became void.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_action: Mapped[str | None] = mapped_column(String(16))
    decision_unit_price: Mapped[Decimal | None] = mapped_column(Money)
    decision_quantity: Mapped[int | None] = mapped_column(Integer)
    decision_terms: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    decision_rationale: Mapped[str | None] = mapped_column(Text)  # internal: reps, managers, audit
    #: What the decider wrote to the buyer (the widget and the e-mail show it); migration 0009.
    decision_buyer_message: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_by_role: Mapped[str | None] = mapped_column(String(16))
    decided_on_behalf_of: Mapped[str | None] = mapped_column(String(64))
    #: Whether the decider checked the competing offer the buyer cited (None: not said).
    decision_citation_checked: Mapped[bool | None] = mapped_column(Boolean)

