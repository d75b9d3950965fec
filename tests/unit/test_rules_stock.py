"""Stock in the engine: no offer, suggestion or acceptance is for more units than the
shop has of what it offers (issue 26, item 5)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import (
    OfferKind,
    Outcome,
    PriceBreak,
    PriceBreaks,
    PriceRequest,
    PricingContext,
    RuleSet,
    decide,
)
from tests.unit.test_rules_properties import NOW, cases

STOCK = st.none() | st.integers(0, 200_000)


@settings(max_examples=400, deadline=None)
@given(cases(), STOCK, STOCK)
def test_no_offer_is_for_more_than_the_shop_has(case, available, alt_available):
    request, context, rules = case
    alternatives = tuple(replace(alt, available=alt_available) for alt in context.alternatives)
    context = replace(context, available=available, alternatives=alternatives)
    decision = decide(request, context, rules, NOW)
    stock = {"SKU": available, **{alt.sku: alt.available for alt in alternatives}}
    for offer in (*decision.offers, *decision.suggestions):
        assert stock[offer.sku] is None or offer.quantity <= stock[offer.sku], (offer, stock)
    if available is not None and request.quantity > available:
        assert decision.outcome == Outcome.ESCALATE and not decision.offers


def _demo(available: int | None) -> tuple[PricingContext, RuleSet]:
    context = PricingContext(list_price=Decimal("120.00"), cost=Decimal("80.00"), currency="USD",
                             available=available)
    rules = RuleSet(price_breaks=(PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(3000, Decimal("110.00")),)),))
    return context, rules


def test_a_volume_offer_the_shop_cannot_deliver_gives_way_to_one_it_can():
    ask = PriceRequest("DEMO-120", 1000, Decimal("110.00"), "USD")
    plenty, rules = _demo(available=None)
    offered = decide(ask, plenty, rules, NOW).offers
    assert [(o.kind, o.quantity) for o in offered][:1] == [(OfferKind.VOLUME, 3000)]

    short, rules = _demo(available=2500)  # 3,000 for the break: more than in stock
    offered = decide(ask, short, rules, NOW).offers
    assert offered and all(o.quantity <= 2500 for o in offered)
    assert (OfferKind.VOLUME, 3000) not in [(o.kind, o.quantity) for o in offered]
