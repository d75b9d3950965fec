"""The rules bench's synthetic catalog (bench/rules_bench.py): SKUs with their costs and
list prices, a rule set in which every SKU reaches exactly R rules, and random requests."""
from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from counteroffer.rules import (
    ConcessionPolicy,
    Floor,
    PriceBreak,
    PriceBreaks,
    PriceRequest,
    PricingContext,
    Routing,
    RuleSet,
    TermLever,
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
