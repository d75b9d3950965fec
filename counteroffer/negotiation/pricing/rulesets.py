"""The pricing manager's use cases: a draft to edit, versions to publish and roll back.

Edits go to the one draft (opened by copying the live version on the first edit).
``publish`` numbers the draft and points the live pointer at it in one transaction;
``rollback`` publishes a copy of an older version as a new one. Published versions are
read-only. Who may: actors with role ``manager`` or ``pricing_manager``.

Versions are named by reference: ``"draft"``, ``"live"`` or a published number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Rule
from ...db.rulesets import DRAFT, LIVE_ROW_ID, PUBLISHED, LiveRuleVersion, RuleVersion
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from ..shared.states import Role
from .rule_checks import check_rule
from .rulebook import live_version_id, number_new_rule, rule_number, rule_record, touch_version

__all__ = ["PRICING_ROLES", "RuleView", "VersionView", "RulePage", "RuleFilter",
           "require_pricing_manager", "list_versions", "get_version", "open_draft",
           "discard_draft", "list_rules", "get_rule", "create_rule", "update_rule",
           "delete_rule", "publish", "rollback", "version_id_for", "version_number",
           "draft_for_edit", "version_view"]

PRICING_ROLES = frozenset({Role.MANAGER.value, Role.PRICING_MANAGER.value})
MAX_VERSION_NUMBER = 999_999_999  # nine digits: always inside the integer column
_NUMBER = re.compile(r"[0-9]{1,9}")
RECORD_FIELDS = ("kind", "sku", "category", "segment", "priority", "params")


@dataclass(frozen=True)
class RuleView:
    id: int  # this version's row: what the edit pages and the API address
    version_id: int
    kind: str
    sku: str | None
    category: str | None
    segment: str | None
    priority: int
    params: dict[str, Any]
    #: The rule's number, the same in every version that holds it (pages show "#N").
    number: int = 0


@dataclass(frozen=True)
class VersionView:
    id: int
    number: int | None
    status: str
    note: str | None
    currency: str | None
    based_on_id: int | None
    created_at: datetime
    created_by: str
    published_at: datetime | None
    published_by: str | None
    is_live: bool
    rule_count: int

    @property
    def ref(self) -> str:
        return "draft" if self.number is None else str(self.number)


@dataclass(frozen=True)
class RuleFilter:
    sku: str | None = None  # a prefix: "DEMO-" finds every DEMO SKU
    category: str | None = None
    kind: str | None = None
    segment: str | None = None


@dataclass(frozen=True)
class RulePage:
    items: list[RuleView]
    total: int
    page: int
    per_page: int


def require_pricing_manager(actor: Actor) -> None:
    if actor.role not in PRICING_ROLES:
        raise ForbiddenError("Only pricing managers can see and change the rules.")


def rule_view(rule: Rule) -> RuleView:
    return RuleView(id=rule.id, version_id=rule.version_id, kind=rule.kind, sku=rule.sku,
                    category=rule.category, segment=rule.segment, priority=rule.priority or 0,
                    params=dict(rule.params), number=rule_number(rule))


def version_view(session: Session, version: RuleVersion, live_id: int | None) -> VersionView:
    count = session.scalar(select(func.count()).select_from(Rule).where(Rule.version_id == version.id))
    return VersionView(id=version.id, number=version.number, status=version.status,
                       note=version.note, currency=version.currency,
                       based_on_id=version.based_on_id, created_at=version.created_at,
                       created_by=version.created_by, published_at=version.published_at,
                       published_by=version.published_by, is_live=version.id == live_id,
                       rule_count=count or 0)


def version_id_for(session: Session, ref: str | int) -> int:
    """The id of ``"draft"``, ``"live"`` or published number ``ref``; 404 if none."""
    if ref == "live":
        found = live_version_id(session)
    elif ref == "draft":
        found = session.scalar(select(RuleVersion.id).where(RuleVersion.status == DRAFT))
    else:
        number = version_number(ref)
        found = None if number is None else session.scalar(
            select(RuleVersion.id).where(RuleVersion.number == number))
    if found is None:
        raise NotFoundError(_missing(ref))
    return found


def version_number(ref: str | int) -> int | None:
    """A version number as written (1 to 9 ASCII digits, so it fits the integer column);
    None for anything else ("²" is a digit to ``str.isdigit`` but no number)."""
    if isinstance(ref, int):
        return ref if 0 <= ref <= MAX_VERSION_NUMBER else None
    return int(ref) if _NUMBER.fullmatch(ref) else None


def _missing(ref: str | int) -> str:
    if ref == "draft":
        return "There is no draft: edit a rule to start one."
    if ref == "live":
        return "No rules are published yet."
    return f"There is no version {ref}."


def list_versions(deps: Deps, actor: Actor) -> list[VersionView]:
    """The draft first, then published versions, newest first."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        live = live_version_id(session)
        rows = session.scalars(select(RuleVersion).order_by(
            RuleVersion.number.is_(None).desc(), RuleVersion.number.desc()))
        return [version_view(session, row, live) for row in rows]


