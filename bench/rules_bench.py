#!/usr/bin/env python3
"""Rules-engine benchmark: compiled per-SKU resolution against two generic rule engines.

    .venv/bin/python bench/rules_bench.py            # the full run (about 2-3 minutes)
    .venv/bin/python bench/rules_bench.py --quick    # a smoke run (about 30 seconds)

For catalogs of 1,000 and 100,000 SKUs, each with 10 and 1,000 rules reachable per SKU,
a fresh subprocess per configuration builds a synthetic ``RuleSet``, compiles it with
``CompiledRules``, touches every (SKU, segment) once (the first 2,000 with a timed full
``decide()``: the cold, first-touch cost; the rest through the memoised resolver), then
times warm decisions on random SKUs, segments, quantities and targets. RSS is read from
/proc/self/status before building the rule set, after building, compiling and warming.

In the same run, the volume-and-floor subset of the rules (floors and price breaks:
price for the quantity, floor, accept / counter with the next break / escalate) is
evaluated by ``counteroffer``, ``business-rules`` and ``rule-engine`` on the same
requests, and the three must agree on every answer.

The last line printed is one JSON object (see ``summary``). See bench/README.md.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from counteroffer.rules import (  # noqa: E402
    CompiledRules,
    ConcessionPolicy,
    Floor,
    Outcome,
    Policy,
    PriceBreak,
    PriceBreaks,
    PriceRequest,
    PricingContext,
    Routing,
    RuleSet,
    TermLever,
    decide,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CURRENCY = "USD"
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: Segments the requests come from; rules are also written for segments nobody asks as.
ASKING_SEGMENTS = ("wholesale", "retail")
RULE_SEGMENTS = (None, "wholesale", "retail", "distributor", "oem", "public")
CATEGORIES = 20
QUANTITIES = (1, 8, 20, 60, 99, 150, 240, 450, 800, 1500, 4000)
#: Rules per SKU of its own: a floor, and price breaks (even SKUs) or a segment floor (odd).
OWN_RULES = 2
LEVER_OPTIONS = (("payment", "net10", "pay within 10 days", "pct"),
                 ("payment", "prepay", "pay up front", "pct"),
                 ("delivery", "pickup", "pick up at our warehouse", "unit"),
                 ("lead_time", "+21d", "accept delivery in 5 weeks", "unit"),
                 ("commitment", "annual", "commit to a year of orders", "pct"))
SIZES, RULES = (1_000, 100_000), (10, 1_000)
GOALS = {"p99_us_100k": 50.0, "scale_10_to_1000": 3.0, "speedup_vs_business_rules": 100.0,
         "rss_mb_100k": 300.0}


# --------------------------------------------------------------------------- catalog

def sku_name(i: int) -> str:
    return f"SKU-{i:06d}"


def category_of(i: int) -> str:
    return f"cat-{i % CATEGORIES:02d}"


def category_base(c: int) -> Decimal:
    """A category's typical cost: products of one category cost much the same."""
    return Decimal(5 + 20 * c)


def cost_of(i: int) -> Decimal:
    """The category's base cost plus 0-20 %."""
    return (category_base(i % CATEGORIES) * (1 + Decimal((i * 7919) % 200) / 1000)).quantize(CENT)


def list_price_of(i: int) -> Decimal:
    return (cost_of(i) * Decimal("1.6")).quantize(CENT)


def _steps(list_price: Decimal, shape: int) -> tuple[PriceBreak, ...]:
    """A SKU's own volume steps, 5 %, 12 % and 20 % off list, at quantities that vary."""
    base = (50, 100, 200, 400)[shape % 4]
    return tuple(PriceBreak(qty, (list_price * share).quantize(CENT))
                 for qty, share in ((base, Decimal("0.95")), (base * 3, Decimal("0.88")),
                                    (base * 10, Decimal("0.80"))))


def _category_steps(c: int, shape: int) -> tuple[PriceBreak, ...]:
    """Category breaks in absolute prices under the category's cheapest list price and
    above its highest floor (24 % over the dearest cost), at quantities that vary."""
    base, typical = (30, 75, 150, 300, 600)[shape % 5], category_base(c) * Decimal("1.6")
    return tuple(PriceBreak(base * k, (typical * share).quantize(CENT))
                 for k, share in ((1, Decimal("0.98")), (4, Decimal("0.96")), (12, Decimal("0.94"))))


def own_rules(i: int) -> list[Any]:
    """The rules scoped to SKU i: exactly OWN_RULES of them. Odd SKUs take their price
    breaks from their category, so which rule wins is decided by segment and priority."""
    sku = sku_name(i)
    margin = Decimal(10 + i % 11)  # floor 10-20 % over cost, under every break price
    rules: list[Any] = [Floor(sku=sku, min_margin_pct=margin, priority=i % 3)]
    if i % 2 == 0:
        rules.append(PriceBreaks(sku=sku, breaks=_steps(list_price_of(i), i), priority=1))
    else:
        rules.append(Floor(sku=sku, segment="wholesale", min_margin_pct=margin + 2, priority=2))
    return rules


