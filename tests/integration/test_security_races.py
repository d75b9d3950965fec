"""Races of issue 8, on PostgreSQL only (SQLite ignores FOR UPDATE, so it cannot show them).

50 buyers' browsers accept one offer at the same moment: one deal, 49 answers of 409, no
5xx, repeated ``COUNTEROFFER_RACE_REPEAT`` times (10 by default; ``make test-races`` and
CI run 100). Also: an approval against the expiry sweep, an accept against the sweep, the
request cap and an Idempotency-Key under concurrency, and two checkouts of one deal.
"""
from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from flask import g, request
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.guards import IdempotencyKey
from counteroffer.db.models import Deal, Escalation, Event, Negotiation, Offer
from counteroffer.negotiation import expire_lapsed
from tests.approvals import ANN, MAX, RITA, serve_with_approvals
from tests.conftest import make_app
from tests.seed import seed_scenario

ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
BUYERS = 50
REPEAT = int(os.environ.get("COUNTEROFFER_RACE_REPEAT", "10"))
ACTORS = {actor.id: actor for actor in (ANN, RITA, MAX)}


@pytest.fixture(scope="module")
def pg_race_app(pg_schema_url, tmp_path_factory):
    """One app for the module: 100 repetitions must not pay for 100 apps and pools."""
    from tests.conftest import FrozenClock, _truncate_all

    _truncate_all(pg_schema_url)
    clock = FrozenClock()
    app = make_app(pg_schema_url, clock, tmp_path_factory.mktemp("races"),
                   COUNTEROFFER_REQUEST_CAP=0, COUNTEROFFER_RATE_LIMIT_PER_USER=0,
                   COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0,
                   # Fewer connections than callers: the rest wait for the pool, as under load,
                   # and the shared test server keeps room for other runs.
                   COUNTEROFFER_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 0, "pool_timeout": 60})
    app.before_request(lambda: setattr(g, "actor", ACTORS.get(request.headers.get("X-Actor", "ann@acme"))))
    app.clock = clock
    yield from serve_with_approvals(app)


@pytest.fixture(scope="module")
def pool():
    with ThreadPoolExecutor(BUYERS) as executor:
        yield executor


def all_at_once(pool, calls) -> list:
    barrier = Barrier(len(calls))

    def run(call):  # noqa: ANN001, ANN202
        barrier.wait()
        return call()

    return list(pool.map(run, calls))


def post(app, path: str, json=None, actor=ANN, **headers):  # noqa: ANN001, ANN201
    headers["X-Actor"] = actor.id
    return app.test_client().post("/negotiate/api" + path, json=json, headers=headers)


def scalar(app, query):  # noqa: ANN001, ANN201
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(query)


@pytest.mark.postgres
def test_fifty_simultaneous_accepts_give_one_deal_and_49_conflicts_every_time(pg_race_app, pool):
    outcomes = Counter()
    for _ in range(REPEAT):
        offer = post(pg_race_app, "/requests", ASK).get_json()["offers"][0]
        path = f"/offers/{offer['id']}/accept"
        statuses = Counter(r.status_code for r in all_at_once(
            pool, [lambda path=path: post(pg_race_app, path)] * BUYERS))
        deals = scalar(pg_race_app, select(func.count()).select_from(Deal).where(Deal.offer_id == offer["id"]))
        outcomes[(tuple(sorted(statuses.items())), deals)] += 1
    assert outcomes == Counter({(((201, 1), (409, BUYERS - 1)), 1): REPEAT})


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_an_approval_and_the_expiry_sweep_at_once_end_in_one_consistent_state(pg_race_app, pool, attempt):
    """The buyer asked a rep while an offer was on the table; the offer lapses just as the
    rep approves and the sweep runs. No deadlock, no 5xx: the approval stands, the old
    offer is closed, the request is accepted, not expired."""
    created = post(pg_race_app, "/requests", ASK).get_json()
    post(pg_race_app, f"/requests/{created['id']}/escalate")
    escalation_id = scalar(pg_race_app, select(Escalation.id).where(
        Escalation.negotiation_id == created["id"], Escalation.status == "open"))
    pg_race_app.clock.advance(hours=49)
    with pg_race_app.app_context():
        deps = pg_race_app.extensions["counteroffer"].deps

    def sweep() -> int:
        with pg_race_app.app_context():
            expire_lapsed(deps)
        return 200

    approve = lambda: post(pg_race_app, f"/escalations/{escalation_id}/decision",  # noqa: E731
                           {"action": "approve", "rationale": "fine"}, actor=MAX).status_code
    assert sorted(all_at_once(pool, [approve, sweep])) == [200, 200]
    row_status = scalar(pg_race_app, select(Negotiation.status).where(Negotiation.id == created["id"]))
    offer_statuses = {o["id"]: scalar(pg_race_app, select(Offer.status).where(Offer.id == o["id"]))
                      for o in created["offers"]}
    assert row_status == "accepted"
    assert set(offer_statuses.values()) <= {"expired", "superseded"}
    assert scalar(pg_race_app, select(func.count()).select_from(Event).where(
        Event.negotiation_id == created["id"], Event.action == "expired")) == 0


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_an_accept_at_the_moment_of_expiry_and_the_sweep_agree(pg_race_app, pool, attempt):
    created = post(pg_race_app, "/requests", ASK).get_json()
    pg_race_app.clock.advance(hours=48)  # exactly at expires_at: too late to accept
    with pg_race_app.app_context():
        deps = pg_race_app.extensions["counteroffer"].deps

    def sweep() -> int:
        with pg_race_app.app_context():
            expire_lapsed(deps)
        return 200

    accept = lambda: post(pg_race_app, f"/offers/{created['offers'][0]['id']}/accept").status_code  # noqa: E731
    assert sorted(all_at_once(pool, [accept, sweep])) == [200, 409]
    assert scalar(pg_race_app, select(Negotiation.status).where(Negotiation.id == created["id"])) == "expired"
    assert scalar(pg_race_app, select(func.count()).select_from(Event).where(
        Event.negotiation_id == created["id"], Event.action == "expired")) == 1
    assert scalar(pg_race_app, select(func.count()).select_from(Deal).where(
        Deal.negotiation_id == created["id"])) == 0


