"""Opening an escalation in the transaction that needs it, and voiding it when the buyer
moves first.

Routing: the account's owner rep (from the customer data, by id or e-mail); else the
pool for the product's category, else for the customer's region (the member with the
fewest open escalations); else nobody, and every manager sees it. If approving the
buyer's target is beyond that person's authority, it goes up their approval chain to the
first who may approve it (the top of the chain if nobody may). If that person is out of
office, their delegate gets it, on their behalf.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...adapters import CatalogItem, Customer
from ...db.appends import append_row
from ...db.models import Escalation, Negotiation
from ...jobs.outbox import add_message
from ...rules import Decision
from ..results.result_facts import record_escalation
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.prices import PriceFacts
from ..shared.records import new_id, record_event
from .notices import ESCALATED_TOPIC, tell_void
from .reps import Rep, RepDirectory, discount_pct, pool_rep, staff_directory

__all__ = ["open_escalation", "void_open_escalation", "Assignment", "OpenedEscalation",
           "with_delegate", "suggestion_of", "route_order"]


@dataclass(frozen=True)
class Assignment:
    assignee: Rep | None
    on_behalf_of: Rep | None
    route: str  # how it was found, for the audit trail


@dataclass(frozen=True)
class OpenedEscalation:
    """What the transaction that opens an escalation knows of it. The row is appended
    (a plain INSERT, db/appends.py) rather than an ORM object: nothing changes it in that
    transaction, and the object's bookkeeping cost about 0.3 ms of CPU per escalating
    request (bench/http_bench.py's ratio_escalating)."""

    id: str
    created_at: datetime
    due_at: datetime
    assignee_id: str | None


def open_escalation(deps: Deps, session: Session, row: Negotiation, now: datetime, reason: str,
                    customer: Customer | None, item: CatalogItem | None,
                    facts: PriceFacts | None, decision: Decision | None = None) -> OpenedEscalation:
    """Write the escalation, its audit event and its outbox message for ``row``."""
    # Routing reads only reps and delegations: flushing the request's pending rows first
    # would split one batch of INSERTs into several round trips for nothing.
    with session.no_autoflush:
        assignment = _route(deps, session, row, customer, item, facts, now)
    level = deps.service_levels.for_segment(customer.segment if customer else None)
    escalation = OpenedEscalation(new_id(), now, now + level.escalate_after, _id(assignment.assignee))
    append_row(session, Escalation.__table__, _UNSET | dict(
        id=escalation.id, negotiation_id=row.id, round=row.round, status="open",
        assignee_id=escalation.assignee_id, on_behalf_of_id=_id(assignment.on_behalf_of),
        segment=customer.segment if customer else None, reason=reason,
        list_price=facts.list_price if facts else None,
        price_for_quantity=facts.price_for_quantity if facts else None,
        floor=facts.floor if facts else None, cost=facts.cost if facts else None,
        suggested_offer=suggestion_of(decision), created_at=now,
        remind_at=now + level.remind_after, due_at=escalation.due_at))
    record_event(session, row, None, "assigned", row.status, now, escalation_id=escalation.id,
                 assignee=_id(assignment.assignee), stands_in_for=_id(assignment.on_behalf_of),
                 route=assignment.route)
    # One message: the worker that handles it writes the assignee's e-mail and webhook
    # (notices.tell_assigned), keeping the buyer's request to one outbox row.
    add_message(session, ESCALATED_TOPIC, f"escalated:{escalation.id}",
                {"negotiation_id": row.id, "round": row.round, "reason": reason,
                 "escalation_id": escalation.id,
                 "company_name": customer.name if customer else row.company_id}, now)
    record_escalation(session, row, escalation)  # results (docs/results.md)
    return escalation


#: Every column of a new escalation that is not set when it opens (its decision, reminders).
_UNSET = {column.name: None for column in Escalation.__table__.columns}


def _id(rep: Rep | None) -> str | None:
    return rep.id if rep is not None else None


def _route(deps: Deps, session: Session, row: Negotiation, customer: Customer | None,
           item: CatalogItem | None, facts: PriceFacts | None, now: datetime) -> Assignment:
    staff = staff_directory(deps, session)
    base, route = _first_in_line(session, staff, customer, item)
    if base is None:
        return Assignment(None, None, route)
    approver = base
    if facts is not None:
        discount = discount_pct(row.target_unit_price, facts.price_for_quantity)
        value = row.target_unit_price * row.quantity
        approver = staff.first_approver(base, discount, value) or staff.chain(base)[-1]
        if approver.id != base.id:
            route = f"{route}, then up the approval chain"
    return with_delegate(staff, approver, now, route)


def route_order(deps: Deps, session: Session, customer: Customer | None, category: str | None,
                discount: Decimal | None, value: Decimal | None, now: datetime) -> Assignment:
    """Who answers a whole-cart quote: as for a line (owner rep, else the pool of the
    first line's category or the region), up the approval chain by the order's discount
    and value, or whoever stands in for that person."""
    staff = staff_directory(deps, session)
    base, route = _first_in_line(session, staff, customer, _Category(category))
    if base is None:
        return Assignment(None, None, route)
    approver = base
    if discount is not None and value is not None:
        approver = staff.first_approver(base, discount, value) or staff.chain(base)[-1]
        if approver.id != base.id:
            route = f"{route}, then up the approval chain"
    return with_delegate(staff, approver, now, route)


@dataclass(frozen=True)
class _Category:
    """What pool routing reads of a product: its category."""

    category: str | None


def _first_in_line(session: Session, staff: RepDirectory, customer: Customer | None,
                   item: CatalogItem | _Category | None) -> tuple[Rep | None, str]:
    owner = staff.owner(customer.owner_rep if customer else None)
    if owner is not None:
        return owner, "account owner"
    pooled = pool_rep(session, item.category if item else None, customer.region if customer else None)
    if pooled is not None:
        return pooled, "pool"
    return None, "unrouted: every manager sees it"


def with_delegate(staff: RepDirectory, person: Rep, now: datetime, route: str) -> Assignment:
    """``person``, or whoever stands in for them at ``now``."""
    delegate = staff.delegate_of(person.id, now)
    if delegate is None:
        return Assignment(person, None, route)
    return Assignment(delegate, person, f"{route}; {person.name} is away")


def suggestion_of(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None or not decision.suggestions:
        return None
    offer = decision.suggestions[0]
    # Whole: its terms as data too, so a rep can make it as it stands (the same shape a
    # rep's counter takes), not only read them in the message.
    return {"kind": offer.kind.value, "quantity": offer.quantity, "unit_price": str(offer.unit_price),
            "message": offer.message, "explanation": offer.explanation,
            "terms": [{"group": t.group, "option": t.option, "label": t.label} for t in offer.terms]}


def void_open_escalation(session: Session, row: Negotiation, actor: Actor | None, before: str,
                         now: datetime, why: str) -> Escalation | None:
    """The buyer changed the request (``why``, as the assignee is told: "withdrew the
    request"): a decision on the old one would answer the wrong question. Flushed at
    once, so a new escalation may open in the same transaction."""
    escalation = session.scalars(select(Escalation).where(
        Escalation.negotiation_id == row.id, Escalation.status == "open")
        .with_for_update().execution_options(populate_existing=True)).first()
    if escalation is None:
        return None
    escalation.status, escalation.decided_at = "void", now
    session.flush()
    record_event(session, row, actor, "escalation_void", before, now, escalation_id=escalation.id,
                 why=why)
    tell_void(session, escalation, row, why, now)
    return escalation
