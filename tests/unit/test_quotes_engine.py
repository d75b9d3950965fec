"""decide_quote: one decision for a whole order (rules/quotes), on the demo's three lines.

The cart: 1,000 DEMO-120 at $120.00, 200 FST-M8-50 at $12.60 (break from 200) and 100
GLV-NIT-L at $11.20 (break from 100): $123,640.00.
"""
from __future__ import annotations

from decimal import Decimal as D

from counteroffer.rules import CompiledRules, Outcome, Policy
from counteroffer.rules.quotes import EarlierQuoteLine, EarlierQuoteOffer, QuoteOfferKind

from .quote_cases import CONCESSION, DEMO_LINES, line, quote, rules

CART = D("123640.00")


def test_the_cart_total_is_the_price_for_each_quantity():
    assert quote(total="123640.00").cart_total == CART


def test_a_target_at_the_carts_price_is_accepted_at_the_carts_prices():
    decision = quote(total="130000")
    assert decision.outcome is Outcome.ACCEPT
    assert decision.accepted is not None and decision.accepted == decision.offers[0]
    assert [(x.sku, x.quantity, x.unit_price) for x in decision.accepted.lines] == [
        ("DEMO-120", 1000, D("120.00")), ("FST-M8-50", 200, D("12.60")), ("GLV-NIT-L", 100, D("11.20"))]
    assert decision.accepted.message == "We can do the whole order (3 lines) for $123,640.00."


def test_without_a_concession_rule_the_lines_trade_offs_answer_six_percent_off():
    decision = quote(pct="6")
    assert decision.outcome is Outcome.COUNTER
    [offer] = decision.offers
    assert offer.kind is QuoteOfferKind.LINE_TRADE_OFFS
    assert offer.message.startswith("DEMO-120: Buy 2,000 more units (3,000 in total) and pay $110.00 each.")
    assert [(x.sku, x.quantity) for x in offer.lines][0] == ("DEMO-120", 3000)


def test_each_line_carries_a_rep_explanation_and_the_order_one():
    offer = quote(pct="6").offers[0]
    assert "floor $96.00" in offer.lines[0].explanation
    assert "order $" in offer.explanation and "against the cart's $123,640.00" in offer.explanation


def test_the_buyer_message_names_no_floor_or_cost():
    for decision in (quote(pct="6"), quote(pct="6", rule_set=rules(CONCESSION), round=2)):
        for offer in decision.offers:
            assert "floor" not in offer.message and "cost" not in offer.message
            assert "96.00" not in offer.message


def test_an_order_target_within_the_rounds_concession_is_accepted_spread_by_headroom():
    # Round 3 of 3: each line may come down to its reservation (10% off, never below the guard).
    decision = quote(pct="4", rule_set=rules(CONCESSION), round=3)
    assert decision.outcome is Outcome.ACCEPT
    accepted = decision.accepted
    assert accepted is not None and accepted.kind is QuoteOfferKind.AS_ASKED
    assert accepted.total >= CART * D("0.96")


def test_round_two_counters_with_a_concession_on_the_whole_order():
    decision = quote(pct="9", rule_set=rules(CONCESSION), round=2)
    assert decision.outcome is Outcome.COUNTER
    concession = next(o for o in decision.offers if o.kind is QuoteOfferKind.CONCESSION)
    assert concession.message == f"We can come down to ${concession.total:,} for the whole order (3 lines)."
    # Half the way to 10% off on every line.
    assert [x.unit_price for x in concession.lines] == [D("114.00"), D("11.97"), D("10.64")]


def test_the_decision_works_the_same_on_compiled_rules():
    plain = quote(pct="9", rule_set=rules(CONCESSION), round=2)
    compiled = quote(pct="9", rule_set=CompiledRules(rules(CONCESSION)), round=2)
    assert plain == compiled


def test_a_concession_never_goes_back_on_an_earlier_quote_offer():
    earlier = EarlierQuoteOffer(kind=QuoteOfferKind.CONCESSION, lines=(
        EarlierQuoteLine("DEMO-120", 1000, D("113.00")), EarlierQuoteLine("FST-M8-50", 200, D("12.60")),
        EarlierQuoteLine("GLV-NIT-L", 100, D("10.00"))))
    decision = quote(pct="9", rule_set=rules(CONCESSION), round=2, earlier_offers=(earlier,))
    concession = next(o for o in decision.offers if o.kind is QuoteOfferKind.CONCESSION)
    prices = {x.sku: x.unit_price for x in concession.lines}
    assert prices["DEMO-120"] <= D("113.00") and prices["FST-M8-50"] <= D("12.60")


def test_far_below_every_floor_is_declined():
    decision = quote(pct="50")
    assert decision.outcome is Outcome.DECLINE
    assert decision.floors["DEMO-120"] == D("96.00")


def test_more_than_in_stock_on_a_line_goes_to_a_person():
    lines = (line("DEMO-120", 1000, available=500), *DEMO_LINES[1:])
    decision = quote(lines, pct="6")
    assert decision.outcome is Outcome.ESCALATE and "DEMO-120" in decision.reason


def test_the_auto_approval_limit_is_on_the_orders_value():
    limited = rules({"kind": "routing", "params": {"rep_reach_pct": "20", "auto_approval_limit": "100000"},
                     "priority": 1})
    decision = quote(total="130000", rule_set=limited)
    assert decision.outcome is Outcome.ESCALATE and decision.reason == "order value above the auto-approval limit"
    assert decision.suggestions[0].total == CART


def test_a_strategic_segment_goes_to_a_rep_with_suggestions():
    strategic = rules({"kind": "routing", "params": {"strategic_segments": ["key"]}, "priority": 1})
    lines = tuple(line(x.sku, x.quantity, segment="key") for x in DEMO_LINES)
    decision = quote(lines, pct="6", rule_set=strategic, segment="key")
    assert decision.outcome is Outcome.ESCALATE and decision.reason.startswith("strategic account")
    assert decision.suggestions


def test_at_most_max_offers_whole_quotes_ranked_by_value_to_the_seller():
    decision = quote(pct="9", rule_set=rules(CONCESSION), round=2, policy=Policy(max_offers=1))
    assert len(decision.offers) == 1


def test_offers_built_without_init_equal_the_normal_build():
    from dataclasses import asdict, fields

    from counteroffer.rules.quotes import QuoteLineOffer, QuoteOffer

    for offer in quote(pct="9", rule_set=rules(CONCESSION), round=2).offers:
        rebuilt = QuoteOffer(**{f.name: getattr(offer, f.name) for f in fields(QuoteOffer)})
        assert rebuilt == offer and asdict(rebuilt) == asdict(offer)
        for line_offer in offer.lines:
            assert QuoteLineOffer(**asdict(line_offer)) == line_offer


def test_a_trade_offs_message_names_three_lines_and_counts_the_rest():
    skus = ("DEMO-120", "FST-M8-50", "GLV-NIT-L")
    lines = tuple(line(sku, 1000 if sku == "DEMO-120" else 200) for sku in skus)
    five = (*lines, line("FST-M8-50", 100), line("GLV-NIT-L", 100))
    five = tuple(type(x)(f"{x.sku}-{i}" if i > 2 else x.sku, x.quantity, x.context) for i, x in enumerate(five))
    offer = quote(five, pct="6").offers[0]
    assert offer.kind is QuoteOfferKind.LINE_TRADE_OFFS
    assert offer.message.count(": Buy ") == 3
    assert "And 2 more lines as shown. The whole order is then" in offer.message
