"""What-if for quotes (issue 15, item 4), on SQLite and PostgreSQL: the simulation replays
every round of the past quotes, with the segment and last prices paid that applied when
each round was asked (kept on the round's bid, migration 0017), draft beside live.

The catalog (tests/seed.py): DEMO-120 lists at 120.00, costs 80.00, floor 96.00, 110.00
from 3,000; GLOVE-50 lists at 20.00, costs 12.00, floor 15.00, 18.00 from 500.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from counteroffer import Customer
from counteroffer.db import transaction
from counteroffer.db.quotes import QuoteBid
from counteroffer.negotiation import (
    LineAsk,
    accept_offer,
    counter_quote,
    order_target_of,
    redeem_deal,
    request_price,
    request_quote,
)
from counteroffer.negotiation.pricing import rulesets
from counteroffer.negotiation.pricing.quote_history import past_quotes
from counteroffer.negotiation.pricing.simulation import get_simulation, run_simulation, start_simulation
from tests.approvals import ANN, MAX, seed_approvals

CART = [LineAsk("DEMO-120", 1000, None), LineAsk("GLOVE-50", 500, None)]


def _paid_for_demo_120(deps, clock) -> None:
    """Acme pays 115.00 for 100 units of DEMO-120: its last price paid from then on."""
    offer = request_price(deps, ANN, "DEMO-120", 100, Decimal("115.00"), "USD").offers[0]
    deal = accept_offer(deps, ANN, offer.id)
    clock.advance(hours=1)
    redeem_deal(deps, deal.token, ANN, order_ref="SO-1")


def _draft_with_a_wholesale_order_tier(deps) -> None:
    rulesets.open_draft(deps, MAX)
    rulesets.create_rule(deps, MAX, {"kind": "order_tiers", "segment": "wholesale", "priority": 0, "params": {
        "tiers": [{"min_order_value": "100000", "discount_pct": "3"}]}})


def _simulated(deps, days=30) -> dict:
    simulation = start_simulation(deps, MAX, days=days)
    assert run_simulation(deps, simulation.id) == "done"
    done = get_simulation(deps, MAX, simulation.id)
    assert done.processed == done.total
    return done.result


def test_every_round_replays_with_the_segment_and_last_price_of_its_day(app, clock):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        _paid_for_demo_120(deps, clock)
        quote = request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("8")))
        counter_quote(deps, ANN, quote.id, CART, order_target_of(None, Decimal("6")))
        # Acme is retail today: its rounds were asked as wholesale, and are replayed so.
        extension.save_customers([Customer("acme", "Acme Corp", "retail", owner_rep="rita@seller.example")])
        clock.advance(minutes=10)  # past the customer cache
        _draft_with_a_wholesale_order_tier(deps)
        with transaction(deps.session_factory) as session:
            bids = session.scalars(select(QuoteBid).order_by(QuoteBid.round)).all()
            kept = [bid.buyer_context for bid in bids]
        result = _simulated(deps)
    assert [then["segment"] for then in kept] == ["wholesale", "wholesale"]
    paid = kept[0]["last_paid"]
    assert Decimal(paid["DEMO-120"]["unit_price"]) == Decimal("115.00") and "GLOVE-50" not in paid
    quotes = result["quotes"]
    live, draft = quotes["live"], quotes["draft"]
    assert (live["quotes"], live["rounds"], draft["rounds"], quotes["decisions"]) == (1, 2, 2, 4)
    assert result["live"]["requests"] == 1  # the line request beside them
    assert "order_tier" not in live["by_trade_off"] and draft["by_trade_off"].get("order_tier", 0) >= 1
    assert quotes["changed"] >= 1 and {c["segment"] for c in quotes["changes"]} == {"wholesale"}
    assert {c["quote_id"] for c in quotes["changes"]} == {quote.id}
    # Valued as the dashboard values a quote's deal: against list price, over the offers made.
    for side in (live, draft):
        assert side["offered"] == side["counts"]["counter"] + side["counts"]["accept"]
        assert Decimal(side["margin_given_away"]) > 0 and Decimal(side["headroom_kept"]) > 0
    assert Decimal(draft["revenue"]) != Decimal(live["revenue"])


def test_a_quote_alike_on_both_sides_is_counted_the_same(app, clock):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("6")))
        rulesets.open_draft(deps, MAX)  # a draft with nothing changed
        result = _simulated(deps)
    quotes = result["quotes"]
    assert quotes["live"] == {**quotes["draft"]} and quotes["changed"] == 0 and quotes["skipped"] == 0
    assert quotes["live"]["rounds"] == 1 and quotes["currency"] == "USD"
    assert quotes["decisions"] == 1  # alike on both sides: decided once


def test_rounds_asked_before_0017_fall_back_to_todays_segment(app, clock):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("6")))
        with transaction(deps.session_factory) as session:
            session.execute(QuoteBid.__table__.update().values(buyer_context=None))
        with transaction(deps.session_factory) as session:
            asked = past_quotes(session, clock(), 30, lambda company: f"today's {company}")
    assert [r["segment"] for r in asked[0]["rounds"]] == ["today's acme"]
    assert asked[0]["rounds"][0]["last_paid"] == {}


def test_without_days_an_upload_replays_no_quotes(app):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        deps = app.extensions["counteroffer"].deps
        request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("6")))
        rulesets.open_draft(deps, MAX)
        asked = [{"sku": "DEMO-120", "quantity": 10, "target_unit_price": "119.00", "segment": None}]
        simulation = start_simulation(deps, MAX, requests=asked)
        assert run_simulation(deps, simulation.id) == "done"
        result = get_simulation(deps, MAX, simulation.id).result
    assert result["live"]["requests"] == 1 and result["quotes"]["live"]["quotes"] == 0


def _several_quotes(deps) -> None:
    """Five quotes of one to three rounds, and a draft with a wholesale order tier."""
    for pct in ("2", "5", "8", "12", "20"):
        quote = request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal(pct)))
        for more in range(int(pct) % 3):
            counter_quote(deps, ANN, quote.id, CART, order_target_of(None, Decimal(pct) - Decimal(more + 1) / 2))
    _draft_with_a_wholesale_order_tier(deps)


def _on(monkeypatch, processes: int) -> list[int]:
    """The quotes replayed on ``processes`` processes, one quote per run; the pools made
    (their processes) are listed in what this returns."""
    from counteroffer.negotiation.pricing import quote_processes, simulation
    monkeypatch.setattr(quote_processes, "QUOTE_PROGRESS_EVERY", 1)
    monkeypatch.setattr(simulation, "quote_processes", lambda: processes)
    pools: list[int] = []
    pool = quote_processes.ProcessPoolExecutor

    def counted(workers: int, **kwargs):  # noqa: ANN202
        pools.append(workers)
        return pool(workers, **kwargs)
    monkeypatch.setattr(quote_processes, "ProcessPoolExecutor", counted)
    return pools


def test_quotes_replayed_on_two_processes_give_the_same_result(app, clock, monkeypatch):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        _several_quotes(deps)
        _on(monkeypatch, 1)
        alone = _simulated(deps)
        pools = _on(monkeypatch, 2)
        shared = _simulated(deps)
    assert alone["quotes"]["live"]["quotes"] == 5 and alone["quotes"]["changed"] >= 1
    assert pools == [2] and shared == alone


def test_a_cancel_between_runs_of_quotes_keeps_the_runs_before_it(app, clock, monkeypatch):
    from counteroffer.negotiation.pricing import simulation

    progress = simulation._progress
    extension = app.extensions["counteroffer"]
    results = []
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        _several_quotes(deps)
        for processes in (1, 2):
            pools = _on(monkeypatch, processes)
            # Cancelled once the first two quotes are in (no line request before them).
            monkeypatch.setattr(simulation, "_progress", lambda deps, sid, done, total=None:
                                progress(deps, sid, done, total) and not (total is None and done >= 2))
            started = start_simulation(deps, MAX, days=30)
            assert run_simulation(deps, started.id) == "cancelled"
            results.append(get_simulation(deps, MAX, started.id).result)
            assert pools == ([] if processes == 1 else [2])
    assert results[0]["quotes"]["live"]["quotes"] == 2
    assert results[1] == results[0]


def test_quotes_replay_on_two_processes_inside_a_real_rq_worker(db_url, redis_url, clock, tmp_path, monkeypatch):
    """As the worker runs a simulation (SimpleWorker: the job in the worker's process,
    its outbox thread beside it), the quotes' forked processes answer the same."""
    from rq import SimpleWorker

    from counteroffer.jobs import bind_runtime
    from counteroffer.jobs.queue import make_queue
    from counteroffer.plugin.wiring.worker import job_runtime
    from tests.conftest import make_app
    from tests.seed import seed_scenario

    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REDIS_URL=redis_url,
                   COUNTEROFFER_QUEUE=f"co-qsim-{tmp_path.name}")
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
        seed_approvals(extension)
        deps = extension.deps
        _several_quotes(deps)
        pools = _on(monkeypatch, 2)
        simulation = start_simulation(deps, MAX, days=30)
        bind_runtime(job_runtime(app, extension))
        try:
            assert extension.relay_outbox() >= 1
            queue = make_queue(extension.state.settings.queue_name, extension.state.redis.client())
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        finally:
            bind_runtime(None)
        done = get_simulation(deps, MAX, simulation.id)
        _on(monkeypatch, 1)
        alone = _simulated(deps)
        extension.close()
    assert pools == [2] and done.status == "done" and done.processed == done.total
    assert done.result == alone and alone["quotes"]["live"]["quotes"] == 5


