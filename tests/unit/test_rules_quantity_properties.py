"""Concessions belong to the quantity they were made for (issue 25): properties over random
rules and random sequences of asks, counters (any quantity, any target) and rep counters.

- never below the floor, nor the guard price;
- never back on an earlier offer for the same quantity or fewer units (the engine's or a
  rep's);
- a smaller quantity never inherits a price only a larger one earns: whatever quantities
  were asked before, the rules' concession for a quantity is the one a buyer who asked
  that quantity in every round gets;
- a rep's counter for one quantity does not move the rules' price for fewer units;
- the auto-approval limit is on what would be sold, never the bid.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import (
    ConcessionPolicy,
    Decision,
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
    price_for_quantity,
)
from counteroffer.rules.money import round_money, round_up

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CENT = D("0.01")


def cents(low: str, high: str) -> st.SearchStrategy[D]:
    return st.decimals(min_value=D(low), max_value=D(high), places=2)


@st.composite
def shops(draw: st.DrawFn) -> tuple[RuleSet, PricingContext, Policy, D]:
    """A product like DEMO-120 with random breaks, floor and concession curve, a random
    guard band and draws, and a negotiation's jitter."""
    list_price = draw(cents("20", "500"))
    cost = draw(cents("1", str(list_price))) * D("0.7")
    quantities = sorted(set(draw(st.lists(st.integers(2, 20_000), min_size=1, max_size=3))))
    prices = sorted(draw(st.lists(cents("1", str(list_price)), min_size=len(quantities),
                                  max_size=len(quantities))), reverse=True)
    rules = RuleSet(
        floors=(Floor(sku="SKU", min_margin_pct=draw(st.decimals(0, 40, places=1))),),
        price_breaks=(PriceBreaks(sku="SKU", breaks=tuple(
            PriceBreak(q, p) for q, p in zip(quantities, prices, strict=True))),),
        concessions=(ConcessionPolicy(
            max_discount_pct=draw(st.decimals(1, 40, places=1)),
            first_position_pct=draw(st.decimals(0, 60, places=1)),
            exponent=draw(st.sampled_from([D("0.2"), D(1), D(2)])), rounds=draw(st.integers(2, 6))),))
    context = PricingContext(list_price=list_price, cost=round_money(cost, "USD"), currency="USD",
                             guard_draws=GuardDraws(draw(st.decimals(0, D("0.99"), places=2)),
                                                    draw(st.decimals(0, D("0.99"), places=2))))
    low = draw(st.decimals(0, 3, places=1))
    policy = Policy(floor_guard_pct=(low, low + draw(st.decimals(0, 3, places=1))), max_offers=10,
                    concession_jitter_pct=draw(st.sampled_from([D(0), D(3)])), max_rounds=8)
    return rules, context, policy, draw(st.decimals(0, D("0.99"), places=2))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[tuple[RuleSet, PricingContext, Policy, D], list[tuple[str, int, D]]]:
    """A shop and the moves of one negotiation: ("ask", quantity, target as a share of
    list) or ("rep", quantity, price as a share of list), quantities on either side of
    each break."""
    shop = draw(shops())
    near = sorted({q for step in shop[0].price_breaks[0].breaks
                   for q in (step.min_quantity - 1, step.min_quantity, step.min_quantity + 7)} | {1, 20_000})
    # Mostly low targets: a concession that reaches the target is accepted, and ends the story.
    shares = st.one_of(st.decimals(D("0.3"), D("0.8"), places=3), st.decimals(D("0.3"), D("1.1"), places=3))
    drawn = draw(st.lists(st.tuples(st.sampled_from(["ask", "ask", "rep"]), st.sampled_from(near), shares),
                          min_size=1, max_size=8))
    moves = []
    for move in drawn:
        moves.append(move)
        if move[0] == "rep" and draw(st.booleans()):  # the buyer asks the rep's quantity, or more
            moves.append(("ask", draw(st.sampled_from([q for q in near if q >= move[1]])), D("0.3")))
    return shop, moves


def _decide(shop, quantity: int, target: D, round_: int, earlier: tuple[EarlierOffer, ...]) -> Decision:
    rules, context, policy, jitter = shop
    request = PriceRequest("SKU", quantity, target, "USD", round=round_, jitter=jitter)
    return decide(request, replace(context, earlier_offers=earlier), rules, NOW, policy)


def _concession(decision: Decision) -> D | None:
    found = [o.unit_price for o in decision.offers if o.kind is OfferKind.CONCESSION]
    return found[0] if found else None


