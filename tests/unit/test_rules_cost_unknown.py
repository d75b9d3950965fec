"""Shops that keep no cost (PricingContext.cost_known False): floors come from
min_unit_price or max_discount_pct off list, never from a made-up cost; with neither the
floor is the list price; margin-based trade-offs stay out and the rep reads "cost unknown"."""
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
    floor_price,
)
from counteroffer.rules.loading import RuleDataError, rule_from_record
from counteroffer.rules.pricing import floor_from

NOW = datetime(2026, 11, 2, tzinfo=UTC)
D = Decimal


def _unknown(list_price: str = "26.00") -> PricingContext:
    return PricingContext(list_price=D(list_price), cost=D(0), currency="USD", cost_known=False)


def test_a_margin_floor_says_nothing_without_a_cost_and_the_list_price_holds():
    assert floor_from([Floor(min_margin_pct=D(20))], None, "USD", D("26.00")) == D("26.00")
    assert floor_from([], None, "USD", D("26.00")) == D("26.00")


def test_max_discount_pct_is_a_floor_off_list_and_the_strictest_floor_wins():
    assert floor_from([Floor(max_discount_pct=D(10))], None, "USD", D("26.00")) == D("23.40")
    both = [Floor(max_discount_pct=D(10)), Floor(min_unit_price=D("24.00")), Floor(min_margin_pct=D(50))]
    assert floor_from(both, None, "USD", D("26.00")) == D("24.00")
    # With a cost, max_discount_pct counts beside the margin floor: the stricter wins.
    assert floor_from([Floor(max_discount_pct=D(10)), Floor(min_margin_pct=D(10))], D("20.00"), "USD",
                      D("26.00")) == D("23.40")
    assert floor_price([Floor(sku="TEE", max_discount_pct=D(5))], "TEE", _unknown()) == D("24.70")


def test_the_loader_takes_max_discount_pct_and_refuses_100_or_more():
    floor = rule_from_record({"kind": "floor", "sku": "TEE", "params": {"max_discount_pct": "12.5"}})
    assert floor.max_discount_pct == D("12.5")
    try:
        rule_from_record({"kind": "floor", "params": {"max_discount_pct": "100"}})
    except RuleDataError as error:
        assert error.field == "max_discount_pct"
    else:
        raise AssertionError("a 100% discount floor was taken")


def test_the_issue_s_shop_gets_a_volume_offer_from_its_break_and_the_rep_reads_cost_unknown():
    rules = RuleSet(price_breaks=(PriceBreaks(sku="TEE", breaks=(PriceBreak(500, D("25.50")),)),),
                    floors=(Floor(sku="TEE", max_discount_pct=D(5)),))
    decision = decide(PriceRequest("TEE", 50, D("26.00") - D("0.50"), "USD"), _unknown(), rules, NOW)
    [offer] = [o for o in decision.offers if o.kind is OfferKind.VOLUME]
    assert (offer.quantity, offer.unit_price) == (500, D("25.50"))
    assert "cost unknown" in offer.explanation and "over cost" not in offer.explanation


def test_no_margin_neutral_volume_without_a_cost():
    """Margin-neutral volume needs a margin: with cost 0 standing in it would offer units
    against a margin nobody knows."""
    rules = RuleSet(floors=(Floor(sku="TEE", max_discount_pct=D(20)),))
    decision = decide(PriceRequest("TEE", 100, D("24.00"), "USD"), _unknown(), rules, NOW)
    assert not [o for o in decision.offers if o.kind is OfferKind.VOLUME]


@st.composite
def no_cost_cases(draw: st.DrawFn) -> tuple[PriceRequest, PricingContext, RuleSet, Decimal]:
    list_price = draw(st.decimals(min_value=D("1.00"), max_value=D("500.00"), places=2))
    floors = tuple(draw(st.lists(st.builds(
        Floor, sku=st.just("SKU"),
        min_margin_pct=st.none() | st.decimals(min_value=D(0), max_value=D(80), places=1),
        min_unit_price=st.none() | st.decimals(min_value=D("0.01"), max_value=D("600"), places=2),
        max_discount_pct=st.none() | st.decimals(min_value=D(0), max_value=D(99), places=1)), max_size=3)))
    quantities = sorted(set(draw(st.lists(st.integers(2, 10_000), max_size=4))))
    prices = sorted((draw(st.decimals(min_value=D("0.50"), max_value=list_price, places=2)) for _ in quantities),
                    reverse=True)
    rules = RuleSet(floors=floors, price_breaks=(PriceBreaks(sku="SKU", breaks=tuple(
        PriceBreak(q, p) for q, p in zip(quantities, prices, strict=True))),))
    context = PricingContext(list_price=list_price, cost=D(0), currency="USD", cost_known=False)
    request = PriceRequest("SKU", draw(st.integers(1, 10_000)),
                           draw(st.decimals(min_value=D("0.01"), max_value=D("600"), places=2)), "USD",
                           round=draw(st.integers(1, 3)))
    # The floor worked out by hand: no cost, so only the cost-free floors, else list.
    cost_free = [f.min_unit_price for f in floors if f.min_unit_price is not None] + [
        list_price * (1 - f.max_discount_pct / 100) for f in floors if f.max_discount_pct is not None]
    expected = max(cost_free) if cost_free else list_price
    return request, context, rules, expected


@settings(max_examples=300, deadline=None)
@given(no_cost_cases())
def test_without_a_cost_no_offer_is_below_the_cost_free_floor(case):
    request, context, rules, expected = case
    decision = decide(request, context, rules, NOW)
    assert decision.floor is not None and decision.floor >= expected
    for offer in (*decision.offers, *decision.suggestions):
        assert offer.unit_price >= expected
        assert offer.kind is not OfferKind.VOLUME or offer.unit_price < context.list_price
