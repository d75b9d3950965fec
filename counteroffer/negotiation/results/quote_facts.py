"""Writing a quote's result fact in the transaction that changes the quote (issue 15).

A quote is one negotiation of many lines: one fact (``kind`` 'quote'), moved by the
same machinery as a line request's (``result_facts.changing``: one roll-up delta per
transaction). What a line request keeps per unit, a quote keeps as order totals: its
deal's value, list value, floor value and cost over its lines, priced as its decisions
priced them (``line_prices``), and the value of the units dealt beyond those asked.

The quote use cases (``negotiation/quotes``) call these with plain values: this module
imports nothing of them, so the two folders never import each other in a circle.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from ...adapters import Customer
from ...db.quotes import Quote
from ...db.results import ResultFact
from .experiments import experiment_arm
from .result_facts import OUTCOME_RULES, changing, record_person_decision_of

__all__ = ["PricedSku", "DealtLine", "quote_rule_of", "record_quote_decision", "record_quote_escalation",
           "record_quote_person_decision", "record_quote_deal", "record_quote_redeemed", "QUOTE_SKU"]

#: A quote's fact has no one SKU: it counts under no SKU or category (rollups._keys).
QUOTE_SKU = "-"
#: The rule behind a quote offer, by its kind: the order-level trade-offs keep their own
#: names (order_tier, order_terms, margin_mix); a quote's concession is the order's.
_QUOTE_RULES = {"as_asked": "auto_accept", "concession": "order_concession", "rep": "rep_decision"}


@dataclass(frozen=True)
class PricedSku:
    """A line as a decision priced it: its unit list price, cost and floor."""

    sku: str
    quantity: int
    list_price: Decimal
    cost: Decimal | None
    floor: Decimal | None


@dataclass(frozen=True)
class DealtLine:
    sku: str
    quantity: int
    unit_price: Decimal


def quote_rule_of(kind: str) -> str:
    return _QUOTE_RULES.get(kind, kind)


def _new_fact(session: Session, row: Quote, customer: Customer | None) -> ResultFact:
    experiment_id, variant = experiment_arm(session, row.company_id, row.rule_version_id)
    version = row.rule_version_id
    return ResultFact(
        negotiation_id=row.id, kind="quote", day=row.created_at.date(), requested_at=row.created_at,
        company_id=row.company_id, segment=customer.segment if customer else None, sku=QUOTE_SKU,
        category=None, currency=row.currency, rule_version_id=str(version) if version is not None else None,
        experiment_id=experiment_id, variant=variant, asked_quantity=0, offered=False, rule="escalated",
        dec_accept=0, dec_counter=0, dec_escalate=0, dec_decline=0, dec_approve=0, dec_rep_counter=0,
        dec_reject=0, by_person=False, line_prices={})


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def record_quote_decision(session: Session, row: Quote, outcome: str, customer: Customer | None,
                          priced: Sequence[PricedSku], offer_kinds: Sequence[str]) -> None:
    """An engine decision on a round: the asked units are this round's, each SKU's prices
    the first known, the lead rule the best offer's (until a deal names it)."""
    with changing(session, row.id, lambda: _new_fact(session, row, customer)) as fact:
        assert fact is not None
        if fact.segment is None and customer is not None:
            fact.segment = customer.segment
        known = dict(fact.line_prices or {})
        for line in priced:
            known.setdefault(line.sku, [_money(line.list_price), _money(line.cost), _money(line.floor)])
        fact.line_prices = known  # a new dict: the JSON column sees the change
        fact.asked_quantity = sum(line.quantity for line in priced)
        setattr(fact, f"dec_{outcome}", (getattr(fact, f"dec_{outcome}") or 0) + 1)
        fact.offered = bool(fact.offered or offer_kinds)
        if fact.deal_at is None:
            fact.rule = quote_rule_of(offer_kinds[0]) if offer_kinds else OUTCOME_RULES.get(outcome, outcome)


def record_quote_escalation(session: Session, quote_id: str, created_at: datetime, due_at: datetime,
                            assignee_id: str | None) -> None:
    """Until a person has decided, the latest escalation is the one measured."""
    with changing(session, quote_id) as fact:
        if fact is not None and fact.decided_at is None:
            fact.escalated_at, fact.due_at, fact.rep_id = created_at, due_at, assignee_id


def record_quote_person_decision(session: Session, quote_id: str, action: str, decided_by: str,
                                 now: datetime) -> None:
    """A person's approve, counter or reject of an escalated quote (issue 15's inbox calls
    it in the decision's transaction), measured as a line's; an approval's deal is
    ``record_quote_deal``."""
    record_person_decision_of(session, quote_id, action, decided_by, now)


def record_quote_deal(session: Session, quote_id: str, offer_kind: str, lines: Sequence[DealtLine],
                      asked: Mapping[str, int], deal_at: datetime) -> None:
    """The deal's totals over its lines; ``asked``: this round's asked quantity per SKU."""
    with changing(session, quote_id) as fact:
        if fact is None:
            return
        prices = fact.line_prices or {}
        fact.deal_at, fact.rule, fact.offered = deal_at, quote_rule_of(offer_kind), True
        fact.by_person = offer_kind == "rep"
        fact.deal_quantity = sum(line.quantity for line in lines)
        fact.asked_quantity = sum(asked.values())
        fact.deal_value = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
        fact.deal_list_value, fact.deal_cost_value, fact.deal_floor_value = (
            _total(lines, prices, index) for index in range(3))
        fact.extra_value = sum((line.unit_price * (line.quantity - asked.get(line.sku, 0)) for line in lines),
                               Decimal(0))


def _total(lines: Sequence[DealtLine], prices: Mapping[str, list[str | None]], index: int) -> Decimal | None:
    """Sum of one price (0 list, 1 cost, 2 floor) over the lines; unknown if any line's is."""
    total = Decimal(0)
    for line in lines:
        known = prices.get(line.sku)
        if known is None or known[index] is None:
            return None
        total += Decimal(str(known[index])) * line.quantity
    return total


def record_quote_redeemed(session: Session, quote_id: str, redeemed_at: datetime | None) -> None:
    """Redeemed for an order, or given back (``None``)."""
    with changing(session, quote_id) as fact:
        if fact is not None:
            fact.redeemed_at = redeemed_at
