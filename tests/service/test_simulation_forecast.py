"""The what-if's forecast: the answered offers it reads from history, the expected deals,
margin and volume it adds for both sides, and "too little history" below the threshold."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from counteroffer.db import transaction
from counteroffer.negotiation import accept_offer, counter, request_price
from counteroffer.negotiation.pricing import rulesets
from counteroffer.negotiation.pricing.simulation import get_simulation, run_simulation, start_simulation
from counteroffer.negotiation.results.response_history import answered_rounds
from counteroffer.negotiation.results.response_model import MIN_ANSWERED
from tests.conftest import BUYER_ACME, BUYER_GLOBEX, MANAGER
from tests.forecast_history import seed_answered_rounds, true_chance

WHOLESALE_ASK = {"sku": "DEMO-120", "quantity": 1500, "target_unit_price": "110.00", "segment": "wholesale"}


def test_answered_rounds_are_read_with_their_depth_volume_and_answer(app, clock):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        taken = request_price(deps, BUYER_ACME, "DEMO-120", 1500, Decimal("110.00"), "USD")
        accept_offer(deps, BUYER_ACME, taken.offers[0].id)  # 3,000 @ 110.00: taken
        moved = request_price(deps, BUYER_ACME, "DEMO-120", 1500, Decimal("105.00"), "USD")
        # Round 1's offer still holds after the counter (issue 23): let go only once it expires.
        counter(deps, BUYER_ACME, moved.id, Decimal("104.00"), quantity=2000)
        lapsed = request_price(deps, BUYER_GLOBEX, "GLOVE-50", 600, Decimal("17.00"), "USD")
        assert lapsed.offers  # 1,050 @ 16.50 (in cartons of 50), never answered: it lapses
        clock.advance(days=1)
        with transaction(deps.session_factory) as session:
            early = answered_rounds(session, clock())
        clock.advance(days=3)
        with transaction(deps.session_factory) as session:
            late = answered_rounds(session, clock())
    assert len(early) == 1  # the open offers (both rounds') are not answered yet
    [deal] = early
    assert (deal.segment, deal.accepted) == ("wholesale", True)
    assert round(deal.depth_pct, 2) == 8.33 and deal.extra_volume_pct == 100.0
    assert not deal.terms and not deal.own_price
    assert len(late) == 4  # past their expiry, the last round and the gloves count as let go
    gloves = next(a for a in late if a.segment == "retail")
    assert not gloves.accepted and (gloves.depth_pct, gloves.extra_volume_pct) == (17.5, 75.0)  # 1,050 for 600
    # Round 1: 2,400 @ 105.00 for 1,500 asked; round 2: 3,334 @ 104.00 measured against the
    # 2,000 asked in the counter (its audit event), not the 1,500 first asked.
    let_go = sorted((a.depth_pct, a.extra_volume_pct) for a in late if a.segment == "wholesale" and not a.accepted)
    assert let_go[0] == (12.5, 60.0) and (round(let_go[1][0], 2), let_go[1][1]) == (13.33, 66.7)


def _draft_with_break_at_2000(deps) -> None:
    rulesets.open_draft(deps, MANAGER)
    breaks = rulesets.RuleFilter(sku="DEMO-120", kind="price_breaks")
    rule = rulesets.list_rules(deps, MANAGER, "draft", breaks).items[0]
    rulesets.update_rule(deps, MANAGER, rule.id, {"kind": "price_breaks", "sku": "DEMO-120", "priority": 0,
                                                  "params": {"breaks": [{"min_quantity": 2000,
                                                                         "unit_price": "110.00"}]}})


def _simulated(app, clock, history: int) -> dict:
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        seed_answered_rounds(deps, history, clock())
        _draft_with_break_at_2000(deps)
        simulation = start_simulation(deps, MANAGER, requests=[WHOLESALE_ASK] * 200)
        assert run_simulation(deps, simulation.id) == "done"
        return get_simulation(deps, MANAGER, simulation.id).result


def test_the_forecast_expects_the_deals_the_history_says_buyers_take(app, clock):
    result = _simulated(app, clock, 1_500)
    forecast = result["forecast"]
    assert forecast["history"]["answered"] == 1_500 and forecast["history"]["enough"]
    assert set(forecast["history"]["segments"]) == {"wholesale"}
    truth = 200 * true_chance(100 * 10 / 120)  # 3,000 @ 110.00 is 8.33% off list
    for side, units in (("live", 3000), ("draft", 2000)):
        deals = forecast[side]["deals"]
        assert abs(deals["estimate"] - truth) < 5, (side, deals, truth)
        assert deals["low"] < truth < deals["high"] and deals["high"] - deals["low"] < 30
        assert forecast[side]["curves"] == ["wholesale"]
        # The same chance for every request here: margin and volume follow the deals.
        margin = Decimal(forecast[side]["margin"]["estimate"])
        assert abs(margin - Decimal(repr(deals["estimate"])) * 30 * units) < 30 * units
        assert Decimal(forecast[side]["margin"]["low"]) < margin < Decimal(forecast[side]["margin"]["high"])
        assert abs(forecast[side]["volume"]["estimate"] - deals["estimate"] * units) < units
        assert forecast[side]["person_share_pct"]["estimate"] == 0.0
        assert forecast[side]["person_share_pct"]["high"] > 0  # 0 of 200: the share may still be small, not nil
    # The draft asks fewer extra units at the same price: as many deals, less margin.
    assert Decimal(forecast["draft"]["margin"]["estimate"]) < Decimal(forecast["live"]["margin"]["estimate"])


@pytest.mark.parametrize("history", [0, MIN_ANSWERED - 1])
def test_too_little_history_gives_no_figures_and_says_how_much_there_is(app, clock, history):
    result = _simulated(app, clock, history)
    forecast = result["forecast"]
    assert forecast["history"]["answered"] == history and not forecast["history"]["enough"]
    assert forecast["history"]["threshold"] == MIN_ANSWERED
    assert forecast["live"] is None and forecast["draft"] is None
    assert result["live"]["counts"]["counter"] == 200  # the replay itself is unchanged


def test_history_older_than_a_year_is_not_read(app, clock):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        seed_answered_rounds(deps, 10, clock() - timedelta(days=400))
        seed_answered_rounds(deps, 5, clock(), seed=8)
        with transaction(deps.session_factory) as session:
            assert len(answered_rounds(session, clock())) == 5
