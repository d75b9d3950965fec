"""Random whole quotes and rule sets for the quote engine's properties (hypothesis).

Hypothesis draws a seed; the case is built from it with ``random.Random``, which is
far cheaper than drawing each of a case's hundred numbers through hypothesis (10,000
cases a run in well under a minute) and still repeatable: a failure prints its seed.

A case is 1 to 6 lines of their own SKUs (list price, cost known or not, order
multiple, breaks, stock, guard draws), line rules (floors, a concession, routing, term
levers), whole-quote rules (tiers, an order floor, order levers), a policy (guard band,
the buyer's share of terms, offers shown, rounds, jitter) and a target: an order total,
a share off, or per-line targets.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from counteroffer.rules import (
    ConcessionPolicy,
    Floor,
    GuardDraws,
    PriceBreak,
    PriceBreaks,
    PricingContext,
    Routing,
    RuleSet,
    TermLever,
    minor_unit,
)
from counteroffer.rules.model import Policy
from counteroffer.rules.quotes import OrderFloor, OrderTarget, OrderTier, OrderTiers, QuoteLine, QuoteRequest

__all__ = ["Case", "cases", "build_case"]


@dataclass(frozen=True)
class Case:
    seed: int
    request: QuoteRequest
    rules: RuleSet
    policy: Policy
    order_floor_pct: Decimal | None


def _money(rng: random.Random, places: int, low: Decimal, high: Decimal) -> Decimal:
    step = Decimal(1).scaleb(-places)
    low, high = max(low, step), max(high, step)
    units = rng.randint(int(low / step), max(int(low / step), int(high / step)))
    return max(step, units * step)


def _pct(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 1)))


def _draw(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(0, 99)) / 100


def _line(rng: random.Random, index: int, currency: str, rules: list[object]) -> QuoteLine:
    places, sku = minor_unit(currency), f"S{index}"
    list_price = _money(rng, places, Decimal(1), Decimal(rng.choice([20, 200, 2000])))
    # Mostly a cost well under the price: a line priced under its floor escalates the quote.
    cost = _money(rng, 4, Decimal("0.01"), list_price * Decimal(rng.choice([20, 60, 85, 100])) / 100)
    multiple = rng.choice([1, 1, 5, 10, 12])
    quantity = rng.randint(1, 300) * multiple
    if rng.random() < 0.5:
        quantities = sorted({quantity * k + rng.randint(0, 50) for k in (1, 2, 4, 8)[:rng.randint(1, 3)]})
        prices = sorted((_money(rng, places, cost * Decimal(rng.choice([0.5, 1.1, 1.2])), list_price)
                         for _ in quantities), reverse=True)
        rules.append(PriceBreaks(sku=sku, breaks=tuple(PriceBreak(q, p) for q, p in zip(quantities, prices,
                                                                                      strict=True))))
    if rng.random() < 0.5:
        rules.append(Floor(sku=sku, min_margin_pct=rng.choice([None, _pct(rng, 0, 40)]),
                           min_unit_price=rng.choice([None, _money(rng, places, Decimal("0.01"), list_price)])))
    context = PricingContext(list_price=list_price, cost=cost, currency=currency, order_multiple=multiple,
                             guard_draws=GuardDraws(_draw(rng), _draw(rng)),
                             available=rng.choice([None, None, rng.randint(quantity, quantity * 20)]),
                             cost_known=rng.random() < 0.8)
    return QuoteLine(sku, quantity, context)


def _order_rules(rng: random.Random) -> tuple[tuple[OrderTiers, ...], tuple[OrderFloor, ...], tuple[TermLever, ...]]:
    tiers: tuple[OrderTiers, ...] = ()
    if rng.random() < 0.5:
        values = sorted({rng.randint(100, 2_000_000) for _ in range(rng.randint(1, 3))})
        discounts = sorted({_pct(rng, 0.5, 30) for _ in values})
        if len(discounts) == len(values):
            tiers = (OrderTiers(tuple(OrderTier(Decimal(v), d) for v, d in zip(values, discounts, strict=True))),)
    floors = (OrderFloor(_pct(rng, 0, 60)),) if rng.random() < 0.5 else ()
    groups = rng.sample(["payment", "delivery", "commitment"], rng.randint(0, 2))
    levers = tuple(TermLever(group=group, option=f"o-{group}", label=f"order {group}", scope="order",
                             value_pct=_pct(rng, 0.1, 6)) for group in groups)
    return tiers, floors, levers


def _rule_set(rng: random.Random, sku_rules: list[object]) -> RuleSet:
    tiers, order_floors, order_levers = _order_rules(rng)
    concessions = ((ConcessionPolicy(max_discount_pct=_pct(rng, 1, 40), first_position_pct=_pct(rng, 0, 50),
                                     exponent=rng.choice([Decimal("0.2"), Decimal(1), Decimal(2)]),
                                     rounds=rng.randint(2, 4)),) if rng.random() < 0.6 else ())
    routings = ((Routing(auto_accept_within_pct=_pct(rng, 0, 5),
                         auto_approval_limit=rng.choice([None, Decimal(rng.randint(1_000, 5_000_000))]),
                         rep_reach_pct=rng.choice([None, _pct(rng, 0, 40)])),) if rng.random() < 0.5 else ())
    levers = tuple(TermLever(group="payment", option=f"p{i}", label=f"pay {i}", value_pct=_pct(rng, 0.1, 5))
                   for i in range(rng.randint(0, 2)))
    return RuleSet(
        floors=(Floor(min_margin_pct=_pct(rng, 0, 25)), *(r for r in sku_rules if isinstance(r, Floor))),
        price_breaks=tuple(r for r in sku_rules if isinstance(r, PriceBreaks)),
        levers=levers, concessions=concessions, routings=routings,
        order_tiers=tiers, order_floors=order_floors, order_levers=order_levers)


def _targets(rng: random.Random, lines: list[QuoteLine], places: int,
             per_line: bool) -> tuple[list[QuoteLine], OrderTarget | None]:
    if per_line:
        return [QuoteLine(x.sku, x.quantity, x.context, rng.choice([None, _money(
            rng, places, x.context.list_price * Decimal("0.3"), x.context.list_price * Decimal("1.1"))]))
            for x in lines], None
    if rng.random() < 0.5:
        return lines, OrderTarget(discount_pct=_pct(rng, 0, 60))
    cart = sum((x.context.list_price * x.quantity for x in lines), Decimal(0))
    share = Decimal(rng.randint(5, 110)) / 100
    return lines, OrderTarget(total=(cart * share).quantize(Decimal(1).scaleb(-places)))


def build_case(seed: int, per_line: bool | None = None) -> Case:
    rng = random.Random(seed)
    currency = rng.choice(["USD", "USD", "JPY", "KWD"])
    places = minor_unit(currency)
    sku_rules: list[object] = []
    lines = [_line(rng, i, currency, sku_rules) for i in range(rng.randint(1, 6))]
    rules = _rule_set(rng, sku_rules)
    policy = Policy(floor_guard_pct=rng.choice([(Decimal(0), Decimal(0)), (Decimal(1), Decimal(5))]),
                    terms_buyer_share_pct=rng.choice([Decimal(0), Decimal(50)]), max_offers=rng.randint(1, 3),
                    max_rounds=rng.randint(3, 5), concession_jitter_pct=rng.choice([Decimal(0), Decimal(5)]))
    lines, target = _targets(rng, lines, places, rng.random() < 0.5 if per_line is None else per_line)
    request = QuoteRequest(tuple(lines), currency, target, round=rng.randint(1, 3), jitter=_draw(rng))
    floor = rules.order_floors[0].min_margin_pct if rules.order_floors else None
    return Case(seed, request, rules, policy, floor)


def cases(per_line: bool | None = None) -> st.SearchStrategy[Case]:
    return st.integers(0, 2**63).map(lambda seed: build_case(seed, per_line))
