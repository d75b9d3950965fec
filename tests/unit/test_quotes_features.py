"""The whole-quote engine's trade-offs one by one (rules/quotes): order tiers, margin mix,
order levers, the order floor and the order's routing, on the demo's three lines (a cart
of $123,640.00: 1,000 DEMO-120 at $120.00, 200 FST-M8-50 at $12.60, 100 GLV-NIT-L at $11.20)."""
from __future__ import annotations

from decimal import Decimal as D

from counteroffer.rules import Outcome, PriceRequest, decide
from counteroffer.rules.model import Policy
from counteroffer.rules.quotes import EarlierQuoteLine, EarlierQuoteOffer, QuoteOfferKind

from .quote_cases import CONCESSION, DEMO_LINES, NOW, line, quote, rules


def _tiers(*tiers: tuple[str, str]) -> dict:
    return {"kind": "order_tiers", "params": {"tiers": [{"min_order_value": v, "discount_pct": p} for v, p in tiers]}}


def _kinds(decision) -> list[str]:
    return [offer.kind.value for offer in decision.offers]


# Order tiers --------------------------------------------------------------------------
def test_a_tier_the_cart_has_reached_is_offered_as_it_stands():
    decision = quote(pct="0.5", rule_set=rules(_tiers(("100000", "1"), ("125000", "2"))))
    reached = decision.offers[0]
    assert reached.message == "Your order qualifies for 1% off every line: $122,405.00 for the whole order."
    assert [x.unit_price for x in reached.lines] == [D("118.80"), D("12.48"), D("11.09")]  # 1% off, rounded up


def test_what_to_add_is_on_lines_the_buyer_has_in_their_multiples_and_within_stock():
    lines = (*DEMO_LINES[:2], line("GLV-NIT-L", 100, available=150))
    tier = quote(lines, pct="2", rule_set=rules(_tiers(("125000", "2")))).offers[0]
    assert tier.kind is QuoteOfferKind.ORDER_TIER
    assert tier.message.startswith("Add $1,360.00 more to this order and every line is 2% off: for example "
                                   "64 more FST-M8-50 (264 in total) and 50 more GLV-NIT-L (150 in total).")
    gloves = tier.lines[2]
    assert gloves.quantity % 10 == 0 and gloves.quantity <= 150
    value = sum((x.price_for_quantity * x.quantity for x in tier.lines), D(0))
    assert value >= D("125000")


def test_a_tier_is_offered_only_when_it_reaches_the_target_and_keeps_every_line_above_its_guard():
    assert "order_tier" not in _kinds(quote(pct="3", rule_set=rules(_tiers(("125000", "2")))))
    # 30% off would take DEMO-120 to $84.00, under its $96.00 floor: no "every line" offer.
    assert "order_tier" not in _kinds(quote(pct="25", rule_set=rules(_tiers(("125000", "30")))))


def test_a_tier_is_scoped_by_segment():
    wholesale = {**_tiers(("125000", "2")), "segment": "wholesale"}
    assert "order_tier" not in _kinds(quote(pct="2", rule_set=rules(wholesale)))
    lines = tuple(line(x.sku, x.quantity, segment="wholesale") for x in DEMO_LINES)
    assert "order_tier" in _kinds(quote(lines, pct="2", rule_set=rules(wholesale), segment="wholesale"))


# Margin mix ---------------------------------------------------------------------------
GLOVES_AT_11 = {"kind": "floor", "sku": "GLV-NIT-L", "params": {"min_unit_price": "11.00"}}


def test_the_mix_takes_more_from_rich_lines_and_nothing_from_a_line_at_its_floor():
    gloves_at_price = {"kind": "floor", "sku": "GLV-NIT-L", "params": {"min_unit_price": "11.20"}}
    decision = quote(total="118000", round=3, rule_set=rules(CONCESSION, gloves_at_price))
    accepted = decision.accepted
    assert accepted is not None and accepted.kind is QuoteOfferKind.MARGIN_MIX
    demo, bolts, gloves = accepted.lines
    assert gloves.unit_price == D("11.20")  # no room above its floor: gives nothing
    assert D("120.00") - demo.unit_price > D("12.60") - bolts.unit_price > 0


def test_the_mix_never_gives_more_in_total_than_the_target_needs():
    decision = quote(total="118000", round=3, rule_set=rules(CONCESSION, GLOVES_AT_11))
    total = decision.accepted.total
    assert D("118000") <= total < D("118000") + 100 * D("0.01")  # within a cent on the smallest line


