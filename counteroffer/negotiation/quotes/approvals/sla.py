"""Service levels for quotes, as a line's (approvals/sla.py): at ``remind_at`` the assignee
gets a reminder (once, and only before ``due_at``); at ``due_at`` an open quote escalation
moves to the manager of the person it belongs to (their delegate, if the manager is away).
``reminded_at`` and ``escalated_at`` are set in the transaction that writes the e-mail,
so each happens once however many workers sweep. Rows are locked quote first, as every
use case does, skipping those another transaction holds."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ....adapters import BackOfficeUnavailableError
from ....db import transaction
from ....db.quotes import Quote, QuoteEscalation
from ....jobs.notifications import queue_email
from ....rules.messages import format_money
from ...approvals.reps import find_rep, staff_directory
from ...approvals.routing import with_delegate
from ...shared.deps import Deps
from ..records import record_event
from .notices import tell_quote_reminder

__all__ = ["sweep_quote_escalations", "remind_quote_escalations"]


def sweep_quote_escalations(deps: Deps, limit: int = 200) -> int:
    """How many overdue quote escalations moved up the chain."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        return sum(_move_up(deps, session, row, escalation, now)
                   for row, escalation in _claimed(session, _overdue(now), limit))


def remind_quote_escalations(deps: Deps, limit: int = 200) -> int:
    """How many assignees were reminded of a quote they have yet to answer."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        return sum(_remind(deps, session, row, escalation, now)
                   for row, escalation in _claimed(session, _reminder_due(now), limit))


def _reminder_due(now: datetime) -> ColumnElement[bool]:
    # Past due_at it moves to the manager instead: no reminder for what is already late.
    return ((QuoteEscalation.status == "open") & QuoteEscalation.reminded_at.is_(None)
            & QuoteEscalation.assignee_id.is_not(None) & (QuoteEscalation.remind_at <= now)
            & (QuoteEscalation.due_at > now))


def _overdue(now: datetime) -> ColumnElement[bool]:
    return ((QuoteEscalation.status == "open") & QuoteEscalation.escalated_at.is_(None)
            & (QuoteEscalation.due_at <= now))


def _claimed(session: Session, due: ColumnElement[bool], limit: int) -> Iterator[tuple[Quote, QuoteEscalation]]:
    """Each due escalation with its quote, both locked; still due once locked."""
    candidates = session.execute(select(QuoteEscalation.id, QuoteEscalation.quote_id).where(due)
                                 .order_by(QuoteEscalation.due_at).limit(limit)).all()
    for escalation_id, quote_id in candidates:
        row = session.scalars(select(Quote).where(Quote.id == quote_id).with_for_update(skip_locked=True)
                              .execution_options(populate_existing=True)).first()
        if row is None:
            continue  # someone is changing it right now; the next sweep sees the outcome
        escalation = session.scalars(select(QuoteEscalation).where(
            QuoteEscalation.id == escalation_id, due)
            .with_for_update().execution_options(populate_existing=True)).first()
        if escalation is not None:
            yield row, escalation


def _remind(deps: Deps, session: Session, row: Quote, escalation: QuoteEscalation, now: datetime) -> int:
    escalation.reminded_at = now
    assignee = find_rep(session, escalation.assignee_id)
    if assignee is not None:
        tell_quote_reminder(session, row, escalation, _company_name(deps, session, row.company_id),
                            assignee.email, now)
    record_event(session, row, None, "reminded", row.status, now, escalation_id=escalation.id,
                 assignee=escalation.assignee_id)
    return 1


def _company_name(deps: Deps, session: Session, company_id: str) -> str:
    try:
        customer = deps.customer(session, company_id)
    except BackOfficeUnavailableError:  # the reminder still goes, naming the company by its id
        customer = None
    return customer.name if customer else company_id


def _move_up(deps: Deps, session: Session, row: Quote, escalation: QuoteEscalation, now: datetime) -> int:
    escalation.escalated_at = now
    owner = find_rep(session, escalation.on_behalf_of_id or escalation.assignee_id)
    manager = find_rep(session, owner.manager_id) if owner is not None else None
    if manager is None:  # nobody above: it stays, flagged overdue in the inbox
        record_event(session, row, None, "overdue", row.status, now, escalation_id=escalation.id, moved_to=None)
        return 0
    moved_from = escalation.assignee_id
    assignment = with_delegate(staff_directory(deps, session), manager, now, "overdue")
    escalation.assignee_id = assignment.assignee.id if assignment.assignee else None
    escalation.on_behalf_of_id = assignment.on_behalf_of.id if assignment.on_behalf_of else None
    record_event(session, row, None, "overdue", row.status, now, escalation_id=escalation.id,
                 moved_from=moved_from, assignee=escalation.assignee_id, stands_in_for=escalation.on_behalf_of_id)
    if assignment.assignee is not None:
        text = (f"A quote for {row.company_id}'s cart of {format_money(row.cart_total, row.currency)} was not "
                f"answered in time and now comes to you.\nWhy it needs a person: {escalation.reason}.\n"
                "Please decide it in the approvals inbox.")
        queue_email(session, f"quote-overdue:{escalation.id}", [assignment.assignee.email or ""],
                    f"Overdue quote to answer: {row.company_id}", text, now)
    return 1
