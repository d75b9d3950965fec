"""Out of office, managed by the people themselves: a rep says who stands in for them and
when, and ends it early or cancels it if plans change.

    list_delegations(deps, actor)                        -> [DelegationView], soonest first
    delegation_choices(deps, actor)                      -> Choices: whom for, who may stand in
    add_delegation(deps, actor, delegate_id, starts_at, ends_at, rep_id=None) -> DelegationView
    end_delegation(deps, actor, delegation_id)           -> DelegationView

A rep manages their own delegations; whoever has reports manages theirs too (all the way
down), and the ``manager`` role manages everyone's. A rep sees the delegations they are
the delegate of as well. Only delegations not yet over are listed. Ending one that has
not started cancels it (the row goes); ending a current one moves its end to now, so
escalations assigned meanwhile keep the record of whom they were decided for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Delegation
from ...db.models import Rep as RepRow
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from ..shared.states import Role
from .reps import find_rep, overlapping_delegation, reports_of
from .staff import require_staff

__all__ = ["DelegationView", "Choices", "list_delegations", "delegation_choices", "add_delegation",
           "end_delegation"]

UPCOMING, CURRENT, OVER, CANCELLED = "upcoming", "current", "over", "cancelled"


@dataclass(frozen=True)
class DelegationView:
    id: int
    rep_id: str
    rep_name: str
    delegate_id: str
    delegate_name: str
    starts_at: datetime
    ends_at: datetime
    status: str  # upcoming, current, over; cancelled once an upcoming one is ended
    can_end: bool  # may the caller end or cancel it


@dataclass(frozen=True)
class _Scope:
    """Whose delegations the caller manages: None for everyone's."""

    me: str
    managed: frozenset[str] | None

    def manages(self, rep_id: str) -> bool:
        return self.managed is None or rep_id in self.managed


def _scope(session: Session, actor: Actor) -> _Scope:
    require_staff(actor)
    if actor.role == Role.MANAGER:
        return _Scope(actor.id, None)
    return _Scope(actor.id, frozenset({actor.id} | reports_of(session, actor.id)))


def list_delegations(deps: Deps, actor: Actor) -> list[DelegationView]:
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        scope = _scope(session, actor)
        query = select(Delegation).where(Delegation.ends_at > now)
        if scope.managed is not None:
            query = query.where(or_(Delegation.rep_id.in_(scope.managed), Delegation.delegate_id == scope.me))
        rows = session.scalars(query.order_by(Delegation.starts_at, Delegation.id)).all()
        names = _names(session, {p for row in rows for p in (row.rep_id, row.delegate_id)})
        return [_view(row, now, scope, names) for row in rows]


@dataclass(frozen=True)
class Choices:
    """(id, name) pairs, by name: the reps the caller manages delegations for (themselves
    first), and everyone who may stand in (every rep)."""

    reps: tuple[tuple[str, str], ...]
    delegates: tuple[tuple[str, str], ...]


def delegation_choices(deps: Deps, actor: Actor) -> Choices:
    with transaction(deps.session_factory) as session:
        scope = _scope(session, actor)
        everyone = session.execute(select(RepRow.id, RepRow.name).order_by(RepRow.name, RepRow.id)).all()
    people = tuple((row.id, row.name) for row in everyone)
    mine = sorted((p for p in people if scope.manages(p[0])), key=lambda p: p[0] != actor.id)
    return Choices(reps=tuple(mine), delegates=people)


def add_delegation(deps: Deps, actor: Actor, delegate_id: str, starts_at: datetime,
                   ends_at: datetime, rep_id: str | None = None) -> DelegationView:
    """``delegate_id`` stands in for ``rep_id`` (default: the caller) in [starts_at, ends_at)."""
    now = deps.clock()
    rep_id = rep_id or actor.id
    with transaction(deps.session_factory) as session:
        scope = _scope(session, actor)
        if not scope.manages(rep_id):
            raise ForbiddenError("You can set who stands in for yourself and for your reports only.")
        _check(session, rep_id, delegate_id, starts_at, ends_at, now)
        row = Delegation(rep_id=rep_id, delegate_id=delegate_id, starts_at=starts_at,
                         ends_at=ends_at, created_at=now)
        session.add(row)
        session.flush()
        view = _view(row, now, scope, _names(session, {rep_id, delegate_id}))
    deps.cache.clear()  # routing reads delegations from the per-process staff directory
    return view


def _check(session: Session, rep_id: str, delegate_id: str, starts_at: datetime,
           ends_at: datetime, now: datetime) -> None:
    # The rep's row locked: two delegations added at once for one rep are checked for
    # overlap one after the other (on PostgreSQL; SQLite writes one at a time anyway).
    if session.get(RepRow, rep_id, with_for_update=True) is None:
        raise InvalidRequestError("Not a sales rep.", {"rep_id": [f"{rep_id} is not a sales rep."]})
    problems: dict[str, list[str]] = {}
    if delegate_id == rep_id:
        problems["delegate_id"] = ["Nobody can stand in for themselves."]
    elif find_rep(session, delegate_id) is None:
        problems["delegate_id"] = [f"{delegate_id} is not a sales rep."]
    if ends_at <= starts_at:
        problems["ends_at"] = ["The end must come after the start."]
    elif ends_at <= now:
        problems["ends_at"] = ["The end is already past."]
    if problems:
        raise InvalidRequestError("The delegation does not add up.", problems)
    if overlapping_delegation(session, rep_id, starts_at, ends_at):
        raise ConflictError(f"{rep_id} already has someone standing in during that time; end that first.")


def end_delegation(deps: Deps, actor: Actor, delegation_id: int) -> DelegationView:
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        scope = _scope(session, actor)
        row = session.get(Delegation, delegation_id, with_for_update=True)
        if row is None or not (scope.manages(row.rep_id) or row.delegate_id == scope.me):
            raise NotFoundError("No such delegation.")
        if not scope.manages(row.rep_id):
            raise ForbiddenError("Only the rep it stands in for, or their manager, can end it.")
        if row.ends_at <= now:
            raise ConflictError("This delegation is already over.")
        view = _ended(session, row, now, scope)
    deps.cache.clear()
    return view


def _ended(session: Session, row: Delegation, now: datetime, scope: _Scope) -> DelegationView:
    names = _names(session, {row.rep_id, row.delegate_id})
    if row.starts_at > now:  # never in force: nothing was decided under it
        view = _view(row, now, scope, names, status=CANCELLED)
        session.delete(row)
        return view
    row.ends_at = now
    return _view(row, now, scope, names)


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    rows = session.execute(select(RepRow.id, RepRow.name).where(RepRow.id.in_(ids))).all()
    return {row.id: row.name for row in rows}


def _view(row: Delegation, now: datetime, scope: _Scope, names: dict[str, str],
          status: str | None = None) -> DelegationView:
    if status is None:
        status = UPCOMING if row.starts_at > now else CURRENT if row.ends_at > now else OVER
    return DelegationView(
        id=row.id, rep_id=row.rep_id, rep_name=names.get(row.rep_id, row.rep_id),
        delegate_id=row.delegate_id, delegate_name=names.get(row.delegate_id, row.delegate_id),
        starts_at=row.starts_at, ends_at=row.ends_at, status=status,
        can_end=status in (UPCOMING, CURRENT) and scope.manages(row.rep_id))