def test_per_line_targets_whose_total_fits_are_countered_with_that_total_spread():
    lines = (line("DEMO-120", 1000, "115.00"), line("FST-M8-50", 200, "12.60"), line("GLV-NIT-L", 100, "8.00"))
    decision = quote(lines, round=2, rule_set=rules(CONCESSION), policy=Policy(max_rounds=4))
    assert decision.outcome is Outcome.COUNTER
    mix = next(o for o in decision.offers if o.kind is QuoteOfferKind.MARGIN_MIX)
    assert mix.total == D("118320.00")  # the buyer's own total: 115,000 + 2,520 + 800
    concession = next(o for o in decision.offers if o.kind is QuoteOfferKind.CONCESSION)
    assert concession.lines[0].unit_price == D("115.00")  # never below what the buyer asked for a line


# Order levers -------------------------------------------------------------------------
PICKUP = {"kind": "term_lever", "params": {"group": "delivery", "option": "pickup", "value_per_unit": "2",
                                           "label": "pick up at our warehouse", "scope": "order"}}


def test_an_order_lever_per_unit_is_valued_once_on_the_orders_units():
    # 1,300 units x $2.00 = $2,600.00 closes a gap of 1.5% ($1,854.60), not of 3% ($3,709.20).
    offer = quote(pct="1.5", rule_set=rules(PICKUP)).offers[0]
    assert offer.kind is QuoteOfferKind.ORDER_TERMS
    assert offer.message == "Pick up at our warehouse, and pay $121,786.00 for the whole order (3 lines)."
    assert [t.option for t in offer.terms] == ["pickup"]
    assert "order_terms" not in _kinds(quote(pct="3", rule_set=rules(PICKUP)))


def test_an_order_lever_is_never_a_lines_lever():
    demo = DEMO_LINES[0]
    decision = decide(PriceRequest("DEMO-120", 1000, D("118.00"), "USD"), demo.context, rules(PICKUP), NOW)
    assert all(not offer.terms for offer in decision.offers)


# Order floor --------------------------------------------------------------------------
def test_the_order_floor_stops_an_acceptance_and_a_cart_under_it_goes_to_a_person():
    floor = {"kind": "order_floor", "params": {"min_margin_pct": "45"}}
    last = quote(pct="5", round=3, rule_set=rules(CONCESSION, floor))
    assert last.outcome is Outcome.ESCALATE and last.order_floor == D("119407.50")
    assert last.suggestions[0].total >= D("119407.50")
    under = quote(pct="5", rule_set=rules({"kind": "order_floor", "params": {"min_margin_pct": "60"}}))
    assert under.outcome is Outcome.ESCALATE and under.reason == "the cart's price is below the order floor"


# Routing ------------------------------------------------------------------------------
BAND = {"kind": "routing", "priority": 1, "params": {"auto_accept_within_pct": "3", "rep_reach_pct": "20"}}


def test_an_order_target_in_the_band_is_accepted_spread_over_the_guard_prices():
    decision = quote(pct="2.5", rule_set=rules(BAND))
    assert decision.outcome is Outcome.ACCEPT and decision.accepted.kind is QuoteOfferKind.MARGIN_MIX
    assert decision.accepted.total == D("120549.00")


def test_the_bands_own_limit_sends_a_large_order_to_a_person():
    limited = {**BAND, "params": {**BAND["params"], "auto_accept_limit": "100000"}}
    decision = quote(pct="2.5", rule_set=rules(limited))
    assert decision.outcome is Outcome.ESCALATE and decision.suggestions[0].total == D("120549.00")


def test_a_lines_own_approval_limit_holds_inside_a_quote():
    limit = {"kind": "routing", "sku": "DEMO-120", "params": {"auto_approval_limit": "50000"}}
    decision = quote(pct="9", round=2, rule_set=rules(CONCESSION, limit))
    assert decision.outcome is Outcome.ESCALATE and decision.reason == "order value above the auto-approval limit"


def test_the_last_round_goes_to_a_person_with_the_concession_as_a_suggestion():
    decision = quote(pct="12", round=3, rule_set=rules(CONCESSION))
    assert decision.outcome is Outcome.ESCALATE and decision.reason.startswith("last round")
    assert decision.suggestions[0].kind is QuoteOfferKind.CONCESSION


# Rounds -------------------------------------------------------------------------------
def test_a_reps_earlier_counter_lets_the_rules_reach_their_reservation_but_never_repeats_it():
    # As for one line (rules/concession.py): a person's $100.00 for these 1,000 units stands
    # on its own; the rules may now go to their reservation ($108.00), never to $100.00.
    by_rep = EarlierQuoteOffer(kind=QuoteOfferKind.CONCESSION, by_rep=True, lines=(
        EarlierQuoteLine("DEMO-120", 1000, D("100.00")),))
    plain = quote(pct="9", round=2, rule_set=rules(CONCESSION))
    after_rep = quote(pct="9", round=2, rule_set=rules(CONCESSION), earlier_offers=(by_rep,))
    assert plain.outcome is Outcome.COUNTER
    assert after_rep.outcome is Outcome.ACCEPT
    assert D("108.00") <= after_rep.accepted.lines[0].unit_price < D("114.00")
