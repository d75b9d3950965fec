"""What-if simulation: replay of the last days' requests through a real rq worker, the
figures side by side, cancel between batches, and a run that fails says so."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from rq import SimpleWorker
from sqlalchemy import update

from counteroffer import Actor
from counteroffer.db import transaction
from counteroffer.db.rulesets import Simulation
from counteroffer.jobs import bind_runtime
from counteroffer.jobs.queue import make_queue
from counteroffer.negotiation import request_price
from counteroffer.negotiation.pricing import rulesets
from counteroffer.negotiation.pricing.replay import Comparison, Replayed, replay
from counteroffer.negotiation.pricing.simulation import get_simulation, run_simulation, start_simulation
from counteroffer.plugin.wiring.worker import job_runtime
from counteroffer.rules import CompiledRules, Floor, Policy, PriceBreak, PriceBreaks, PricingContext, RuleSet
from tests.conftest import BUYER_ACME, BUYER_GLOBEX, MANAGER, make_app
from tests.seed import seed_scenario


def _draft_with_break_at_2000(deps) -> None:
    rulesets.open_draft(deps, MANAGER)
    breaks = rulesets.RuleFilter(sku="DEMO-120", kind="price_breaks")
    rule = rulesets.list_rules(deps, MANAGER, "draft", breaks).items[0]
    at_2000 = {"breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}
    rulesets.update_rule(deps, MANAGER, rule.id, {"kind": "price_breaks", "sku": "DEMO-120", "priority": 0,
                                                  "params": at_2000})


def test_the_last_days_of_requests_replay_through_a_real_worker(db_url, redis_url, clock, tmp_path: Path):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REDIS_URL=redis_url,
                   COUNTEROFFER_QUEUE=f"co-sim-{tmp_path.name}")
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
        deps = extension.deps
        clock.advance(days=-40)
        request_price(deps, BUYER_ACME, "DEMO-120", 1500, Decimal("110.00"), "USD")  # too old
        clock.advance(days=38)
        request_price(deps, BUYER_ACME, "DEMO-120", 1500, Decimal("110.00"), "USD")
        request_price(deps, BUYER_GLOBEX, "DEMO-120", 10, Decimal("120.00"), "USD")
        request_price(deps, BUYER_GLOBEX, "GLOVE-50", 100, Decimal("10.00"), "USD")
        clock.advance(days=2)
        _draft_with_break_at_2000(deps)
        simulation = start_simulation(deps, MANAGER, days=30)
        bind_runtime(job_runtime(app, extension))
        try:
            assert extension.relay_outbox() == 1
            queue = make_queue(extension.state.settings.queue_name, extension.state.redis.client())
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        finally:
            bind_runtime(None)
        done = get_simulation(deps, MANAGER, simulation.id)
        extension.close()
    assert (done.status, done.total, done.processed, done.percent) == ("done", 3, 3, 100)
    result = done.result
    assert result["changed"] == 1 and result["changes"][0]["segment"] == "wholesale"
    live, draft = result["live"], result["draft"]
    assert live["counts"] == {"accept": 1, "counter": 1, "escalate": 0, "decline": 1}
    assert draft["counts"] == live["counts"]
    assert live["by_segment"]["retail"]["decline"] == 1 and live["by_segment"]["wholesale"]["counter"] == 1
    # Against list price, as the dashboard counts it (docs/results.md): the live 3,000 @ 110.00
    # gives away 10.00 a unit, the draft's 2,000 @ 110.00 the same on fewer units.
    assert (live["margin_given_away"], draft["margin_given_away"]) == ("30000.00", "20000.00")
    assert (live["volume"], draft["volume"]) == (3010, 2010)
    assert (live["extra_volume"], draft["extra_volume"]) == (1500, 500)
    assert live["revenue"] == "331200.00"  # 3,000 x 110.00 + 10 x 120.00
    assert live["by_trade_off"] == {"price": 1, "volume": 1}


def test_a_cancel_stops_the_run_between_batches(app):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        _draft_with_break_at_2000(deps)
        asked = [{"sku": "DEMO-120", "quantity": 1500, "target_unit_price": "110.00", "segment": None}] * 12_000
        simulation = start_simulation(deps, MANAGER, requests=asked)
        # The cancel arrives as the worker starts: it stops after its first batch of 10,000.
        with transaction(deps.session_factory) as session:
            session.execute(update(Simulation).values(cancel_requested=True))
        assert run_simulation(deps, simulation.id) == "cancelled"
        stopped = get_simulation(deps, MANAGER, simulation.id)
    assert (stopped.processed, stopped.total) == (10_000, 12_000)
    assert stopped.result["live"]["requests"] == 10_000


def test_a_discarded_draft_makes_the_run_fail_with_a_reason(app):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        _draft_with_break_at_2000(deps)
        simulation = start_simulation(deps, MANAGER, days=7)
        rulesets.discard_draft(deps, MANAGER)
        assert run_simulation(deps, simulation.id) == "failed"
        failed = get_simulation(deps, MANAGER, simulation.id)
    assert "discarded" in failed.error and failed.finished_at is not None


def test_buyers_and_reps_may_not_simulate(app):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        from counteroffer.negotiation import ForbiddenError
        for actor in (BUYER_ACME, Actor(id="r", role="rep")):
            with pytest.raises(ForbiddenError):
                start_simulation(deps, actor, days=7)


def _replayed(target: str, quantity: int = 100) -> Replayed:
    context = PricingContext(list_price=Decimal("100"), cost=Decimal("60"), currency="USD")
    return Replayed(1, "X", quantity, Decimal(target), None, context, context)


def test_replay_counts_outcomes_discount_and_headroom_for_each_side():
    floor = (Floor(min_margin_pct=Decimal("25"), sku="X"),)  # floor 75.00
    live = CompiledRules(RuleSet(floors=floor))
    draft = CompiledRules(RuleSet(floors=floor, price_breaks=(PriceBreaks(
        breaks=(PriceBreak(100, Decimal("90")),), sku="X"),)))
    now = datetime(2026, 11, 2, tzinfo=UTC)
    comparison = replay([_replayed("90.00"), _replayed("100.00")], live, draft, now, Policy(), Comparison())
    result = comparison.result()
    # Draft: 100 units cost 90.00 from the break, so a target of 90.00 is accepted as asked.
    assert result["draft"]["counts"]["accept"] == 2
    # Against list (100.00), as the dashboard: 10% off; 15.00 over the 75.00 floor, 30.00 over cost.
    assert result["draft"]["average_discount_pct"] == "10.00"
    assert result["draft"]["margin_given_away"] == "2000.00"  # 2 x 100 units x 10.00
    assert result["draft"]["headroom_kept"] == "3000.00" and result["draft"]["margin"] == "6000.00"
    assert result["changed"] >= 1
    stopped = replay([_replayed("90.00")] * 10, live, draft, now, Policy(), Comparison(),
                     on_progress=lambda done: done < 4, every=2)
    assert stopped.live.requests == 4


def test_a_draft_competing_offer_rule_changes_the_requests_that_cited_an_offer(app, clock):
    """A request that cited a competing offer is replayed with it (issue 16), its date as
    it stood when asked: live has no competing_offer rule, the draft's matches it."""
    from counteroffer.negotiation import Tell

    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        cited = Tell(competitor="Globex Supply", unit_price=Decimal("112.00"), valid_until=clock().date())
        live = request_price(deps, BUYER_ACME, "DEMO-120", 10, Decimal("105.00"), "USD", tell=cited)
        assert all(offer.kind != "match" for offer in live.offers)
        request_price(deps, BUYER_GLOBEX, "DEMO-120", 10, Decimal("105.00"), "USD")  # cites nothing
        clock.advance(days=2)  # past the citation's last day: replayed as it stood then
        rulesets.open_draft(deps, MANAGER)
        rulesets.create_rule(deps, MANAGER, {"kind": "competing_offer", "priority": 0, "params": {}})
        simulation = start_simulation(deps, MANAGER, days=30)
        assert run_simulation(deps, simulation.id) == "done"
        result = get_simulation(deps, MANAGER, simulation.id).result
    assert result["live"]["requests"] == 2 and result["changed"] == 1
    change = result["changes"][0]
    assert change["draft"]["offer"]["kind"] == "match" and change["draft"]["offer"]["unit_price"] == "112.00"
    assert change["live"]["offer"] is None or change["live"]["offer"]["kind"] != "match"