def shared_rule(n: int, category: int | None, kinds: str) -> Any:
    """The n-th category-scoped (or, with ``category`` None, all-scoped) rule.

    ``kinds`` "all" cycles through floors, price breaks, term levers, concessions and
    routings; "volume" makes floors and price breaks only. Segments cycle through
    ``RULE_SEGMENTS``, so some rules reach a SKU but not the segment asking."""
    segment = RULE_SEGMENTS[n % len(RULE_SEGMENTS)]
    scope = {"segment": segment, "priority": n % 7,
             "category": None if category is None else f"cat-{category:02d}"}
    slot = n % 20 if kinds == "all" else (n // len(RULE_SEGMENTS)) % 2 * 8
    if slot < 8 or (slot < 14 and category is None):  # no absolute prices across categories
        return Floor(min_margin_pct=Decimal(3 + n % 22), min_unit_price=Decimal(n % 2), **scope)
    if slot < 14:
        return PriceBreaks(breaks=_category_steps(category, n), **scope)
    if slot < 18:
        group, option, label, unit = LEVER_OPTIONS[n % len(LEVER_OPTIONS)]
        value = Decimal(1 + n % 4)
        return TermLever(group=group, option=option, label=label,
                         value_pct=value if unit == "pct" else None,
                         value_per_unit=value if unit == "unit" else None, **scope)
    if slot == 18:
        return ConcessionPolicy(max_discount_pct=Decimal(5 + n % 10), first_position_pct=Decimal(10),
                                exponent=Decimal(1), rounds=3, **scope)
    # Large orders go to a rep: this is where most escalations come from.
    return Routing(rep_reach_pct=Decimal(15 + n % 10), auto_approval_limit=Decimal(5000 * (1 + n % 4)),
                   **scope)


def split_shared(rules_per_sku: int) -> tuple[int, int]:
    """How many of a SKU's reachable rules are all-scoped and category-scoped."""
    shared = rules_per_sku - OWN_RULES
    general = max(1, shared // 10)
    return general, shared - general


def build_rule_set(skus: int, rules_per_sku: int, kinds: str = "all") -> RuleSet:
    """Every SKU reaches exactly ``rules_per_sku`` rules: its own, its category's, all-scoped."""
    general_count, category_count = split_shared(rules_per_sku)
    rules: list[Any] = [shared_rule(n, None, kinds) for n in range(general_count)]
    for c in range(min(CATEGORIES, skus)):
        rules += [shared_rule(c * 7 + n, c, kinds) for n in range(category_count)]
    for i in range(skus):
        rules += own_rules(i)
    grouped: dict[str, list[Any]] = {}
    field = {Floor: "floors", PriceBreaks: "price_breaks", TermLever: "levers",
             ConcessionPolicy: "concessions", Routing: "routings"}
    for rule in rules:
        grouped.setdefault(field[type(rule)], []).append(rule)
    return RuleSet(**{name: tuple(found) for name, found in grouped.items()})


def context_of(i: int, segment: str | None) -> PricingContext:
    return PricingContext(list_price=list_price_of(i), cost=cost_of(i), currency=CURRENCY,
                          segment=segment, category=category_of(i))


def request_for(i: int, segment: str | None, rng: random.Random) -> tuple[PriceRequest, PricingContext]:
    """A quantity from ``QUANTITIES`` and a target 30 % under to 2 % over list: some are
    accepted, some countered (a break, terms, a concession), large orders escalated."""
    target = (list_price_of(i) * Decimal(rng.randint(70, 102)) / 100).quantize(CENT)
    request = PriceRequest(sku_name(i), rng.choice(QUANTITIES), target, CURRENCY, round=rng.randint(1, 3))
    return request, context_of(i, segment)


def make_requests(skus: int, count: int, seed: int) -> list[tuple[int, PriceRequest, PricingContext]]:
    """Random SKUs and segments."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        i = rng.randrange(skus)
        found.append((i, *request_for(i, rng.choice(ASKING_SEGMENTS), rng)))
    return found


# --------------------------------------------------------------------------- measuring

def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def stats_us(ns: list[int]) -> dict[str, float]:
    values = sorted(n / 1000 for n in ns)
    return {"n": len(values), "mean_us": sum(values) / len(values), "p50_us": percentile(values, 50),
            "p99_us": percentile(values, 99), "max_us": values[-1]}


def outcome_label(decision: Any) -> str:
    kinds = sorted({offer.kind.value for offer in decision.offers})
    return decision.outcome.value + (f"({'+'.join(kinds)})" if decision.outcome is Outcome.COUNTER else "")


# --------------------------------------------------------------------------- worker: engine

def engine_worker(skus: int, rules_per_sku: int, decisions: int, cold_sample: int, seed: int) -> dict[str, Any]:
    """One configuration, in its own process: build, compile, touch every key, time."""
    gc.collect()
    rss_start = rss_mb()
    started = time.perf_counter()
    rule_set = build_rule_set(skus, rules_per_sku)
    build_s = time.perf_counter() - started
    rule_objects = sum(1 for _ in rule_set.all_rules())
    gc.collect()
    rss_rules = rss_mb()

    started = time.perf_counter()
    compiled = CompiledRules(rule_set)
    compile_s = time.perf_counter() - started
    gc.collect()
    rss_compiled = rss_mb()

    # First touch: a full decide() on keys nobody asked for yet (resolution + decision).
    keys = [(i, segment) for i in range(skus) for segment in ASKING_SEGMENTS]
    random.Random(seed + 1).shuffle(keys)
    rng = random.Random(seed + 2)
    cold_ns: list[int] = []
    started = time.perf_counter()
    for i, segment in keys[:cold_sample]:
        request, context = request_for(i, segment, rng)
        t0 = time.perf_counter_ns()
        decide(request, context, compiled, NOW)
        cold_ns.append(time.perf_counter_ns() - t0)
    # The rest of the catalog is warmed through the same memoised resolver decide() uses.
    resolve = compiled.resolve
    for i, segment in keys[cold_sample:]:
        resolve(sku_name(i), category_of(i), segment)
    warm_all_s = time.perf_counter() - started
    gc.collect()
    rss_warm = rss_mb()
    cache_after_warm = compiled.resolve.cache_info()

    # Warm decisions on random SKUs, segments, quantities and targets.
    requests = make_requests(skus, decisions, seed)
    for _, request, context in requests[: min(2000, decisions)]:  # interpreter warm-up
        decide(request, context, compiled, NOW)
    outcomes: dict[str, int] = {}
    by_outcome: dict[str, list[int]] = {}
    warm_ns: list[int] = []
    misses_before = compiled.resolve.cache_info().misses
    started, cpu_started = time.perf_counter(), time.process_time()
    for _, request, context in requests:
        t0 = time.perf_counter_ns()
        decision = decide(request, context, compiled, NOW)
        elapsed = time.perf_counter_ns() - t0
        warm_ns.append(elapsed)
        by_outcome.setdefault(decision.outcome.value, []).append(elapsed)
        label = outcome_label(decision)
        outcomes[label] = outcomes.get(label, 0) + 1
    wall_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    warm = stats_us(warm_ns)
    sample = compiled.resolve(sku_name(1), category_of(1), ASKING_SEGMENTS[0])
    return {
        "skus": skus, "rules_per_sku": rules_per_sku, "rule_objects": rule_objects,
        "keys": len(keys), "build_s": build_s, "compile_s": compile_s, "warm_all_s": warm_all_s,
        "cold": stats_us(cold_ns), "warm": warm, "dps": len(warm_ns) / (sum(warm_ns) / 1e9),
        "dps_wall": len(warm_ns) / wall_s, "outcomes": outcomes,
        "by_outcome": {name: stats_us(ns) for name, ns in by_outcome.items()},
        # Under 1: the process waited for the CPU (another process ran): latencies inflated.
        "cpu_share": cpu_s / wall_s, "loadavg_1m": os.getloadavg()[0],
        "cache_size": cache_after_warm.maxsize, "cache_entries": cache_after_warm.currsize,
        "misses_while_timed": compiled.resolve.cache_info().misses - misses_before,
        "floors_per_resolved_sku": len(sample.floors),
        "rss_start_mb": rss_start, "rss_rules_mb": rss_rules, "rss_compiled_mb": rss_compiled,
        "rss_warm_mb": rss_warm, "catalog_mb": rss_warm - rss_start,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# --------------------------------------------------------------------------- worker: comparison
# The volume-and-floor rule set: floors and price breaks only. For a request: the price
# for the quantity comes from the most specific price-break rule (SKU over category over
# all, segment over none, then priority; the first listed on a tie), the floor is the
# strictest of all matching floors (cost * (1 + margin), minimum price, never under cost;
# rounded up to the cent). A catalog price under the floor escalates; a target at or over
# the price is accepted; else the first break above the quantity whose price is between
# the floor and the target is countered; else the request is escalated.

VOLUME_POLICY = Policy(max_volume_factor=1, decline_below_floor_pct=Decimal(100))


@dataclass(frozen=True)
class Answer:
    outcome: str
    quantity: int | None = None
    unit_price: Decimal | None = None


def answer_of(decision: Any) -> Answer:
    if decision.outcome in (Outcome.ACCEPT, Outcome.COUNTER):
        offer = decision.offers[0]
        return Answer(decision.outcome.value, offer.quantity, offer.unit_price)
    return Answer(decision.outcome.value)


def rank_of(rule: Any) -> tuple[bool, bool, bool, int]:
    return (rule.sku is not None, rule.category is not None, rule.segment is not None, rule.priority)


def reachable(rule_set: RuleSet, skus: int) -> dict[int, list[Any]]:
    """Per SKU, the rules that can reach it, in the order ``CompiledRules`` sees them
    (its own, its category's, all-scoped): the generic engines are given only these, as
    if the caller had indexed them, so they evaluate R rules, not the whole catalog."""
    own: dict[str, list[Any]] = {}
    by_category: dict[str, list[Any]] = {}
    general: list[Any] = []
    for kind in (rule_set.floors, rule_set.price_breaks):
        for rule in kind:
            if rule.sku is not None:
                own.setdefault(rule.sku, []).append(rule)
            elif rule.category is not None:
                by_category.setdefault(rule.category, []).append(rule)
            else:
                general.append(rule)
    shared = {category: found + general for category, found in by_category.items()}
    return {i: own.get(sku_name(i), []) + shared.get(category_of(i), general) for i in range(skus)}


def floor_of(cost: Decimal, margin_pct: Decimal | None, min_unit_price: Decimal | None) -> Decimal:
    candidates = [cost]
    if margin_pct is not None:
        candidates.append(cost * (1 + margin_pct / HUNDRED))
    if min_unit_price is not None:
        candidates.append(min_unit_price)
    return max(candidates)


def volume_break(breaks: tuple[PriceBreak, ...], list_price: Decimal, quantity: int, floor: Decimal,
                 target: Decimal) -> tuple[int, Decimal] | None:
    for step in breaks:
        price = step.unit_price.quantize(CENT, rounding=ROUND_HALF_UP)
        if step.min_quantity > quantity and floor <= price <= target:
            return step.min_quantity, min(list_price, step.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
    return None


def price_at_quantity(breaks: tuple[PriceBreak, ...], list_price: Decimal, quantity: int) -> Decimal:
    price = list_price
    for step in breaks:
        if step.min_quantity <= quantity:
            price = min(list_price, step.unit_price)
    return price.quantize(CENT, rounding=ROUND_HALF_UP)


class BusinessRulesVolume:
    """venmo/business-rules: one rule per floor or price-break rule (its scope as
    conditions, its effect as an action), then four ordered rules that decide."""

    def __init__(self, per_sku: dict[int, list[Any]]) -> None:
        from business_rules import run_all
        from business_rules.actions import BaseActions, rule_action
        from business_rules.fields import FIELD_NUMERIC, FIELD_TEXT
        from business_rules.variables import (
            BaseVariables,
            boolean_rule_variable,
            numeric_rule_variable,
            string_rule_variable,
        )
        self.run_all = run_all

        class Facts(BaseVariables):
            def __init__(self, request: PriceRequest, context: PricingContext) -> None:
                self.request, self.context = request, context

            @string_rule_variable
            def sku(self) -> str:
                return self.request.sku

            @string_rule_variable
            def category(self) -> str:
                return self.context.category or ""

            @string_rule_variable
            def segment(self) -> str:
                return self.context.segment or ""

            @numeric_rule_variable
            def quantity(self) -> int:
                return self.request.quantity

        class Collect(BaseActions):
            def __init__(self, cost: Decimal) -> None:
                self.cost, self.floor, self.rank, self.breaks = cost, cost, None, ()

            @rule_action(params={"margin_pct": FIELD_NUMERIC, "min_unit_price": FIELD_NUMERIC})
            def raise_floor(self, margin_pct: Decimal | None, min_unit_price: Decimal | None) -> None:
                self.floor = max(self.floor, floor_of(self.cost, margin_pct, min_unit_price))

            @rule_action(params={"rank": FIELD_TEXT, "breaks": FIELD_TEXT})
            def use_breaks(self, rank: tuple, breaks: tuple[PriceBreak, ...]) -> None:
                if self.rank is None or rank > self.rank:
                    self.rank, self.breaks = rank, breaks

        class Verdict(BaseVariables):
            def __init__(self, price: Decimal, floor: Decimal, target: Decimal, volume: Any) -> None:
                self.price, self.floor, self.target, self.volume = price, floor, target, volume

            @boolean_rule_variable
            def catalog_below_floor(self) -> bool:
                return self.price < self.floor

            @numeric_rule_variable
            def headroom(self) -> Decimal:
                return self.target - self.price

            @boolean_rule_variable
            def volume_break_meets_target(self) -> bool:
                return self.volume is not None

        class Decide(BaseActions):
            outcome = ""

            @rule_action(params={"outcome": FIELD_TEXT})
            def answer(self, outcome: str) -> None:
                self.outcome = outcome

        self.Facts, self.Collect, self.Verdict, self.Decide = Facts, Collect, Verdict, Decide
        converted: dict[int, dict[str, Any]] = {}  # each rule converted once, shared by SKUs

        def convert(rule: Any) -> dict[str, Any]:
            if id(rule) not in converted:
                converted[id(rule)] = self._rule(rule)
            return converted[id(rule)]
        self.rules = {i: [convert(rule) for rule in rules] for i, rules in per_sku.items()}

        def decision(name: str, operator: str, value: Any, outcome: str) -> dict[str, Any]:
            return {"conditions": {"all": [{"name": name, "operator": operator, "value": value}]},
                    "actions": [{"name": "answer", "params": {"outcome": outcome}}]}
        self.decisions = [decision("catalog_below_floor", "is_true", True, "escalate"),
                          decision("headroom", "greater_than_or_equal_to", 0, "accept"),
                          decision("volume_break_meets_target", "is_true", True, "counter"),
                          decision("headroom", "less_than", 0, "escalate")]

    @staticmethod
    def _rule(rule: Any) -> dict[str, Any]:
        conditions = [{"name": name, "operator": "equal_to", "value": value}
                      for name, value in (("sku", rule.sku), ("category", rule.category),
                                          ("segment", rule.segment)) if value is not None]
        if not conditions:  # all products, all segments: a condition that always holds
            conditions = [{"name": "quantity", "operator": "greater_than_or_equal_to", "value": 0}]
        if isinstance(rule, Floor):
            action = {"name": "raise_floor", "params": {"margin_pct": rule.min_margin_pct,
                                                        "min_unit_price": rule.min_unit_price}}
        else:
            steps = tuple(sorted(rule.breaks, key=lambda step: step.min_quantity))
            action = {"name": "use_breaks", "params": {"rank": rank_of(rule), "breaks": steps}}
        return {"conditions": {"all": conditions}, "actions": [action]}

    def __call__(self, i: int, request: PriceRequest, context: PricingContext) -> Answer:
        collect = self.Collect(context.cost)
        self.run_all(self.rules[i], self.Facts(request, context), collect)
        floor = collect.floor.quantize(CENT, rounding=ROUND_CEILING)
        price = price_at_quantity(collect.breaks, context.list_price, request.quantity)
        volume = volume_break(collect.breaks, context.list_price, request.quantity, floor,
                              request.target_unit_price)
        decide_ = self.Decide()
        self.run_all(self.decisions, self.Verdict(price, floor, request.target_unit_price, volume),
                     decide_, stop_on_first_trigger=True)
        if decide_.outcome == "accept":
            return Answer("accept", request.quantity, price)
        if decide_.outcome == "counter":
            return Answer("counter", *volume)
        return Answer(decide_.outcome)


class RuleEngineVolume:
    """zeroSteiner/rule-engine: one compiled expression per floor or price-break rule
    (its scope), its effect applied when it matches, then three ordered expressions."""

    def __init__(self, per_sku: dict[int, list[Any]]) -> None:
        import rule_engine
        parsed: dict[str, Any] = {}  # one parse per distinct scope expression
        converted: dict[int, tuple[Any, Any, bool]] = {}  # each rule converted once

        def convert(rule: Any) -> tuple[Any, Any, bool]:
            if id(rule) in converted:
                return converted[id(rule)]
            text = " and ".join(f'{name} == "{value}"' for name, value in (
                ("sku", rule.sku), ("category", rule.category), ("segment", rule.segment))
                if value is not None) or "true"
            if text not in parsed:
                parsed[text] = rule_engine.Rule(text)
            if isinstance(rule, Floor):
                effect: Any = (rule.min_margin_pct, rule.min_unit_price)
            else:
                effect = (rank_of(rule), tuple(sorted(rule.breaks, key=lambda s: s.min_quantity)))
            converted[id(rule)] = (parsed[text], effect, isinstance(rule, Floor))
            return converted[id(rule)]

        self.rules = {i: [convert(rule) for rule in rules] for i, rules in per_sku.items()}
        self.decisions = [(rule_engine.Rule("price < floor"), "escalate"),
                          (rule_engine.Rule("target >= price"), "accept"),
                          (rule_engine.Rule("volume_break"), "counter")]

    def __call__(self, i: int, request: PriceRequest, context: PricingContext) -> Answer:
        facts = {"sku": request.sku, "category": context.category or "", "segment": context.segment or ""}
        cost = context.cost
        floor, rank, breaks = cost, None, ()
        for expression, effect, is_floor in self.rules[i]:
            if expression.matches(facts):
                if is_floor:
                    floor = max(floor, floor_of(cost, *effect))
                elif rank is None or effect[0] > rank:
                    rank, breaks = effect
        floor = floor.quantize(CENT, rounding=ROUND_CEILING)
        price = price_at_quantity(breaks, context.list_price, request.quantity)
        target = request.target_unit_price
        volume = volume_break(breaks, context.list_price, request.quantity, floor, target)
        verdict = {"price": price, "floor": floor, "target": target, "volume_break": volume is not None}
        for expression, outcome in self.decisions:
            if expression.matches(verdict):
                if outcome == "accept":
                    return Answer("accept", request.quantity, price)
                if outcome == "counter":
                    return Answer("counter", *volume)
                return Answer(outcome)
        return Answer("escalate")


def time_calls(call: Any, requests: list[tuple[int, PriceRequest, PricingContext]]) -> tuple[list[int], list[Answer]]:
    elapsed, answers = [], []
    for i, request, context in requests:
        t0 = time.perf_counter_ns()
        answer = call(i, request, context)
        elapsed.append(time.perf_counter_ns() - t0)
        answers.append(answer)
    return elapsed, answers


def compare_worker(skus: int, rules_per_sku: int, count: int, seed: int) -> dict[str, Any]:
    """The volume-and-floor set in counteroffer and the two generic engines, same requests."""
    rule_set = build_rule_set(skus, rules_per_sku, kinds="volume")
    requests = make_requests(skus, count, seed)
    compiled = CompiledRules(rule_set)

    def ours(i: int, request: PriceRequest, context: PricingContext) -> Any:
        return decide(request, context, compiled, NOW, VOLUME_POLICY)

    cold_ns, cold_decisions = time_calls(ours, requests)  # first touch of most keys
    time_calls(ours, requests)  # warm-up
    warm_ns, decisions = time_calls(ours, requests)
    expected = [answer_of(d) for d in decisions]
    assert expected == [answer_of(d) for d in cold_decisions]
    mix: dict[str, int] = {}
    for answer in expected:
        mix[answer.outcome] = mix.get(answer.outcome, 0) + 1
    result: dict[str, Any] = {"skus": skus, "rules_per_sku": rules_per_sku, "requests": count,
                              "outcomes": mix, "counteroffer": stats_us(warm_ns),
                              "counteroffer_first_pass": stats_us(cold_ns)}
    per_sku = reachable(rule_set, skus)
    assert all(len(rules) == rules_per_sku for rules in per_sku.values())
    for name, factory in (("business_rules", BusinessRulesVolume), ("rule_engine", RuleEngineVolume)):
        try:
            engine = factory(per_sku)
        except ImportError as error:
            result[name] = {"missing": str(error)}
            continue
        time_calls(engine, requests[: max(1, count // 10)])  # warm-up
        elapsed, answers = time_calls(engine, requests)
        disagree = [(req.sku, req.quantity, req.target_unit_price, ours_, theirs)
                    for (_, req, _), ours_, theirs in zip(requests, expected, answers, strict=True)
                    if ours_ != theirs]
        if disagree:
            raise SystemExit(f"{name} disagrees with counteroffer on {len(disagree)} of {count} "
                             f"requests, e.g. {disagree[:3]}")
        result[name] = stats_us(elapsed)
    return result


# --------------------------------------------------------------------------- the run

def run_worker(args: list[str], timeout: float) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter; its last stdout line is JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"worker {' '.join(args)} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def missing_packages() -> list[str]:
    missing = []
    for module, package in (("business_rules", "business-rules"), ("rule_engine", "rule-engine")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    return missing


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def fmt(value: float | None, spec: str = ",.1f") -> str:
    return "n/a" if value is None else format(value, spec)


def summary(engine: dict[tuple[int, int], dict[str, Any]], compare: dict[int, dict[str, Any]],
            sizes: tuple[int, ...], rules: tuple[int, ...], elapsed_s: float) -> dict[str, Any]:
    """The JSON line. Headline keys are for the largest catalog and the most rules."""
    big, few, many = max(sizes), min(rules), max(rules)

    def warm(n: int, r: int, key: str) -> float:
        return engine[(n, r)]["warm"][key]

    def speedup(r: int, other: str, key: str = "mean_us") -> float | None:
        theirs = compare.get(r, {}).get(other, {})
        return ratio(theirs.get(key), compare.get(r, {}).get("counteroffer", {}).get(key))

    result: dict[str, Any] = {
        "p99_us_100k": max(warm(big, r, "p99_us") for r in rules),
        "scale_10_to_1000": ratio(warm(big, many, "p99_us"), warm(big, few, "p99_us")),
        "scale_mean_10_to_1000": ratio(warm(big, many, "mean_us"), warm(big, few, "mean_us")),
        "speedup_vs_business_rules": speedup(many, "business_rules"),
        "speedup_vs_rule_engine": speedup(many, "rule_engine"),
        "rss_mb_100k": max(engine[(big, r)]["catalog_mb"] for r in rules),
        "catalog_skus": big, "rules_per_sku": list(rules),
    }
    for (n, r), found in sorted(engine.items()):
        tag = f"{n // 1000}k_r{r}"
        result[f"p50_us_{tag}"] = found["warm"]["p50_us"]
        result[f"p99_us_{tag}"] = found["warm"]["p99_us"]
        result[f"dps_{tag}"] = round(found["dps"])
        result[f"cold_p50_us_{tag}"] = found["cold"]["p50_us"]
        result[f"cold_p99_us_{tag}"] = found["cold"]["p99_us"]
        result[f"warm_all_s_{tag}"] = round(found["warm_all_s"], 2)
        result[f"catalog_mb_{tag}"] = round(found["catalog_mb"], 1)
        result[f"misses_while_timed_{tag}"] = found["misses_while_timed"]
        result[f"cpu_share_{tag}"] = round(found["cpu_share"], 2)
    for r, found in sorted(compare.items()):
        for other in ("business_rules", "rule_engine"):
            result[f"speedup_vs_{other}_r{r}"] = speedup(r, other)
            result[f"speedup_p99_vs_{other}_r{r}"] = speedup(r, other, "p99_us")
            result[f"{other}_mean_us_r{r}"] = found.get(other, {}).get("mean_us")
        result[f"counteroffer_volume_mean_us_r{r}"] = found["counteroffer"]["mean_us"]
    measured = {key: result[key] for key in GOALS}
    result["goals"] = GOALS
    result["meets_goal"] = {key: None if value is None else value >= GOALS[key] if key == "speedup_vs_business_rules"
                            else value <= GOALS[key] for key, value in measured.items()}
    result["elapsed_s"] = round(elapsed_s, 1)
    return result


def print_tables(engine: dict[tuple[int, int], dict[str, Any]], compare: dict[int, dict[str, Any]],
                 result: dict[str, Any]) -> None:
    print("\nFull decide() on the compiled catalog (warm: every (SKU, segment) touched once first)")
    print(f"{'SKUs':>8} {'rules/SKU':>9} {'rule objs':>9} {'warm dps':>9} {'p50 us':>7} {'p99 us':>7} "
          f"{'max us':>8} {'cold p50':>8} {'cold p99':>8} {'warm all':>8} {'catalog MB':>10} {'RSS MB':>7}")
    for (n, r), f in sorted(engine.items()):
        w, c = f["warm"], f["cold"]
        print(f"{n:>8,} {r:>9,} {f['rule_objects']:>9,} {f['dps']:>9,.0f} {w['p50_us']:>7.1f} {w['p99_us']:>7.1f} "
              f"{w['max_us']:>8.0f} {c['p50_us']:>8.0f} {c['p99_us']:>8.0f} {f['warm_all_s']:>7.1f}s "
              f"{f['catalog_mb']:>10.1f} {f['rss_warm_mb']:>7.0f}")
    for (n, r), f in sorted(engine.items()):
        mix = ", ".join(f"{k} {v}" for k, v in sorted(f["outcomes"].items(), key=lambda kv: -kv[1]))
        print(f"  {n:,} x {r:,}: {f['keys']:,} keys, cache {f['cache_entries']:,}/{f['cache_size']:,}, "
              f"{f['misses_while_timed']} misses while timed, {f['floors_per_resolved_sku']} floors kept per "
              f"resolved SKU; build {f['build_s']:.1f}s, compile {f['compile_s']:.2f}s")
        print(f"      catalog MB: rule objects {f['rss_rules_mb'] - f['rss_start_mb']:.0f}, index "
              f"{f['rss_compiled_mb'] - f['rss_rules_mb']:.0f}, memoised resolutions "
              f"{f['rss_warm_mb'] - f['rss_compiled_mb']:.0f}; outcomes: {mix}")
        per = ", ".join(f"{k} p50 {v['p50_us']:.0f} / p99 {v['p99_us']:.0f} us"
                        for k, v in sorted(f["by_outcome"].items()))
        print(f"      by outcome: {per}; CPU share while timed {f['cpu_share']:.2f}, load {f['loadavg_1m']:.1f}")
    if compare:
        print("\nVolume-and-floor rule set, same requests, all three engines agree on every answer")
        print(f"{'rules/SKU':>9} {'engine':<14} {'requests':>8} {'mean us':>9} {'p50 us':>9} {'p99 us':>9} "
              f"{'counteroffer faster (mean, p99)':>32}")
        for r, f in sorted(compare.items()):
            for name in ("counteroffer", "business_rules", "rule_engine"):
                s = f.get(name, {})
                if "missing" in s or not s:
                    print(f"{r:>9,} {name:<14} skipped: {s.get('missing', 'not run')}")
                    continue
                faster = "" if name == "counteroffer" else (
                    f"{fmt(result.get(f'speedup_vs_{name}_r{r}'))}x, {fmt(result.get(f'speedup_p99_vs_{name}_r{r}'))}x")
                print(f"{r:>9,} {name:<14} {s['n']:>8,} {s['mean_us']:>9.1f} {s['p50_us']:>9.1f} "
                      f"{s['p99_us']:>9.1f} {faster:>32}")
            first = f["counteroffer_first_pass"]
            mix = ", ".join(f"{k} {v}" for k, v in sorted(f["outcomes"].items()))
            print(f"{'':>9} (counteroffer first pass, most keys cold: mean {first['mean_us']:.0f} us, "
                  f"p99 {first['p99_us']:.0f} us; outcomes: {mix})")
    print("\nGoals")
    for key, goal in GOALS.items():
        sign = ">=" if key == "speedup_vs_business_rules" else "<="
        verdict = "not measured" if result[key] is None else "met" if result["meets_goal"][key] else "MISSED"
        print(f"  {key:<28} {fmt(result[key], ',.2f'):>10}  goal {sign} {goal:g}: {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small catalogs, few decisions (a smoke run)")
    parser.add_argument("--decisions", type=int, help="warm decisions timed per configuration (20000)")
    parser.add_argument("--cold-sample", type=int, default=2000,
                        help="first-touch decide() calls timed per configuration (2000)")
    parser.add_argument("--seed", type=int, default=20261102)
    parser.add_argument("--worker", choices=("engine", "compare", "quote"), help=argparse.SUPPRESS)
    parser.add_argument("--skus", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rules", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "engine":
        print(json.dumps(engine_worker(args.skus, args.rules, args.count, args.cold_sample, args.seed)))
        return 0
    if args.worker == "compare":
        print(json.dumps(compare_worker(args.skus, args.rules, args.count, args.seed), default=str))
        return 0
    if args.worker == "quote":
        from bench.quote_bench import quote_worker

        print(json.dumps(quote_worker(args.skus, args.rules, args.count, args.seed)))
        return 0

    started = time.perf_counter()
    sizes = (1_000, 10_000) if args.quick else SIZES
    decisions = args.decisions or (3_000 if args.quick else 20_000)
    compare_skus = 1_000
    compare_count = {min(RULES): 300 if args.quick else 3_000, max(RULES): 30 if args.quick else 300}
    print(f"rules_bench: catalogs {', '.join(f'{n:,}' for n in sizes)} SKUs x "
          f"{', '.join(f'{r:,}' for r in RULES)} rules per SKU; {decisions:,} warm decisions each; "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    engine: dict[tuple[int, int], dict[str, Any]] = {}
    for n in sizes:
        for r in RULES:
            t0 = time.perf_counter()
            engine[(n, r)] = run_worker(["--worker", "engine", "--skus", str(n), "--rules", str(r),
                                         "--count", str(decisions), "--cold-sample", str(args.cold_sample),
                                         "--seed", str(args.seed)], timeout=600)
            print(f"  engine {n:>7,} SKUs x {r:>5,} rules: {time.perf_counter() - t0:5.1f}s", flush=True)
    compare: dict[int, dict[str, Any]] = {}
    missing = missing_packages()
    if missing:
        print(f"  {' and '.join(missing)} not installed (.venv/bin/pip install business-rules "
              f"rule-engine): {'the comparison is' if len(missing) == 2 else 'that engine is'} skipped "
              f"and its keys are null", flush=True)
    if len(missing) < 2:
        for r in RULES:
            t0 = time.perf_counter()
            compare[r] = run_worker(["--worker", "compare", "--skus", str(compare_skus), "--rules", str(r),
                                     "--count", str(compare_count[r]), "--seed", str(args.seed)], timeout=600)
            print(f"  volume-and-floor comparison, {r:>5,} rules: {time.perf_counter() - t0:5.1f}s", flush=True)
    from bench.quote_bench import print_table, summary_keys

    t0 = time.perf_counter()
    quotes = run_worker(["--worker", "quote", "--skus", "10000", "--rules", "10",
                         "--count", str(300 if args.quick else 3_000), "--seed", str(args.seed)], timeout=600)
    print(f"  whole quotes of 10 and 50 lines: {time.perf_counter() - t0:5.1f}s", flush=True)
    result = summary(engine, compare, sizes, RULES, time.perf_counter() - started)
    result.update(summary_keys(quotes))
    print_tables(engine, compare, result)
    print_table(quotes)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
