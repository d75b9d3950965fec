"""Competing offers cited with a whole quote (rules/quotes/citations.py): every path, the
floors property over random quotes, and the probing property (bisection through fake
citations learns no more than bisection through targets)."""
from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import CompetingOffer, GuardDraws, Outcome, Routing
from counteroffer.rules.competing import BELOW_GUARD, NEEDS_DOCUMENT
from counteroffer.rules.model import Policy
from counteroffer.rules.quotes import (
    CitedLine,
    EarlierQuoteLine,
    EarlierQuoteOffer,
    QuoteCitation,
    QuoteDecision,
    QuoteOfferKind,
    decide_quote,
)
from counteroffer.rules.quotes.citations import MATCHED, matched_total

from .quote_cases import CONCESSION, DEMO_LINES, DEMO_RULES, NOW, line, quote, rules
from .quote_strategies import Case, cases
from .test_quotes_properties import _check_floors

MATCH_ANY = {"kind": "competing_offer", "params": {}}
SHOP = rules(CONCESSION, MATCH_ANY)
CART = D("123640.00")  # 1,000 DEMO-120 at $120.00 + 200 FST-M8-50 at $12.60 + 100 GLV-NIT-L at $11.20


def cite(total: str | None = None, competitor: str = "Globex Supply", **more: object) -> QuoteCitation:
    return QuoteCitation(competitor, total=None if total is None else D(total), **more)  # type: ignore[arg-type]


def test_a_cited_order_total_is_matched_first_spread_over_the_lines() -> None:
    decision = quote(pct="6", rule_set=SHOP, citation=cite("118000.00"))
    assert decision.outcome is Outcome.COUNTER and decision.reason == MATCHED
    match = decision.offers[0]
    assert match.kind is QuoteOfferKind.MATCH and match.total == D("118000.00")
    assert match.message == ("We match the offer you cited: $118,000.00 for the whole order (3 lines), "
                             "with the line prices shown.")
    assert all(x.unit_price >= decision.guards[x.sku] for x in match.lines)


def test_without_a_citation_the_same_quote_gets_no_match() -> None:
    decision = quote(pct="6", rule_set=SHOP)
    assert all(o.kind is not QuoteOfferKind.MATCH for o in decision.offers)


def test_cited_line_prices_match_those_lines_and_keep_the_others_at_their_price() -> None:
    citation = QuoteCitation("Globex Supply", lines=(CitedLine("DEMO-120", D("112.00")),))
    decision = quote(pct="8", rule_set=SHOP, citation=citation)
    match = decision.offers[0]
    assert match.kind is QuoteOfferKind.MATCH
    assert [(x.sku, x.unit_price) for x in match.lines] == [
        ("DEMO-120", D("112.00")), ("FST-M8-50", D("12.60")), ("GLV-NIT-L", D("11.20"))]


def test_beat_by_amount_is_per_unit_of_the_order_and_pct_of_the_total() -> None:
    rule = CompetingOffer(beat_by_amount=D("0.10"))
    assert matched_total(rule, D("118000.00"), 1300, "USD") == D("117870.00")
    assert matched_total(CompetingOffer(beat_by_pct=D("1")), D("118000.00"), 1300, "USD") == D("116820.00")
    beat = rules(CONCESSION, {"kind": "competing_offer", "params": {"beat_by_pct": "1"}})
    assert quote(pct="6", rule_set=beat, citation=cite("118000.00")).offers[0].total == D("116820.00")


def test_a_cited_total_below_what_the_rules_reach_goes_to_a_person_with_no_offer() -> None:
    decision = quote(pct="6", rule_set=SHOP, citation=cite("90000.00"))
    assert decision.outcome is Outcome.ESCALATE and decision.reason == BELOW_GUARD
    assert decision.offers == ()
    assert decision.suggestions  # the rules' own offers, for the person to start from


def test_a_cited_line_price_below_its_guard_goes_to_a_person() -> None:
    citation = QuoteCitation("Globex Supply", lines=(CitedLine("FST-M8-50", D("5.00")),))
    decision = quote(pct="6", rule_set=SHOP, citation=citation)
    assert decision.outcome is Outcome.ESCALATE and decision.reason == BELOW_GUARD


