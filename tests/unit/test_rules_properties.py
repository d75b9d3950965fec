"""Properties of the engine over random rule sets and requests (hypothesis)."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import (Floor, Outcome, PriceBreak, PriceBreaks, PriceRequest,
                                PricingContext, RuleSet, decide, floor_price, minor_unit)

NOW = datetime(2026, 11, 2, tzinfo=timezone.utc)
CURRENCIES = st.sampled_from(["USD", "JPY", "KWD"])


def money(places: int, low: str = "0.001", high: str = "5000") -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places,
                       allow_nan=False, allow_infinity=False).filter(lambda d: d > 0)


@st.composite
def cases(draw: st.DrawFn) -> tuple[PriceRequest, PricingContext, RuleSet]:
    currency = draw(CURRENCIES)
    places = minor_unit(currency)
    list_price = draw(money(places, "1", "5000"))
    cost = draw(money(4, "0.01", str(list_price)))
    quantities = sorted(set(draw(st.lists(st.integers(2, 100_000), max_size=6))))
    prices = sorted(draw(st.lists(money(places, "0.01", str(list_price)),
                                  min_size=len(quantities), max_size=len(quantities))), reverse=True)
    floors = draw(st.lists(st.builds(Floor, min_margin_pct=st.none() | money(2, "0", "80"),
                                     min_unit_price=st.none() | money(places, "0.01", "3000")), max_size=3))
    rules = RuleSet(floors=tuple(floors), price_breaks=(PriceBreaks(breaks=tuple(
        PriceBreak(q, p) for q, p in zip(quantities, prices))),))
    context = PricingContext(list_price=list_price, cost=cost, currency=currency,
                             order_multiple=draw(st.sampled_from([1, 1, 10, 50])))
    request = PriceRequest("SKU", draw(st.integers(1, 100_000)), draw(money(places, "0.01", "6000")), currency)
    return request, context, rules


@settings(max_examples=400, deadline=None)
@given(cases())
def test_no_automatic_offer_is_ever_below_the_floor_after_rounding(case):
    request, context, rules = case
    decision = decide(request, context, rules, NOW)
    floor = floor_price(rules.floors, request.sku, context)
    for offer in decision.offers:
        assert offer.unit_price >= floor
        assert offer.unit_price == offer.unit_price.quantize(Decimal(1).scaleb(-minor_unit(context.currency)))


@settings(max_examples=200, deadline=None)
@given(cases())
def test_the_same_inputs_give_the_same_decision(case):
    assert decide(*case, NOW) == decide(*case, NOW)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_offers_give_the_buyer_their_price_and_at_least_their_quantity(case):
    request, context, rules = case
    decision = decide(request, context, rules, NOW)
    for offer in decision.offers:
        assert offer.unit_price <= request.target_unit_price or decision.outcome is Outcome.ACCEPT
        assert offer.quantity >= request.quantity
        assert offer.quantity % context.order_multiple == 0 or offer.quantity == request.quantity
    if decision.outcome in (Outcome.ESCALATE, Outcome.DECLINE):
        assert decision.offers == ()
