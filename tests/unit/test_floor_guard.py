"""The guard price (rules/guard.py): the engine's own answers stop at a secret margin
above the floor, on worked examples and as a property over random rules and rounds."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import (
    AlternativeProduct,
    Alternatives,
    ConcessionPolicy,
    EarlierOffer,
    Floor,
    GuardDraws,
    LastPrice,
    OfferKind,
    Outcome,
    Policy,
    PriceRequest,
    PricingContext,
    Routing,
    RuleSet,
    decide,
    minor_unit,
    price_for_quantity,
)
from counteroffer.rules.guard import guard_margin, guard_price, guarded_cost
from counteroffer.rules.pricing import floor_from
from counteroffer.rules.ruleset import resolve
from tests.unit.test_rules_properties import NOW, cases
from tests.unit.test_rules_tradeoffs import FLOOR, _rule_set

BAND = (D("1"), D("5"))
GUARDED = Policy(floor_guard_pct=BAND)
#: Draws that put DEMO-120's guard price at 96.00 + 2% of 120 = 98.40, and its guarded
#: cost at 80.00 + 3% of 120 = 83.60.
DRAWS = GuardDraws(floor=D("0.25"), cost=D("0.5"))
CONTEXT = PricingContext(list_price=D("120.00"), cost=D("80.00"), currency="USD",
                         category="hydraulics", guard_draws=DRAWS)


def ask(target: str, *rules: object, quantity: int = 1000, context: PricingContext = CONTEXT,
        policy: Policy = GUARDED, round_: int = 1, previous: D | None = None):
    if previous is not None:
        context = PricingContext(**{**context.__dict__, "earlier_offers": (EarlierOffer(quantity, previous),)})
    request = PriceRequest("DEMO-120", quantity, D(target), "USD", round=round_)
    return decide(request, context, _rule_set(FLOOR, *rules), NOW, policy)


def test_the_guard_price_is_the_floor_plus_a_share_of_list_from_the_band():
    assert guard_margin(D("120.00"), BAND, D(0)) == D("1.2")
    assert guard_margin(D("120.00"), BAND, D("0.25")) == D("2.4")
    assert guard_price(D("96.00"), D("120.00"), BAND, D("0.25"), "USD") == D("98.40")
    assert guard_price(D("96.00"), D("120.00"), BAND, D("0.99"), "USD") == D("101.96")  # 101.952, up
    assert guard_price(D("96.00"), D("120.00"), (D(0), D(0)), D("0.7"), "USD") == D("96.00")
    assert guarded_cost(D("80.00"), D("120.00"), BAND, D("0.5")) == D("83.6")


def test_between_the_floor_and_the_guard_price_a_person_answers_as_below_the_floor():
    in_band, below = ask("98.39"), ask("95.99")
    assert in_band.outcome is below.outcome is Outcome.ESCALATE
    assert in_band.offers == below.offers == ()
    assert (in_band.floor, in_band.guard) == (D("96.00"), D("98.40"))  # reps see both
    assert "below the guard price" in in_band.reason
    # Unguarded, the same 98.39 was answered at once: that is what gave the floor away.
    assert ask("98.39", policy=Policy()).outcome is Outcome.COUNTER


def test_at_the_guard_price_the_engine_answers_again():
    decision = ask("98.40")
    assert decision.outcome is Outcome.COUNTER
    assert decision.offers[0].unit_price == D("98.40")


def test_margin_neutral_volume_is_worked_out_on_the_guarded_cost():
    # Over 83.60, not 80.00: (120 - 83.60) x 1,000 / (110 - 83.60) = 1,378.8 -> 1,379.
    [offer] = ask("110.00").offers
    assert (offer.kind, offer.quantity) == (OfferKind.VOLUME, 1379)
    # Solving the quantity for the cost, as an attacker would, gives about 83.60.
    solved = (D("110.00") * 1379 - D("120.00") * 1000) / (1379 - 1000)
    assert abs(solved - D("83.60")) < D("0.10")
    assert ask("110.00", policy=Policy()).offers[0].quantity == 1334  # the true cost's answer


def test_the_decline_line_is_the_reach_below_the_guard_price():
    # Unguarded the line is 96.00 x 0.9 = 86.40; guarded, 98.40 x 0.9 = 88.56.
    assert ask("86.40", policy=Policy()).outcome is Outcome.ESCALATE
    assert ask("88.55").outcome is Outcome.DECLINE
    assert ask("88.56").outcome is Outcome.ESCALATE


def test_auto_accept_concession_anchor_and_alternative_stop_at_the_guard_price():
    band = Routing(auto_accept_within_pct=D("25"))
    assert ask("97.00", band).outcome is Outcome.ESCALATE  # within 25% of list, but in the band
    assert ask("98.40", band).outcome is Outcome.ACCEPT
    concession = ConcessionPolicy(max_discount_pct=D("40"), rounds=3)
    # 90.00 is above the decline line (issue 23); round 3 of 4 is not the buyer's last, so
    # the rules counter (issue 19): the concession's last step stops at the guard price.
    countered = ask("90.00", concession, round_=3, policy=Policy(floor_guard_pct=BAND, max_rounds=4))
    assert [o.unit_price for o in countered.offers if o.kind is OfferKind.CONCESSION] == [D("98.40")]
    # In the buyer's last round a person answers; the concession suggested stops there too.
    last = ask("90.00", concession, round_=3)
    assert last.outcome is Outcome.ESCALATE and last.offers == ()
    assert [o.unit_price for o in last.suggestions if o.kind is OfferKind.CONCESSION] == [D("98.40")]
    paid = LastPrice(D("97.50"), 1000, NOW)
    anchored = PricingContext(**{**CONTEXT.__dict__, "last_price": paid})
    assert OfferKind.ANCHOR not in [o.kind for o in ask("90.00", context=anchored).offers]
    alt = AlternativeProduct(sku="ALT", name="Alt", list_price=D("120.00"), cost=D("80.00"),
                             guard_draws=GuardDraws(floor=D("0.5")))
    with_alt = PricingContext(**{**CONTEXT.__dict__, "alternatives": (alt,)})
    swap = (Alternatives(sku="DEMO-120", skus=("ALT",)), Floor(sku="ALT", min_margin_pct=D("20")))
    # ALT's own guard: 96.00 + 3% of 120 = 99.60.
    assert OfferKind.ALTERNATIVE not in [o.kind for o in ask("99.59", *swap, context=with_alt).offers]
    assert OfferKind.ALTERNATIVE in [o.kind for o in ask("99.60", *swap, context=with_alt).offers]


def test_offers_are_ranked_on_the_guarded_cost_but_valued_on_the_true_one():
    decision = ask("110.00")
    [offer] = decision.offers
    assert offer.seller_value == (D("110.00") - D("80.00")) * offer.quantity


def _guard_of(sku: str, context: PricingContext, rules: RuleSet, policy: Policy) -> D:
    if sku == "SKU":
        floor = floor_from(resolve(rules, sku, context.category, context.segment).floors,
                           context.cost, context.currency)
        return guard_price(floor, context.list_price, policy.floor_guard_pct,
                           context.guard_draws.floor, context.currency)
    alt = context.alternatives[0]
    floor = floor_from(resolve(rules, sku, None, None).floors, alt.cost, context.currency)
    return guard_price(floor, alt.list_price, policy.floor_guard_pct, alt.guard_draws.floor,
                       context.currency)


def _published(sku: str, quantity: int, context: PricingContext, rules: RuleSet) -> D | None:
    if sku != "SKU":
        return None
    breaks = resolve(rules, sku, context.category, context.segment).breaks
    quantum = D(1).scaleb(-minor_unit(context.currency))
    return price_for_quantity(context.list_price, breaks, quantity).quantize(quantum)


draws = st.builds(GuardDraws, floor=st.decimals(0, D("0.999999"), places=6),
                  cost=st.decimals(0, D("0.999999"), places=6))
bands = st.tuples(st.decimals(0, 5, places=1), st.decimals(0, 10, places=1)).map(lambda b: (min(b), max(b)))


PRICES = st.decimals(D("0.01"), D("6000"), places=2)


@settings(max_examples=400, deadline=None)
@given(cases(), draws, bands, st.lists(st.tuples(PRICES, st.integers(1, 100_000), st.none() | PRICES),
                                      min_size=1, max_size=5))
def test_no_sequence_of_requests_gets_an_automatic_price_under_the_guard(case, draw, band, steps):
    """Whatever the rules and however a buyer moves the target and the quantity across
    rounds, whatever a rep counters in between (even below the floor): every price the
    engine offers or accepts on its own is at or above the guard price of the product
    offered, or the shop's published price for that quantity (which anyone buying that
    many pays, so it tells nothing of the floor)."""
    request, context, rules = case
    policy = Policy(floor_guard_pct=band)
    alternatives = tuple(AlternativeProduct(**{**a.__dict__, "guard_draws": draw})
                         for a in context.alternatives)
    context = PricingContext(**{**context.__dict__, "guard_draws": draw, "alternatives": alternatives})
    quantum = D(1).scaleb(-min(2, minor_unit(context.currency)))
    earlier: tuple[EarlierOffer, ...] = ()
    for round_, (target, quantity, rep_price) in enumerate(steps, start=1):
        step = PricingContext(**{**context.__dict__, "earlier_offers": earlier})
        asked = PriceRequest("SKU", quantity, target.quantize(quantum), context.currency, round_)
        decision = decide(asked, step, rules, NOW, policy)
        for offer in decision.offers:
            guard = _guard_of(offer.sku, step, rules, policy)
            published = _published(offer.sku, offer.quantity, step, rules)
            assert offer.unit_price >= guard or offer.unit_price == published
            if offer.kind is OfferKind.CONCESSION:
                earlier += (EarlierOffer(offer.quantity, offer.unit_price),)
        if rep_price is not None:  # a person counters this quantity, at any price
            earlier += (EarlierOffer(quantity, rep_price.quantize(quantum), by_rep=True),)
