"""Experiments on quote rules (issue 15, item 5), on SQLite and PostgreSQL: two versions
that differ only in an order tier split buyers; each arm's quotes are decided with its
version and compared per quote (requested, accepted, order value, margin kept above the
floors, discount given) beside the lines per request.

The catalog (tests/seed.py): DEMO-120 lists at 120.00, floor 96.00; GLOVE-50 lists at
20.00, 18.00 from 500, floor 15.00. The cart of 1,000 and 500 is 129,000.00.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from counteroffer.negotiation import LineAsk, accept_quote_offer, order_target_of, request_quote
from counteroffer.negotiation.pricing.rulesets import create_rule, publish
from counteroffer.negotiation.results.experiments import experiment_results, start_experiment
from tests.security.world import PIA
from tests.service.test_experiments import buyer, companies_in_arms

CART = [LineAsk("DEMO-120", 1000, None), LineAsk("GLOVE-50", 500, None)]
LIST = {"DEMO-120": Decimal("120.00"), "GLOVE-50": Decimal("20.00")}
FLOOR = {"DEMO-120": Decimal("96.00"), "GLOVE-50": Decimal("15.00")}


@pytest.fixture
def deps(app):
    """Version 2 is version 1 with an order tier: they differ in quote rules alone."""
    extension = app.extensions["counteroffer"]
    with app.app_context():
        create_rule(extension.deps, PIA, {"kind": "order_tiers", "priority": 0, "params": {
            "tiers": [{"min_order_value": "100000", "discount_pct": "3"}]}})
        publish(extension.deps, PIA, "3% off orders from 100,000")
        yield extension.deps


def test_versions_that_differ_only_in_quote_rules_split_the_quotes_and_compare_them(deps):
    experiment = start_experiment(deps, PIA, "an order tier", 1, "live", 50)
    assert (experiment.version_a, experiment.version_b) == (1, 2)
    arms = companies_in_arms(deps, experiment.id)
    taken: dict[str, list] = {"A": [], "B": []}
    kinds: dict[str, set[str]] = {"A": set(), "B": set()}
    for arm, companies in arms.items():
        for index, company in enumerate(companies):
            quote = request_quote(deps, buyer(company), CART, "USD", order_target_of(None, Decimal("4")))
            kinds[arm] |= {offer.kind for offer in quote.offers}
            if index < (2 if arm == "A" else 1) and quote.offers:
                taken[arm].append(accept_quote_offer(deps, buyer(company), quote.offers[0].id))
    # Arm A's version has no order tier; arm B's offers it.
    assert "order_tier" not in kinds["A"] and "order_tier" in kinds["B"]
    results = experiment_results(deps, PIA, experiment.id)
    a, b = results.arms
    assert (a.requests, b.requests) == (0, 0)  # no line request: the quotes are apart
    for arm, result in (("A", a.quotes), ("B", b.quotes)):
        deals = taken[arm]
        value = sum((line.unit_price * line.quantity for deal in deals for line in deal.lines), Decimal(0))
        listed = sum((LIST[line.sku] * line.quantity for deal in deals for line in deal.lines), Decimal(0))
        floors = sum((FLOOR[line.sku] * line.quantity for deal in deals for line in deal.lines), Decimal(0))
        assert (result.requested, result.offered, result.accepted) == (3, 3, len(deals))
        assert result.order_value == value > 0
        assert result.discount_given == listed - value
        assert result.margin_kept == value - floors
        assert result.acceptance.estimate == Decimal(len(deals)) / 3
    assert results.quote_differences.acceptance.estimate == Decimal(1) / 3 - Decimal(2) / 3
