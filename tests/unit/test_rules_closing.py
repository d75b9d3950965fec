"""Closing moves (rules/closing.py, issue 19 item 2): the same price for more units beside a
concession and beside an accepted target, and a person in the buyer's last round.

DEMO-120: list $120.00, cost $80.00, floor $96.00 (20% over cost), a $110.00 break from
3,000 units; the pure engine's Policy() has no guard band, so the guarded cost is the cost.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import (
    ConcessionPolicy,
    EarlierBid,
    EarlierOffer,
    Floor,
    GuardDraws,
    OfferKind,
    Outcome,
    Policy,
    PriceBreak,
    PriceBreaks,
    PriceRequest,
    PricingContext,
    Routing,
    RuleSet,
    decide,
)
from counteroffer.rules.closing import LAST_ROUND, LAST_ROUND_ACCEPTED
from counteroffer.rules.money import round_money, round_up
from tests.unit.test_rules_quantity_properties import _concession, _play, scenarios

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONTEXT = PricingContext(list_price=D("120.00"), cost=D("80.00"), currency="USD")
FLOOR = Floor(sku="DEMO-120", min_margin_pct=D("20"))
BREAK = PriceBreaks(sku="DEMO-120", breaks=(PriceBreak(3000, D("110.00")),))
# 10% off at most ($108.00), linear over 3 rounds, 25% of the room at once: $117.00,
# $112.50, $108.00 for 1,000 units.
CONCESSION = ConcessionPolicy(max_discount_pct=D("10"), first_position_pct=D("25"), rounds=3)


def ask(target: str, round_: int = 1, quantity: int = 1000, routing: Routing | None = None,
        context: PricingContext = CONTEXT, concession: ConcessionPolicy | None = CONCESSION,
        floor: Floor = FLOOR, **policy: object):
    rules = RuleSet(floors=(floor,), price_breaks=(BREAK,),
                    concessions=(concession,) if concession else (),
                    routings=(routing,) if routing else ())
    request = PriceRequest("DEMO-120", quantity, D(target), "USD", round=round_)
    return decide(request, context, rules, NOW, Policy(**policy))


def offered(decision) -> list[tuple[str, int, D]]:
    return [(o.kind.value, o.quantity, o.unit_price) for o in decision.offers]


def test_beside_the_concession_the_same_price_for_the_margin_neutral_quantity():
    # Round 1 at $90.00 (below the floor: no volume at the target): $117.00 for 1,000, or
    # for 1,082 units, the fewest that earn at $37.00 what 1,000 earn at $40.00. Ranked by
    # what they are likely worth (issue 23), both count as 1,000 x $37.00: the quantity
    # asked comes first, as an accepted price does.
    decision = ask("90.00")
    assert decision.outcome is Outcome.COUNTER
    assert offered(decision) == [("concession", 1000, D("117.00")), ("volume", 1082, D("117.00"))]
    assert decision.offers[1].message == "Buy 82 more units (1,082 in total) and pay $117.00 each."
    assert 1082 * D(37) >= 1000 * D(40) > 1081 * D(37)
    # Round 2: $112.50 for 1,000, or for 1,231 (1,231 x $32.50 >= 1,000 x $40.00).
    assert offered(ask("90.00", round_=2)) == [("concession", 1000, D("112.50")), ("volume", 1231, D("112.50"))]


def test_more_units_at_the_concession_are_in_order_multiples_and_stock():
    cartons = replace(CONTEXT, order_multiple=50)
    assert offered(ask("90.00", context=cartons))[1] == ("volume", 1100, D("117.00"))
    short = replace(CONTEXT, available=1081)  # one unit short of the 1,082 it needs
    assert offered(ask("90.00", context=short)) == [("concession", 1000, D("117.00"))]


def test_no_more_units_without_a_cost_past_the_volume_factor_or_onto_a_cheaper_break():
    unknown = replace(CONTEXT, cost=D(0), cost_known=False)  # a floor of its own: $96.00
    by_price = Floor(sku="DEMO-120", min_unit_price=D("96.00"))
    assert [o.kind for o in ask("90.00", context=unknown, floor=by_price).offers] == [OfferKind.CONCESSION]
    # 1,082 units is more than 1.05 times the 1,000 asked.
    assert [o.kind for o in ask("90.00", max_volume_factor=1).offers] == [OfferKind.CONCESSION]
    # 2,900 units at $117.00 would need 3,133: past the break, where the catalog asks $110.00.
    assert [o.kind for o in ask("90.00", quantity=2900).offers] == [OfferKind.CONCESSION]


def test_more_units_never_push_another_offer_out():
    # Margin-neutral volume at the $100.00 target and the concession fill max_offers=2:
    # the same price for more units is left out rather than take the concession's place.
    decision = ask("100.00", max_offers=2)
    assert [o.kind for o in decision.offers] == [OfferKind.CONCESSION, OfferKind.VOLUME]
    assert [o.unit_price for o in decision.offers] == [D("117.00"), D("100.00")]


def test_beside_an_accepted_target_the_same_price_for_more_units():
    # Round 2's concession ($112.50) reaches a $113.00 target: accepted, and beside it the
    # same $113.00 for 1,213 units (1,213 x $33.00 >= 1,000 x $40.00). The accepted price
    # comes first: it is what the buyer asked for.
    decision = ask("113.00", round_=2)
    assert decision.outcome is Outcome.ACCEPT
    assert offered(decision) == [("price", 1000, D("113.00")), ("volume", 1213, D("113.00"))]
    # Not past the approval limit: 1,213 x $113.00 is $137,069.00.
    capped = ask("113.00", round_=2, routing=Routing(auto_approval_limit=D("137068.99")))
    assert offered(capped) == [("price", 1000, D("113.00"))]
    # At the price for the quantity there is nothing to trade.
    assert offered(ask("120.00")) == [("price", 1000, D("120.00"))]


def test_in_the_last_round_a_target_below_the_concession_goes_to_a_person():
    # $95.00 (below the $96.00 floor, the guard price of Policy()): no more units are sold
    # at it, so a person answers, with the rules' last concession as a suggestion.
    decision = ask("95.00", round_=3)  # Policy().max_rounds is 3: the buyer's last word
    assert (decision.outcome, decision.reason, decision.offers) == (Outcome.ESCALATE, LAST_ROUND, ())
    assert (OfferKind.CONCESSION, D("108.00")) in [(o.kind, o.unit_price) for o in decision.suggestions]
    # A round before the last still counters; so does a buyer allowed a fourth round.
    assert ask("95.00", round_=2).outcome is Outcome.COUNTER
    assert ask("95.00", round_=3, max_rounds=4).outcome is Outcome.COUNTER
    # At or above the last concession: accepted, with the same price for more units.
    accepted = ask("108.00", round_=3)
    assert accepted.outcome is Outcome.ACCEPT and [o.kind for o in accepted.offers] == [
        OfferKind.PRICE, OfferKind.VOLUME]
    # Below the decline line (10% under the floor, $86.40): declined, as in every round
    # (issue 23: no concession far above the ask), not a person.
    far = ask("80.00", round_=3)
    assert (far.outcome, far.offers, far.suggestions) == (Outcome.DECLINE, (), ())
    # Without a concession rule the last round is like any other.
    assert ask("100.00", round_=3, concession=None).outcome is Outcome.COUNTER


# The plugin's default guard band (1% to 5% of list) and jitter (3%), and issue 19's
# reference shop's concession: 18% off at most ($98.40), 20% of the room at once.
BAND = (D(1), D(5))
DEEP = ConcessionPolicy(max_discount_pct=D("18"), first_position_pct=D("20"), rounds=3)


def guarded(target: str, round_: int = 3, floor_draw: str = "0.5", jitter: str = "0.5",
            context: PricingContext = CONTEXT, floor: Floor = FLOOR, routing: Routing | None = None, **policy):
    """DEMO-120 with a guard price: floor draw 0.5 is $96.00 + 3% of $120.00 = $99.60 (the
    reservation, above $98.40); the guarded cost $80.00 + 1.2% of $120.00 = $81.44."""
    drawn = replace(context, guard_draws=GuardDraws(floor=D(floor_draw), cost=D("0.05")))
    rules = RuleSet(floors=(floor,), price_breaks=(BREAK,), concessions=(DEEP,),
                    routings=(routing,) if routing else ())
    request = PriceRequest("DEMO-120", 1000, D(target), "USD", round=round_, jitter=D(jitter))
    return decide(request, drawn, rules, NOW, Policy(floor_guard_pct=BAND, concession_jitter_pct=D(3), **policy))


def test_in_the_last_round_a_target_the_rules_reach_without_jitter_is_accepted():
    # Issue 23: this negotiation's jitter (0.5 of $3.60) puts the last concession at
    # $101.40, $1.80 above the reservation ($99.60, the guard price). A last bid of $100.00
    # went to a person, who approved it. Now it is accepted, with the same price for more
    # units beside it (2,078 x $18.56 >= 1,000 x $38.56 > 2,077 x $18.56), which round 1
    # already offers at $100.00: the engine sells at that price on its own.
    assert ("volume", 2078, D("100.00")) in offered(guarded("100.00", round_=1))
    last = guarded("100.00")
    assert (last.outcome, last.reason) == (Outcome.ACCEPT, LAST_ROUND_ACCEPTED)
    assert offered(last) == [("price", 1000, D("100.00")), ("volume", 2078, D("100.00"))]
    # A cent under the reservation: a person, with the jittered concession as a suggestion.
    below = guarded("99.59")
    assert (below.outcome, below.reason) == (Outcome.ESCALATE, LAST_ROUND)
    assert [o.unit_price for o in below.suggestions if o.kind is OfferKind.CONCESSION] == [D("101.40")]
    # Before the last round, the same target gets a counter (the pace rule, the curve).
    assert guarded("100.00", round_=2).outcome is Outcome.COUNTER
    # A guard price under $98.40 (draw 0: $97.20): the shop's 18% still bounds what the
    # rules accept on their own; $98.39 goes to a person, $98.40 is accepted.
    assert guarded("98.39", floor_draw="0").reason == LAST_ROUND
    assert guarded("98.40", floor_draw="0").reason == LAST_ROUND_ACCEPTED


def test_in_the_last_round_no_acceptance_where_no_more_units_are_sold_at_the_target():
    # No cost (a floor by price): no units are sold at the target, so a person, as before.
    unknown = replace(CONTEXT, cost=D(0), cost_known=False)
    by_price = Floor(sku="DEMO-120", min_unit_price=D("96.00"))
    assert guarded("100.00", context=unknown, floor=by_price).reason == LAST_ROUND
    # Not enough stock for the 2,078 units, or past the volume factor: a person.
    assert guarded("100.00", context=replace(CONTEXT, available=2000)).reason == LAST_ROUND
    assert guarded("100.00", max_volume_factor=2).reason == LAST_ROUND
    # The extra units over the approval limit (2,078 x $100.00): not offered, so a person.
    capped = guarded("100.00", routing=Routing(auto_approval_limit=D("207799.99")))
    assert (capped.outcome, capped.reason) == (Outcome.ESCALATE, LAST_ROUND)


@settings(max_examples=300, deadline=None)
@given(share=st.decimals(D("0.70"), D("0.92"), places=3), quantity=st.sampled_from([100, 730, 1000, 2500, 2990]),
       floor_draw=st.decimals(D(0), D("0.999"), places=3), cost_draw=st.decimals(D(0), D("0.999"), places=3),
       jitter=st.decimals(D(0), D("0.999"), places=3), most_off=st.sampled_from([D(5), D(10), D(18), D(25)]))
def test_the_last_round_accepts_only_what_the_rules_reach_and_already_sell_more_units_at(
        share, quantity, floor_draw, cost_draw, jitter, most_off):
    """Floor secrecy (docs/security.md) and the shop's own limits: below the last
    concession, the last round accepts a target only at or above the reservation price
    without jitter (so at or above the guard price, the floor and the rule's most off),
    and only if round 1 already offered that very price for more units (the same
    quantity of them): its edge at the guard price is one a buyer can read in any round."""
    context = replace(CONTEXT, guard_draws=GuardDraws(floor=floor_draw, cost=cost_draw))
    target = round_money(D("120.00") * share, "USD")
    concession = ConcessionPolicy(max_discount_pct=most_off, first_position_pct=D("20"), rounds=3)
    rules = RuleSet(floors=(FLOOR,), price_breaks=(BREAK,), concessions=(concession,))
    policy = Policy(floor_guard_pct=BAND, concession_jitter_pct=D(3))

    def at(round_: int):
        request = PriceRequest("DEMO-120", quantity, target, "USD", round=round_, jitter=jitter)
        return decide(request, context, rules, NOW, policy)

    last = at(3)
    if last.outcome is Outcome.ACCEPT and last.reason != LAST_ROUND_ACCEPTED:
        return  # the target met the last concession itself
    first_volume = [(o.quantity, o.unit_price) for o in at(1).offers
                    if o.kind is OfferKind.VOLUME and o.unit_price == target]
    if last.reason != LAST_ROUND_ACCEPTED:
        assert last.outcome in (Outcome.ESCALATE, Outcome.DECLINE)
        return
    assert last.guard is not None and last.floor is not None and last.price_for_quantity is not None
    most_off_price = round_up(last.price_for_quantity * (1 - most_off / 100), "USD")
    assert target >= max(last.guard, most_off_price) and last.guard >= last.floor
    assert offered(last)[0] == ("price", quantity, target)
    assert [(q, p) for _, q, p in offered(last)[1:]] == first_volume != []


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_more_units_only_beside_the_same_price_and_never_below_the_guard(scenario):
    """Over random rules, guard bands and rounds: a volume offer above the target is the
    price of a concession or an accepted target in the same answer, for more units, and
    earns at least what the quantity asked earns at its catalog price over the guarded
    cost (so never less than that concession or acceptance)."""
    shop, moves = scenario
    for _, quantity, target, decision, _ in _play(shop, moves):
        same_price = {o.unit_price for o in decision.offers if o.kind in (OfferKind.CONCESSION, OfferKind.PRICE)}
        for offer in decision.offers:
            if offer.kind is not OfferKind.VOLUME or offer.unit_price <= target:
                continue
            assert offer.unit_price in same_price and offer.quantity > quantity
            assert decision.guard is not None and offer.unit_price >= decision.guard
            priced = [o for o in decision.offers if o.unit_price == offer.unit_price and o.quantity == quantity]
            assert all(offer.seller_value > other.seller_value for other in priced)


# -- the concession at the buyer's pace (rules/concession.py) ---------------------------

def paced(target: str, round_: int, bids: tuple[EarlierBid, ...], offers: tuple[EarlierOffer, ...],
          quantity: int = 1000, **policy: object) -> D | None:
    context = replace(CONTEXT, earlier_bids=bids, earlier_offers=offers)
    decision = ask(target, round_=round_, quantity=quantity, context=context, **policy)
    found = [o.unit_price for o in (*decision.offers, *decision.suggestions) if o.kind is OfferKind.CONCESSION]
    return found[0] if found else None


def test_a_buyer_who_barely_moves_is_met_at_its_own_pace():
    round_1 = (EarlierBid(1000, D("90.00")),), (EarlierOffer(1000, D("117.00")),)
    # Up $1.00: $117.00 comes down $1.00, not to the curve's $112.50.
    assert paced("91.00", 2, *round_1) == D("116.00")
    assert paced("90.00", 2, *round_1) == D("117.00")  # not at all: neither do we
    assert paced("89.00", 2, *round_1) == D("117.00")  # down: never back up either
    # Up $10.00, more than the curve's $4.50: the curve.
    assert paced("100.00", 2, *round_1) == D("112.50")
    # Another quantity than the last bid, no earlier bid, or no concession of ours for this
    # quantity: the curve.
    assert paced("91.00", 2, (EarlierBid(500, D("90.00")),), round_1[1]) == D("112.50")
    assert paced("91.00", 2, (), round_1[1]) == D("112.50")
    assert paced("91.00", 2, round_1[0], (EarlierOffer(500, D("117.00")),)) == D("112.50")
    # A rep's price for this quantity still caps it.
    with_rep = (*round_1[1], EarlierOffer(1000, D("113.00"), by_rep=True))
    assert paced("91.00", 2, round_1[0], with_rep) == D("113.00")
    # The last round is the best and final: the curve's $108.00 (here as a suggestion to
    # the rep, the $91.00 being within reach).
    round_2 = (*round_1[0], EarlierBid(1000, D("91.00"))), (*round_1[1], EarlierOffer(1000, D("116.00")))
    assert paced("91.50", 3, *round_2) == D("108.00")
    assert paced("91.50", 3, *round_2, max_rounds=4) == D("115.50")


@settings(max_examples=300, deadline=None)
@given(scenarios(), st.lists(st.decimals(D("-0.05"), D("0.2"), places=3), min_size=8, max_size=8))
def test_at_the_buyers_pace_only_ever_slows_the_curve(scenario, moves):
    """With the buyer's bids passed in: never below the concession without them (the
    curve, capped), never above an earlier rules' concession for the same quantity, never
    below the guard price."""
    shop, _ = scenario
    rules, context, policy, jitter = shop
    quantity, target = 1000, round_money(context.list_price * D("0.5"), "USD")
    bids: tuple[EarlierBid, ...] = ()
    offers: tuple[EarlierOffer, ...] = ()
    for round_, move in enumerate(moves, start=1):
        target = max(D("0.01"), round_money(target + context.list_price * move, "USD"))
        request = PriceRequest("SKU", quantity, target, "USD", round=round_, jitter=jitter)
        with_bids = decide(request, replace(context, earlier_offers=offers, earlier_bids=bids), rules, NOW, policy)
        without = decide(request, replace(context, earlier_offers=offers), rules, NOW, policy)
        mine, curve = _concession(with_bids), _concession(without)
        if mine is not None and curve is not None:
            assert curve <= mine and mine >= with_bids.guard
            assert all(mine <= o.unit_price for o in offers if o.quantity == quantity)
        if mine is None:
            return  # accepted, escalated or no room: the story ends
        bids += (EarlierBid(quantity, target),)
        offers += (EarlierOffer(quantity, mine),)
