"""A readable diff between two rule versions: rules added, removed and changed, field by
field. A rule is known by its kind, scope and priority (one per version, see
``rule_checks``), so a rule whose price moved is "changed", not "removed and added"; each
change names the rule's number, which is the same in both versions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...db import transaction
from ...db.models import Rule
from ..shared.actors import Actor
from ..shared.deps import Deps
from .rule_checks import scope_key
from .rulebook import rule_number, rule_record
from .rulesets import require_pricing_manager, version_id_for

__all__ = ["FieldChange", "RuleChange", "VersionDiff", "diff_versions", "flatten"]


@dataclass(frozen=True)
class FieldChange:
    field: str  # e.g. "breaks[0].unit_price"
    before: Any
    after: Any


@dataclass(frozen=True)
class RuleChange:
    change: str  # added, removed, changed
    kind: str
    scope: str  # "SKU DEMO-120, segment wholesale, priority 0"
    fields: tuple[FieldChange, ...]
    #: The rule's whole parameters on each side (None where it is not), for the pages to
    #: say in words; the JSON API sends ``fields`` only.
    before_params: dict[str, Any] | None = None
    after_params: dict[str, Any] | None = None
    #: The rule's number ("#N" on the pages): the newer side's where both have the rule.
    number: int | None = None


@dataclass(frozen=True)
class VersionDiff:
    before: str
    after: str
    changes: tuple[RuleChange, ...]

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)


def diff_versions(deps: Deps, actor: Actor, before: str | int, after: str | int) -> VersionDiff:
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        old = _keyed(session, version_id_for(session, before))
        new = _keyed(session, version_id_for(session, after))
    changes = [_change(key, old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys(), key=repr)]
    return VersionDiff(str(before), str(after), tuple(c for c in changes if c is not None))


def _keyed(session: Any, version_id: int) -> dict[tuple[Any, ...], dict[str, Any]]:
    rows = session.scalars(select(Rule).where(Rule.version_id == version_id))
    return {scope_key(record): {**record, "number": rule_number(row)}
            for row, record in ((row, rule_record(row)) for row in rows)}


def _change(key: tuple[Any, ...], old: dict[str, Any] | None, new: dict[str, Any] | None) -> RuleChange | None:
    kind, scope = key[0], describe_scope(*key[1:])
    if old is None:
        assert new is not None  # a key comes from one version or the other
        return RuleChange("added", kind, scope, _fields({}, flatten(new["params"])), None, new["params"],
                          new["number"])
    if new is None:
        return RuleChange("removed", kind, scope, _fields(flatten(old["params"]), {}), old["params"], None,
                          old["number"])
    fields = _fields(flatten(old["params"]), flatten(new["params"]))
    return RuleChange("changed", kind, scope, fields, old["params"], new["params"], new["number"]) if fields else None


def _fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(name, before.get(name), after.get(name))
                 for name in sorted(before.keys() | after.keys())
                 if before.get(name) != after.get(name))


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"breaks": [{"unit_price": "110"}]}`` -> ``{"breaks[0].unit_price": "110"}``;
    numbers compare as text, so "110.00" and "110.0" differ only if written differently."""
    if isinstance(value, dict):
        found: dict[str, Any] = {}
        for name, item in value.items():
            found.update(flatten(item, f"{prefix}.{name}" if prefix else str(name)))
        return found
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        found = {}
        for index, item in enumerate(value):
            found.update(flatten(item, f"{prefix}[{index}]"))
        return found
    return {prefix: value}


def describe_scope(sku: str | None, category: str | None, segment: str | None, priority: int) -> str:
    parts = [f"SKU {sku}" if sku else f"category {category}" if category else "all products"]
    if segment:
        parts.append(f"segment {segment}")
    parts.append(f"priority {priority}")
    return ", ".join(parts)
