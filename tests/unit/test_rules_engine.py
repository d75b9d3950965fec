"""The decision engine on its own: pure inputs, pure outputs, no database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from counteroffer.rules import (
    Floor,
    OfferKind,
    Outcome,
    Policy,
    PriceBreak,
    PriceBreaks,
    PriceRequest,
    PricingContext,
    RuleSet,
    decide,
    floor_price,
    next_break,
    price_for_quantity,
)
from counteroffer.rules.loading import RuleDataError, rule_set_from_records

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONTEXT = PricingContext(list_price=D("120.00"), cost=D("80.00"), currency="USD")
SEED_RULES = RuleSet(
    floors=(Floor(sku="DEMO-120", min_margin_pct=D("20")),),
    price_breaks=(PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(3000, D("110.00")),)),))


def ask(target: str, quantity: int = 1000, rules: RuleSet = SEED_RULES,
        context: PricingContext = CONTEXT, **policy: object):
    request = PriceRequest("DEMO-120", quantity, D(target), context.currency)
    return decide(request, context, rules, NOW, Policy(**policy))


def test_seed_scenario_counters_with_the_volume_to_the_break():
    decision = ask("110.00")
    assert decision.outcome is Outcome.COUNTER
    [offer] = decision.offers
    assert offer.message == "Buy 2,000 more units (3,000 in total) and pay $110.00 each."
    assert (offer.kind, offer.quantity, offer.unit_price) == (OfferKind.VOLUME, 3000, D("110.00"))
    assert offer.expires_at == NOW + timedelta(hours=48)


def test_the_rep_explanation_shows_floor_margin_and_headroom():
    explanation = ask("110.00").offers[0].explanation
    assert "floor $96.00" in explanation
    assert "margin after offer $30.00/unit (37.5% over cost)" in explanation
    assert "headroom above floor $14.00/unit" in explanation


def test_target_at_the_price_for_the_quantity_is_accepted():
    decision = ask("120.00")
    assert decision.outcome is Outcome.ACCEPT
    assert [(o.kind, o.quantity, o.unit_price) for o in decision.offers] == [(OfferKind.PRICE, 1000, D("120.00"))]


def test_a_target_above_the_price_is_accepted_at_the_price():
    assert ask("130.00").offers[0].unit_price == D("120.00")


def test_quantity_already_at_the_break_is_accepted_at_the_break_price():
    decision = ask("110.00", quantity=3000)
    assert (decision.outcome, decision.offers[0].unit_price) == (Outcome.ACCEPT, D("110.00"))


def test_the_smallest_break_that_meets_the_target_is_chosen():
    rules = RuleSet(price_breaks=(PriceBreaks(sku="DEMO-120", breaks=(
        PriceBreak(2000, D("115.00")), PriceBreak(3000, D("110.00")), PriceBreak(5000, D("104.00")))),))
    assert ask("112.00", rules=rules).offers[0].quantity == 3000
    assert ask("116.00", rules=rules).offers[0].quantity == 2000
    assert ask("104.00", rules=rules).offers[0].message.startswith("Buy 4,000 more units (5,000 in total)")


def test_order_multiples_round_the_total_up():
    context = PricingContext(list_price=D("20.00"), cost=D("12.00"), currency="USD", order_multiple=50)
    rules = RuleSet(price_breaks=(PriceBreaks(breaks=(PriceBreak(1020, D("16.50")),)),))
    offer = ask("16.50", quantity=500, rules=rules, context=context).offers[0]
    assert (offer.quantity, offer.message) == (
        1050, "Buy 550 more units (1,050 in total) and pay $16.50 each.")


def test_a_break_below_the_floor_is_never_offered():
    rules = RuleSet(floors=(Floor(min_unit_price=D("112.00")),),
                    price_breaks=SEED_RULES.price_breaks)
    decision = ask("110.00", rules=rules)
    assert decision.outcome is Outcome.ESCALATE
    assert decision.offers == ()


def test_above_the_floor_with_no_trade_off_goes_to_a_person():
    decision = ask("100.00", quantity=1000, max_volume_factor=1)  # margin-neutral volume off
    assert (decision.outcome, decision.floor) == (Outcome.ESCALATE, D("96.00"))
    assert "a rep may agree" in decision.reason


def test_just_below_the_floor_escalates_and_far_below_declines():
    assert ask("90.00").outcome is Outcome.ESCALATE  # 96 * 0.9 = 86.40 is the line
    assert ask("86.40").outcome is Outcome.ESCALATE
    assert ask("86.39").outcome is Outcome.DECLINE
    assert ask("86.39", decline_below_floor_pct=D("20")).outcome is Outcome.ESCALATE


def test_the_stricter_of_margin_and_minimum_price_wins():
    both = (Floor(sku="DEMO-120", min_margin_pct=D("20"), min_unit_price=D("99.00")),)
    assert floor_price(both, "DEMO-120", CONTEXT) == D("99.00")
    low_min = (Floor(sku="DEMO-120", min_margin_pct=D("20"), min_unit_price=D("90.00")),)
    assert floor_price(low_min, "DEMO-120", CONTEXT) == D("96.00")


def test_the_strictest_applicable_floor_wins_across_scopes():
    floors = (Floor(min_margin_pct=D("30")), Floor(sku="DEMO-120", min_margin_pct=D("10")),
              Floor(sku="OTHER", min_unit_price=D("500")))
    assert floor_price(floors, "DEMO-120", CONTEXT) == D("104.00")


def test_without_any_floor_rule_the_floor_is_cost():
    assert floor_price((), "DEMO-120", CONTEXT) == D("80.00")


def test_a_floor_is_rounded_up_so_rounding_never_undercuts_it():
    context = PricingContext(list_price=D("10.00"), cost=D("3.333"), currency="USD")
    assert floor_price((Floor(min_margin_pct=D("0")),), "X", context) == D("3.34")


def test_segment_breaks_beat_general_ones_and_sku_beats_segment():
    general = PriceBreaks(breaks=(PriceBreak(3000, D("110.00")),))
    wholesale = PriceBreaks(segment="wholesale", breaks=(PriceBreak(2000, D("110.00")),))
    sku_only = PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(4000, D("110.00")),))
    wholesale_context = PricingContext(list_price=D("120.00"), cost=D("80.00"), currency="USD",
                                       segment="wholesale")
    assert ask("110.00", rules=RuleSet(price_breaks=(general, wholesale)),
               context=wholesale_context).offers[0].quantity == 2000
    assert ask("110.00", rules=RuleSet(price_breaks=(general, wholesale))).offers[0].quantity == 3000
    assert ask("110.00", rules=RuleSet(price_breaks=(general, wholesale, sku_only)),
               context=wholesale_context).offers[0].quantity == 4000


def test_priority_breaks_ties_between_equal_scopes():
    low = PriceBreaks(sku="DEMO-120", priority=1, breaks=(PriceBreak(3000, D("110.00")),))
    high = PriceBreaks(sku="DEMO-120", priority=5, breaks=(PriceBreak(2500, D("110.00")),))
    assert ask("110.00", rules=RuleSet(price_breaks=(low, high))).offers[0].quantity == 2500


@pytest.mark.parametrize("currency, target, shown", [
    ("JPY", "11000", "¥11,000"), ("KWD", "35.125", "KWD 35.125"), ("EUR", "110.00", "€110.00")])
def test_currencies_with_zero_two_and_three_decimals(currency, target, shown):
    list_price = {"JPY": D("12000"), "KWD": D("37.000"), "EUR": D("120.00")}[currency]
    context = PricingContext(list_price=list_price, cost=list_price / 2, currency=currency)
    rules = RuleSet(price_breaks=(PriceBreaks(breaks=(PriceBreak(3000, D(target)),)),))
    request = PriceRequest("X", 1000, D(target), currency)
    offer = decide(request, context, rules, NOW).offers[0]
    assert offer.message.endswith(f"pay {shown} each.")
    assert offer.unit_price == D(target)


def test_price_for_quantity_and_next_break():
    breaks = (PriceBreak(100, D("9.00")), PriceBreak(1000, D("8.00")))
    assert [price_for_quantity(D("10.00"), breaks, q) for q in (1, 99, 100, 999, 1000, 10**6)] == [
        D("10.00"), D("10.00"), D("9.00"), D("9.00"), D("8.00"), D("8.00")]
    assert next_break(breaks, 50) == breaks[0]
    assert next_break(breaks, 100) == breaks[1]
    assert next_break(breaks, 1000) is None


def test_rule_data_is_loaded_and_bad_data_names_the_field():
    rules = rule_set_from_records([
        {"kind": "floor", "sku": "A", "params": {"min_margin_pct": "15"}},
        {"kind": "price_breaks", "sku": "A", "params": {"breaks": [{"min_quantity": 10, "unit_price": "9.50"}]}}])
    assert rules.floors[0].min_margin_pct == D("15")
    assert rules.price_breaks[0].breaks == (PriceBreak(10, D("9.50")),)
    cases = [
        ({"kind": "floor", "params": {}}, "params"),
        ({"kind": "floor", "params": {"min_margin_pct": "abc"}}, "min_margin_pct"),
        ({"kind": "floor", "params": {"min_unit_price": "-1"}}, "min_unit_price"),
        ({"kind": "price_breaks", "params": {"breaks": [{"min_quantity": 0, "unit_price": "1"}]}},
         "breaks[0].min_quantity"),
        ({"kind": "price_breaks", "params": {"breaks": [{"min_quantity": 5, "unit_price": "1"},
                                                        {"min_quantity": 5, "unit_price": "1"}]}}, "breaks"),
        ({"kind": "bogus", "params": {}}, "kind"),
    ]
    for record, field in cases:
        with pytest.raises(RuleDataError) as caught:
            rule_set_from_records([record])
        assert caught.value.field == field


def test_a_catalog_price_below_the_floor_goes_to_a_person_not_to_the_buyer():
    rules = RuleSet(floors=(Floor(min_unit_price=D("125.00")),))
    decision = ask("120.00", rules=rules)
    assert (decision.outcome, decision.offers) == (Outcome.ESCALATE, ())
    assert "below the floor" in decision.reason


@pytest.mark.parametrize("target", ["120.00", "110.00", "100.00", "90.00", "50.00"])
def test_the_engines_fast_constructor_builds_what_the_dataclass_would(target):
    """``made`` skips the frozen ``__init__``: every field must still be set, and the
    results must equal (and hash like) ones built the ordinary way."""
    from dataclasses import fields, replace

    decision = ask(target)
    for made in (decision, *decision.offers, *decision.suggestions):
        assert {f.name for f in fields(made)} <= set(vars(made)), type(made).__name__
        assert replace(made) == made
    with pytest.raises(AttributeError):
        decision.outcome = Outcome.DECLINE  # still frozen for whoever holds it
