"""Experiments: deterministic arms, requests decided with the arm's rule version, results
with confidence intervals, stop, and promoting the winner by publishing it.

Versions: tests/seed.py publishes version 1 (DEMO-120: 110.00 from 3,000 units). Version 2
adds a break of higher priority, 110.00 from 2,000 units, and is published (live). The
experiment runs version 2 (live) as arm A against version 1 as arm B, half the buyers
each: Acme-like companies in arm A are offered 2,000 at 110.00 for 1,000 asked, those in
arm B 3,000 at 110.00.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from counteroffer import Customer
from counteroffer.db import transaction
from counteroffer.db.results import Experiment, ResultFact
from counteroffer.db.rulesets import RuleVersion
from counteroffer.negotiation import (
    Actor,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    accept_offer,
    request_price,
)
from counteroffer.negotiation.pricing.rulebook import live_version_id
from counteroffer.negotiation.pricing.rulesets import create_rule, publish
from counteroffer.negotiation.pricing.setup import save_customers
from counteroffer.negotiation.results.experiments import (
    arm_for,
    experiment_results,
    list_experiments,
    promote_winner,
    start_experiment,
    stop_experiment,
)
from counteroffer.negotiation.results.stats import Moments, newcombe_difference, welch_difference, wilson, z_for
from tests.conftest import MANAGER, REP

PIA = Actor("pia@seller", "pricing_manager", name="Pia")
Z = z_for()
FOUR = Decimal("0.0001")


@pytest.fixture
def deps(app):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        create_rule(extension.deps, PIA, {"kind": "price_breaks", "sku": "DEMO-120", "priority": 1, "params": {
            "breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}})
        publish(extension.deps, PIA, "2,000-unit break")
        yield extension.deps


def companies_in_arms(deps, experiment_id, count=3):
    """``count`` new companies in each arm (found by the experiment's own hash)."""
    with transaction(deps.session_factory) as session:
        row = session.get(Experiment, experiment_id)
        salt, split = row.salt, row.split_pct
    arms = {"A": [], "B": []}
    for n in range(1000):
        company = f"co{n}"
        arm = arm_for(salt, company, split)
        if len(arms[arm]) < count:
            arms[arm].append(company)
    save_customers(deps, [Customer(c, c.upper(), "wholesale") for c in arms["A"] + arms["B"]])
    return arms


def buyer(company):
    return Actor(f"buyer@{company}", "buyer", company_id=company)


def test_arms_are_deterministic_and_follow_the_split():
    assert arm_for("salt", "acme", 50) == arm_for("salt", "acme", 50)
    in_b = sum(arm_for("salt", f"company-{n}", 20) == "B" for n in range(10_000))
    assert 1800 <= in_b <= 2200  # 20% of 10,000, give or take two points
    assert arm_for("salt", "acme", 1) == "A" or arm_for("salt", "acme", 99) == "B"


def test_requests_are_decided_with_their_arms_version_and_tagged(deps):
    experiment = start_experiment(deps, PIA, "2,000 vs 3,000 break", "live", 1, 50)
    assert (experiment.version_a, experiment.version_b, experiment.status) == (2, 1, "running")
    arms = companies_in_arms(deps, experiment.id)
    for arm, wanted in (("A", 2000), ("B", 3000)):
        for company in arms[arm]:
            view = request_price(deps, buyer(company), "DEMO-120", 1000, Decimal("110.00"), "USD")
            assert view.offers[0].quantity == wanted, (arm, company)
    with transaction(deps.session_factory) as session:
        tagged = session.execute(select(ResultFact.variant, ResultFact.rule_version_id)
                                 .where(ResultFact.experiment_id == experiment.id)).all()
        number = {v.id: v.number for v in session.scalars(select(RuleVersion))}
    assert sorted((variant, number[int(version)]) for variant, version in tagged) == \
        [("A", 2)] * 3 + [("B", 1)] * 3

    stop_experiment(deps, PIA, experiment.id)
    company = arms["B"][0]
    after = request_price(deps, buyer(company), "DEMO-120", 1000, Decimal("110.00"), "USD")
    assert after.offers[0].quantity == 2000  # the live version again for everyone
    with pytest.raises(ConflictError):
        stop_experiment(deps, PIA, experiment.id)


def test_results_with_confidence_intervals(deps, clock):
    experiment = start_experiment(deps, PIA, "break test", "live", 1, 50)
    arms = companies_in_arms(deps, experiment.id)
    # Arm A: 3 requests, 2 accepted (2,000 at 110.00 for 1,000 asked: margin 30.00 x 2,000
    # = 60,000.00, 1,000 extra units each). Arm B: 3 requests, 1 accepted (3,000 at 110.00:
    # margin 90,000.00, 2,000 extra units).
    for arm, accepted in (("A", 2), ("B", 1)):
        for index, company in enumerate(arms[arm]):
            view = request_price(deps, buyer(company), "DEMO-120", 1000, Decimal("110.00"), "USD")
            if index < accepted:
                accept_offer(deps, buyer(company), view.offers[0].id)
    results = experiment_results(deps, PIA, experiment.id)
    a, b = results.arms
    assert (a.requests, a.offered, a.deals, b.requests, b.deals) == (3, 3, 2, 3, 1)
    assert a.acceptance.estimate == Decimal(2) / 3 and b.acceptance.estimate == Decimal(1) / 3
    assert a.margin_per_request.estimate == Decimal("120000") / 3 == Decimal("40000")
    assert b.margin_per_request.estimate == Decimal("30000")
    assert (a.volume_per_request.estimate, b.volume_per_request.estimate) == (Decimal("2000") / 3, Decimal("2000") / 3)
    # Margin per request, A: 60,000, 60,000, 0 -> mean 40,000, variance
    # ((20,000)^2 x 2 + (40,000)^2) / 2 = 1,200,000,000; B: 90,000, 0, 0 -> mean 30,000,
    # variance (60,000^2 + 2 x 30,000^2) / 2 = 2,700,000,000. Welch: sqrt(1.2e9/3 + 2.7e9/3)
    # = sqrt(1.3e9) = 36,055.51...; difference B - A = -10,000.
    margin = results.margin_difference
    assert margin.estimate == Decimal("-10000")
    assert (margin.high - margin.estimate).quantize(Decimal("0.01")) == \
        (Z * Decimal("1300000000").sqrt()).quantize(Decimal("0.01"))
    assert not margin.excludes_zero and results.small_sample


def test_wilson_and_newcombe_against_published_values():
    # Wilson 95% for 1 of 2: 0.0945 to 0.9055 (Newcombe 1998, table I).
    one_of_two = wilson(1, 2, Z)
    assert (one_of_two.low.quantize(FOUR), one_of_two.high.quantize(FOUR)) == (Decimal("0.0945"), Decimal("0.9055"))
    # Newcombe 1998 (method 10), 56/70 against 48/80: difference 0.2000, 0.0524 to 0.3339.
    difference = newcombe_difference(wilson(48, 80, Z), wilson(56, 70, Z))
    assert difference.estimate == Decimal("0.2")
    assert (difference.low.quantize(FOUR), difference.high.quantize(FOUR)) == (Decimal("0.0524"), Decimal("0.3339"))
    assert difference.excludes_zero


def test_welch_difference_by_hand():
    # A: 1, 2, 3 (mean 2, variance 1); B: 4, 6, 8 (mean 6, variance 4).
    a, b = Moments(3, Decimal(6), Decimal(14)), Moments(3, Decimal(18), Decimal(116))
    interval = welch_difference(a, b, Decimal("1.96"))
    error = (Decimal(1) / 3 + Decimal(4) / 3).sqrt()  # sqrt(5/3) = 1.29099...
    assert interval.estimate == Decimal(4)
    assert (interval.low, interval.high) == (4 - Decimal("1.96") * error, 4 + Decimal("1.96") * error)


def test_promoting_the_winner_publishes_its_rules(deps):
    experiment = start_experiment(deps, PIA, "break test", "live", 1, 50)
    promoted = promote_winner(deps, PIA, experiment.id, "B")
    assert (promoted.status, promoted.promoted_variant) == ("promoted", "B")
    with transaction(deps.session_factory) as session:
        live = session.get(RuleVersion, live_version_id(session))
        assert (live.number, live.based_on_id) == (3, _id_of(session, 1))
    view = request_price(deps, Actor("ann@acme", "buyer", company_id="acme"), "DEMO-120", 1000,
                         Decimal("110.00"), "USD")
    assert view.offers[0].quantity == 3000  # version 1's rules, live again as version 3
    with pytest.raises(ConflictError):
        promote_winner(deps, PIA, experiment.id, "A")


def _id_of(session, number):
    return session.scalar(select(RuleVersion.id).where(RuleVersion.number == number))


def test_one_experiment_at_a_time_and_sound_arguments(deps):
    start_experiment(deps, PIA, "first", "live", 1)
    with pytest.raises(ConflictError):
        start_experiment(deps, PIA, "second", "live", 1)
    [running] = list_experiments(deps, MANAGER)
    stop_experiment(deps, MANAGER, running.id)
    for name, control, challenger, split, field in (("x", "live", 2, 50, "challenger"),
                                                    ("x", "live", 9, 50, "challenger"),
                                                    ("x", "live", 1, 100, "split_pct"),
                                                    (" ", "live", 1, 50, "name")):
        with pytest.raises(InvalidRequestError) as error:
            start_experiment(deps, PIA, name, control, challenger, split)
        assert field in error.value.fields
    for actor in (REP, Actor("ann@acme", "buyer", company_id="acme")):
        with pytest.raises(ForbiddenError):
            list_experiments(deps, actor)
