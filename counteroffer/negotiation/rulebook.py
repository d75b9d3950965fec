"""Reading the pricing manager's rules from the plugin's tables, compiled for the engine."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db.models import Rule
from ..rules import CompiledRules, RuleSet
from ..rules.loading import rule_set_from_records

__all__ = ["load_rule_set", "compiled_rules", "add_rule"]


def load_rule_set(session: Session) -> RuleSet:
    rows = session.scalars(select(Rule).order_by(Rule.id))
    return rule_set_from_records(
        {"kind": r.kind, "sku": r.sku, "category": r.category, "segment": r.segment,
         "priority": r.priority, "params": r.params} for r in rows)


def compiled_rules(session: Session) -> CompiledRules:
    """The whole rule set, indexed by SKU and category; each process caches it."""
    return CompiledRules(load_rule_set(session))


def add_rule(session: Session, kind: str, params: dict[str, Any], sku: str | None = None,
             segment: str | None = None, priority: int = 0, category: str | None = None) -> Rule:
    """Store a rule after checking the engine can read it (RuleDataError names the field)."""
    record = {"kind": kind, "sku": sku, "category": category, "segment": segment,
              "priority": priority, "params": params}
    rule_set_from_records([record])
    rule = Rule(kind=kind, sku=sku, category=category, segment=segment, priority=priority,
                params=params)
    session.add(rule)
    return rule