def test_the_order_floor_holds_a_match_too() -> None:
    floor = rules(CONCESSION, MATCH_ANY, {"kind": "order_floor", "params": {"min_margin_pct": "45"}})
    decision = quote(pct="6", rule_set=floor, citation=cite("118000.00"))  # the floor is $119,407.50
    assert decision.outcome is Outcome.ESCALATE and decision.reason == BELOW_GUARD


def test_above_the_document_limit_a_citation_without_a_document_goes_to_a_person() -> None:
    limited = rules(CONCESSION, {"kind": "competing_offer", "params": {"document_above": "100000"}})
    assert quote(pct="6", rule_set=limited, citation=cite("118000.00")).reason == NEEDS_DOCUMENT
    documented = quote(pct="6", rule_set=limited, citation=cite("118000.00", has_document=True))
    assert documented.outcome is Outcome.COUNTER and documented.offers[0].kind is QuoteOfferKind.MATCH


def test_a_target_at_or_above_the_match_is_accepted_at_the_target() -> None:
    decision = quote(total="118500.00", rule_set=SHOP, citation=cite("118000.00"))
    assert decision.outcome is Outcome.ACCEPT and decision.accepted is not None
    assert decision.accepted.total == D("118500.00")


def test_past_its_date_an_unknown_competitor_or_no_lower_than_ours_changes_nothing() -> None:
    plain = quote(pct="6", rule_set=SHOP)
    expired = cite("118000.00", valid_until=NOW.date() - timedelta(days=1))
    named = rules(CONCESSION, {"kind": "competing_offer", "params": {"competitors": ["Initech"]}})
    assert quote(pct="6", rule_set=SHOP, citation=expired) == plain
    assert quote(pct="6", rule_set=named, citation=cite("118000.00")) == quote(pct="6", rule_set=named)
    assert quote(pct="6", rule_set=SHOP, citation=cite("130000.00")) == plain


def test_an_accepted_target_or_a_strategic_account_is_not_changed_by_a_low_citation() -> None:
    accepted = quote(total="123640.00", rule_set=SHOP)
    assert quote(total="123640.00", rule_set=SHOP, citation=cite("50000.00")) == accepted
    strategic = rules(CONCESSION, MATCH_ANY, {"kind": "routing", "params": {"strategic_segments": ["key"]}},
                      base=[r for r in DEMO_RULES if r["kind"] != "routing"])
    decision = quote(pct="6", rule_set=strategic, citation=cite("118000.00"), segment="key")
    assert decision.outcome is Outcome.ESCALATE and decision.reason.startswith("strategic")


def test_the_match_never_goes_back_on_an_earlier_lower_offer_and_binds_later_rounds() -> None:
    earlier = EarlierQuoteOffer(kind=QuoteOfferKind.MATCH, lines=(
        EarlierQuoteLine("DEMO-120", 1000, D("110.00")), EarlierQuoteLine("FST-M8-50", 200, D("12.60")),
        EarlierQuoteLine("GLV-NIT-L", 100, D("11.20"))))
    decision = quote(pct="6", round=2, rule_set=SHOP, citation=cite("118000.00"), earlier_offers=(earlier,))
    # The earlier match ($113,640.00) is lower than the cited total: nothing more to match.
    assert all(o.kind is not QuoteOfferKind.MATCH for o in decision.offers)
    assert all(x.unit_price <= D("110.00") for o in decision.offers if o.kind is QuoteOfferKind.CONCESSION
               for x in o.lines if x.sku == "DEMO-120")


def test_needed_by_takes_an_order_lever_with_a_longer_lead_time_off_the_table() -> None:
    lever = {"kind": "term_lever", "params": {"group": "delivery", "option": "slow", "label": "delivery in 6 weeks",
                                              "value_pct": "2", "scope": "order", "lead_days": 42}}
    shop = rules(lever)
    kinds = {o.kind for o in quote(pct="1.5", rule_set=shop, needed_by=NOW.date() + timedelta(days=42)).offers}
    assert QuoteOfferKind.ORDER_TERMS in kinds
    sooner = quote(pct="1.5", rule_set=shop, needed_by=NOW.date() + timedelta(days=41))
    assert QuoteOfferKind.ORDER_TERMS not in {o.kind for o in sooner.offers}


