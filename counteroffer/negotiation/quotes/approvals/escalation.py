"""A person answers a quote: the escalation is routed as a line's is (approvals/routing.py)
and written with its audit event and a ``quote.escalated`` outbox message, in the
transaction that needs it. A person decides it in the approvals inbox (rep_view.py,
rep_decision.py)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....adapters import Customer
from ....db.appends import append_row
from ....db.quotes import Quote, QuoteEscalation
from ....jobs.outbox import add_message
from ....rules import round_money
from ....rules.quotes import QuoteDecision
from ...approvals.reps import discount_pct
from ...approvals.routing import route_order
from ...results.quote_facts import record_quote_escalation
from ...shared.actors import Actor
from ...shared.deps import Deps
from ...shared.records import new_id
from ..records import record_event, terms_json

__all__ = ["open_quote_escalation", "void_quote_escalation", "suggestion_of", "ESCALATED_TOPIC", "VOIDED_TOPIC"]

ESCALATED_TOPIC, VOIDED_TOPIC = "quote.escalated", "quote.escalation_void"


def _asked_total(row: Quote) -> Decimal | None:
    """What the buyer asks for the order, as a total, when the order target says it."""
    if row.target_total is not None:
        return row.target_total
    if row.target_discount_pct is not None:
        return round_money(row.cart_total * (1 - row.target_discount_pct / 100), row.currency)
    return None


def suggestion_of(decision: QuoteDecision | None) -> dict[str, Any] | None:
    if decision is None or not decision.suggestions:
        return None
    offer = decision.suggestions[0]
    return {"kind": offer.kind.value, "total": str(offer.total), "message": offer.message,
            "explanation": offer.explanation, "terms": terms_json(offer) or [],
            "lines": [{"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price),
                       "explanation": line.explanation} for line in offer.lines]}


def open_quote_escalation(deps: Deps, session: Session, row: Quote, customer: Customer | None,
                          category: str | None, reason: str, now: datetime,
                          decision: QuoteDecision | None = None) -> str:
    asked = _asked_total(row)
    discount = discount_pct(asked, row.cart_total) if asked is not None and row.cart_total > 0 else None
    with session.no_autoflush:
        assignment = route_order(deps, session, customer, category, discount, asked, now)
    level = deps.service_levels.for_segment(customer.segment if customer else None)
    escalation_id, due_at = new_id(), now + level.escalate_after
    session.flush()  # the quote row first: the escalation's foreign key needs it
    append_row(session, QuoteEscalation.__table__, dict(
        id=escalation_id, quote_id=row.id, round=row.round, status="open",
        assignee_id=assignment.assignee.id if assignment.assignee else None,
        on_behalf_of_id=assignment.on_behalf_of.id if assignment.on_behalf_of else None,
        route=assignment.route[:200], reason=reason, cart_total=row.cart_total, target_total=asked,
        suggested_quote=suggestion_of(decision), created_at=now, due_at=due_at, decided_at=None,
        remind_at=now + level.remind_after, reminded_at=None))
    record_quote_escalation(session, row.id, now, due_at,  # results (docs/results.md)
                            assignment.assignee.id if assignment.assignee else None)
    record_event(session, row, None, "assigned", row.status, now, escalation_id=escalation_id,
                 assignee=assignment.assignee.id if assignment.assignee else None, route=assignment.route)
    add_message(session, ESCALATED_TOPIC, f"quote.escalated:{escalation_id}",
                {"quote_id": row.id, "round": row.round, "escalation_id": escalation_id, "reason": reason,
                 "company_name": customer.name if customer else row.company_id}, now)
    return escalation_id


def void_quote_escalation(session: Session, row: Quote, actor: Actor | None, before: str,
                          now: datetime, why: str) -> str | None:
    """The buyer moved first (countered, withdrew, accepted an offer still held)."""
    escalation = session.scalars(select(QuoteEscalation).where(
        QuoteEscalation.quote_id == row.id, QuoteEscalation.status == "open")
        .with_for_update().execution_options(populate_existing=True)).first()
    if escalation is None:
        return None
    escalation.status, escalation.decided_at = "void", now
    session.flush()
    record_event(session, row, actor, "escalation_void", before, now, escalation_id=escalation.id, why=why)
    add_message(session, VOIDED_TOPIC, f"quote.escalation_void:{escalation.id}",
                {"quote_id": row.id, "escalation_id": escalation.id, "why": why}, now)
    return escalation.id


