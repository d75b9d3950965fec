"""Reading the pricing manager's rules from the plugin's tables, compiled for the engine.

Which version is live and what a version holds are separate questions: ``live_rules``
asks the one-row pointer (a primary-key read, in the caller's transaction; a price
request asks ``results.experiments.rules_for_buyer`` instead, which reads it only when
``db/rule_changes.py`` says it may have changed), ``compiled_rules_for_version``
compiles any version (an experiment's variant, the draft in a simulation). Compiled
rules are cached per process and database by (version id, revision): a published
version never changes, and a version changed in place gets a new revision, so a cached
entry is never stale and every process uses a new version for its next request.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ...db.models import Rule
from ...db.rulesets import DRAFT, LIVE_ROW_ID, PUBLISHED, LiveRuleVersion, RuleVersion
from ...rules import CompiledRules, RuleSet
from ...rules.loading import rule_set_from_records
from .rule_scopes import same_scope

__all__ = ["LiveRules", "load_rule_set", "compiled_rules", "compiled_rules_for_version",
           "live_rules", "rules_at_revision", "live_version_id", "add_rule", "rule_record", "touch_version",
           "first_version", "number_new_rule", "rule_number"]

#: Compiled versions kept per database: the live one, a draft, a few experiment variants.
_KEEP = 16
_EMPTY = CompiledRules(RuleSet())


class LiveRules(NamedTuple):
    version_id: int | None  # None: no rule was ever saved
    rules: CompiledRules


def rule_record(rule: Rule) -> dict[str, Any]:
    return {"kind": rule.kind, "sku": rule.sku, "category": rule.category,
            "segment": rule.segment, "priority": rule.priority, "params": rule.params}


def load_rule_set(session: Session, version_id: int | None = None) -> RuleSet:
    """The rules of ``version_id`` (default: the live version) for the engine."""
    if version_id is None:
        version_id = live_version_id(session)
        if version_id is None:
            return RuleSet()
    rows = session.scalars(select(Rule).where(Rule.version_id == version_id).order_by(Rule.id))
    return rule_set_from_records(rule_record(r) for r in rows)


def compiled_rules(session: Session) -> CompiledRules:
    """The live rule set, indexed by SKU and category."""
    return live_rules(session).rules


class _Compiled:
    """(version id, revision) -> CompiledRules for one database, least recently used out."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[int, int], CompiledRules] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int, revision: int) -> CompiledRules:
        key = (version_id, revision)
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        compiled = CompiledRules(load_rule_set(session, version_id))  # outside the lock
        with self._lock:
            self._entries[key] = compiled
            while len(self._entries) > _KEEP:
                self._entries.popitem(last=False)
        return compiled


_by_database: WeakKeyDictionary[Any, _Compiled] = WeakKeyDictionary()
_registry_lock = threading.Lock()


def _cache_for(session: Session) -> _Compiled:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    with _registry_lock:
        cache = _by_database.get(engine)
        if cache is None:
            cache = _by_database[engine] = _Compiled()
        return cache


_REVISION = select(RuleVersion.revision).where(RuleVersion.id == bindparam("version_id"))


def compiled_rules_for_version(session: Session, version_id: int) -> CompiledRules:
    """Any version's rules, compiled once per process (one primary-key read to check its
    revision). Raises LookupError for a version that does not exist."""
    revision = session.connection().execute(_REVISION, {"version_id": version_id}).scalar()
    if revision is None:
        raise LookupError(f"no rule version {version_id}")
    return _cache_for(session).get(session, version_id, revision)


def live_version_id(session: Session) -> int | None:
    return session.scalar(select(LiveRuleVersion.version_id).where(LiveRuleVersion.id == LIVE_ROW_ID))


#: Built once: every price request runs it, and a prebuilt statement skips rebuilding
#: and re-hashing it for SQLAlchemy's compiled-statement cache.
_LIVE = (select(RuleVersion.id, RuleVersion.revision)
         .join(LiveRuleVersion, LiveRuleVersion.version_id == RuleVersion.id)
         .where(LiveRuleVersion.id == LIVE_ROW_ID))