def test_needed_by_reaches_each_lines_own_levers() -> None:
    lever = {"kind": "term_lever", "sku": "DEMO-120", "params": {
        "group": "delivery", "option": "slow", "label": "delivery in 6 weeks", "value_pct": "10", "lead_days": 42}}
    shop = rules(lever)
    lines = (line("DEMO-120", 1000, "110.00"),)

    def messages(needed_by: date) -> list[str]:
        return [o.message for o in quote(lines, rule_set=shop, needed_by=needed_by).offers]
    assert any("Delivery in 6 weeks" in text for text in messages(NOW.date() + timedelta(days=42)))
    assert not any("Delivery in 6 weeks" in text for text in messages(NOW.date() + timedelta(days=41)))


# -- properties ---------------------------------------------------------------------------

def _with_citation(case: Case, seed: int) -> Case:
    rng = random.Random(seed)
    cart = sum((x.context.list_price * x.quantity for x in case.request.lines), D(0))
    step = D(1).scaleb(-2) if case.request.currency == "USD" else D(1).scaleb(-{"JPY": 0, "KWD": 3}[
        case.request.currency])
    if rng.random() < 0.5:
        citation = QuoteCitation("Any", total=max(step, (cart * D(rng.randint(1, 110)) / 100).quantize(step)),
                                 has_document=rng.random() < 0.5)
    else:
        citation = QuoteCitation("Any", lines=tuple(
            CitedLine(x.sku, max(step, (x.context.list_price * D(rng.randint(1, 110)) / 100).quantize(step)))
            for x in case.request.lines if rng.random() < 0.7))
    rule = CompetingOffer(beat_by_pct=rng.choice([None, D(rng.randint(0, 20))]),
                          document_above=rng.choice([None, D(rng.randint(100, 100_000))]))
    return replace(case, request=replace(case.request, citation=citation),
                   rules=replace(case.rules, competing_offers=(rule,)))


@settings(max_examples=3000, deadline=None)
@given(cases(), st.integers(0, 2**32))
def test_a_citation_never_takes_a_line_below_its_floor_or_guard_or_the_order_below_its_floor(
        case: Case, seed: int) -> None:
    cited = _with_citation(case, seed)
    decision = decide_quote(cited.request, cited.rules, NOW, cited.policy)
    _check_floors(cited, decision)


GUARDED = Policy(floor_guard_pct=(D(1), D(5)))


def _demo_lines(draw: int) -> tuple:
    draws = GuardDraws(D(draw) / 100, D((draw * 7) % 100) / 100)
    return tuple(replace(x, context=replace(x.context, guard_draws=draws)) for x in DEMO_LINES)


def _bisect(low: D, high: D, hit: object) -> D:
    """The lowest amount (to the cent) for which ``hit`` holds, knowing it holds at ``high``."""
    while high - low > D("0.01"):
        middle = ((low + high) / 2).quantize(D("0.01"))
        if hit(middle):  # type: ignore[operator]
            high = middle
        else:
            low = middle
    return high


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 99))
def test_bisecting_cited_totals_learns_no_more_than_bisecting_targets(draw: int) -> None:
    """A buyer who cites ever lower totals finds where matches stop: the lines' guard
    prices, which bisecting targets on "declined" finds already (the decline line is a
    known share, ``rep_reach_pct``, below them); the floors stay a secret margin below."""
    lines, shop = _demo_lines(draw), rules(CONCESSION, MATCH_ANY)

    def decide(**more: object) -> QuoteDecision:
        return quote(lines, rule_set=shop, policy=GUARDED, **more)  # type: ignore[arg-type]

    def matched(total: D) -> bool:
        return any(o.kind is QuoteOfferKind.MATCH for o in decide(pct="30", citation=cite(str(total))).offers)

    def not_declined(total: D) -> bool:
        return decide(total=str(total)).outcome is not Outcome.DECLINE

    found = decide(pct="30")
    guards = sum((found.guards[x.sku] * x.quantity for x in lines), D(0))
    floors = sum((found.floors[x.sku] * x.quantity for x in lines), D(0))
    by_citation = _bisect(D(1), CART - D(1), matched)
    by_target = _bisect(D(1), CART - D(1), not_declined) / (1 - D(20) / 100)  # the demo's rep_reach_pct
    assert by_citation >= guards - D("0.01") * 1300  # never below the guard prices (a cent a unit of rounding)
    assert abs(by_citation - by_target) <= D(5)  # the same knowledge, to a few dollars on $100,000
    margin = guards - floors
    assert margin > 0 and by_citation - floors >= margin - D(15)  # the floors are as far from either


