"""Results measures on a hand-made history, on SQLite and PostgreSQL.

The catalog (tests/seed.py): DEMO-120 lists at 120.00, costs 80.00, floor 96.00 (20% over
cost), 110.00 from 3,000 units. Reps from tests/approvals.py: Rita owns Acme (26% off,
deals up to 100,000.00), Max is her manager. The history, on a frozen clock:

  day 1 09:00  #1 Ann (Acme, wholesale) 1,000 at 110.00 -> counter: 3,000 at 110.00 (volume break)
         09:00  #2 Ann 1,000 at 90.00  -> escalated to Rita (below the floor, within reach)
         09:00  #3 Gus (Globex, retail) 1,000 at 50.00 -> declined (far below the floor)
         09:00  #5 Ann 1,000 at 110.00 -> counter: 3,000 at 110.00; withdrawn at 11:00
         10:00  Rita approves #2: a deal, 1,000 at 90.00, by a person, 1 h after escalation
         11:00  Ann accepts #1's offer (2 h after asking) and redeems it
  day 2 09:00  #4 Gus 100 at 120.00 -> accepted by the engine; Gus accepts at 09:15, redeems
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.results import ResultCycle, ResultRollup
from counteroffer.negotiation import (
    Actor,
    ForbiddenError,
    InvalidRequestError,
    accept_offer,
    redeem_deal,
    request_price,
    withdraw,
)
from counteroffer.negotiation.approvals.escalations import decide_escalation, list_escalations
from counteroffer.negotiation.results.reports import fold_results, results_csv, results_report
from counteroffer.negotiation.results.rollups import rebuild
from tests.approvals import ANN, GUS, MAX, RITA, seed_approvals

DAY1, DAY2 = date(2026, 11, 2), date(2026, 11, 3)


@pytest.fixture
def deps(app):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        yield app.extensions["counteroffer"].deps


def ask(deps, buyer, quantity, target, status):
    view = request_price(deps, buyer, "DEMO-120", quantity, Decimal(target), "USD")
    assert view.status == status, view
    return view


@pytest.fixture
def history(deps, clock):
    first = ask(deps, ANN, 1000, "110.00", "countered")
    ask(deps, ANN, 1000, "90.00", "escalated")
    ask(deps, GUS, 1000, "50.00", "declined")
    fifth = ask(deps, ANN, 1000, "110.00", "countered")
    clock.advance(hours=1)
    [escalation] = list_escalations(deps, RITA)
    decide_escalation(deps, RITA, escalation.id, "approve", "a loyal account")
    clock.advance(hours=1)
    deal = accept_offer(deps, ANN, first.offers[0].id)
    redeem_deal(deps, deal.token, actor=ANN, order_ref="SO-1")
    withdraw(deps, ANN, fifth.id)
    clock.advance(hours=22)
    fourth = ask(deps, GUS, 100, "120.00", "open")
    clock.advance(minutes=15)
    deal = accept_offer(deps, GUS, fourth.offers[0].id)
    redeem_deal(deps, deal.token, actor=GUS, order_ref="SO-2")


def report(deps, group_by="rule", **kwargs):
    return results_report(deps, MAX, DAY1, DAY2, group_by, **kwargs)


@pytest.mark.usefixtures("history")
def test_every_measure_of_the_whole_history(deps):
    total = report(deps).total
    assert total.requests == 5
    assert total.decisions == {"accept": 1, "counter": 2, "escalate": 1, "decline": 1,
                               "rep_approve": 1, "rep_counter": 0, "rep_reject": 0}
    # An offer was put to the buyer in #1, #2 (Rita's approval), #4 and #5; #3 got none.
    assert total.offered == 4 and total.deals == 3
    assert total.acceptance_rate == Decimal("0.7500")  # 3 deals / 4 offered
    assert total.conversion_rate == (Decimal(2) / Decimal(3)).quantize(Decimal("0.0001"))  # 0.6667
    # List value of the deals: 120 x 3,000 + 120 x 1,000 + 120 x 100 = 492,000.00;
    # paid: 110 x 3,000 + 90 x 1,000 + 120 x 100 = 432,000.00.
    assert total.margin_given_away == Decimal("492000") - Decimal("432000") == Decimal("60000")
    assert total.avg_discount_pct == (Decimal("60000") * 100 / Decimal("492000")).quantize(Decimal("0.01"))
    assert total.avg_discount_pct == Decimal("12.20")
    # Floors: 96 x 3,000 + 96 x 1,000 + 96 x 100 = 393,600.00; kept above them 432,000 - 393,600.
    assert total.headroom_kept == Decimal("38400")
    # Units dealt 3,000 + 1,000 + 100 against 1,000 + 1,000 + 100 first asked.
    assert total.extra_volume == 4100 - 2100 == 2000
    # Redeemed: #1 (330,000.00 at cost 80: margin 30 x 3,000) and #4 (12,000.00, margin 40 x 100).
    assert total.order_revenue == Decimal("342000")
    assert total.order_margin == Decimal("90000") + Decimal("4000")
    # Request to deal: 1 h (#2), 2 h (#1), 15 min (#4). Nearest rank: p50 is the 2nd, p90 the 3rd.
    assert (total.deal_cycle_p50_s, total.deal_cycle_p90_s) == (3600, 7200)
    assert (total.decision_cycle_p50_s, total.decision_cycle_p90_s) == (3600, 3600)
    assert total.automated_share == Decimal("0.6667")  # #1 and #4 of 3 deals, without a person
    assert total.sla_compliance == Decimal("1.0000")  # Rita decided in 1 h of a 24 h level


@pytest.mark.usefixtures("history")
def test_by_rule(deps):
    groups = {group.key: group for group in report(deps, "rule").groups}
    assert set(groups) == {"volume_break", "rep_decision", "declined", "auto_accept"}
    volume = groups["volume_break"]  # #1 and #5
    assert (volume.requests, volume.offered, volume.deals) == (2, 2, 1)
    assert volume.acceptance_rate == Decimal("0.5000")
    assert volume.extra_volume == 2000 and volume.margin_given_away == Decimal("30000")
    assert volume.headroom_kept == (Decimal("110") - Decimal("96")) * 3000
    person = groups["rep_decision"]
    assert person.automated_share == Decimal("0") and person.headroom_kept == Decimal("-6000")
    assert groups["declined"].decisions["decline"] == 1 and groups["declined"].offered == 0
    assert groups["auto_accept"].order_margin == Decimal("4000")


@pytest.mark.usefixtures("history")
def test_by_segment_rep_sku_category_and_period(deps):
    by_segment = {g.key: g for g in report(deps, "segment").groups}
    assert (by_segment["wholesale"].requests, by_segment["retail"].requests) == (3, 2)
    assert by_segment["retail"].order_revenue == Decimal("12000")
    by_rep = {g.key: g for g in report(deps, "rep").groups}
    assert by_rep["rita@seller"].requests == 1 and by_rep["rita@seller"].sla_compliance == Decimal("1.0000")
    assert by_rep["-"].requests == 4  # settled or refused without a person
    assert [g.key for g in report(deps, "sku").groups] == ["DEMO-120"]
    assert [g.key for g in report(deps, "category").groups] == ["hydraulics"]
    by_day = {g.key: g for g in report(deps, "day").groups}
    assert (by_day["2026-11-02"].requests, by_day["2026-11-03"].requests) == (4, 1)
    assert by_day["2026-11-03"].deal_cycle_p50_s == 900  # 15 minutes
    assert [g.key for g in report(deps, "week").groups] == ["2026-11-02"]  # a Monday
    assert [g.key for g in report(deps, "month").groups] == ["2026-11"]


@pytest.mark.usefixtures("history")
def test_segment_filter_and_period_bounds(deps):
    retail = report(deps, "rule", segment="retail")
    assert retail.total.requests == 2 and {g.key for g in retail.groups} == {"declined", "auto_accept"}
    assert retail.segments == ["retail", "wholesale"]
    day2 = results_report(deps, MAX, DAY2, DAY2, "rule")
    assert day2.total.requests == 1 and day2.total.order_revenue == Decimal("12000")
    empty = results_report(deps, MAX, date(2025, 1, 1), date(2025, 1, 31), "rule")
    assert empty.total.requests == 0 and empty.total.acceptance_rate is None and empty.groups == []


@pytest.mark.usefixtures("history")
def test_incremental_rollups_equal_a_rebuild_from_the_facts(deps):
    def snapshot():
        fold_results(deps)
        with transaction(deps.session_factory) as session:
            sums = {r[:5]: r[5:] for r in session.execute(select(ResultRollup.__table__)).all()
                    if any(r[5:])}
            cycles = {r[:7]: r[7] for r in session.execute(select(ResultCycle.__table__)).all() if r[7]}
            return sums, cycles

    incremental = snapshot()
    with transaction(deps.session_factory) as session:
        assert rebuild(session) == 5
    assert snapshot() == incremental


def test_a_released_redemption_leaves_the_order_figures_and_the_rollups_match_a_rebuild(deps):
    from dataclasses import replace

    from counteroffer.adapters import FunctionOrders
    from counteroffer.negotiation import release_deal

    cancelled = FunctionOrders(lambda ref: "cancelled")  # the shop's word on order SO-7
    offered = ask(deps, GUS, 100, "120.00", "open")
    deal = accept_offer(deps, GUS, offered.offers[0].id)
    redeem_deal(deps, deal.token, actor=GUS, order_ref="SO-7")
    assert (report(deps).total.redeemed, report(deps).total.order_revenue) == (1, Decimal("12000"))
    release_deal(replace(deps, orders_for=lambda _session: cancelled), deal.token, order_ref="SO-7")
    total = report(deps).total
    assert (total.deals, total.redeemed, total.order_revenue, total.order_margin) == (1, 0, 0, 0)
    with transaction(deps.session_factory) as session:
        incremental = session.execute(select(ResultRollup.__table__)).all()
        assert rebuild(session) == 1
    with transaction(deps.session_factory) as session:
        assert sorted(session.execute(select(ResultRollup.__table__)).all()) == sorted(incremental)


@pytest.mark.usefixtures("history")
def test_csv_has_a_line_per_group_and_the_total(deps):
    lines = results_csv(report(deps, "segment")).splitlines()
    assert lines[0].startswith("segment,requests,offered,deals,redeemed,acceptance_rate")
    assert [line.split(",")[0] for line in lines[1:]] == ["wholesale", "retail", "total"]


def test_only_pricing_managers_and_sales_leads_see_results(deps):
    with pytest.raises(ForbiddenError):
        results_report(deps, RITA, DAY1, DAY2)  # a rep nobody reports to
    with pytest.raises(ForbiddenError):
        results_report(deps, ANN, DAY1, DAY2)
    lead = Actor("max@seller", "rep", name="Max")  # Rita and others report to him
    assert results_report(deps, lead, DAY1, DAY2).total.requests == 0


def test_bad_report_arguments(deps):
    with pytest.raises(InvalidRequestError) as error:
        results_report(deps, MAX, DAY2, DAY1)
    assert "to" in error.value.fields
    with pytest.raises(InvalidRequestError):
        results_report(deps, MAX, DAY1, DAY2, "colour")
    with pytest.raises(InvalidRequestError):
        results_report(deps, MAX, DAY1, DAY1 + timedelta(days=2000))


@pytest.mark.usefixtures("history")
def test_the_bulk_rebuild_in_sql_equals_the_incremental_rollups(deps, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("rebuild_in_sql is for PostgreSQL (bulk loads)")
    from counteroffer.negotiation.results.rollups import rebuild_in_sql

    incremental = rollup_snapshot(deps)
    with transaction(deps.session_factory) as session:
        rebuild_in_sql(session)
    assert rollup_snapshot(deps) == incremental


def rollup_snapshot(deps):
    """Every roll-up row and cycle bucket that is not all zeros, after a fold."""
    fold_results(deps)
    with transaction(deps.session_factory) as session:
        sums = {r[:5]: r[5:] for r in session.execute(select(ResultRollup.__table__)).all() if any(r[5:])}
        cycles = {r[:7]: r[7] for r in session.execute(select(ResultCycle.__table__)).all() if r[7]}
        return sums, cycles


@pytest.mark.usefixtures("history")
def test_the_cli_rebuilds_the_rollups(app, deps):
    with transaction(deps.session_factory) as session:
        before = report(deps).total
        session.execute(ResultRollup.__table__.delete())  # lost: the repair's reason to be
    assert report(deps).total.requests == 0
    result = app.test_cli_runner().invoke(args=["counteroffer", "results-rebuild"])
    assert result.exit_code == 0 and "from 5 negotiation(s)" in result.output
    assert report(deps).total == before


def test_a_request_queues_one_delta_and_leaves_the_shared_rollup_rows_alone(deps, app):
    """Decided, then escalated, in one transaction: the two changes to its fact are summed
    into one queued delta row; the roll-up rows every request shares are not touched (no
    lock to queue on) until the delta is folded in, which the reader does first."""
    from sqlalchemy import event, func

    from counteroffer.db.results import ResultDelta

    engine = deps.session_factory.kw["bind"]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ANN001, ANN002
        if "counteroffer_result_rollups" in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        ask(deps, ANN, 1000, "90.00", "escalated")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements == []
    with transaction(deps.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(ResultDelta)) == 1
    assert report(deps).total.requests == 1  # the reader folded the delta in first
    with transaction(deps.session_factory) as session:
        assert session.scalar(select(func.count()).select_from(ResultDelta)) == 0
        rollup = session.get(ResultRollup, ("all", "*", "USD", DAY1, "*"))
        assert (rollup.requests, rollup.dec_escalate) == (1, 1)
