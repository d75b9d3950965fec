"""Breaks against the live list price (rules/pricing.py: effective_breaks): a break at or
above the price it would lower (the list price dropped in a sale) is neither shown nor
offered."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import (
    Floor,
    OfferKind,
    PriceBreak,
    PriceBreaks,
    PriceRequest,
    PricingContext,
    RuleSet,
    decide,
    effective_breaks,
    next_break,
    price_for_quantity,
)

NOW = datetime(2026, 11, 2, tzinfo=UTC)
D = Decimal


def test_a_sale_below_a_break_hides_that_break_and_keeps_the_ones_below_the_sale_price():
    breaks = (PriceBreak(100, D("29.00")), PriceBreak(200, D("28.00")), PriceBreak(500, D("28.50")))
    assert effective_breaks(D("28.36"), breaks) == (PriceBreak(200, D("28.00")),)
    assert next_break(effective_breaks(D("28.36"), breaks), 50) == PriceBreak(200, D("28.00"))
    assert effective_breaks(D("28.00"), breaks) == ()  # at the price is no break either
    assert effective_breaks(D("30.00"), breaks) == breaks[:2]  # 500 @ 28.50 never lowered anything


def test_the_engine_offers_no_volume_at_a_break_above_the_sale_price():
    """The issue's shop: 50 units on sale at $28.36, a break from 100 units at $29.00."""
    rules = RuleSet(price_breaks=(PriceBreaks(sku="TEE", breaks=(PriceBreak(100, D("29.00")),)),),
                    floors=(Floor(sku="TEE", min_unit_price=D("20.00")),))
    context = PricingContext(list_price=D("28.36"), cost=D("15.00"), currency="USD")
    decision = decide(PriceRequest("TEE", 50, D("29.50"), "USD"), context, rules, NOW)
    assert all(offer.unit_price <= D("28.36") for offer in decision.offers)
    asked_less = decide(PriceRequest("TEE", 50, D("27.00"), "USD"), context, rules, NOW)
    assert not [o for o in asked_less.offers if o.kind is OfferKind.VOLUME and o.unit_price >= D("28.36")]


def _money(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2, allow_nan=False, allow_infinity=False)


@st.composite
def sale_cases(draw: st.DrawFn) -> tuple[PriceRequest, PricingContext, RuleSet]:
    list_price = draw(_money("1.00", "500.00"))
    # Breaks set before the sale: anywhere from far below to far above today's list price.
    quantities = sorted(set(draw(st.lists(st.integers(2, 10_000), max_size=6))))
    # Never rising with quantity: the rules loader refuses that (rules/loading.py).
    prices = sorted((draw(_money("0.50", str(list_price * 2))) for _ in quantities), reverse=True)
    breaks = tuple(PriceBreak(q, p) for q, p in zip(quantities, prices, strict=True))
    cost = draw(_money("0.01", str(list_price)))
    rules = RuleSet(price_breaks=(PriceBreaks(sku="SKU", breaks=breaks),),
                    floors=(Floor(sku="SKU", min_margin_pct=draw(st.sampled_from([None, D(0), D(10)]))),))
    context = PricingContext(list_price=list_price, cost=cost, currency="USD",
                             order_multiple=draw(st.sampled_from([1, 1, 10])))
    request = PriceRequest("SKU", draw(st.integers(1, 10_000)), draw(_money("0.01", "1000.00")), "USD")
    return request, context, rules


@settings(max_examples=300, deadline=None)
@given(sale_cases())
def test_no_volume_offer_costs_as_much_as_the_price_now_and_no_shown_break_does_either(case):
    request, context, rules = case
    breaks = rules.price_breaks[0].breaks
    price_now = price_for_quantity(context.list_price, breaks, request.quantity)
    for offer in decide(request, context, rules, NOW).offers:
        if offer.kind is OfferKind.VOLUME:
            assert offer.unit_price < price_now
    shown = effective_breaks(context.list_price, breaks)
    step = next_break(shown, request.quantity)
    if step is not None:
        assert step.unit_price < price_for_quantity(context.list_price, shown, request.quantity)
    before = context.list_price
    for kept in shown:
        assert kept.unit_price < before
        before = kept.unit_price
    # Hiding the breaks that lower nothing changes no price at any quantity.
    for quantity in (1, request.quantity, *(b.min_quantity for b in breaks)):
        assert price_for_quantity(context.list_price, shown, quantity) == \
            price_for_quantity(context.list_price, breaks, quantity)
