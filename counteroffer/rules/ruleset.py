"""A rule set, and the rules of one SKU resolved from it: compiled once, reused often.

``CompiledRules`` indexes a rule set by SKU and category, so resolving a SKU touches
only the rules that can reach it, and memoises each (SKU, category, segment) it has
resolved. A new published version is a new ``CompiledRules``; the old one is dropped.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .model import (Alternatives, ConcessionPolicy, Floor, PriceBreak, PriceBreaks, Routing,
                    TermLever)
from .scope import matching, most_specific

__all__ = ["RuleSet", "SkuRules", "CompiledRules", "resolve"]


@dataclass(frozen=True)
class RuleSet:
    floors: tuple[Floor, ...] = ()
    price_breaks: tuple[PriceBreaks, ...] = ()
    levers: tuple[TermLever, ...] = ()
    alternatives: tuple[Alternatives, ...] = ()
    concessions: tuple[ConcessionPolicy, ...] = ()
    routings: tuple[Routing, ...] = ()

    def all_rules(self) -> Iterable[Any]:
        for kind in (self.floors, self.price_breaks, self.levers, self.alternatives,
                     self.concessions, self.routings):
            yield from kind


@dataclass(frozen=True)
class SkuRules:
    """Everything that applies to one SKU for one segment, resolved once."""

    floors: tuple[Floor, ...] = ()
    breaks: tuple[PriceBreak, ...] = ()
    break_quantities: tuple[int, ...] = ()
    order_multiple: int | None = None
    levers: dict[str, tuple[TermLever, ...]] = field(default_factory=dict)
    alternatives: tuple[str, ...] = ()
    concession: ConcessionPolicy | None = None
    routing: Routing | None = None


def _levers(levers: list[TermLever]) -> dict[str, tuple[TermLever, ...]]:
    """Per group, each option once: the most specific rule for it wins."""
    chosen: dict[tuple[str, str], TermLever] = {}
    for lever in levers:  # most specific first, so the first seen stays
        chosen.setdefault((lever.group, lever.option), lever)
    groups: dict[str, list[TermLever]] = defaultdict(list)
    for lever in chosen.values():
        groups[lever.group].append(lever)
    return {group: tuple(options) for group, options in groups.items()}


def resolve(rules: RuleSet, sku: str, category: str | None, segment: str | None) -> SkuRules:
    breaks_rule = most_specific(rules.price_breaks, sku, segment, category)
    breaks = tuple(sorted(breaks_rule.breaks, key=lambda b: b.min_quantity)) if breaks_rule else ()
    alternatives = most_specific(rules.alternatives, sku, segment, category)
    return SkuRules(
        floors=tuple(matching(rules.floors, sku, segment, category)),
        breaks=breaks, break_quantities=tuple(b.min_quantity for b in breaks),
        order_multiple=breaks_rule.order_multiple if breaks_rule else None,
        levers=_levers(matching(rules.levers, sku, segment, category)),
        alternatives=tuple(s for s in alternatives.skus if s != sku) if alternatives else (),
        concession=most_specific(rules.concessions, sku, segment, category),
        routing=most_specific(rules.routings, sku, segment, category),
    )


class CompiledRules:
    """A rule set indexed for fast lookups; resolve() results are memoised."""

    def __init__(self, rules: RuleSet, cache_size: int = 200_000) -> None:
        self.rules = rules
        self._by_sku: dict[str, list[Any]] = defaultdict(list)
        self._by_category: dict[str, list[Any]] = defaultdict(list)
        self._general: list[Any] = []
        for rule in rules.all_rules():
            self._index(rule)
        self.resolve = lru_cache(maxsize=cache_size)(self._resolve)

    def _index(self, rule: Any) -> None:
        if rule.sku is not None:
            self._by_sku[rule.sku].append(rule)
        elif rule.category is not None:
            self._by_category[rule.category].append(rule)
        else:
            self._general.append(rule)

    def _reachable(self, sku: str, category: str | None) -> RuleSet:
        found = self._by_sku.get(sku, []) + (self._by_category.get(category, []) if category else [])
        return _split(found + self._general)

    def _resolve(self, sku: str, category: str | None, segment: str | None) -> SkuRules:
        return resolve(self._reachable(sku, category), sku, category, segment)


_KIND_FIELD = {Floor: "floors", PriceBreaks: "price_breaks", TermLever: "levers",
               Alternatives: "alternatives", ConcessionPolicy: "concessions", Routing: "routings"}


def _split(rules: list[Any]) -> RuleSet:
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for rule in rules:
        by_kind[_KIND_FIELD[type(rule)]].append(rule)
    return RuleSet(**{name: tuple(found) for name, found in by_kind.items()})
