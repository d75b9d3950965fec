"""The volume-and-floor comparison's engines (bench/rules_bench.py): the same floors and
price breaks as adapters for ``business-rules`` and ``rule-engine``, answering as counteroffer does."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from bench.rules_bench_catalog import CENT, HUNDRED, category_of, sku_name
from counteroffer.rules import Floor, Outcome, Policy, PriceBreak, PriceRequest, PricingContext, RuleSet

# The volume-and-floor rule set: floors and price breaks only. For a request: the price
# for the quantity comes from the most specific price-break rule (SKU over category over
# all, segment over none, then priority; the first listed on a tie), the floor is the
# strictest of all matching floors (cost * (1 + margin), minimum price, never under cost;
# rounded up to the cent). A catalog price under the floor escalates; a target at or over
# the price is accepted; else the first break above the quantity whose price is between
# the floor and the target is countered, if it asks for at most ``max_volume_factor``
# times the quantity; else, if the target earns the same total margin on at most that
# many times the quantity, that quantity is countered at the target (margin-neutral
# volume); else the request is escalated. No request is declined (the decline line at
# 100% of the floor), and no guard band (the engine's default: none).

VOLUME_POLICY = Policy(decline_below_floor_pct=Decimal(100))
MOST_TIMES = VOLUME_POLICY.max_volume_factor


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
        if step.min_quantity > quantity * MOST_TIMES:
            return None  # breaks ascend: every later one asks for more still
        price = step.unit_price.quantize(CENT, rounding=ROUND_HALF_UP)
        if step.min_quantity > quantity and floor <= price <= target:
            return step.min_quantity, min(list_price, step.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
    return None


def margin_neutral(quantity: int, price: Decimal, cost: Decimal, floor: Decimal,
                   target: Decimal) -> tuple[int, Decimal] | None:
    """The fewest units at which ``target`` earns the margin ``quantity`` earns at
    ``price``: more than asked, at most ``MOST_TIMES`` as many; none under the floor."""
    if target < floor or target <= cost:
        return None
    total = int((quantity * (price - cost) / (target - cost)).to_integral_value(ROUND_CEILING))
    return (total, target) if quantity < total <= quantity * MOST_TIMES else None


def volume_counter(breaks: tuple[PriceBreak, ...], context: PricingContext, quantity: int,
                   floor: Decimal, target: Decimal) -> tuple[int, Decimal] | None:
    """The volume counter-offer: to a break, else margin-neutral."""
    found = volume_break(breaks, context.list_price, quantity, floor, target)
    if found is None:
        price = price_at_quantity(breaks, context.list_price, quantity)
        found = margin_neutral(quantity, price, context.cost, floor, target)
    return found


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
        volume = volume_counter(collect.breaks, context, request.quantity, floor, request.target_unit_price)
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
        volume = volume_counter(breaks, context, request.quantity, floor, target)
        verdict = {"price": price, "floor": floor, "target": target, "volume_break": volume is not None}
        for expression, outcome in self.decisions:
            if expression.matches(verdict):
                if outcome == "accept":
                    return Answer("accept", request.quantity, price)
                if outcome == "counter":
                    return Answer("counter", *volume)
                return Answer(outcome)
        return Answer("escalate")
