"""What "the same scope" means for rules: one rule per kind, scope and priority in a
version. Every door asks ``same_scope`` (the host's ``save_rule`` in ``rulebook.py``, the
rules API and the editor through ``rule_checks.py``, the CSV import); ``duplicate_rules``
finds what was stored twice before they all did. Apart from ``rule_checks.py`` because
``rulebook.py``, which ``shared.deps`` imports, needs it too.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...db.models import Rule
from ...db.rulesets import DRAFT, RuleVersion

__all__ = ["SCOPE_FIELDS", "DuplicateRules", "duplicate_rules", "same_scope", "scope_key"]

SCOPE_FIELDS = ("kind", "sku", "category", "segment", "priority")


def scope_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """What may appear once per version: one rule per kind, scope and priority."""
    return tuple(record.get(name) or (0 if name == "priority" else None) for name in SCOPE_FIELDS)


def same_scope(session: Session, version_id: int, record: Mapping[str, Any]) -> Rule | None:
    """The version's rule of this kind, scope and priority, if any: every door (the host's
    ``save_rule``, the rules API, the editor, the CSV import) asks this one question."""
    return session.scalars(select(Rule).where(*_same_scope_clauses(version_id, record))
                           .order_by(Rule.id)).first()


def _same_scope_clauses(version_id: int, record: Mapping[str, Any]) -> list[Any]:
    kind, sku, category, segment, priority = scope_key(record)
    # An empty text counts as none, as scope_key reads it (and a stored NULL priority as 0).
    return [Rule.version_id == version_id, Rule.kind == kind,
            func.coalesce(Rule.sku, "") == (sku or ""), func.coalesce(Rule.category, "") == (category or ""),
            func.coalesce(Rule.segment, "") == (segment or ""), func.coalesce(Rule.priority, 0) == priority]


@dataclass(frozen=True)
class DuplicateRules:
    """Rules of one version that share a kind, scope and priority: stored before every
    door checked (the host's ``save_rule`` once added a second); the engine reads one."""
    version: str  # "draft" or the published number
    kind: str
    sku: str | None
    category: str | None
    segment: str | None
    priority: int
    rule_ids: tuple[int, ...]


def duplicate_rules(session: Session) -> list[DuplicateRules]:
    """Every set of rules stored twice (or more) for one kind, scope and priority, in
    any version, oldest version first."""
    scope = (Rule.version_id, Rule.kind, func.coalesce(Rule.sku, ""), func.coalesce(Rule.category, ""),
             func.coalesce(Rule.segment, ""), func.coalesce(Rule.priority, 0))
    groups = session.execute(select(*scope).group_by(*scope).having(func.count() > 1)
                             .order_by(Rule.version_id)).all()
    found = []
    for version_id, kind, sku, category, segment, priority in groups:
        record = {"kind": kind, "sku": sku, "category": category, "segment": segment, "priority": priority}
        ids = session.scalars(select(Rule.id).where(*_same_scope_clauses(version_id, record)).order_by(Rule.id))
        version = session.get_one(RuleVersion, version_id)
        found.append(DuplicateRules("draft" if version.status == DRAFT else str(version.number), kind,
                                    sku or None, category or None, segment or None, priority, tuple(ids)))
    return found