def _play(shop, moves, with_reps: bool = True):
    """Plays the moves; yields (round, quantity, target, decision, earlier offers before it)."""
    list_price = shop[1].list_price
    earlier: tuple[EarlierOffer, ...] = ()
    round_ = 0
    for action, quantity, share in moves:
        price = max(CENT, round_money(list_price * share, "USD"))
        if action == "rep":
            if with_reps:
                earlier += (EarlierOffer(quantity, price, by_rep=True),)
            continue
        round_ += 1
        decision = _decide(shop, quantity, price, round_, earlier)
        yield round_, quantity, price, decision, earlier
        concession = _concession(decision)
        if concession is not None:
            earlier += (EarlierOffer(quantity, concession),)


def _reservation(shop, quantity: int, decision: Decision) -> D:
    """The lowest the concession goes for this quantity, without jitter."""
    rules, context = shop[0], shop[1]
    start = round_money(price_for_quantity(context.list_price, rules.price_breaks[0].breaks, quantity), "USD")
    most_off = round_up(start * (1 - rules.concessions[0].max_discount_pct / 100), "USD")
    assert decision.guard is not None
    return max(decision.guard, most_off)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_never_below_the_floor_nor_above_an_earlier_offer_for_as_many_units_or_fewer(scenario):
    shop, moves = scenario
    shop = (*shop[:3], D(0))  # no jitter: the reservation below is then exact
    for _, quantity, _, decision, earlier in _play(shop, moves):
        for offer in decision.offers:
            assert offer.unit_price >= decision.floor
        concession = _concession(decision)
        if concession is None:
            continue
        assert concession >= decision.guard
        reservation = _reservation(shop, quantity, decision)
        for before in earlier:  # the same quantity, or fewer units: never a higher price
            if before.quantity <= quantity:  # (a rep's below the reservation: the reservation)
                assert concession <= max(before.unit_price, reservation)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_a_quantity_never_inherits_another_quantitys_price(scenario):
    """With the rules alone, the concession for a quantity is exactly what a buyer who asked
    that quantity in every round gets, whatever was asked (and conceded) before: caps from
    other quantities, scaled to this one, never pull it lower."""
    shop, moves = scenario
    for round_, quantity, target, decision, earlier in _play(shop, moves, with_reps=False):
        fresh = _decide(shop, quantity, target, round_, ())
        assert (decision.outcome, _concession(decision)) == (fresh.outcome, _concession(fresh)), earlier


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_a_reps_counter_never_moves_the_price_of_fewer_units(scenario):
    """A rep's counter holds for its quantity and more units; for fewer, the rules' price
    is what it would be had the rep never countered."""
    shop, moves = scenario
    with_reps = list(_play(shop, moves))
    without = list(_play(shop, moves, with_reps=False))
    for (_, quantity, _, decision, earlier), (_, _, _, alone, _) in zip(with_reps, without, strict=True):
        if not any(before.by_rep and before.quantity <= quantity for before in earlier):
            assert (decision.outcome, _concession(decision)) == (alone.outcome, _concession(alone))


@settings(max_examples=300, deadline=None)
@given(shops(), st.sampled_from([200, 1000, 3000, 5051]), st.integers(1, 6),
       st.decimals(D("0.3"), D("1.1"), places=3), st.decimals(D(1000), D(2_000_000), places=0))
def test_the_limit_is_on_what_would_be_sold_not_the_bid(shop, quantity, round_, share, limit):
    rules = replace(shop[0], routings=(Routing(auto_approval_limit=limit, rep_reach_pct=D(100)),))
    shop = (rules, *shop[1:])
    target = max(CENT, round_money(shop[1].list_price * share, "USD"))
    decision = _decide(shop, quantity, target, round_, ())
    for offer in decision.offers:  # automatic answers, accepted targets included...
        if offer.unit_price < decision.price_for_quantity:  # ...but the shop's own price
            assert offer.unit_price * offer.quantity <= limit
    unlimited = _decide((replace(rules, routings=()), *shop[1:]), quantity, target, round_, ())
    concession = _concession(unlimited)
    if concession is not None and concession * quantity <= limit:
        # Whatever the bid below it: the same automatic counter, never a person.
        for lower in (target, max(CENT, target - D(1)), max(CENT, target / 2)):
            answer = _decide(shop, quantity, round_money(lower, "USD"), round_, ())
            assert answer.outcome is Outcome.COUNTER and _concession(answer) == concession
