"""Sales reps and managers: who they report to, what they may approve alone, who stands
in for them while they are away.

A decision's discount is measured from the price for its quantity (list price after the
volume breaks): ``1 - unit_price / price_for_quantity``, in percent; its value is
``unit_price * quantity``. A person may approve it alone if the discount is at most their
``max_discount_pct`` and the value at most their ``max_deal_value`` (None: no limit).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Delegation, Escalation
from ...db.models import Rep as RepRow
from ..shared.deps import Deps

__all__ = ["Rep", "save_reps", "save_delegation", "overlapping_delegation", "find_rep", "pool_rep",
           "staff_directory", "principals_of", "reports_of",
           "discount_pct", "HUNDRED", "RepDirectory", "load_directory"]

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rep:
    """A person who decides escalations. ``id`` is the host's user id (``Actor.id``)."""

    id: str
    name: str
    email: str | None = None
    manager_id: str | None = None
    max_discount_pct: Decimal = Decimal(0)
    max_deal_value: Decimal | None = None
    pool_categories: tuple[str, ...] = ()
    pool_regions: tuple[str, ...] = ()

    def can_approve(self, discount: Decimal, deal_value: Decimal) -> bool:
        within_value = self.max_deal_value is None or deal_value <= self.max_deal_value
        return discount <= self.max_discount_pct and within_value


def discount_pct(unit_price: Decimal, price_for_quantity: Decimal) -> Decimal:
    """Percent off the price for the quantity; negative above it."""
    return (1 - unit_price / price_for_quantity) * HUNDRED


# -- loading (the host's Python API) ---------------------------------------------------


def save_reps(deps: Deps, reps: Iterable[Rep]) -> int:
    """Insert or update reps by id; raises ValueError (and writes nothing) on a bad one."""
    batch = list(reps)
    for rep in batch:
        _check_rep(rep)
    with transaction(deps.session_factory) as session:
        for rep in batch:
            session.merge(_row_of(rep))
        session.flush()
        for rep in batch:
            _check_chain(session, rep)
    deps.cache.clear()  # routing reads reps from the per-process cache
    return len(batch)


def _check_rep(rep: Rep) -> None:
    if not rep.id or len(rep.id) > 64 or not rep.name:
        raise ValueError(f"a rep needs an id of at most 64 characters and a name: {rep!r}")
    if not isinstance(rep.max_discount_pct, Decimal) or not 0 <= rep.max_discount_pct <= HUNDRED:
        raise ValueError(f"{rep.id}: max_discount_pct must be a Decimal from 0 to 100")
    if rep.max_deal_value is not None and not (isinstance(rep.max_deal_value, Decimal)
                                               and rep.max_deal_value > 0):
        raise ValueError(f"{rep.id}: max_deal_value must be a positive Decimal or None")
    if rep.manager_id == rep.id:
        raise ValueError(f"{rep.id} cannot be their own manager")


def _check_chain(session: Session, rep: Rep) -> None:
    seen, current = {rep.id}, rep.manager_id
    while current is not None:
        row = session.get(RepRow, current)
        if row is None:
            raise ValueError(f"{rep.id}: manager {current!r} is not a rep")
        if row.id in seen:
            raise ValueError(f"{rep.id}: the manager chain loops back to {row.id!r}")
        seen.add(row.id)
        current = row.manager_id


def _row_of(rep: Rep) -> RepRow:
    return RepRow(id=rep.id, name=rep.name, email=rep.email, manager_id=rep.manager_id,
                  max_discount_pct=rep.max_discount_pct, max_deal_value=rep.max_deal_value,
                  pool_categories=list(rep.pool_categories) or None,
                  pool_regions=list(rep.pool_regions) or None)


def save_delegation(deps: Deps, rep_id: str, delegate_id: str, starts_at: datetime,
                    ends_at: datetime) -> int:
    """``delegate_id`` stands in for ``rep_id`` from ``starts_at`` until ``ends_at``."""
    if starts_at.tzinfo is None or ends_at.tzinfo is None or ends_at <= starts_at:
        raise ValueError("a delegation needs aware start and end times, the end after the start")
    if rep_id == delegate_id:
        raise ValueError("nobody can stand in for themselves")
    with transaction(deps.session_factory) as session:
        for person in (rep_id, delegate_id):  # the rep's row locked: see absences._check
            if session.get(RepRow, person, with_for_update=person == rep_id) is None:
                raise ValueError(f"{person!r} is not a rep")
        if overlapping_delegation(session, rep_id, starts_at, ends_at):
            raise ValueError(f"{rep_id} already has a delegation in that period")
        delegation = Delegation(rep_id=rep_id, delegate_id=delegate_id, starts_at=starts_at,
                                ends_at=ends_at, created_at=deps.clock())
        session.add(delegation)
        session.flush()
        delegation_id = delegation.id
    deps.cache.clear()
    return delegation_id


def overlapping_delegation(session: Session, rep_id: str, starts_at: datetime, ends_at: datetime) -> bool:
    return session.scalar(select(Delegation.id).where(
        Delegation.rep_id == rep_id, Delegation.starts_at < ends_at,
        Delegation.ends_at > starts_at).limit(1)) is not None


