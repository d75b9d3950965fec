"""Decisions racing each other and the buyer, on PostgreSQL (SQLite ignores FOR UPDATE)."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from flask import g, request
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import Deal, Escalation, Event
from tests.approvals import ANN, MAX, RITA, serve_with_approvals
from tests.conftest import make_app

ESCALATING = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00", "currency": "USD"}
ACTORS = {actor.id: actor for actor in (ANN, RITA, MAX)}
DECISIONS = ("approved", "rep_countered", "rejected")


@pytest.fixture
def pg_app(pg_schema_url, clock, tmp_path):
    from tests.conftest import _truncate_all

    _truncate_all(pg_schema_url)
    app = make_app(pg_schema_url, clock, tmp_path, COUNTEROFFER_ENGINE_OPTIONS={"pool_size": 4})
    # Each thread says who it is: the test client shares one app config between them.
    app.before_request(lambda: setattr(g, "actor", ACTORS.get(request.headers.get("X-Actor", ""))))
    yield from serve_with_approvals(app)


def post(app, actor, path: str, body: dict):  # noqa: ANN001, ANN201
    return app.test_client().post("/negotiate/api" + path, json=body, headers={"X-Actor": actor.id})


def at_once(*calls):  # noqa: ANN001, ANN201
    barrier = Barrier(len(calls))

    def run(call):  # noqa: ANN001, ANN202
        barrier.wait()
        return call().status_code

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def count(app, query) -> int:  # noqa: ANN001
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return session.scalar(query)


def escalated(app):  # noqa: ANN001, ANN201
    created = post(app, ANN, "/requests", ESCALATING).get_json()
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        escalation_id = session.scalar(select(Escalation.id).where(Escalation.negotiation_id == created["id"]))
    return created["id"], escalation_id


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_two_people_deciding_at_once_one_decision_stands(pg_app, attempt):
    _, escalation_id = escalated(pg_app)
    path = f"/escalations/{escalation_id}/decision"
    statuses = at_once(lambda: post(pg_app, RITA, path, {"action": "approve", "rationale": "yes"}),
                       lambda: post(pg_app, MAX, path, {"action": "reject", "rationale": "no"}))
    assert sorted(statuses) == [200, 409]
    assert count(pg_app, select(func.count()).select_from(Event).where(Event.action.in_(DECISIONS))) == 1
    deals = count(pg_app, select(func.count()).select_from(Deal))
    assert deals == (1 if statuses[0] == 200 else 0)  # Rita's approval made the one deal, or none


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_a_decision_racing_the_buyers_counter_ends_consistent(pg_app, attempt):
    negotiation_id, escalation_id = escalated(pg_app)
    approve, counter = at_once(
        lambda: post(pg_app, RITA, f"/escalations/{escalation_id}/decision", {"action": "approve", "rationale": "ok"}),
        lambda: post(pg_app, ANN, f"/requests/{negotiation_id}/counter", {"target_unit_price": "91.00"}))
    # Whoever locks the request first wins; no deadlock, and the loser is told why.
    assert (approve, counter) in {(200, 409), (409, 200)}
    statuses = dict(count_statuses(pg_app, negotiation_id))
    if approve == 200:
        assert statuses == {"decided": 1}
    else:
        assert statuses == {"void": 1, "open": 1}  # the counter escalated again, afresh


def count_statuses(app, negotiation_id: str):  # noqa: ANN001, ANN201
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return session.execute(select(Escalation.status, func.count()).where(
            Escalation.negotiation_id == negotiation_id).group_by(Escalation.status)).all()


def _waiting_on_a_lock(app) -> bool:  # noqa: ANN001
    """Whether some session of this database waits for a row lock right now."""
    from sqlalchemy import text

    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return bool(session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")))


def _start_and_let_it_wait(app, thread, failure: str) -> None:  # noqa: ANN001
    """Start ``thread`` and return once it waits for a row lock (or after 10 s). A thread
    that finished instead never asked for the lock the caller holds."""
    import time

    thread.start()
    deadline = time.monotonic() + 10
    while not _waiting_on_a_lock(app) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert thread.is_alive(), failure


@pytest.mark.postgres
def test_an_announcement_racing_a_void_waits_for_it_and_mails_nobody(pg_app):
    """The worker announcing a new escalation locks its row: a void in flight (the buyer
    withdrew; the transaction holds the row, not yet committed) is waited for and seen, so
    the rep is not asked to decide what is already void, nor then told it is void."""
    from threading import Thread

    from counteroffer.db.models import OutboxMessage
    from counteroffer.jobs import bind_runtime
    from counteroffer.jobs.tasks import handle_message
    from counteroffer.plugin.wiring.worker import job_runtime

    _, escalation_id = escalated(pg_app)
    extension = pg_app.extensions["counteroffer"]
    with pg_app.app_context():
        factory = extension.deps.session_factory
        bind_runtime(job_runtime(pg_app, extension))
    with pg_app.app_context(), transaction(factory) as session:
        announce = session.scalar(select(OutboxMessage.id).where(OutboxMessage.topic == "negotiation.escalated"))
    try:
        with pg_app.app_context(), transaction(factory) as voiding:
            voiding.get(Escalation, escalation_id, with_for_update=True).status = "void"
            voiding.flush()
            def announce_it() -> None:  # as an rq worker would, in the app's context
                with pg_app.app_context():
                    handle_message(announce)

            worker = Thread(target=announce_it)
            _start_and_let_it_wait(pg_app, worker, "the announcement did not wait for the escalation's lock")
        worker.join(10)
    finally:
        bind_runtime(None)
    keys = count_keys(pg_app, escalation_id)
    assert f"webhook:escalation.assigned:assigned:{escalation_id}" in keys  # what happened is told
    assert f"email:assigned:{escalation_id}" not in keys  # but nobody is asked to decide it


def count_keys(app, escalation_id: str) -> list[str]:  # noqa: ANN001
    from counteroffer.db.models import OutboxMessage

    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return list(session.scalars(select(OutboxMessage.business_key)
                                    .where(OutboxMessage.business_key.like(f"%{escalation_id}"))))


@pytest.mark.postgres
def test_a_delegation_added_while_another_is_being_added_waits_and_is_refused(pg_app):
    """Max is saving who stands in for Rita this week (his transaction holds her rep row
    and has inserted, not yet committed); Rita adds an overlapping one meanwhile. Hers
    waits for the lock, then sees his and is refused: one delegation, not two."""
    from datetime import timedelta
    from threading import Thread

    from counteroffer.db.models import Delegation
    from counteroffer.db.models import Rep as RepRow

    extension = pg_app.extensions["counteroffer"]
    with pg_app.app_context():
        factory, start = extension.deps.session_factory, extension.deps.clock() + timedelta(days=1)
    week = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=7)).isoformat()}
    answers: list[int] = []
    with pg_app.app_context(), transaction(factory) as maxs:
        maxs.get(RepRow, "rita@seller", with_for_update=True)
        maxs.add(Delegation(rep_id="rita@seller", delegate_id="pete@seller", starts_at=start,
                            ends_at=start + timedelta(days=7), created_at=start))
        maxs.flush()
        ritas = Thread(target=lambda: answers.append(post(
            pg_app, RITA, "/delegations", {**week, "delegate_id": "dana@seller"}).status_code))
        _start_and_let_it_wait(pg_app, ritas, "Rita's delegation did not wait for the rep's row lock")
    ritas.join(10)
    assert answers == [409]
    assert count(pg_app, select(func.count()).select_from(Delegation)) == 1