def test_a_routing_without_reach_still_refuses_matches_below_the_guard() -> None:
    shop = rules(CONCESSION, MATCH_ANY)
    shop = replace(shop, routings=(Routing(),))
    decision = quote(_demo_lines(50), pct="30", rule_set=shop, policy=GUARDED, citation=cite("99000.00"))
    guards = sum((decision.guards[x.sku] * x.quantity for x in DEMO_LINES), D(0))
    assert guards > D("99000.00")
    assert decision.outcome is Outcome.ESCALATE and decision.reason == BELOW_GUARD


def test_citing_never_takes_away_an_offer_the_rules_make_on_their_own() -> None:
    plain = quote(pct="9", round=2, rule_set=SHOP)  # the concession: $117,458.00
    cited = quote(pct="9", round=2, rule_set=SHOP, citation=cite("118000.00"))
    assert cited.offers[0].kind is QuoteOfferKind.MATCH
    assert [o.total for o in cited.offers[1:]] == [o.total for o in plain.offers][: len(cited.offers) - 1]
    assert D("117458.00") in [o.total for o in cited.offers]


def test_a_match_rounded_to_whole_yen_keeps_the_order_floor() -> None:
    """Found by the property above: the match's spread rounded every price up, and the
    excess over the matched total was then taken from the line of 48 units (the line of
    2,988 could not give one yen) down to its guard price, ¥528 of known-cost sales
    against an order floor of ¥629. It stops at the order floor instead."""
    from counteroffer.rules import ConcessionPolicy, Floor, PriceBreak, PriceBreaks, PricingContext, RuleSet
    from counteroffer.rules.quotes import OrderFloor, QuoteLine, QuoteRequest

    def context(list_price: str, cost: str, known: bool, multiple: int) -> PricingContext:
        return PricingContext(list_price=D(list_price), cost=D(cost), currency="JPY", order_multiple=multiple,
                              guard_draws=GuardDraws(D("0.34"), D("0.87")), cost_known=known)

    request = QuoteRequest(lines=(
        QuoteLine("S0", 48, context("20", "10.3752", True, 1), target_unit_price=D(16)),
        QuoteLine("S1", 2988, context("12", "0.5442", False, 12), target_unit_price=D(7))),
        currency="JPY", round=2, jitter=D("0.13"), citation=QuoteCitation("Any", total=D(36080), has_document=True))
    ruleset = RuleSet(
        floors=(Floor(min_margin_pct=D("1.5")), Floor(sku="S1", min_unit_price=D(10))),
        price_breaks=(PriceBreaks(breaks=(PriceBreak(72, D(15)), PriceBreak(227, D(5))), sku="S0"),),
        concessions=(ConcessionPolicy(max_discount_pct=D("30.4"), first_position_pct=D("27.8"), exponent=D("0.2")),),
        routings=(Routing(auto_accept_within_pct=D("3.8"), rep_reach_pct=D("1.7")),),
        order_floors=(OrderFloor(min_margin_pct=D("26.3")),), competing_offers=(CompetingOffer(),))
    policy = Policy(concession_jitter_pct=D(5), floor_guard_pct=(D(0), D(0)))
    decision = decide_quote(request, ruleset, NOW, policy)
    [match] = [offer for offer in decision.offers if offer.kind is QuoteOfferKind.MATCH]
    s0 = next(x for x in match.lines if x.sku == "S0")
    assert s0.unit_price * 48 >= decision.order_floor == D(629)
    assert s0.unit_price == D(14)  # the lowest whole yen that keeps 48 units at or above ¥629
