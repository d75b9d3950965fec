"""Results: one fact row per negotiation, daily roll-ups of it, and rule-set experiments.

``ResultFact`` keeps what a negotiation was worth, with the prices as they were when it
was decided (list, price for the quantity, cost, floor, segment, category), because the
catalog and the rules change afterwards. It is written in the same transaction as the
negotiation change it describes.

``ResultRollup`` and ``ResultCycle`` hold the facts summed per request day, currency,
segment filter and dimension: the dashboard reads only them. They are kept up to date in
the same transaction as the fact (the fact's old contribution is subtracted, its new one
added), and can be rebuilt from the facts at any time (``negotiation.results.rollups.rebuild``).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .types import Money, UTCDateTime

__all__ = ["ResultFact", "ResultRollup", "ResultCycle", "ResultDelta", "Experiment", "ROLLUP_MEASURES"]


class ResultFact(Base):
    __tablename__ = "counteroffer_result_facts"
    __table_args__ = (Index("ix_counteroffer_result_facts_day", "day"),
                      Index("ix_counteroffer_result_facts_experiment", "experiment_id", "variant"))
    negotiation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: The UTC day of the price request: every measure of the negotiation counts there.
    day: Mapped[date] = mapped_column(Date)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    company_id: Mapped[str] = mapped_column(String(64))
    segment: Mapped[str | None] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(64))
    category: Mapped[str | None] = mapped_column(String(100))
    currency: Mapped[str] = mapped_column(String(3))
    rule_version_id: Mapped[str | None] = mapped_column(String(64))
    experiment_id: Mapped[int | None] = mapped_column(Integer)
    variant: Mapped[str | None] = mapped_column(String(16))
    asked_quantity: Mapped[int] = mapped_column(Integer)
    #: At the first decision; None when the back office could not say.
    list_price: Mapped[Decimal | None] = mapped_column(Money)
    price_for_quantity: Mapped[Decimal | None] = mapped_column(Money)
    cost: Mapped[Decimal | None] = mapped_column(Money)
    floor: Mapped[Decimal | None] = mapped_column(Money)
    offered: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The rule behind the deal, else behind the best offer last made, else the outcome.
    rule: Mapped[str] = mapped_column(String(64))
    dec_accept: Mapped[int] = mapped_column(Integer, default=0)
    dec_counter: Mapped[int] = mapped_column(Integer, default=0)
    dec_escalate: Mapped[int] = mapped_column(Integer, default=0)
    dec_decline: Mapped[int] = mapped_column(Integer, default=0)
    dec_approve: Mapped[int] = mapped_column(Integer, default=0)
    dec_rep_counter: Mapped[int] = mapped_column(Integer, default=0)
    dec_reject: Mapped[int] = mapped_column(Integer, default=0)
    rep_id: Mapped[str | None] = mapped_column(String(64))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deal_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deal_quantity: Mapped[int | None] = mapped_column(Integer)
    deal_unit_price: Mapped[Decimal | None] = mapped_column(Money)
    #: List price, cost and floor of the SKU dealt (an alternative product has its own).
    deal_list_price: Mapped[Decimal | None] = mapped_column(Money)
    deal_cost: Mapped[Decimal | None] = mapped_column(Money)
    deal_floor: Mapped[Decimal | None] = mapped_column(Money)
    by_person: Mapped[bool] = mapped_column(Boolean, default=False)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: 'line' (a price request) or 'quote' (a whole cart, migration 0016). A quote's fact
    #: has no SKU or category ('-', None): its order totals are the columns below.
    kind: Mapped[str] = mapped_column(String(8), default="line", server_default="line")
    #: A quote deal's totals over its lines, at the prices its decisions were made on
    #: (None for a line request, whose totals are its unit prices times its quantity).
    deal_value: Mapped[Decimal | None] = mapped_column(Money)
    deal_list_value: Mapped[Decimal | None] = mapped_column(Money)
    deal_floor_value: Mapped[Decimal | None] = mapped_column(Money)
    deal_cost_value: Mapped[Decimal | None] = mapped_column(Money)
    #: The value of the units dealt beyond those asked, at the deal's prices (quotes).
    extra_value: Mapped[Decimal | None] = mapped_column(Money)
    #: A quote's SKUs as its decisions priced them: {sku: [list, cost, floor]} (decimal
    #: strings, None when unknown); the first prices known for a SKU are kept.
    line_prices: Mapped[dict[str, Any] | None] = mapped_column(JSON)


#: The additive columns of a roll-up row: (name, is money).
ROLLUP_MEASURES: tuple[tuple[str, bool], ...] = (
    ("requests", False), ("offered", False),
    ("dec_accept", False), ("dec_counter", False), ("dec_escalate", False), ("dec_decline", False),
    ("dec_approve", False), ("dec_rep_counter", False), ("dec_reject", False),
    ("deals", False), ("auto_deals", False), ("redeemed", False),
    ("asked_units", False), ("deal_units", False),
    ("deal_value", True), ("list_value", True), ("priced_value", True), ("floor_value", True),
    ("order_revenue", True), ("order_margin", True), ("margin_known", False),
    ("decided", False), ("sla_met", False), ("extra_value", True),
)


class ResultRollup(Base):
    """Sums of facts for one request day, currency, segment filter ('*' = every segment)
    and dimension value (``dimension`` 'all' has the one key '*')."""

    __tablename__ = "counteroffer_result_rollups"
    # Key order = how the dashboard asks: one dimension and segment filter, a range of days.
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    segment: Mapped[str] = mapped_column(String(64), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    offered: Mapped[int] = mapped_column(Integer, default=0)
    dec_accept: Mapped[int] = mapped_column(Integer, default=0)
    dec_counter: Mapped[int] = mapped_column(Integer, default=0)
    dec_escalate: Mapped[int] = mapped_column(Integer, default=0)
    dec_decline: Mapped[int] = mapped_column(Integer, default=0)
    dec_approve: Mapped[int] = mapped_column(Integer, default=0)
    dec_rep_counter: Mapped[int] = mapped_column(Integer, default=0)
    dec_reject: Mapped[int] = mapped_column(Integer, default=0)
    deals: Mapped[int] = mapped_column(Integer, default=0)
    auto_deals: Mapped[int] = mapped_column(Integer, default=0)
    redeemed: Mapped[int] = mapped_column(Integer, default=0)
    asked_units: Mapped[int] = mapped_column(Integer, default=0)
    deal_units: Mapped[int] = mapped_column(Integer, default=0)
    deal_value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    list_value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    priced_value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    floor_value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    order_revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    order_margin: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    #: Redeemed deals whose cost is known: order_margin is theirs; redeemed deals but none
    #: of these means the margin is unknown, not 0.00.
    margin_known: Mapped[int] = mapped_column(Integer, default=0)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    sla_met: Mapped[int] = mapped_column(Integer, default=0)
    extra_value: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")


class ResultCycle(Base):
    """How many cycle times (``cycle`` 'deal': request to deal; 'decision': escalation to
    a person's decision) fell in each duration bucket (see ``negotiation.results.cycles``)."""

    __tablename__ = "counteroffer_result_cycles"
    # Key order = how the dashboard asks: one dimension and segment filter, a range of days.
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    segment: Mapped[str] = mapped_column(String(64), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    cycle: Mapped[str] = mapped_column(String(8), primary_key=True)
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class ResultDelta(Base):
    """What one transaction changed in the roll-ups, waiting to be folded into them.

    A price request appends one small row here instead of upserting its fourteen-odd
    roll-up rows: those rows are shared by every request of the day, so upserting them
    made concurrent requests queue on their locks and was most of a request's cost.
    ``negotiation.results.rollups.fold_pending`` sums the waiting rows into the roll-ups (every
    minute in the worker, and before the results are read)."""

    __tablename__ = "counteroffer_result_deltas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: ``{"sums": [[day, currency, segment, dimension, key, {measure: value}], ...],
    #: "cycles": [[day, currency, segment, dimension, key, cycle, bucket, count], ...]}``,
    #: money as decimal strings.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class Experiment(Base):
    """Two rule-set versions tried on buyers split by a hash of their company id."""

    __tablename__ = "counteroffer_experiments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The rule-set versions of arm A (control) and arm B (challenger).
    version_a: Mapped[str] = mapped_column(String(64))
    version_b: Mapped[str] = mapped_column(String(64))
    #: Percent of buyers (companies) in arm B, 1..99.
    split_pct: Mapped[int] = mapped_column(Integer)
    salt: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # running, stopped, promoted
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_variant: Mapped[str | None] = mapped_column(String(1))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
