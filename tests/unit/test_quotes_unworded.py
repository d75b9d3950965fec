"""``decide_quote(worded=False)`` (what the what-if replay asks): the very same decision,
only without the buyer's messages and the rep's explanations.

Over random quotes and rule sets (tests/unit/quote_strategies.py), with and without a
cited competing offer, in a first round and in the next one with the first round's
offers: every field but the words is identical (outcome, reason, offers in order, their
kinds, lines, quantities, prices, terms, seller values, floors, guards), and the
unworded offers carry no words at all.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from counteroffer.rules import CompiledRules
from counteroffer.rules.model import Policy
from counteroffer.rules.quotes import (
    EarlierQuoteLine,
    EarlierQuoteOffer,
    OrderTarget,
    QuoteDecision,
    QuoteOffer,
    QuoteRequest,
    decide_quote,
)

from .quote_cases import CONCESSION, DEMO_LINES, NOW, rules
from .quote_strategies import Case, cases
from .test_quotes_citations import SHOP, _with_citation, cite


def _offers(decision: QuoteDecision) -> list[QuoteOffer]:
    return [*decision.offers, *decision.suggestions, *([decision.accepted] if decision.accepted else [])]


def _unworded(offer: QuoteOffer) -> QuoteOffer:
    return replace(offer, message="", explanation="",
                   lines=tuple(replace(line, explanation="") for line in offer.lines))


def _without_words(decision: QuoteDecision) -> QuoteDecision:
    accepted = decision.accepted
    return replace(decision, offers=tuple(_unworded(o) for o in decision.offers),
                   suggestions=tuple(_unworded(o) for o in decision.suggestions),
                   accepted=None if accepted is None else _unworded(accepted))


def _same_but_words(request: QuoteRequest, case: Case, rules_: object = None) -> QuoteDecision:
    rule_set = case.rules if rules_ is None else rules_
    worded = decide_quote(request, rule_set, NOW, case.policy)  # type: ignore[arg-type]
    bare = decide_quote(request, rule_set, NOW, case.policy, worded=False)  # type: ignore[arg-type]
    assert bare == _without_words(worded), case.seed
    for offer in _offers(bare):
        assert offer.message == "" and offer.explanation == ""
        assert all(line.explanation == "" for line in offer.lines)
    # The accepted quote is the first offer, one object, worded or not.
    assert (bare.accepted is None) or bare.accepted is bare.offers[0]
    return worded


def _next_round(request: QuoteRequest, decision: QuoteDecision) -> QuoteRequest:
    """The next round with this one's offers, as the replay and the use cases carry them."""
    earlier = tuple(EarlierQuoteOffer(tuple(EarlierQuoteLine(x.sku, x.quantity, x.unit_price) for x in o.lines),
                                      o.kind) for o in decision.offers)
    return replace(request, round=request.round + 1, earlier_offers=earlier)


@settings(max_examples=1500, deadline=None)
@given(cases())
def test_unworded_decisions_are_the_worded_ones_without_words_over_two_rounds(case: Case) -> None:
    first = _same_but_words(case.request, case)
    _same_but_words(_next_round(case.request, first), case, CompiledRules(case.rules))


@settings(max_examples=1000, deadline=None)
@given(cases(), st.integers(0, 2**32))
def test_unworded_decisions_are_the_same_with_a_cited_competing_offer(case: Case, seed: int) -> None:
    cited = _with_citation(case, seed)
    first = _same_but_words(cited.request, cited)
    _same_but_words(_next_round(cited.request, first), cited)


def test_the_words_are_there_when_asked_for_and_the_demo_quotes_decide_alike() -> None:
    """The demo's quotes through each path (counter, accept, match, needed_by) decide alike."""
    shop = rules(CONCESSION, {"kind": "competing_offer", "params": {}})
    requests = [QuoteRequest(DEMO_LINES, "USD", OrderTarget(discount_pct=D(pct)), round=r)
                for pct in ("0", "2", "6", "12", "40") for r in (1, 2, 3)]
    requests += [QuoteRequest(DEMO_LINES, "USD", OrderTarget(discount_pct=D("6")), citation=cite("118000.00")),
                 QuoteRequest(DEMO_LINES, "USD", OrderTarget(discount_pct=D("6")),
                              needed_by=NOW.date() + timedelta(days=3))]
    worded = 0
    for request in requests:
        for rule_set in (shop, SHOP):
            case = Case(0, request, rule_set, Policy(), None)
            decision = _same_but_words(request, case)
            worded += sum(1 for o in _offers(decision) if o.message and o.explanation)
    assert worded > 10
