"""The rules of a whole quote, resolved once per segment: tiers, order floor, order levers
and the order's routing.

Order rules are scoped by segment only (a segment's rule wins over an all-segments one,
then priority); the order's routing is the routing rule for all products (no SKU or
category) of the segment, as a line without rules of its own would get.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..model import TermLever
from ..ruleset import CompiledRules, LeverBundle, RuleSet, lever_bundles
from ..tradeoffs import lever_meets
from .model import OrderFloor, OrderTier, OrderTiers

__all__ = ["OrderRules", "order_rules", "deliverable"]


@dataclass(frozen=True, slots=True)
class OrderRules:
    #: Ascending by order value; empty without an ``order_tiers`` rule.
    tiers: tuple[OrderTier, ...] = ()
    #: The strictest ``order_floor`` for the segment (a markup over the order's cost, %).
    floor: OrderFloor | None = None
    bundles: tuple[LeverBundle, ...] = ()


def order_rules(rules: RuleSet | CompiledRules, segment: str | None) -> OrderRules:
    if isinstance(rules, RuleSet):
        return _resolve(rules, segment)
    found = rules.order_memo.get(segment)
    if found is None:
        found = rules.order_memo[segment] = _resolve(rules.rules, segment)
    if not isinstance(found, OrderRules):  # the memo is typed Any in ruleset.py
        raise TypeError("order_memo holds OrderRules only")
    return found


def _resolve(rules: RuleSet, segment: str | None) -> OrderRules:
    tiers_rule = _most_specific(rules.order_tiers, segment)
    floors = [f for f in rules.order_floors if f.segment in (None, segment)]
    floor = max(floors, key=lambda f: f.min_margin_pct) if floors else None
    tiers = tuple(sorted(tiers_rule.tiers, key=lambda t: t.min_order_value)) if tiers_rule else ()
    return OrderRules(tiers=tiers, floor=floor, bundles=lever_bundles(_groups(rules.order_levers, segment)))


def _most_specific(rules: tuple[OrderTiers, ...], segment: str | None) -> OrderTiers | None:
    found = [rule for rule in rules if rule.segment in (None, segment)]
    return max(found, key=lambda rule: (rule.segment is not None, rule.priority)) if found else None


def _groups(levers: tuple[TermLever, ...], segment: str | None) -> dict[str, tuple[TermLever, ...]]:
    """Per group, each option once: a segment's lever wins over an all-segments one."""
    chosen: dict[tuple[str, str], TermLever] = {}
    for lever in sorted((lv for lv in levers if lv.segment in (None, segment)),
                        key=lambda lv: (lv.segment is not None, lv.priority), reverse=True):
        chosen.setdefault((lever.group, lever.option), lever)
    groups: dict[str, list[TermLever]] = defaultdict(list)
    for lever in chosen.values():
        groups[lever.group].append(lever)
    return {group: tuple(options) for group, options in groups.items()}


def deliverable(bundles: tuple[LeverBundle, ...], needed_by: date | None, today: date) -> tuple[LeverBundle, ...]:
    """The bundles whose every lever's lead time (``lead_days``) meets the buyer's
    ``needed_by``: a quote's order levers, as ``tradeoffs._deliverable`` for a line's."""
    if needed_by is None:
        return bundles
    return tuple(b for b in bundles if all(lever_meets(lever, needed_by, today) for lever in b.levers))
