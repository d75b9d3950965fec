"""The competing_offer rule kind (rules/competing.py): every path, loading, and properties."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import (
    Citation,
    CompetingOffer,
    CompiledRules,
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
    TermLever,
    decide,
)
from counteroffer.rules.competing import BELOW_GUARD, NEEDS_DOCUMENT, matched_price
from counteroffer.rules.loading import RuleDataError, rule_from_record, rule_set_from_records

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
# DEMO-120's numbers: list $120.00, cost $80.00, floor 20% over cost ($96.00), a break at 3,000.
CONTEXT = PricingContext(list_price=Decimal("120.00"), cost=Decimal("80.00"), currency="USD")
BASE = (Floor(min_margin_pct=Decimal(20)),)
BREAKS = (PriceBreaks(breaks=(PriceBreak(3000, Decimal("110.00")),)),)
MATCH_ALL = CompetingOffer()
BAND = (Decimal(1), Decimal(5))
NO_GUARD = Policy()


def rules(*competing: CompetingOffer, **more: object) -> RuleSet:
    return RuleSet(floors=BASE, price_breaks=BREAKS, competing_offers=competing, **more)  # type: ignore[arg-type]


def ask(cited: str | None, target: str = "100.00", quantity: int = 1000, competitor: str = "Globex Supply",
        rule_set: RuleSet | None = None, policy: Policy = NO_GUARD, context: PricingContext = CONTEXT,
        valid_until: date | None = None, has_document: bool = False, needed_by: date | None = None) -> Decision:
    citation = None if cited is None else Citation(competitor, Decimal(cited), valid_until, has_document)
    request = PriceRequest("DEMO-120", quantity, Decimal(target), "USD", citation=citation, needed_by=needed_by)
    return decide(request, context, rule_set or rules(MATCH_ALL), NOW, policy)


def test_a_cited_112_is_matched_for_the_quantity_asked() -> None:
    decision = ask("112.00")
    assert decision.outcome is Outcome.COUNTER
    first = decision.offers[0]
    assert (first.kind, first.quantity, first.unit_price) == (OfferKind.MATCH, 1000, Decimal("112.00"))
    assert first.message == "We match the offer you cited: 1,000 units at $112.00 each."
    assert "Globex Supply" in first.explanation and "$112.00" in first.explanation


def test_without_a_citation_the_same_request_gets_no_match() -> None:
    assert all(o.kind is not OfferKind.MATCH for o in ask(None).offers)


@pytest.mark.parametrize(("rule", "expected"), [
    (CompetingOffer(beat_by_amount=Decimal("1.00")), "111.00"),
    (CompetingOffer(beat_by_pct=Decimal(2)), "109.76"),  # 112 x 0.98
    (CompetingOffer(beat_by_pct=Decimal("0.5")), "111.44"),
])
def test_a_rule_beats_the_cited_price_by_an_amount_or_a_share(rule: CompetingOffer, expected: str) -> None:
    assert ask("112.00", rule_set=rules(rule)).offers[0].unit_price == Decimal(expected)


def test_the_beaten_price_rounds_up_to_the_cent() -> None:
    assert matched_price(CompetingOffer(beat_by_pct=Decimal(3)), Decimal("111.11"), "USD") == Decimal("107.78")


def test_named_competitors_only_any_case_else_no_match() -> None:
    named = rules(CompetingOffer(competitors=("Globex Supply",)))
    assert ask("112.00", rule_set=named, competitor="globex supply ").offers[0].kind is OfferKind.MATCH
    assert all(o.kind is not OfferKind.MATCH for o in ask("112.00", rule_set=named, competitor="Initech").offers)


def test_a_citation_past_its_date_is_not_matched() -> None:
    expired = ask("112.00", valid_until=date(2026, 12, 3))
    assert all(o.kind is not OfferKind.MATCH for o in expired.offers)
    assert ask("112.00", valid_until=date(2026, 12, 4)).offers[0].kind is OfferKind.MATCH


def test_a_cited_price_at_or_above_ours_changes_nothing() -> None:
    assert ask("120.00").offers == ask(None).offers


def test_a_target_at_or_above_the_match_is_accepted() -> None:
    decision = ask("112.00", target="113.00")
    assert decision.outcome is Outcome.ACCEPT and decision.offers[0].unit_price == Decimal("113.00")


def test_a_cited_price_below_the_floor_goes_to_a_rep_never_answered_with_the_floor() -> None:
    decision = ask("90.00", target="90.00")
    assert decision.outcome is Outcome.ESCALATE and decision.reason == BELOW_GUARD
    assert decision.offers == ()


def test_below_the_guard_but_above_the_floor_goes_to_a_rep_too() -> None:
    policy = Policy(floor_guard_pct=BAND)
    context = PricingContext(list_price=Decimal("120.00"), cost=Decimal("80.00"), currency="USD",
                             guard_draws=GuardDraws(floor=Decimal("0.5")))
    # guard = 96.00 + 3% of 120 = 99.60: a cited 98.00 is above the floor, below the guard
    decision = ask("98.00", target="95.00", policy=policy, context=context)
    assert decision.outcome is Outcome.ESCALATE and decision.reason == BELOW_GUARD
    assert ask("99.60", target="95.00", policy=policy, context=context).offers[0].unit_price == Decimal("99.60")


def test_far_below_the_floor_a_citation_is_not_declined_but_seen_by_a_rep() -> None:
    assert ask(None, target="50.00").outcome is Outcome.DECLINE
    assert ask("50.00", target="50.00").outcome is Outcome.ESCALATE


def test_above_the_document_limit_a_citation_without_a_document_goes_to_a_rep() -> None:
    rule = rules(CompetingOffer(document_above=Decimal("100000")))
    decision = ask("112.00", rule_set=rule)  # 1,000 x 112 = 112,000 > 100,000
    assert decision.outcome is Outcome.ESCALATE and decision.reason == NEEDS_DOCUMENT
    assert ask("112.00", rule_set=rule, has_document=True).offers[0].kind is OfferKind.MATCH
    assert ask("112.00", rule_set=rule, quantity=800).offers[0].kind is OfferKind.MATCH  # 89,600


def test_the_match_respects_the_approval_limit() -> None:
    limited = rules(MATCH_ALL, routings=(Routing(auto_approval_limit=Decimal("50000")),))
    decision = ask("112.00", rule_set=limited)
    assert decision.outcome is Outcome.ESCALATE
    assert decision.suggestions[0].kind is OfferKind.MATCH


def test_the_match_never_goes_back_on_an_earlier_lower_offer() -> None:
    context = PricingContext(list_price=Decimal("120.00"), cost=Decimal("80.00"), currency="USD",
                             earlier_offers=(EarlierOffer(1000, Decimal("108.00")),))
    assert ask("112.00", context=context).offers[0].unit_price == Decimal("108.00")


def test_a_target_the_rules_accept_alone_is_not_sent_to_a_rep_by_a_low_citation() -> None:
    assert ask("50.00", target="120.00").outcome is Outcome.ACCEPT


def test_the_most_specific_rule_covering_the_competitor_wins() -> None:
    rule_set = rules(CompetingOffer(beat_by_pct=Decimal(1)),
                     CompetingOffer(sku="DEMO-120", competitors=("Initech",), beat_by_amount=Decimal(2)))
    compiled = CompiledRules(rule_set)
    assert ask("112.00", rule_set=compiled, competitor="Initech").offers[0].unit_price == Decimal("110.00")
    assert ask("112.00", rule_set=compiled, competitor="Globex").offers[0].unit_price == Decimal("110.88")


def test_needed_by_takes_a_lever_with_a_longer_lead_time_off_the_table() -> None:
    slow = TermLever(group="lead_time", option="6weeks", label="delivery in 6 weeks",
                     value_pct=Decimal(10), lead_days=42)
    rule_set = RuleSet(floors=BASE, price_breaks=BREAKS, levers=(slow,))

    def kinds(needed_by: date | None) -> set[OfferKind]:
        return {o.kind for o in ask(None, target="110.00", rule_set=rule_set, needed_by=needed_by).offers}

    assert OfferKind.TERMS in kinds(None)
    assert OfferKind.TERMS in kinds(date(2027, 1, 15))  # 42 days from Dec 4 is Jan 15
    assert OfferKind.TERMS not in kinds(date(2027, 1, 14))


# Loading ---------------------------------------------------------------------------------
def test_loads_from_a_record_with_its_scope() -> None:
    rule = rule_from_record({"kind": "competing_offer", "sku": "DEMO-120", "segment": "wholesale",
                             "params": {"competitors": ["Globex Supply"], "beat_by_pct": "1",
                                        "document_above": "50000"}})
    assert rule == CompetingOffer(competitors=("Globex Supply",), beat_by_pct=Decimal(1),
                                  document_above=Decimal(50000), sku="DEMO-120", segment="wholesale")
    assert rule_set_from_records([{"kind": "competing_offer", "params": {}}]).competing_offers == (CompetingOffer(),)


@pytest.mark.parametrize(("params", "field"), [
    ({"competitors": "Globex"}, "competitors"),
    ({"competitors": [" "]}, "competitors"),
    ({"beat_by_amount": "1", "beat_by_pct": "1"}, "beat_by_pct"),
    ({"beat_by_pct": "60"}, "beat_by_pct"),
    ({"beat_by_amount": 1.5}, "beat_by_amount"),
    ({"document_above": "-1"}, "document_above"),
    ({"match": True}, "match"),
])
def test_bad_params_name_the_field(params: dict[str, object], field: str) -> None:
    with pytest.raises(RuleDataError) as raised:
        rule_from_record({"kind": "competing_offer", "params": params})
    assert raised.value.field == field


def test_lead_days_is_a_lever_param() -> None:
    lever = rule_from_record({"kind": "term_lever", "params": {"group": "delivery", "option": "slow",
                                                               "label": "slow", "value_pct": "1", "lead_days": 0}})
    assert lever.lead_days == 0
    with pytest.raises(RuleDataError) as raised:
        rule_from_record({"kind": "term_lever", "params": {"group": "delivery", "option": "slow",
                                                           "label": "slow", "value_pct": "1", "lead_days": -1}})
    assert raised.value.field == "lead_days"


# Properties --------------------------------------------------------------------------------
CENTS = st.integers(1, 30_000).map(lambda c: Decimal(c).scaleb(-2))


@settings(max_examples=300, deadline=None)
@given(cited=CENTS, target=CENTS, quantity=st.integers(1, 5000), draw=st.integers(0, 99),
       beat=st.integers(0, 10), earlier=st.none() | CENTS)
def test_never_below_the_guard_price_and_never_back_on_an_earlier_offer(
        cited: Decimal, target: Decimal, quantity: int, draw: int, beat: int, earlier: Decimal | None) -> None:
    policy = Policy(floor_guard_pct=BAND)
    earlier_offers = () if earlier is None else (EarlierOffer(quantity, max(earlier, Decimal("99.60"))),)
    context = PricingContext(list_price=Decimal("120.00"), cost=Decimal("80.00"), currency="USD",
                             guard_draws=GuardDraws(floor=Decimal(draw) / 100), earlier_offers=earlier_offers)
    rule_set = rules(CompetingOffer(beat_by_pct=Decimal(beat)))
    decision = ask(str(cited), target=str(target), quantity=quantity, rule_set=rule_set, policy=policy,
                   context=context)
    assert decision.guard is not None and decision.floor == Decimal("96.00")
    for offer in decision.offers:
        if offer.kind is OfferKind.MATCH:
            assert offer.unit_price >= decision.guard  # never below the guard, so never the floor
            for held in earlier_offers:
                assert offer.unit_price <= held.unit_price
        assert offer.unit_price >= decision.floor or offer.kind is OfferKind.VOLUME


@settings(max_examples=200, deadline=None)
@given(citations=st.lists(CENTS, min_size=2, max_size=8), draw=st.integers(0, 99))
def test_citing_ever_lower_prices_gets_no_lower_than_the_guard(citations: list[Decimal], draw: int) -> None:
    policy = Policy(floor_guard_pct=BAND)
    context = PricingContext(list_price=Decimal("120.00"), cost=Decimal("80.00"), currency="USD",
                             guard_draws=GuardDraws(floor=Decimal(draw) / 100))
    lowest = None
    for cited in sorted(citations, reverse=True):
        decision = ask(str(cited), target="1.00", policy=policy, context=context)
        assert decision.guard is not None
        matched = [o.unit_price for o in decision.offers if o.kind is OfferKind.MATCH]
        lowest = min([*matched, *([] if lowest is None else [lowest])], default=None)
        assert lowest is None or lowest >= decision.guard
