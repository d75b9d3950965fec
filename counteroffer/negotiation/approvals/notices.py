"""What people are told about escalations, and the outbox messages that tell them.

Every function here writes into the caller's transaction: a notice exists if and only if
the change it reports committed. Business keys make each notice unique per escalation.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.models import Escalation, Negotiation, OutboxMessage
from ...jobs.notifications import queue_email, queue_webhook
from ...jobs.outbox import add_message
from ...rules.messages import format_money, format_quantity
from .reps import Rep, find_rep

__all__ = ["tell_assignee", "tell_assigned", "tell_reminder", "tell_decision", "tell_void", "tell_voided",
           "buyer_note",
           "DECIDED_EVENT", "ASSIGNED_EVENT", "VOID_EVENT", "ESCALATED_TOPIC", "VOIDED_TOPIC"]

ASSIGNED_EVENT = "escalation.assigned"
DECIDED_EVENT = "escalation.decided"
VOID_EVENT = "escalation.void"
#: The outbox topic of a voided escalation, for the worker that tells its assignee.
VOIDED_TOPIC = "escalation.voided"
#: The outbox topic of a new escalation (and the ``negotiation_escalated`` signal).
ESCALATED_TOPIC = "negotiation.escalated"


def _ask(row: Negotiation) -> str:
    target = format_money(row.target_unit_price, row.currency)
    return f"{format_quantity(row.quantity)} x {row.sku} at {target} each"


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def tell_assignee(session: Session, escalation: Escalation, row: Negotiation, company: str,
                  assignee: Rep | None, on_behalf_of: Rep | None, now: datetime,
                  overdue: bool = False) -> None:
    """A new escalation (or one moved up because nobody answered in time)."""
    kind = "overdue" if overdue else "assigned"
    if assignee is not None:
        standing_in = f"\nYou stand in for {on_behalf_of.name}." if on_behalf_of else ""
        late = "\nIt was not decided in time and now comes to you." if overdue else ""
        text = (f"{company} asks for {_ask(row)}.\nWhy it needs a person: {escalation.reason}."
                f"{standing_in}{late}\nPlease decide by {_when(escalation.due_at)} in the rep inbox.")
        queue_email(session, f"{kind}:{escalation.id}", [assignee.email or ""],
                    f"Price request to decide: {company}, {row.sku}", text, now)
    queue_webhook(session, f"{ASSIGNED_EVENT}:{kind}:{escalation.id}", ASSIGNED_EVENT, {
        "escalation_id": escalation.id, "negotiation_id": row.id, "company_id": row.company_id,
        "sku": row.sku, "quantity": row.quantity, "currency": row.currency,
        "target_unit_price": str(row.target_unit_price), "assignee_id": escalation.assignee_id,
        "on_behalf_of_id": escalation.on_behalf_of_id, "due_at": escalation.due_at.isoformat(),
        "overdue": overdue}, now)


def tell_assigned(session: Session, payload: dict[str, Any], now: datetime) -> None:
    """The worker's part of a new escalation: from its ``negotiation.escalated`` message,
    the assignee's e-mail and the ``escalation.assigned`` webhook, as outbox messages
    written in the transaction that marks the message handled."""
    # Locked: a void committing meanwhile is seen (then nobody is e-mailed), or waits for
    # this e-mail to exist (then tell_voided follows it with its "no longer needed").
    escalation = session.get(Escalation, payload["escalation_id"], with_for_update=True)
    row = session.get(Negotiation, payload["negotiation_id"])
    if escalation is None or row is None:
        return
    assignee, on_behalf_of = find_rep(session, escalation.assignee_id), find_rep(session, escalation.on_behalf_of_id)
    if escalation.status != "open":
        assignee = None  # voided or decided before the worker came to it: no e-mail to act on
    company = payload.get("company_name") or row.company_id
    tell_assignee(session, escalation, row, company, assignee, on_behalf_of, now)


def tell_reminder(session: Session, escalation: Escalation, row: Negotiation, company: str,
                  assignee: Rep, now: datetime) -> None:
    text = (f"Still waiting for your decision: {company} asks for {_ask(row)}.\n"
            f"Please decide by {_when(escalation.due_at)}, or it goes to your manager.")
    queue_email(session, f"reminder:{escalation.id}", [assignee.email or ""],
                f"Reminder: price request from {company}, {row.sku}", text, now)


def tell_void(session: Session, escalation: Escalation, row: Negotiation, why: str,
              now: datetime) -> None:
    """The buyer answered the request themselves (``why``: "withdrew the request", ...).
    Written in the voiding transaction: the ``escalation.void`` webhook, and a message
    whose worker e-mails the assignee (``tell_voided``)."""
    add_message(session, VOIDED_TOPIC, f"voided:{escalation.id}",
                {"escalation_id": escalation.id, "negotiation_id": row.id, "why": why}, now)
    queue_webhook(session, f"{VOID_EVENT}:{escalation.id}", VOID_EVENT, {
        "escalation_id": escalation.id, "negotiation_id": row.id, "company_id": row.company_id,
        "sku": row.sku, "assignee_id": escalation.assignee_id, "why": why,
        "negotiation_status": row.status}, now)


def tell_voided(session: Session, payload: dict[str, Any], now: datetime) -> None:
    """The worker's part: the assignee hears the escalation is void, if they were ever
    e-mailed to decide it. An escalation voided before its ``negotiation.escalated``
    message was handled was never announced to anyone, and a "no longer needed" about
    it would only puzzle. Both workers lock the escalation row, so on PostgreSQL one of
    them sees what the other wrote."""
    escalation = session.get(Escalation, payload["escalation_id"], with_for_update=True)
    row = session.get(Negotiation, payload["negotiation_id"])
    if escalation is None or row is None or not _was_asked(session, escalation.id):
        return
    assignee = find_rep(session, escalation.assignee_id)
    if assignee is None:
        return
    buyer = f"{row.buyer_name} ({row.company_id})" if row.buyer_name else row.company_id
    # Not the ask itself: a counter has already replaced it on the negotiation.
    text = (f"{buyer} {payload['why']}, so the price request for {row.sku} you were asked to "
            f"decide on {_when(escalation.created_at)} no longer needs your decision. It has "
            f"left your inbox; nothing else to do.")
    queue_email(session, f"void:{escalation.id}", [assignee.email or ""],
                f"No longer needed: price request from {row.company_id}, {row.sku}", text, now)


def _was_asked(session: Session, escalation_id: str) -> bool:
    """Whether its current assignee was e-mailed to decide it (the first assignee's
    ``assigned`` e-mail, or the ``overdue`` one of whoever it moved up to)."""
    keys = [f"email:{kind}:{escalation_id}" for kind in ("assigned", "overdue")]
    return session.scalar(select(OutboxMessage.id).where(OutboxMessage.business_key.in_(keys))
                          .limit(1)) is not None


def buyer_note(action: str, rep_name: str, unit_price: Decimal, quantity: int, currency: str) -> str:
    """What the widget shows the buyer beside the request's new status. Whoever decided
    (the account's rep, a delegate, a manager the request was routed to) is "of our
    sales team": "your sales rep" was untrue of a manager."""
    price, units = format_money(unit_price, currency), format_quantity(quantity)
    who = f"{rep_name} of our sales team"
    if action == "approve":
        return f"{who} approved {price} each for {units} units."
    if action == "counter":
        return f"{who} offers {price} each for {units} units."
    return f"{who} could not agree to {price} each."


def tell_decision(session: Session, escalation: Escalation, row: Negotiation, note: str,
                  now: datetime) -> None:
    """The buyer hears of the decision by e-mail (and in the widget, through the note)."""
    subjects = {"approve": "approved", "counter": "a new offer", "reject": "declined"}
    action = escalation.decision_action or "reject"
    if row.buyer_email:
        greeting = f"Hello {row.buyer_name}," if row.buyer_name else "Hello,"
        text = f"{greeting}\n\n{note}\n\nOpen the product page of {row.sku} to see it."
        queue_email(session, f"decided:{escalation.id}", [row.buyer_email],
                    f"Your price request for {row.sku}: {subjects[action]}", text, now)
    queue_webhook(session, f"{DECIDED_EVENT}:{escalation.id}", DECIDED_EVENT, {
        "escalation_id": escalation.id, "negotiation_id": row.id, "company_id": row.company_id,
        "sku": row.sku, "action": action, "status": row.status,
        "unit_price": str(escalation.decision_unit_price) if escalation.decision_unit_price else None,
        "quantity": escalation.decision_quantity, "currency": row.currency,
        "decided_by": escalation.decided_by, "on_behalf_of": escalation.decided_on_behalf_of}, now)
