"""Service levels: remind the assignee at ``remind_at``; at ``due_at`` move the escalation
to the manager of the person it belongs to (their delegate, if the manager is away).

The workers run this sweep every minute. Each step sets ``reminded_at`` or
``escalated_at`` in the transaction that writes its notice, so a step happens once
however many workers sweep. Rows are locked negotiation first, as every use case does,
skipping those another transaction holds: they are swept on the next pass.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError
from ...db import transaction
from ...db.models import Escalation, Negotiation
from ..shared.deps import Deps
from ..shared.records import record_event
from .notices import tell_assignee, tell_reminder
from .reps import find_rep, staff_directory
from .routing import with_delegate

__all__ = ["SweepResult", "sweep_escalations"]


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    escalated: int


def sweep_escalations(deps: Deps, limit: int = 200) -> SweepResult:
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        reminded = sum(_remind(deps, session, row, escalation, now)
                       for row, escalation in _claimed(session, _reminder_due(now), limit))
        moved = sum(_move_up(deps, session, row, escalation, now)
                    for row, escalation in _claimed(session, _overdue(now), limit))
    return SweepResult(reminded, moved)


def _reminder_due(now: datetime) -> ColumnElement[bool]:
    # Past due_at it moves to the manager instead: no reminder for what is already late.
    return ((Escalation.status == "open") & Escalation.reminded_at.is_(None)
            & Escalation.assignee_id.is_not(None) & (Escalation.remind_at <= now)
            & (Escalation.due_at > now))


def _overdue(now: datetime) -> ColumnElement[bool]:
    return ((Escalation.status == "open") & Escalation.escalated_at.is_(None)
            & (Escalation.due_at <= now))


def _claimed(session: Session, due: ColumnElement[bool],
             limit: int) -> Iterator[tuple[Negotiation, Escalation]]:
    """Each due escalation with its negotiation, both locked; still due once locked."""
    candidates = session.execute(select(Escalation.id, Escalation.negotiation_id).where(due)
                                 .order_by(Escalation.due_at).limit(limit)).all()
    for escalation_id, negotiation_id in candidates:
        row = session.scalars(select(Negotiation).where(Negotiation.id == negotiation_id)
                              .with_for_update(skip_locked=True)
                              .execution_options(populate_existing=True)).first()
        if row is None:
            continue  # someone is changing it right now; the next sweep sees the outcome
        escalation = session.scalars(select(Escalation).where(Escalation.id == escalation_id, due)
                                     .with_for_update().execution_options(populate_existing=True)).first()
        if escalation is not None:
            yield row, escalation


def _company(deps: Deps, session: Session, company_id: str) -> str:
    try:
        customer = deps.customer(session, company_id)
    except BackOfficeUnavailableError:
        customer = None
    return customer.name if customer else company_id


def _remind(deps: Deps, session: Session, row: Negotiation, escalation: Escalation,
            now: datetime) -> int:
    escalation.reminded_at = now
    assignee = find_rep(session, escalation.assignee_id)
    if assignee is not None:
        tell_reminder(session, escalation, row, _company(deps, session, row.company_id), assignee, now)
    record_event(session, row, None, "reminded", row.status, now, escalation_id=escalation.id,
                 assignee=escalation.assignee_id)
    return 1


def _move_up(deps: Deps, session: Session, row: Negotiation, escalation: Escalation,
             now: datetime) -> int:
    escalation.escalated_at = now
    owner = find_rep(session, escalation.on_behalf_of_id or escalation.assignee_id)
    manager = find_rep(session, owner.manager_id) if owner is not None else None
    if manager is None:
        record_event(session, row, None, "overdue", row.status, now, escalation_id=escalation.id,
                     assignee=escalation.assignee_id, moved_to=None)
        return 0  # nobody above: it stays where it is, flagged overdue in the inbox
    moved_from = escalation.assignee_id
    assignment = with_delegate(staff_directory(deps, session), manager, now, "overdue")
    escalation.assignee_id = assignment.assignee.id if assignment.assignee else None
    escalation.on_behalf_of_id = assignment.on_behalf_of.id if assignment.on_behalf_of else None
    record_event(session, row, None, "overdue", row.status, now, escalation_id=escalation.id,
                 moved_from=moved_from, assignee=escalation.assignee_id,
                 stands_in_for=escalation.on_behalf_of_id)
    tell_assignee(session, escalation, row, _company(deps, session, row.company_id),
                  assignment.assignee, assignment.on_behalf_of, now, overdue=True)
    return 1
