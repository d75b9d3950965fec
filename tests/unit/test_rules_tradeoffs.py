"""Every rule kind and every trade-off, on worked examples a pricing manager can check."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from counteroffer.rules import (
    AlternativeProduct,
    Alternatives,
    CompiledRules,
    ConcessionPolicy,
    EarlierOffer,
    Floor,
    LastPrice,
    OfferKind,
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
FLOOR = Floor(sku="DEMO-120", min_margin_pct=D("20"))  # 96.00 on a cost of 80.00
CONTEXT = PricingContext(list_price=D("120.00"), cost=D("80.00"), currency="USD",
                         category="hydraulics", segment="wholesale")
NET10 = TermLever(group="payment", option="net10", label="pay within 10 days", value_pct=D("2"))
PREPAY = TermLever(group="payment", option="prepay", label="pay up front", value_pct=D("4"))
PICKUP = TermLever(group="delivery", option="pickup", label="pick up at our warehouse",
                   value_per_unit=D("3.00"))
LEAD = TermLever(group="lead_time", option="+21d", label="accept delivery in 5 weeks",
                 value_per_unit=D("1.50"))


def ask(target: str, *rules: object, quantity: int = 1000, context: PricingContext = CONTEXT,
        round_: int = 1, **policy: object):
    rule_set = _rule_set(FLOOR, *rules)
    request = PriceRequest("DEMO-120", quantity, D(target), "USD", round=round_)
    return decide(request, context, rule_set, NOW, Policy(**policy))


def _rule_set(*rules: object) -> RuleSet:
    kinds = {Floor: "floors", PriceBreaks: "price_breaks", TermLever: "levers",
             Alternatives: "alternatives", ConcessionPolicy: "concessions", Routing: "routings"}
    grouped: dict[str, list] = {}
    for rule in rules:
        grouped.setdefault(kinds[type(rule)], []).append(rule)
    return RuleSet(**{k: tuple(v) for k, v in grouped.items()})


def kinds(decision) -> list[str]:
    return [offer.kind.value for offer in decision.offers]


def test_margin_neutral_volume_when_no_break_fits():
    # Asked: 1,000 at 120 earns 40,000. At 110 each unit earns 30: 1,334 units earn 40,020.
    decision = ask("110.00")
    assert decision.outcome is Outcome.COUNTER
    [offer] = decision.offers
    assert (offer.kind, offer.quantity, offer.unit_price) == (OfferKind.VOLUME, 1334, D("110.00"))
    assert offer.message == "Buy 334 more units (1,334 in total) and pay $110.00 each."
    assert (D("110.00") - D("80.00")) * 1334 >= (D("120.00") - D("80.00")) * 1000


def test_margin_neutral_volume_respects_order_multiples_and_the_volume_cap():
    multiple = PricingContext(list_price=D("120.00"), cost=D("80.00"), currency="USD", order_multiple=50)
    assert ask("110.00", context=multiple).offers[0].quantity == 1350
    assert ask("110.00", max_volume_factor=1).outcome is Outcome.ESCALATE


def test_the_cheapest_term_bundle_that_closes_the_gap_comes_first():
    # Gap 120 - 116 = 4.00 a unit. net10 is 2.40, prepay 4.80, pickup 3.00, lead time 1.50.
    # Closing bundles: pickup + lead time 4.50, prepay 4.80, net10 + pickup 5.40, ...
    decision = ask("116.00", NET10, PREPAY, PICKUP, LEAD, max_volume_factor=1)
    terms = {tuple(t.option for t in o.terms) for o in decision.offers if o.kind is OfferKind.TERMS}
    assert terms == {("pickup", "+21d"), ("prepay",)}


def test_term_bundle_message_and_price_and_no_bundle_that_asks_for_more():
    decision = ask("117.00", NET10, PICKUP, max_volume_factor=1)
    [offer] = [o for o in decision.offers if o.kind is OfferKind.TERMS]  # not net10 + pickup too
    assert offer.unit_price == D("117.00") and offer.quantity == 1000
    assert offer.message == "Pick up at our warehouse, and pay $117.00 each for 1,000 units."
    assert "terms worth $3.00/unit" in offer.explanation


def test_a_term_bundle_leaves_the_buyer_a_share_of_its_value():
    # Pickup is worth 3.00 a unit; a 25% share takes 0.75 off the target, so the seller
    # keeps 2.25: enough for a gap of 2.25 (117.75), not for one of 3.00 (117.00).
    shared = Policy(terms_buyer_share_pct=D("25"), max_volume_factor=1)
    decision = decide(PriceRequest("DEMO-120", 1000, D("117.75"), "USD"), CONTEXT, _rule_set(FLOOR, PICKUP),
                      NOW, shared)
    [offer] = [o for o in decision.offers if o.kind is OfferKind.TERMS]
    assert (offer.unit_price, offer.seller_value) == (D("117.00"), (D("117.00") - D("80.00") + 3) * 1000)
    assert offer.message == "Pick up at our warehouse, and pay $117.00 each for 1,000 units."
    too_far = decide(PriceRequest("DEMO-120", 1000, D("117.00"), "USD"), CONTEXT, _rule_set(FLOOR, PICKUP),
                     NOW, shared)
    assert [o for o in too_far.offers if o.kind is OfferKind.TERMS] == []


def test_a_term_bundle_is_never_offered_below_the_guard_price():
    # A lever worth 30.00 a unit: 25% of it (7.50) off a 100.00 target would be 92.50,
    # under the 96.00 floor: offered at the floor instead.
    rich = TermLever(group="commitment", option="12m", label="commit to 12 months", value_per_unit=D("30.00"))
    decision = decide(PriceRequest("DEMO-120", 1000, D("100.00"), "USD"), CONTEXT, _rule_set(FLOOR, rich),
                      NOW, Policy(terms_buyer_share_pct=D("25"), max_volume_factor=1))
    assert [o.unit_price for o in decision.offers if o.kind is OfferKind.TERMS] == [D("96.00")]


def test_one_option_per_lever_group():
    decision = ask("113.00", NET10, PREPAY, max_volume_factor=1)  # gap 7: net10+prepay would be 7.20
    assert [o for o in decision.offers if o.kind is OfferKind.TERMS] == []


def test_an_equivalent_product_at_the_target_if_it_keeps_its_own_floor():
    alt = AlternativeProduct(sku="DEMO-121", name="Hydraulic fitting, brass", list_price=D("118.00"),
                             cost=D("70.00"), category="hydraulics")
    context = PricingContext(**{**CONTEXT.__dict__, "alternatives": (alt,)})
    alt_floor = Floor(sku="DEMO-121", min_margin_pct=D("50"))  # 105.00
    decision = ask("106.00", Alternatives(sku="DEMO-120", skus=("DEMO-121",)), alt_floor,
                   context=context, max_volume_factor=1)
    [offer] = [o for o in decision.offers if o.kind is OfferKind.ALTERNATIVE]
    assert (offer.sku, offer.unit_price, offer.quantity) == ("DEMO-121", D("106.00"), 1000)
    assert offer.message == ("Take Hydraulic fitting, brass (DEMO-121), an equivalent product, "
                             "instead: 1,000 units at $106.00 each.")
    below_its_floor = ask("104.00", Alternatives(sku="DEMO-120", skus=("DEMO-121",)), alt_floor,
                          context=context, max_volume_factor=1)
    assert not [o for o in below_its_floor.offers if o.kind is OfferKind.ALTERNATIVE]


def test_the_last_price_paid_is_offered_again_and_said_so():
    paid = LastPrice(unit_price=D("112.00"), quantity=1200, paid_at=NOW - timedelta(days=60))
    context = PricingContext(**{**CONTEXT.__dict__, "last_price": paid})
    decision = ask("108.00", context=context, max_volume_factor=1)
    [anchor] = [o for o in decision.offers if o.kind is OfferKind.ANCHOR]
    assert anchor.unit_price == D("112.00")
    assert anchor.message == ("You paid $112.00 each for 1,200 units on 03 Sep 2026; "
                              "we can do that price again: 1,000 units at $112.00 each.")


@pytest.mark.parametrize("paid, why", [
    (LastPrice(D("112.00"), 1200, NOW - timedelta(days=400)), "too long ago"),
    (LastPrice(D("112.00"), 100, NOW - timedelta(days=10)), "not a comparable quantity"),
    (LastPrice(D("90.00"), 1000, NOW - timedelta(days=10)), "below today's floor"),
])
def test_a_last_price_is_no_anchor_when(paid, why):
    context = PricingContext(**{**CONTEXT.__dict__, "last_price": paid})
    decision = ask("108.00", context=context, max_volume_factor=1)
    assert OfferKind.ANCHOR not in [o.kind for o in decision.offers], why


LINEAR = ConcessionPolicy(max_discount_pct=D("10"), first_position_pct=D("0"), exponent=D("1"), rounds=3)


def test_concessions_follow_the_curve_round_by_round():
    # Room: 120.00 down to the reservation 108.00 (10% off; the floor is 96.00). Four rounds
    # for the buyer: in its last one, a target under the concession goes to a person.
    prices = [ask("100.00", LINEAR, round_=r, max_volume_factor=1, max_rounds=4).offers for r in (1, 2, 3)]
    concessions = [[o.unit_price for o in offers if o.kind is OfferKind.CONCESSION] for offers in prices]
    assert concessions == [[], [D("114.00")], [D("108.00")]]  # round 1 concedes nothing (k = 0)
    first = ConcessionPolicy(max_discount_pct=D("10"), first_position_pct=D("25"), rounds=3)
    assert [o.unit_price for o in ask("100.00", first, max_volume_factor=1).offers] == [D("117.00")]


# Round 2 of 3 is t = 0.5: Boulware concedes 0.5**5 of the 12.00, linear half, conceder 0.5**0.5.
@pytest.mark.parametrize("exponent, second_round", [("0.2", "119.63"), ("1", "114.00"), ("2", "111.52")])
def test_boulware_holds_out_and_conceder_gives_early(exponent, second_round):
    policy = ConcessionPolicy(max_discount_pct=D("10"), exponent=D(exponent), rounds=3)
    offers = ask("100.00", policy, round_=2, max_volume_factor=1).offers
    assert [o.unit_price for o in offers if o.kind is OfferKind.CONCESSION] == [D(second_round)]


def test_a_round_never_goes_back_on_an_earlier_concession():
    context = PricingContext(**{**CONTEXT.__dict__, "earlier_offers": (EarlierOffer(1000, D("112.00")),)})
    offers = ask("100.00", LINEAR, round_=2, context=context, max_volume_factor=1).offers
    assert [o.unit_price for o in offers if o.kind is OfferKind.CONCESSION] == [D("112.00")]


def test_a_concession_counts_for_its_quantity_and_a_reps_for_its_own_alone():
    rules = (Floor(sku="DEMO-120", min_unit_price=D("100.00")), SEED_BREAK,
             ConcessionPolicy(max_discount_pct=D("15"), first_position_pct=D("25"), rounds=6))

    def concession(quantity: int, round_: int, *earlier: EarlierOffer) -> list[D]:
        context = PricingContext(**{**CONTEXT.__dict__, "earlier_offers": earlier})
        offers = ask("90.00", *rules, quantity=quantity, round_=round_, context=context, max_rounds=6).offers
        return [o.unit_price for o in offers if o.kind is OfferKind.CONCESSION]

    # 107.50 for 3,000 (25% of 110.00 - 100.00) is 25% of that quantity's room: for 200
    # units the same share is 115.50, above round 2's own 112.80, which stands.
    assert concession(200, 2, EarlierOffer(3000, D("107.50"))) == [D("112.80")]
    # The other way, 3,000 units keep the share conceded on 200 (40% of the room: 106.00),
    # even where their own curve says less (107.50 in round 1, say after the rules changed).
    assert concession(3000, 1, EarlierOffer(200, D("112.80"))) == [D("106.00")]
    # A rep's 102.57 for 5,051 binds 5,051 units and more, and not 2,000...
    rep = EarlierOffer(5051, D("102.57"), by_rep=True)
    assert concession(5051, 2, rep) == concession(6000, 2, rep) == [D("102.57")]
    assert concession(2000, 2, rep) == [D("112.80")]
    # ...nor does the rules' own 102.57 for 5,051 or 6,000, which only held to the rep's price.
    assert concession(2000, 3, rep, EarlierOffer(6000, D("102.57"))) == [D("110.10")]


def test_when_the_concession_reaches_the_target_the_target_is_accepted():
    decision = ask("114.00", LINEAR, round_=2, max_volume_factor=1)
    assert (decision.outcome, decision.offers[0].unit_price) == (Outcome.ACCEPT, D("114.00"))


def test_auto_accept_within_a_share_of_the_price():
    routing = Routing(auto_accept_within_pct=D("5"))
    assert ask("114.00", routing).outcome is Outcome.ACCEPT
    assert ask("113.99", routing).outcome is Outcome.COUNTER


def test_strategic_accounts_and_large_orders_go_to_a_rep_with_suggestions():
    strategic = ask("110.00", Routing(strategic_segments=("wholesale",)))
    assert (strategic.outcome, strategic.offers) == (Outcome.ESCALATE, ())
    assert [o.kind for o in strategic.suggestions] == [OfferKind.VOLUME]
    # The limit is on what would be sold: the volume offer, 1,334 at $110.00 = $146,740.00,
    # not the bid (1,000 at $110.00).
    large = ask("110.00", Routing(auto_approval_limit=D("146739.99")))
    assert large.outcome is Outcome.ESCALATE and "auto-approval limit" in large.reason
    assert [(o.quantity, o.unit_price) for o in large.suggestions] == [(1334, D("110.00"))]
    assert ask("110.00", Routing(auto_approval_limit=D("146740"))).outcome is Outcome.COUNTER


def test_rep_reach_sets_the_line_between_escalate_and_decline():
    wide = Routing(rep_reach_pct=D("30"))
    assert ask("70.00", wide).outcome is Outcome.ESCALATE
    assert ask("67.19", wide).outcome is Outcome.DECLINE
    strategic = Routing(strategic_segments=("wholesale",))
    assert ask("10.00", strategic).outcome is Outcome.ESCALATE  # never declined


def test_offers_are_ranked_by_value_to_the_seller_in_the_units_asked_and_capped():
    """Issue 23: more units than asked count only in the share asked for, since a buyer
    takes them less often. Margin-neutral volume (1,429 units at $108.00, worth $40,012)
    is worth $28,000 in the 1,000 units asked, under the anchor's $32,000 (1,000 at $112.00)."""
    paid = LastPrice(unit_price=D("112.00"), quantity=1000, paid_at=NOW - timedelta(days=5))
    context = PricingContext(**{**CONTEXT.__dict__, "last_price": paid})
    everything = ask("108.00", context=context)  # the anchor at 112 and margin-neutral volume
    assert [(o.kind, o.quantity, o.seller_value) for o in everything.offers] == [
        (OfferKind.ANCHOR, 1000, D("32000.00")), (OfferKind.VOLUME, 1429, D("40012.00"))]
    likely = [o.seller_value * min(1000, o.quantity) / o.quantity for o in everything.offers]
    assert likely == sorted(likely, reverse=True)
    assert ask("108.00", context=context, max_offers=1).offers == everything.offers[:1]