# -- lookups inside a use case's transaction -------------------------------------------


def _view(row: RepRow) -> Rep:
    return Rep(id=row.id, name=row.name, email=row.email, manager_id=row.manager_id,
               max_discount_pct=row.max_discount_pct, max_deal_value=row.max_deal_value,
               pool_categories=tuple(row.pool_categories or ()),
               pool_regions=tuple(row.pool_regions or ()))


def find_rep(session: Session, rep_id: str | None) -> Rep | None:
    row = session.get(RepRow, rep_id) if rep_id else None
    return _view(row) if row is not None else None


def pool_rep(session: Session, category: str | None, region: str | None) -> Rep | None:
    """The pool member with the fewest open escalations: the category's pool first,
    then the region's."""
    members = [_view(row) for row in session.scalars(select(RepRow).order_by(RepRow.id))]
    pools: tuple[tuple[str | None, Callable[[Rep], tuple[str, ...]]], ...] = (
        (category, lambda r: r.pool_categories), (region, lambda r: r.pool_regions))
    for wanted, pool_of in pools:
        pool = [rep for rep in members if wanted is not None and wanted in pool_of(rep)]
        if pool:
            load = _open_load(session, [rep.id for rep in pool])
            return min(pool, key=lambda rep: (load.get(rep.id, 0), rep.id))
    return None


def _open_load(session: Session, rep_ids: list[str]) -> dict[str, int]:
    rows = session.execute(select(Escalation.assignee_id, func.count()).where(
        Escalation.status == "open", Escalation.assignee_id.in_(rep_ids))
        .group_by(Escalation.assignee_id))
    return {assignee: count for assignee, count in rows if assignee is not None}


def principals_of(session: Session, delegate_id: str, now: datetime) -> set[str]:
    """Whom ``delegate_id`` stands in for at ``now``."""
    return set(session.scalars(select(Delegation.rep_id).where(
        Delegation.delegate_id == delegate_id, Delegation.starts_at <= now,
        Delegation.ends_at > now)))


def reports_of(session: Session, manager_id: str) -> set[str]:
    """Everyone below ``manager_id``: direct reports, theirs, and so on."""
    found: set[str] = set()
    frontier = {manager_id}
    while frontier:
        below = set(session.scalars(select(RepRow.id).where(RepRow.manager_id.in_(frontier))))
        frontier = below - found - {manager_id}
        found |= frontier
    return found


# -- the whole directory at once (routing asks it several small questions) ------------


@dataclass(frozen=True)
class Absence:
    rep_id: str
    delegate_id: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class RepDirectory:
    """Every rep and delegation, read in two queries. Reps are few and change rarely, so
    each process keeps one for ``COUNTEROFFER_CACHE_SECONDS`` (``Deps.staff``)."""

    reps: dict[str, Rep]
    absences: tuple[Absence, ...] = ()

    def owner(self, owner: str | None) -> Rep | None:
        """By id, else by e-mail (the lowest id if several share it)."""
        if not owner:
            return None
        wanted = owner.lower()
        return self.reps.get(owner) or next(
            (rep for _, rep in sorted(self.reps.items()) if (rep.email or "").lower() == wanted), None)

    def chain(self, rep: Rep) -> list[Rep]:
        """The rep, their manager, that manager's manager... (save_reps refuses loops)."""
        chain, seen = [rep], {rep.id}
        while (manager := self.reps.get(chain[-1].manager_id or "")) is not None and manager.id not in seen:
            chain.append(manager)
            seen.add(manager.id)
        return chain

    def first_approver(self, rep: Rep, discount: Decimal, deal_value: Decimal) -> Rep | None:
        """The first person from ``rep`` up the chain who may approve this; None if nobody."""
        return next((p for p in self.chain(rep) if p.can_approve(discount, deal_value)), None)

    def delegate_of(self, rep_id: str, now: datetime) -> Rep | None:
        """Who stands in for ``rep_id`` at ``now`` (the latest delegation that started)."""
        current = [a for a in self.absences if a.rep_id == rep_id and a.starts_at <= now < a.ends_at]
        latest = max(current, key=lambda a: a.starts_at, default=None)
        return self.reps.get(latest.delegate_id) if latest else None


def load_directory(session: Session) -> RepDirectory:
    reps = {row.id: _view(row) for row in session.scalars(select(RepRow))}
    absences = tuple(Absence(row.rep_id, row.delegate_id, row.starts_at, row.ends_at)
                     for row in session.scalars(select(Delegation)))
    return RepDirectory(reps=reps, absences=absences)


def staff_directory(deps: Deps, session: Session) -> RepDirectory:
    """The directory as this process last read it (``COUNTEROFFER_CACHE_SECONDS``);
    save_reps and save_delegation clear it at once."""
    directory: RepDirectory | None = deps.cache.staff.get_or_load("all", lambda: load_directory(session))
    assert directory is not None  # an empty directory is still a directory
    return directory
