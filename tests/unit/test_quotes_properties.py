"""Properties of the whole-quote engine over random quotes and rule sets (hypothesis).

10,000 random quotes a run: 4,000 (floors, guard prices, the order floor), 3,000 (per-line
targets, and the same answer from a compiled rule set) and 3,000 pairs of rounds (never
back on an earlier offer), each with its own rule set.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings

from counteroffer.rules import CompiledRules, Outcome, round_money
from counteroffer.rules.quotes import (
    EarlierQuoteLine,
    EarlierQuoteOffer,
    QuoteDecision,
    QuoteOffer,
    QuoteOfferKind,
    decide_quote,
)

from .quote_cases import NOW
from .quote_strategies import Case, cases

HUNDRED = Decimal(100)
PRICE_ONLY = (QuoteOfferKind.CONCESSION, QuoteOfferKind.MARGIN_MIX)


def _decide(case: Case, rules: object = None) -> QuoteDecision:
    return decide_quote(case.request, case.rules if rules is None else rules, NOW, case.policy)  # type: ignore[arg-type]


def _every_offer(decision: QuoteDecision) -> list[QuoteOffer]:
    return [*decision.offers, *decision.suggestions, *([decision.accepted] if decision.accepted else [])]


def _check_floors(case: Case, decision: QuoteDecision) -> None:
    """No line below its floor; an automatic answer's lines at or above their guard price
    (or at a published price for their quantity); no quote below the order floor."""
    automatic = decision.outcome in (Outcome.ACCEPT, Outcome.COUNTER)
    assert len(decision.offers) <= case.policy.max_offers
    costs = {line.sku: line.context for line in case.request.lines}
    for offer in _every_offer(decision):
        for line in offer.lines:
            assert line.unit_price >= decision.floors[line.sku], (offer, decision.floors)
            assert line.unit_price <= line.price_for_quantity, offer
            if automatic and offer in decision.offers:
                guard = decision.guards[line.sku]
                assert line.unit_price >= guard or line.unit_price == line.price_for_quantity, (offer, guard)
        if case.order_floor_pct is not None:
            known = [x for x in offer.lines if costs[x.sku].cost_known]
            revenue = sum((x.unit_price * x.quantity for x in known), Decimal(0))
            cost = sum((costs[x.sku].cost * x.quantity for x in known), Decimal(0))
            assert revenue >= cost * (1 + case.order_floor_pct / HUNDRED), offer


def _check_mix(case: Case, decision: QuoteDecision) -> None:
    """An accepted margin mix gives the order target and not a cent more concession."""
    accepted, target = decision.accepted, case.request.order_target
    if accepted is None or accepted.kind is not QuoteOfferKind.MARGIN_MIX or target is None:
        return
    wanted = target.total if target.total is not None else round_money(
        decision.cart_total * (1 - (target.discount_pct or Decimal(0)) / HUNDRED), case.request.currency)
    assert accepted.total >= wanted, (accepted.total, wanted)


@settings(max_examples=4000, deadline=None)
@given(cases())
def test_no_line_below_its_floor_or_guard_and_no_order_below_the_order_floor(case: Case) -> None:
    decision = _decide(case)
    _check_floors(case, decision)
    _check_mix(case, decision)


@settings(max_examples=3000, deadline=None)
@given(cases(per_line=True))
def test_per_line_targets_keep_the_floors_and_compiled_rules_decide_the_same(case: Case) -> None:
    decision = _decide(case)
    _check_floors(case, decision)
    assert _decide(case, CompiledRules(case.rules)) == decision


def _earlier(decision: QuoteDecision) -> tuple[EarlierQuoteOffer, ...]:
    """A counter's price-only offers, as the use cases pass them to the next round (an
    acceptance closes the quote: there is no next round)."""
    if decision.outcome is not Outcome.COUNTER:
        return ()
    return tuple(EarlierQuoteOffer(tuple(EarlierQuoteLine(x.sku, x.quantity, x.unit_price) for x in offer.lines),
                                   offer.kind) for offer in decision.offers if offer.kind in PRICE_ONLY)


@settings(max_examples=3000, deadline=None)
@given(cases())
def test_a_later_round_never_goes_back_on_an_earlier_quote_offer(case: Case) -> None:
    first = _decide(case)
    earlier = _earlier(first)
    later_request = replace(case.request, round=case.request.round + 1, earlier_offers=earlier)
    later = decide_quote(later_request, case.rules, NOW, case.policy)
    _check_floors(case, later)
    held = {(x.sku, x.quantity): x.unit_price for offer in earlier for x in offer.lines}
    for offer in later.offers:
        if offer.kind not in PRICE_ONLY:
            continue
        for line in offer.lines:
            before = held.get((line.sku, line.quantity))
            assert before is None or line.unit_price <= before, (line, before)
        totals = [sum((x.unit_price * x.quantity for x in e.lines), Decimal(0)) for e in earlier]
        assert not totals or offer.total <= min(totals)
