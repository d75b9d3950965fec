"""Whole-cart quotes (issue 14): the quote, its lines, each round's bid, the offers (each a
whole quote: lines and order terms), the one deal an accepted offer gives, the audit
trail and the escalation a person answers. Migration ``0012``.

Kept apart from ``models.py``'s single-line negotiations: a quote is one negotiation of
many lines, and nothing of a line request's tables (its results facts, its inbox) reads it.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import Money, UTCDateTime

__all__ = ["Quote", "QuoteLineRow", "QuoteBid", "QuoteOfferRow", "QuoteOfferLine", "QuoteDeal",
           "QuoteEvent", "QuoteEscalation", "QuoteTold"]


class Quote(Base):
    __tablename__ = "counteroffer_quotes"
    __table_args__ = (Index("ix_counteroffer_quotes_company", "company_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    company_id: Mapped[str] = mapped_column(String(64))
    buyer_id: Mapped[str] = mapped_column(String(64))
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    buyer_email: Mapped[str | None] = mapped_column(String(254))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer)
    #: The buyer's order target this round: a total, or a share off the cart (one of them, or none).
    target_total: Mapped[Decimal | None] = mapped_column(Money)
    target_discount_pct: Mapped[Decimal | None] = mapped_column(Money)
    #: The cart's price for this round's lines and quantities.
    cart_total: Mapped[Decimal] = mapped_column(Money)
    buyer_note: Mapped[str | None] = mapped_column(Text)
    rule_version_id: Mapped[int | None] = mapped_column(ForeignKey("counteroffer_rule_versions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Why the buyer let it go, if they said (issue 16, ``0019``): one of ``LOST_REASONS``.
    lost_reason: Mapped[str | None] = mapped_column(String(24))
    lost_note: Mapped[str | None] = mapped_column(Text)


class QuoteLineRow(Base):
    """A line of the quote. A line a counter removes keeps its row (``removed_round``):
    the request cap counts every SKU a quote asked about, as it counts line requests."""

    __tablename__ = "counteroffer_quote_lines"
    __table_args__ = (UniqueConstraint("quote_id", "sku"),
                      Index("ix_counteroffer_quote_lines_sku", "sku", "quote_id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quotes.id"))
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    target_unit_price: Mapped[Decimal | None] = mapped_column(Money)
    price_for_quantity: Mapped[Decimal] = mapped_column(Money)
    removed_round: Mapped[int | None] = mapped_column(Integer)
    #: The product's category when the line was asked (``0023``; None before, or none known).
    category: Mapped[str | None] = mapped_column(String(100))


class QuoteBid(Base):
    """What the buyer asked in one round: ``lines`` [{"sku", "quantity",
    "target_unit_price"}] and the order target, with the engine's outcome."""

    __tablename__ = "counteroffer_quote_bids"
    __table_args__ = (UniqueConstraint("quote_id", "round"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quotes.id"))
    round: Mapped[int] = mapped_column(Integer)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    order_target: Mapped[dict[str, str] | None] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)  # rep-only
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: What applied to the buyer that round, for the what-if simulation to replay it so
    #: (migration ``0020``): {"segment", "last_paid": {sku: {"unit_price", "quantity",
    #: "paid_at"}}}. None on rounds asked before it.
    buyer_context: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class QuoteOfferRow(Base):
    __tablename__ = "counteroffer_quote_offers"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quotes.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))  # open, accepted, superseded, expired
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text)  # rep-only
    #: Order terms the buyer gives for these prices: [{"group", "option", "label"}].
    terms: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The engine's rank within its round (0 first, ranked by value to the seller), as for
    #: a line's offers (migration 0017).
    rank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class QuoteOfferLine(Base):
    __tablename__ = "counteroffer_quote_offer_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quote_offers.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    price_for_quantity: Mapped[Decimal] = mapped_column(Money)
    explanation: Mapped[str] = mapped_column(Text)  # rep-only


class QuoteDeal(Base):
    """One deal for the whole quote: ``lines`` [{"sku", "quantity", "unit_price",
    "price_for_quantity"}] as the accepted offer had them, redeemed once for one order."""

    __tablename__ = "counteroffer_quote_deals"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # One deal per offer: the database itself refuses a second acceptance.
    offer_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quote_offers.id"), unique=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quotes.id"), index=True)
    company_id: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    terms: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_ref: Mapped[str | None] = mapped_column(String(100), index=True)


class QuoteEvent(Base):
    """Append-only audit trail of a quote, written in the same transaction as the change."""

    __tablename__ = "counteroffer_quote_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quotes.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    before_status: Mapped[str | None] = mapped_column(String(16))
    after_status: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class QuoteEscalation(Base):
    """A quote a person must answer, routed as a line's escalation is (owner rep, pool, up
    the approval chain by the order's discount and value, delegates). At most one open per
    quote. A person decides it in the approvals inbox (negotiation/quotes/approvals/decision.py)."""

    __tablename__ = "counteroffer_quote_escalations"
    __table_args__ = (
        Index("uq_counteroffer_quote_escalations_open", "quote_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quotes.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # open, decided, void
    assignee_id: Mapped[str | None] = mapped_column(String(64), index=True)
    on_behalf_of_id: Mapped[str | None] = mapped_column(String(64))
    route: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    cart_total: Mapped[Decimal] = mapped_column(Money)
    #: What the buyer asks for the order, when it can be said as a total.
    target_total: Mapped[Decimal | None] = mapped_column(Money)
    #: The quote the rules would have offered, for the person to start from: {"kind",
    #: "total", "message", "explanation", "terms", "lines": [{"sku", "quantity",
    #: "unit_price", "explanation"}]}; None when the buyer asked for a person.
    suggested_quote: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A person's decision (issue 15, migration ``0015``): approve, counter or reject, the
    #: rationale (internal), what the buyer was told, and for an approval or counter the
    #: whole quote decided: ``decision_lines`` [{"sku", "quantity", "unit_price",
    #: "price_for_quantity"}], its total and its order terms.
    decision_action: Mapped[str | None] = mapped_column(String(16))
    decision_rationale: Mapped[str | None] = mapped_column(Text)
    decision_buyer_message: Mapped[str | None] = mapped_column(Text)
    decision_total: Mapped[Decimal | None] = mapped_column(Money)
    decision_lines: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    decision_terms: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_by_role: Mapped[str | None] = mapped_column(String(16))
    decided_on_behalf_of: Mapped[str | None] = mapped_column(String(64))
    #: When the service-level sweep moved it, overdue, to the assignee's manager (``0015``).
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Did the decider check the buyer's cited competing offer (``0019``; None: not said).
    decision_citation_checked: Mapped[bool | None] = mapped_column(Boolean)
    #: When the assignee is reminded, before ``due_at``, and when they were (``0021``; None
    #: on escalations opened before it: no reminder).
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuoteTold(Base):
    """What the buyer told with one round of a quote (issue 16, ``0019``): a competing offer,
    as the competitor's order ``total`` or its ``line_prices`` [{"sku", "unit_price"}] for
    SKUs of the quote, and the day the goods are needed by. Read only through its quote,
    whose company is checked first: never shown to another company."""

    __tablename__ = "counteroffer_quote_told"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("counteroffer_quotes.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    competitor: Mapped[str | None] = mapped_column(String(100), index=True)
    total: Mapped[Decimal | None] = mapped_column(Money)
    line_prices: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    valid_until: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    needed_by: Mapped[date | None] = mapped_column(Date)
    document_id: Mapped[str | None] = mapped_column(ForeignKey("counteroffer_documents.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
