"""A rule set, and the rules of one SKU resolved from it: compiled once, reused often.

``CompiledRules`` indexes a rule set by SKU and category, so resolving a SKU touches
only the rules that can reach it, and memoises each (SKU, category, segment) it has
resolved. A new published version is a new ``CompiledRules``; the old one is dropped.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from itertools import product
from typing import TYPE_CHECKING, Any

from .model import (
    LEVER_GROUPS,
    Alternatives,
    CompetingOffer,
    ConcessionPolicy,
    Floor,
    PriceBreak,
    PriceBreaks,
    Routing,
    TermLever,
)
from .scope import matching, most_specific

if TYPE_CHECKING:  # rules/quotes imports this module: no import at run time
    from .quotes.model import OrderFloor, OrderTiers

__all__ = ["RuleSet", "SkuRules", "CompiledRules", "resolve"]


@dataclass(frozen=True)
class RuleSet:
    floors: tuple[Floor, ...] = ()
    price_breaks: tuple[PriceBreaks, ...] = ()
    levers: tuple[TermLever, ...] = ()
    alternatives: tuple[Alternatives, ...] = ()
    concessions: tuple[ConcessionPolicy, ...] = ()
    routings: tuple[Routing, ...] = ()
    #: Whole-quote rules (rules/quotes): scoped by segment only, never by SKU or category.
    order_tiers: tuple[OrderTiers, ...] = ()
    order_floors: tuple[OrderFloor, ...] = ()
    #: Term levers of scope "order": valued once on a quote's total, never a line's.
    order_levers: tuple[TermLever, ...] = ()
    competing_offers: tuple[CompetingOffer, ...] = ()

    def all_rules(self) -> Iterable[Any]:
        """The line rules (scoped by SKU, category, segment); ``order_rules`` the rest."""
        for kind in (self.floors, self.price_breaks, self.levers, self.alternatives,
                     self.concessions, self.routings, self.competing_offers):
            yield from kind

    def order_rules(self) -> Iterable[Any]:
        for kind in (self.order_tiers, self.order_floors, self.order_levers):
            yield from kind


@dataclass(frozen=True, slots=True)
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
    bundles: tuple[LeverBundle, ...] = ()
    #: Every competing-offer rule that applies, most specific first: the first that covers
    #: the cited competitor answers (rules/competing.py).
    competing: tuple[CompetingOffer, ...] = ()


@dataclass(frozen=True, slots=True)
class LeverBundle:
    """At most one option per lever group. Worth ``per_unit + price * pct / 100`` a unit
    to the seller; ``mask`` has a bit per lever, for cheap subset tests."""

    levers: tuple[TermLever, ...]
    pct: Decimal
    per_unit: Decimal
    mask: int
    #: The masks of the other bundles made of some of these levers (all in the SKU's set).
    submasks: tuple[int, ...] = ()
    #: Ties between equally valued bundles: fewest levers, then option names.
    order: tuple[int, tuple[str, ...]] = (0, ())


def lever_bundles(groups: dict[str, tuple[TermLever, ...]]) -> tuple[LeverBundle, ...]:
    """Every non-empty bundle, worked out once per resolved SKU instead of per decision."""
    rows, bit = [], 0
    for group in LEVER_GROUPS:
        options: list[tuple[TermLever, int] | None] = [None]
        for lever in groups.get(group, ()):
            options.append((lever, 1 << bit))
            bit += 1
        rows.append(options)
    # Two levers at most unless every lever in a bundle allows more (``bundle_levers``):
    # a three-lever bundle asks a buyer for much at once and was almost never taken.
    bundles = [_bundle(chosen) for combo in product(*rows)
               if (chosen := [c for c in combo if c is not None])
               and len(chosen) <= min(lever.bundle_levers for lever, _ in chosen)]
    masks = [bundle.mask for bundle in bundles]
    return tuple(replace(bundle, submasks=tuple(m for m in masks if m != bundle.mask and m & bundle.mask == m))
                 for bundle in bundles)


def _bundle(chosen: list[tuple[TermLever, int]]) -> LeverBundle:
    levers = tuple(lever for lever, _ in chosen)
    return LeverBundle(levers=levers, mask=sum(mask for _, mask in chosen),
                       order=(len(levers), tuple(lever.option for lever in levers)),
                       pct=sum((lv.value_pct for lv in levers if lv.value_pct is not None), Decimal(0)),
                       per_unit=sum((lv.value_per_unit for lv in levers if lv.value_per_unit is not None),
                                    Decimal(0)))


def _levers(levers: list[TermLever]) -> dict[str, tuple[TermLever, ...]]:
    """Per group, each option once: the most specific rule for it wins."""
    chosen: dict[tuple[str, str], TermLever] = {}
    for lever in levers:  # most specific first, so the first seen stays
        chosen.setdefault((lever.group, lever.option), lever)
    groups: dict[str, list[TermLever]] = defaultdict(list)
    for lever in chosen.values():
        groups[lever.group].append(lever)
    return {group: tuple(options) for group, options in groups.items()}


def strictest(floors: list[Floor]) -> tuple[Floor, ...]:
    """One floor as strict as all of them: for any cost >= 0, the highest margin and the
    highest minimum price give max over the floors of max(cost, cost * (1 + m), p); and
    the smallest discount off list the highest of the list-based floors."""
    if len(floors) <= 1:
        return tuple(floors)
    margins = [f.min_margin_pct for f in floors if f.min_margin_pct is not None]
    minimums = [f.min_unit_price for f in floors if f.min_unit_price is not None]
    discounts = [f.max_discount_pct for f in floors if f.max_discount_pct is not None]
    return (Floor(min_margin_pct=max(margins) if margins else None,
                  min_unit_price=max(minimums) if minimums else None,
                  max_discount_pct=min(discounts) if discounts else None),)


def resolve(rules: RuleSet, sku: str, category: str | None, segment: str | None) -> SkuRules:
    breaks_rule = most_specific(rules.price_breaks, sku, segment, category)
    breaks = tuple(sorted(breaks_rule.breaks, key=lambda b: b.min_quantity)) if breaks_rule else ()
    alternatives = most_specific(rules.alternatives, sku, segment, category)
    return SkuRules(
        floors=strictest(matching(rules.floors, sku, segment, category)),
        breaks=breaks, break_quantities=tuple(b.min_quantity for b in breaks),
        order_multiple=breaks_rule.order_multiple if breaks_rule else None,
        levers=(groups := _levers(matching(rules.levers, sku, segment, category))),
        bundles=lever_bundles(groups),
        alternatives=tuple(s for s in alternatives.skus if s != sku) if alternatives else (),
        concession=most_specific(rules.concessions, sku, segment, category),
        routing=most_specific(rules.routings, sku, segment, category),
        competing=tuple(matching(rules.competing_offers, sku, segment, category)),
    )


@dataclass(frozen=True, slots=True)
class _Shared:
    """The category- and all-scoped rules that match one (category, segment), most
    specific first, resolved once for every SKU of the category."""

    floors: tuple[Floor, ...]
    price_breaks: tuple[PriceBreaks, ...]
    levers: tuple[TermLever, ...]
    lever_groups: dict[str, tuple[TermLever, ...]]
    bundles: tuple[LeverBundle, ...]
    alternatives: tuple[Alternatives, ...]
    concessions: tuple[ConcessionPolicy, ...]
    routings: tuple[Routing, ...]
    competing_offers: tuple[CompetingOffer, ...]


class CompiledRules:
    """A rule set indexed for fast lookups; resolve() results are memoised.

    A SKU-scoped rule always outranks a category- or all-scoped one, so a SKU's rules,
    most specific first, are its own matching rules followed by those of its (category,
    segment), which are worked out once per (category, segment) and shared."""

    def __init__(self, rules: RuleSet, cache_size: int = 200_000) -> None:
        self.rules = rules
        self._by_sku: dict[str, list[Any]] = defaultdict(list)
        self._by_category: dict[str, list[Any]] = defaultdict(list)
        self._general: list[Any] = []
        for rule in rules.all_rules():
            self._index(rule)
        self._shared_parts: dict[tuple[str | None, str | None], _Shared] = {}
        self._sorted_breaks: dict[int, tuple[tuple[PriceBreak, ...], tuple[int, ...]]] = {}
        self._floors: dict[tuple[Any, ...], tuple[Floor, ...]] = {}  # equal floors shared
        #: Per segment, the whole-quote rules resolved once (rules/quotes/order_rules.py).
        self.order_memo: dict[str | None, Any] = {}
        self.resolve = lru_cache(maxsize=cache_size)(self._resolve)

    def _index(self, rule: Any) -> None:
        if rule.sku is not None:
            self._by_sku[rule.sku].append(rule)
        elif rule.category is not None:
            self._by_category[rule.category].append(rule)
        else:
            self._general.append(rule)

    def _shared(self, category: str | None, segment: str | None) -> _Shared:
        key = (category, segment)
        found = self._shared_parts.get(key)
        if found is None:
            pool = _split((self._by_category.get(category, []) if category else []) + self._general)
            levers = tuple(matching(pool.levers, "", segment, category))
            found = _Shared(
                floors=strictest(matching(pool.floors, "", segment, category)),
                price_breaks=tuple(matching(pool.price_breaks, "", segment, category)),
                levers=levers, lever_groups=(groups := _levers(list(levers))),
                bundles=lever_bundles(groups),
                alternatives=tuple(matching(pool.alternatives, "", segment, category)),
                concessions=tuple(matching(pool.concessions, "", segment, category)),
                routings=tuple(matching(pool.routings, "", segment, category)),
                competing_offers=tuple(matching(pool.competing_offers, "", segment, category)))
            self._shared_parts[key] = found
        return found

    def _breaks(self, rule: PriceBreaks) -> tuple[tuple[PriceBreak, ...], tuple[int, ...]]:
        found = self._sorted_breaks.get(id(rule))  # rules live as long as self.rules
        if found is None:
            steps = tuple(sorted(rule.breaks, key=lambda b: b.min_quantity))
            found = self._sorted_breaks[id(rule)] = (steps, tuple(b.min_quantity for b in steps))
        return found

    def _resolve(self, sku: str, category: str | None, segment: str | None) -> SkuRules:
        shared = self._shared(category, segment)
        own = _split(self._by_sku.get(sku, []))

        def first(own_rules: tuple[Any, ...], shared_rules: tuple[Any, ...]) -> Any:
            found = matching(own_rules, sku, segment, category) if own_rules else ()
            return found[0] if found else (shared_rules[0] if shared_rules else None)

        breaks_rule = first(own.price_breaks, shared.price_breaks)
        breaks, quantities = self._breaks(breaks_rule) if breaks_rule else ((), ())
        own_levers = matching(own.levers, sku, segment, category) if own.levers else []
        groups = _levers(own_levers + list(shared.levers)) if own_levers else shared.lever_groups
        alternatives = first(own.alternatives, shared.alternatives)
        own_floors = matching(own.floors, sku, segment, category) if own.floors else []
        floors = strictest(own_floors + list(shared.floors)) if own_floors else shared.floors
        floors = self._floors.setdefault(tuple((f.min_margin_pct, f.min_unit_price) for f in floors), floors)
        return SkuRules(
            floors=floors,
            breaks=breaks, break_quantities=quantities,
            order_multiple=breaks_rule.order_multiple if breaks_rule else None,
            levers=groups, bundles=lever_bundles(groups) if own_levers else shared.bundles,
            alternatives=tuple(s for s in alternatives.skus if s != sku) if alternatives else (),
            concession=first(own.concessions, shared.concessions),
            routing=first(own.routings, shared.routings),
            competing=(*(matching(own.competing_offers, sku, segment, category) if own.competing_offers else ()),
                       *shared.competing_offers),
        )


_KIND_FIELD = {Floor: "floors", PriceBreaks: "price_breaks", TermLever: "levers",
               Alternatives: "alternatives", ConcessionPolicy: "concessions", Routing: "routings",
               CompetingOffer: "competing_offers"}


def _split(rules: list[Any]) -> RuleSet:
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for rule in rules:
        by_kind[_KIND_FIELD[type(rule)]].append(rule)
    return RuleSet(**{name: tuple(found) for name, found in by_kind.items()})
