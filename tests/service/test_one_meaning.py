"""One meaning per measure (issue 22): the dashboard said $30,000 of margin given away for
the seed deal, the simulation $0.00 for the same kind of deal. Now both count it as
docs/results.md defines it: (list price - deal price) x deal units."""
from __future__ import annotations

from decimal import Decimal

from counteroffer.negotiation import accept_offer, request_price
from counteroffer.negotiation.pricing import rulesets
from counteroffer.negotiation.pricing.simulation import get_simulation, run_simulation, start_simulation
from counteroffer.negotiation.results.reports import results_report
from tests.conftest import BUYER_ACME, MANAGER


def test_the_seed_deal_gives_away_the_same_margin_on_the_dashboard_and_in_the_simulation(app, clock):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        asked = request_price(deps, BUYER_ACME, "DEMO-120", 1000, Decimal("110.00"), "USD")
        accept_offer(deps, BUYER_ACME, asked.offers[0].id)
        day = clock().date()
        dashboard = results_report(deps, MANAGER, day, day).total
        clock.advance(minutes=1)
        rulesets.open_draft(deps, MANAGER)  # the draft is the live rules: the same answer
        simulation = start_simulation(deps, MANAGER, days=1)
        assert run_simulation(deps, simulation.id) == "done"
        live = get_simulation(deps, MANAGER, simulation.id).result["live"]
    assert dashboard.margin_given_away == Decimal("30000") == Decimal(live["margin_given_away"])
    assert dashboard.extra_volume == 2000 == live["extra_volume"]
    assert Decimal(dashboard.avg_discount_pct) == Decimal("8.33") == Decimal(live["average_discount_pct"])
    assert dashboard.headroom_kept == Decimal(live["headroom_kept"])