def get_version(deps: Deps, actor: Actor, ref: str | int) -> VersionView:
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        version = session.get_one(RuleVersion, version_id_for(session, ref))
        return version_view(session, version, live_version_id(session))


def open_draft(deps: Deps, actor: Actor) -> VersionView:
    """The draft, made now as a copy of the live version if there is none."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        draft = draft_for_edit(session, actor, deps.clock())
        return version_view(session, draft, live_version_id(session))


def draft_for_edit(session: Session, actor: Actor, now: datetime) -> RuleVersion:
    # Locked: an edit waits for a publish under way, and a publish for an edit.
    draft = session.scalars(select(RuleVersion).where(RuleVersion.status == DRAFT).with_for_update()).first()
    if draft is not None:
        return draft
    live = live_version_id(session)
    base = session.get(RuleVersion, live) if live is not None else None
    draft = RuleVersion(status=DRAFT, revision=0, created_at=now, created_by=actor.id,
                        based_on_id=live, currency=base.currency if base else None)
    session.add(draft)
    try:
        session.flush()  # the partial unique index refuses a second, concurrent draft
    except IntegrityError:
        raise ConflictError("Someone else just started the draft; reload and edit it.") from None
    if live is not None:
        copy_rules(session, live, draft.id)
    return draft


def copy_rules(session: Session, source_id: int, target_id: int) -> None:
    """Every rule of one version into another, each keeping its number."""
    rows = session.scalars(select(Rule).where(Rule.version_id == source_id).order_by(Rule.id))
    session.add_all([Rule(version_id=target_id, number=rule_number(rule), **rule_record(rule)) for rule in rows])


def discard_draft(deps: Deps, actor: Actor) -> None:
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        draft_id = version_id_for(session, "draft")
        session.execute(delete(Rule).where(Rule.version_id == draft_id))
        session.execute(delete(RuleVersion).where(RuleVersion.id == draft_id))


def list_rules(deps: Deps, actor: Actor, ref: str | int, where: RuleFilter = RuleFilter(),
               page: int = 1, per_page: int = 50) -> RulePage:
    """One page of a version's rules, by kind then SKU: filtered in the database (indexed
    by version and SKU, kind, category, segment), so thousands of SKUs page quickly."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        query = _filtered(select(Rule).where(Rule.version_id == version_id_for(session, ref)), where)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(Rule.kind, Rule.sku, Rule.category, Rule.segment, Rule.id)
                               .offset((page - 1) * per_page).limit(per_page))
        return RulePage([rule_view(r) for r in rows], total, page, per_page)


def _filtered(query: Any, where: RuleFilter) -> Any:
    if where.sku:
        query = query.where(Rule.sku.startswith(where.sku, autoescape=True))
    for column, value in ((Rule.category, where.category), (Rule.kind, where.kind),
                          (Rule.segment, where.segment)):
        if value:
            query = query.where(column == value)
    return query


def get_rule(deps: Deps, actor: Actor, rule_id: int) -> RuleView:
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        return rule_view(_rule(session, rule_id))


def _rule(session: Session, rule_id: int) -> Rule:
    rule = session.get(Rule, rule_id)
    if rule is None:
        raise NotFoundError(f"There is no rule #{rule_id}.")
    return rule


def _draft_rule(session: Session, rule_id: int) -> Rule:
    rule = _rule(session, rule_id)
    version = session.get(RuleVersion, rule.version_id, with_for_update=True)  # see draft_for_edit
    if version is None or version.status != DRAFT:
        raise ConflictError(f"Rule #{rule_number(rule)} belongs to published version "
                            f"{version.number if version else '?'}, which cannot change: "
                            "edit the draft's copy of it.")
    return rule


