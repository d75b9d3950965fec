"""Reading the pricing manager's rules for one SKU from the plugin's tables."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db.models import Rule
from ..rules import RuleSet
from ..rules.loading import rule_set_from_records

__all__ = ["rules_for_sku", "add_rule"]


def rules_for_sku(session: Session, sku: str) -> RuleSet:
    rows = session.scalars(select(Rule).where(or_(Rule.sku == sku, Rule.sku.is_(None))))
    return rule_set_from_records(
        {"kind": r.kind, "sku": r.sku, "segment": r.segment, "priority": r.priority,
         "params": r.params} for r in rows)


def add_rule(session: Session, kind: str, params: dict, sku: str | None = None,
             segment: str | None = None, priority: int = 0) -> Rule:
    """Store a rule after checking the engine can read it."""
    rule_set_from_records([{"kind": kind, "sku": sku, "segment": segment,
                            "priority": priority, "params": params}])
    rule = Rule(kind=kind, sku=sku, segment=segment, priority=priority, params=params)
    session.add(rule)
    return rule