@pytest.mark.postgres
def test_redeeming_one_deal_twice_at_once_with_and_without_a_key_makes_one_order(pg_race_app, pool):
    offer = post(pg_race_app, "/requests", ASK).get_json()["offers"][0]
    token = post(pg_race_app, f"/offers/{offer['id']}/accept").get_json()["token"]
    body = {"sku": "DEMO-120", "quantity": 3000, "order_ref": "SO-RACE"}
    answers = all_at_once(pool, [lambda: post(pg_race_app, f"/deals/{token}/redeem", body),
                                 lambda: post(pg_race_app, f"/deals/{token}/redeem", body,
                                              **{"Idempotency-Key": "order-1"})])
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert scalar(pg_race_app, select(func.count()).select_from(Event).where(
        Event.action == "redeemed", Event.detail["deal_id"].as_string() == scalar(
            pg_race_app, select(Deal.id).where(Deal.token == token)))) == 1


@pytest.mark.postgres
def test_twenty_calls_with_one_idempotency_key_do_the_work_once(pg_race_app, pool):
    body = {**ASK, "target_unit_price": "111.00"}
    answers = all_at_once(pool, [lambda: post(pg_race_app, "/requests", body,
                                              **{"Idempotency-Key": "burst"})] * 20)
    statuses = Counter(a.status_code for a in answers)
    assert set(statuses) <= {201, 409} and statuses[201] >= 1
    assert len({a.get_data() for a in answers if a.status_code == 201}) == 1  # one answer, replayed
    assert scalar(pg_race_app, select(func.count()).select_from(Negotiation).where(
        Negotiation.target_unit_price == Decimal("111.00"))) == 1
    assert scalar(pg_race_app, select(IdempotencyKey.state).where(IdempotencyKey.key == "burst")) == "done"


@pytest.mark.postgres
def test_the_request_cap_holds_when_a_companys_buyers_ask_all_at_once(pg_schema_url, tmp_path, pool):
    from tests.conftest import FrozenClock, _truncate_all

    _truncate_all(pg_schema_url)
    app = make_app(pg_schema_url, FrozenClock(), tmp_path, COUNTEROFFER_REQUEST_CAP=5,
                   TEST_ACTOR=ANN, COUNTEROFFER_ENGINE_OPTIONS={"pool_size": 20, "max_overflow": 0})
    try:
        with app.app_context():
            seed_scenario(app.extensions["counteroffer"])
        statuses = Counter(r.status_code for r in all_at_once(
            pool, [lambda: app.test_client().post("/negotiate/api/requests", json=ASK)] * 20))
        assert statuses == Counter({201: 5, 429: 15})
        assert scalar(app, select(func.count()).select_from(Negotiation)) == 5
    finally:
        with app.app_context():
            app.extensions["counteroffer"].close()