def create_rule(deps: Deps, actor: Actor, record: dict[str, Any]) -> RuleView:
    """Add a rule to the draft (opening it); 422 naming the field if it may not go in."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        draft = draft_for_edit(session, actor, deps.clock())
        _refuse_invalid(check_rule(deps, session, draft, record))
        rule = Rule(version_id=draft.id, **_record(record))
        session.add(rule)
        touch_version(session, draft.id)
        number_new_rule(session, rule)
        session.flush()
        return rule_view(rule)


def update_rule(deps: Deps, actor: Actor, rule_id: int, record: dict[str, Any]) -> RuleView:
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        rule = _draft_rule(session, rule_id)
        draft = session.get_one(RuleVersion, rule.version_id)
        _refuse_invalid(check_rule(deps, session, draft, record, rule_id=rule.id))
        for name, value in _record(record).items():
            setattr(rule, name, value)
        touch_version(session, draft.id)
        session.flush()
        return rule_view(rule)


def delete_rule(deps: Deps, actor: Actor, rule_id: int) -> RuleView:
    """Take a rule out of the draft; returns what it was (its number, for the page)."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        rule = _draft_rule(session, rule_id)
        deleted = rule_view(rule)
        touch_version(session, rule.version_id)
        session.delete(rule)
        return deleted


def _record(record: dict[str, Any]) -> dict[str, Any]:
    values = {name: record.get(name) for name in RECORD_FIELDS}
    values["priority"] = values["priority"] or 0
    values["params"] = _stored(values["params"])
    return values


def _stored(value: Any) -> Any:
    """Amounts are kept as text in the JSON column, exactly as given (never a float)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _stored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stored(item) for item in value]
    return value


def _refuse_invalid(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidRequestError(f"The rule cannot be saved: {first}", errors)


def publish(deps: Deps, actor: Actor, note: str | None = None) -> VersionView:
    """The draft becomes the next numbered version and goes live, in one transaction."""
    require_pricing_manager(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        pointer = _locked_pointer(session)
        draft = session.scalars(select(RuleVersion).where(RuleVersion.status == DRAFT)
                                .with_for_update()).first()
        if draft is None:
            raise ConflictError("There is no draft to publish: edit a rule first.")
        draft.status, draft.note = PUBLISHED, note or draft.note
        draft.number = _next_number(session)
        draft.published_at, draft.published_by = now, actor.id
        _point_at(session, pointer, draft.id, now, actor)
        return version_view(session, draft, draft.id)


def rollback(deps: Deps, actor: Actor, ref: str | int, note: str | None = None) -> VersionView:
    """Publish a copy of an earlier version as a new version (history is never rewritten)."""
    require_pricing_manager(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        pointer = _locked_pointer(session)
        old = session.get_one(RuleVersion, version_id_for(session, ref))
        if old.status != PUBLISHED:
            raise ConflictError("Roll back to a published version; publish the draft instead.")
        copy = RuleVersion(status=PUBLISHED, number=_next_number(session), revision=0,
                           note=note or f"Rollback to version {old.number}", currency=old.currency,
                           based_on_id=old.id, created_at=now, created_by=actor.id,
                           published_at=now, published_by=actor.id)
        session.add(copy)
        session.flush()
        copy_rules(session, old.id, copy.id)
        _point_at(session, pointer, copy.id, now, actor)
        return version_view(session, copy, copy.id)


def _locked_pointer(session: Session) -> LiveRuleVersion | None:
    """Locked first: two publishes at once queue up, and numbers never clash."""
    return session.scalars(select(LiveRuleVersion).where(LiveRuleVersion.id == LIVE_ROW_ID)
                           .with_for_update()).first()


def _next_number(session: Session) -> int:
    return (session.scalar(select(func.max(RuleVersion.number))) or 0) + 1


def _point_at(session: Session, pointer: LiveRuleVersion | None, version_id: int,
              now: datetime, actor: Actor) -> None:
    if pointer is None:
        session.add(LiveRuleVersion(id=LIVE_ROW_ID, version_id=version_id, changed_at=now,
                                    changed_by=actor.id))
        return
    pointer.version_id, pointer.changed_at, pointer.changed_by = version_id, now, actor.id
