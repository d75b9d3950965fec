"""Shared builders for the whole-quote engine's tests (rules/quotes): the demo's three
lines and its rules, as records, so the tests read like the rules a shop writes."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

from counteroffer.rules import PricingContext, RuleSet
from counteroffer.rules.loading import rule_set_from_records
from counteroffer.rules.model import Policy
from counteroffer.rules.quotes import OrderTarget, QuoteDecision, QuoteLine, QuoteRequest, decide_quote

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

#: sku: (list price, cost, order multiple)
PRODUCTS = {"DEMO-120": (D("120.00"), D("80.00"), 1), "FST-M8-50": (D("14.50"), D("8.20"), 1),
            "GLV-NIT-L": (D("12.40"), D("7.10"), 10)}

DEMO_RULES: list[dict[str, Any]] = [
    {"kind": "floor", "params": {"min_margin_pct": "15"}},
    {"kind": "floor", "sku": "DEMO-120", "params": {"min_margin_pct": "20"}},
    {"kind": "price_breaks", "sku": "DEMO-120", "params": {"breaks": [{"min_quantity": 3000, "unit_price": "110.00"}]}},
    {"kind": "price_breaks", "sku": "FST-M8-50", "params": {"breaks": [
        {"min_quantity": 50, "unit_price": "13.40"}, {"min_quantity": 200, "unit_price": "12.60"}]}},
    {"kind": "price_breaks", "sku": "GLV-NIT-L", "params": {"breaks": [
        {"min_quantity": 100, "unit_price": "11.20"}, {"min_quantity": 500, "unit_price": "10.40"}]}},
    {"kind": "routing", "params": {"rep_reach_pct": "20"}},
]
CONCESSION = {"kind": "concession", "params": {"max_discount_pct": "10", "rounds": 3}}


def rules(*extra: dict[str, Any], base: list[dict[str, Any]] | None = None) -> RuleSet:
    return rule_set_from_records([*(DEMO_RULES if base is None else base), *extra])


def line(sku: str, quantity: int, target: str | None = None, **context: Any) -> QuoteLine:
    list_price, cost, multiple = PRODUCTS[sku]
    ctx = PricingContext(list_price=context.pop("list_price", list_price), cost=context.pop("cost", cost),
                         currency="USD", order_multiple=multiple, **context)
    return QuoteLine(sku, quantity, ctx, None if target is None else D(target))


DEMO_LINES = (line("DEMO-120", 1000), line("FST-M8-50", 200), line("GLV-NIT-L", 100))


def quote(lines: tuple[QuoteLine, ...] = DEMO_LINES, *, total: str | None = None, pct: str | None = None,
          rule_set: RuleSet | None = None, policy: Policy = Policy(), **request: Any) -> QuoteDecision:
    target = None
    if total is not None or pct is not None:
        target = OrderTarget(total=None if total is None else D(total), discount_pct=None if pct is None else D(pct))
    return decide_quote(QuoteRequest(lines, "USD", target, **request), rules() if rule_set is None else rule_set,
                        NOW, policy)
