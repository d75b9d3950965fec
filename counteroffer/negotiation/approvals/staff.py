"""Who among the seller's people may see and decide which escalation, with whose authority.

A rep sees what is assigned to them, what was assigned to a delegate on their behalf,
and what is assigned to anyone they stand in for today. Anyone with reports (a manager)
also sees their reports' escalations, all the way down; a caller with the ``manager``
role also sees escalations nobody could be routed to. Whoever may see one may decide it:

- standing in for someone (by delegation), with that person's authority, on their behalf;
- otherwise with their own authority (the assignee, or a manager up the chain).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.orm import Session

from ...db.models import Escalation
from ...db.quotes import QuoteEscalation
from ..shared.actors import Actor
from ..shared.errors import ForbiddenError, NotFoundError
from ..shared.states import Role
from .reps import Rep, find_rep, principals_of, reports_of

__all__ = ["Reach", "Acting", "Routed", "require_staff", "reach_of", "can_see", "require_visible", "visible",
           "acting_for"]


class Routed(Protocol):
    """What visibility reads of an escalation: a line's or a whole quote's."""

    @property
    def assignee_id(self) -> str | None: ...

    @property
    def on_behalf_of_id(self) -> str | None: ...


def require_staff(actor: Actor) -> None:
    if actor.role not in (Role.REP, Role.MANAGER):
        raise ForbiddenError("Only sales reps and managers can see and decide escalations.")


@dataclass(frozen=True)
class Reach:
    me: Rep | None
    is_manager: bool
    principals: frozenset[str] = field(default_factory=frozenset)  # whom I stand in for now
    reports: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Acting:
    authority: Rep  # whose limits apply
    on_behalf_of: Rep | None


def reach_of(session: Session, actor: Actor, now: datetime) -> Reach:
    me = find_rep(session, actor.id)
    if me is None:
        return Reach(me=None, is_manager=actor.role == Role.MANAGER)
    return Reach(me=me, is_manager=actor.role == Role.MANAGER,
                 principals=frozenset(principals_of(session, me.id, now)),
                 reports=frozenset(reports_of(session, me.id)))


R = TypeVar("R", bound=Routed)


def require_visible(reach: Reach, escalation: R | None) -> R:
    """The escalation (a line's or a quote's), if the caller may see it; else a 404 that
    does not say whether it exists."""
    if escalation is None or not can_see(reach, escalation):
        raise NotFoundError("No such escalation.")
    return escalation


def can_see(reach: Reach, escalation: Routed) -> bool:
    assignee = escalation.assignee_id
    if assignee is None:
        return reach.is_manager
    if reach.me is None:
        return False
    mine = reach.me.id in (assignee, escalation.on_behalf_of_id)
    return mine or assignee in reach.principals or assignee in reach.reports


def visible(reach: Reach, table: type[Escalation] | type[QuoteEscalation] = Escalation) -> ColumnElement[bool]:
    """``can_see`` as a SQL condition, for the inbox (of lines, or of quotes)."""
    unrouted = table.assignee_id.is_(None) if reach.is_manager else false()
    if reach.me is None:
        return unrouted
    others = reach.principals | reach.reports
    return or_(unrouted, table.assignee_id == reach.me.id,
               table.on_behalf_of_id == reach.me.id,
               table.assignee_id.in_(sorted(others)) if others else false())


def acting_for(session: Session, reach: Reach, escalation: Routed) -> Acting:
    """Whose authority the caller decides ``escalation`` with (the caller may see it)."""
    if reach.me is None:
        raise ForbiddenError("You are not set up to decide escalations; ask to be added as a rep.")
    me = reach.me
    if escalation.assignee_id == me.id and escalation.on_behalf_of_id:
        principal = find_rep(session, escalation.on_behalf_of_id)
        return Acting(principal or me, principal)
    if escalation.assignee_id in reach.principals and escalation.assignee_id not in reach.reports:
        principal = find_rep(session, escalation.assignee_id)
        return Acting(principal or me, principal)
    return Acting(me, None)