def test_most_specific_scope_wins_sku_over_category_over_all():
    general = PriceBreaks(breaks=(PriceBreak(5000, D("110.00")),))
    category = PriceBreaks(category="hydraulics", breaks=(PriceBreak(4000, D("110.00")),))
    sku = PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(3000, D("110.00")),))
    other_category = PriceBreaks(category="fasteners", breaks=(PriceBreak(2000, D("110.00")),))
    assert ask("110.00", general, other_category).offers[0].quantity == 5000
    assert ask("110.00", general, category).offers[0].quantity == 4000
    assert ask("110.00", general, category, sku).offers[0].quantity == 3000


def test_compiled_rules_decide_exactly_like_the_plain_rule_set():
    breaks = PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(3000, D("110.00")),))
    rules = _rule_set(FLOOR, NET10, PICKUP, LINEAR, breaks)
    compiled = CompiledRules(rules)
    for target in ("100.00", "110.00", "116.00", "119.00"):
        request = PriceRequest("DEMO-120", 1000, D(target), "USD", round=2)
        assert decide(request, CONTEXT, compiled, NOW) == decide(request, CONTEXT, rules, NOW)


def test_asking_at_or_above_the_last_price_paid_is_accepted():
    paid = LastPrice(unit_price=D("112.00"), quantity=1000, paid_at=NOW - timedelta(days=5))
    context = PricingContext(**{**CONTEXT.__dict__, "last_price": paid})
    decision = ask("113.00", context=context)
    assert (decision.outcome, decision.offers[0].unit_price) == (Outcome.ACCEPT, D("113.00"))