def test_a_draft_competing_offer_rule_changes_the_rounds_that_cited_an_offer(app, clock):
    """A round that cited a competing offer is replayed with it (issue 16): live has no
    competing_offer rule, so the citation changed nothing; the draft's rule matches it."""
    from counteroffer.negotiation import QuoteTell

    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        cited = QuoteTell(competitor="Globex Supply", total=Decimal("125000.00"),
                          valid_until=clock().date(), needed_by=clock().date().replace(year=clock().year + 1))
        quote = request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("8")), tell=cited)
        assert all(offer.kind != "match" for offer in quote.offers)
        request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("8")))  # cites nothing
        clock.advance(days=3)  # past the citation's date: the replay keeps it as it stood when asked
        rulesets.open_draft(deps, MAX)
        rulesets.create_rule(deps, MAX, {"kind": "competing_offer", "priority": 0, "params": {}})
        result = _simulated(deps)
    quotes = result["quotes"]
    assert (quotes["live"]["quotes"], quotes["changed"]) == (2, 1)
    change = quotes["changes"][0]
    assert change["quote_id"] == quote.id and change["draft"]["offer"]["kind"] == "match"
    assert Decimal(change["draft"]["offer"]["total"]) == Decimal("125000.00")
    assert change["live"]["offer"]["kind"] != "match"
    assert quotes["draft"]["by_trade_off"].get("match") == 1 and "match" not in quotes["live"]["by_trade_off"]