def live_rules(session: Session) -> LiveRules:
    """The live version and its compiled rules: one small read per call."""
    found = session.connection().execute(_LIVE).first()
    if found is None:
        return LiveRules(None, _EMPTY)
    return rules_at_revision(session, found.id, found.revision)


def rules_at_revision(session: Session, version_id: int | None, revision: int | None) -> LiveRules:
    """A version whose revision the caller has just read (None: no version at all)."""
    if version_id is None or revision is None:
        return LiveRules(None, _EMPTY)
    return LiveRules(version_id, _cache_for(session).get(session, version_id, revision))


def touch_version(session: Session, version_id: int) -> None:
    """Its rules changed in place: the next reader compiles them again."""
    session.execute(update(RuleVersion).where(RuleVersion.id == version_id)
                    .values(revision=RuleVersion.revision + 1))


def first_version(session: Session, now: datetime, actor_id: str) -> int:
    """Version 1, published and live: where a new shop's first rule goes."""
    number = (session.scalar(select(func.max(RuleVersion.number))) or 0) + 1
    version = RuleVersion(number=number, status=PUBLISHED, note="First rules", revision=0,
                          created_at=now, created_by=actor_id, published_at=now,
                          published_by=actor_id)
    session.add(version)
    session.flush()
    session.add(LiveRuleVersion(id=LIVE_ROW_ID, version_id=version.id, changed_at=now,
                                changed_by=actor_id))
    return version.id


def _draft_id(session: Session) -> int | None:
    return session.scalar(select(RuleVersion.id).where(RuleVersion.status == DRAFT))


def add_rule(session: Session, kind: str, params: dict[str, Any], sku: str | None = None,
             segment: str | None = None, priority: int = 0, category: str | None = None,
             now: datetime | None = None) -> Rule:
    """The host's ``save_rule``: store a rule in the LIVE version at once (loading a
    shop's rules from code is not an edit to review), and in the open draft too, so
    publishing the draft does not lose it. Checked by the engine's loader first
    (RuleDataError names the field). A rule of the same kind, scope and priority already
    there is replaced (its params change, its id stays): one rule per scope, so a shop's
    start-up code may run on every boot. Returns the live version's row."""
    record = {"kind": kind, "sku": sku, "category": category, "segment": segment,
              "priority": priority or 0, "params": params}
    rule_set_from_records([record])
    live = live_version_id(session)
    if live is None:
        live = first_version(session, now or _utc_now(), "system")
    rule = _insert_or_replace(session, live, record)
    draft = _draft_id(session)
    if draft is not None:
        _insert_or_replace(session, draft, record, number=rule.number)  # one rule, in both versions
    return rule


def _insert_or_replace(session: Session, version_id: int, record: dict[str, Any],
                       number: int | None = None) -> Rule:
    # The version's row locked first (as the editor's draft_for_edit does): two processes
    # saving the same scope at once (two workers running a shop's start-up code) queue
    # here, and the second finds the first's rule instead of adding its own.
    session.get(RuleVersion, version_id, with_for_update=True, populate_existing=True)
    rule = same_scope(session, version_id, record)
    if rule is not None:  # replaced: its params change, its id and number stay
        rule.params = record["params"]
        touch_version(session, version_id)
        return rule
    rule = Rule(version_id=version_id, number=number, **record)
    session.add(rule)
    touch_version(session, version_id)
    if number is None:
        number_new_rule(session, rule)
    return rule


def number_new_rule(session: Session, rule: Rule) -> None:
    """A rule written for the first time takes its own id as its number; its copies in
    other versions keep it (``rulesets.copy_rules``)."""
    session.flush()
    rule.number = rule.id


def rule_number(rule: Rule) -> int:
    return rule.number if rule.number is not None else rule.id


def _utc_now() -> datetime:
    return datetime.now(UTC)


def records_of(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    return [rule_record(rule) for rule in rules]