SEED_BREAK = PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(3000, D("110.00")),))


@pytest.mark.parametrize("target, outcome, message", [
    ("120.00", Outcome.ACCEPT, "We can do 1,000 units at $120.00 each."),
    ("110.00", Outcome.COUNTER, "Buy 2,000 more units (3,000 in total) and pay $110.00 each."),
    ("100.00", Outcome.COUNTER, "Buy 1,000 more units (2,000 in total) and pay $100.00 each."),
    ("90.00", Outcome.ESCALATE, None),
    ("50.00", Outcome.DECLINE, None),
])
def test_the_worked_examples_of_docs_rules_md(target, outcome, message):
    decision = ask(target, SEED_BREAK)
    assert decision.outcome is outcome
    assert [o.message for o in decision.offers][:1] == ([message] if message else [])


def test_the_docs_lever_and_concession_examples():
    pickup = ask("117.00", SEED_BREAK, PICKUP, quantity=500)
    assert "Pick up at our warehouse, and pay $117.00 each for 500 units." in [o.message for o in pickup.offers]
    policy = ConcessionPolicy(max_discount_pct=D("10"), first_position_pct=D("25"), rounds=3)
    prices, previous, decisions = [], None, []
    for round_ in (1, 2, 3):
        earlier = () if previous is None else (EarlierOffer(500, previous),)
        context = PricingContext(**{**CONTEXT.__dict__, "earlier_offers": earlier})
        decisions.append(ask("100.00", SEED_BREAK, policy, quantity=500, round_=round_, context=context))
        found = decisions[-1].offers or decisions[-1].suggestions
        previous = next(o.unit_price for o in found if o.kind is OfferKind.CONCESSION)
        prices.append(previous)
    assert prices == [D("117.00"), D("112.50"), D("108.00")]
    # Beside each counter, its price for more units; the third round is the buyer's last
    # (Policy().max_rounds), so a rep answers, with the $108.00 among the suggestions.
    # Ranked by what they are likely worth (issue 23): 541 units count as 500.
    assert [o.message for o in decisions[0].offers] == [
        "We can come down to $117.00 each for 500 units.",
        "Buy 41 more units (541 in total) and pay $117.00 each.",  # 541 x $37.00 >= 500 x $40.00
        "Buy 500 more units (1,000 in total) and pay $100.00 each."]
    assert decisions[2].outcome is Outcome.ESCALATE and decisions[2].offers == ()


def test_rounding_to_the_order_multiple_never_lands_on_a_break_below_the_floor():
    # Found by the property test: 51 @ 0.02 qualifies, but cartons of 10 make it 60 units,
    # which reach the 52 @ 0.01 break, below the 0.02 floor.
    context = PricingContext(list_price=D("1.00"), cost=D("0.0101"), currency="USD", order_multiple=10)
    rules = PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(51, D("0.02")), PriceBreak(52, D("0.01"))))
    request = PriceRequest("DEMO-120", 2, D("0.02"), "USD")
    decision = decide(request, context, RuleSet(price_breaks=(rules,)), NOW, Policy(max_volume_factor=1))
    assert all(o.unit_price >= D("0.02") for o in decision.offers)
