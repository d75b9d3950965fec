"""Bulk floors and price breaks into the draft, all or nothing, and back out as CSV.

Each line is checked as an edit in the editor would be (product exists, its currency is
the set's, a floor never below cost, breaks increasing in quantity and not in price);
every bad line is reported with its number, and nothing is written unless all are good.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...adapters.csv_import import CsvImportError, RowError
from ...adapters.rule_csv import RuleLine, write_rule_lines
from ...db import transaction
from ...db.models import Rule
from ...db.rulesets import RuleVersion
from ..shared.actors import Actor
from ..shared.deps import Deps
from .rule_checks import check_rule, same_scope
from .rulebook import number_new_rule, touch_version
from .rulesets import draft_for_edit, require_pricing_manager, version_id_for

__all__ = ["import_rule_lines", "export_rule_lines"]

_KINDS = ("floor", "price_breaks")


def import_rule_lines(deps: Deps, actor: Actor, lines: Sequence[RuleLine],
                      tick: Callable[[int], None] | None = None) -> int:
    """Write every line's floor and breaks into the draft (opened if needed); returns the
    number of SKUs. Raises CsvImportError with every bad line, having written nothing."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        draft = draft_for_edit(session, actor, deps.clock())
        errors: list[RowError] = []
        for line in lines:
            errors.extend(_apply(deps, session, draft, line))
            if tick is not None:
                tick(1)
        if errors:
            session.rollback()  # the draft opened here, and every line, go too
            raise CsvImportError(errors)
        touch_version(session, draft.id)
    return len(lines)


def _apply(deps: Deps, session: Session, draft: RuleVersion, line: RuleLine) -> list[RowError]:
    problems = []
    for kind, params in (("floor", line.floor_params()), ("price_breaks", line.breaks_params())):
        record = {"kind": kind, "sku": line.sku, "category": None, "segment": None,
                  "priority": 0, "params": params}
        existing = same_scope(session, draft.id, record)
        if params is None:
            if existing is not None:
                session.delete(existing)
            continue
        errors = check_rule(deps, session, draft, record, rule_id=existing.id if existing else None)
        problems += [RowError(line.line, f"{_column(field)}: {messages[0]}") for field, messages in errors.items()]
        if not errors:
            _write(session, draft.id, existing, record)
    return problems


def _write(session: Session, version_id: int, existing: Rule | None, record: dict[str, Any]) -> None:
    if existing is None:
        rule = Rule(version_id=version_id, **record)
        session.add(rule)
        number_new_rule(session, rule)  # flushed: the next line's duplicate check must see it
    else:
        existing.params = record["params"]


def _column(field: str) -> str:
    return field.removeprefix("params.").split("[")[0]


def export_rule_lines(deps: Deps, actor: Actor, ref: str | int = "live") -> str:
    """The SKU-scoped floors and breaks (all segments, priority 0) of a version as CSV."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        rows = session.scalars(select(Rule).where(
            Rule.version_id == version_id_for(session, ref), Rule.kind.in_(_KINDS),
            Rule.sku.is_not(None), Rule.segment.is_(None), Rule.priority == 0).order_by(Rule.sku))
        by_sku: dict[str, dict[str, Any]] = {}
        for rule in rows:
            by_sku.setdefault(cast(str, rule.sku), {})[rule.kind] = rule.params  # SKU rules only
    return write_rule_lines((sku, kinds.get("floor"), kinds.get("price_breaks"))
                            for sku, kinds in by_sku.items())
