"""Escalations reach the workers through the outbox, once, on embedded and real Redis."""
from __future__ import annotations

from pathlib import Path

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import OutboxMessage
from counteroffer.jobs import JobRuntime, bind_runtime, negotiation_escalated
from counteroffer.jobs.queue import make_queue
from tests.conftest import BUYER_ACME, make_app
from tests.seed import seed_scenario

# Below the 96.00 floor but within a rep's reach: the rules hand it to a person.
ESCALATING = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00", "currency": "USD"}


@pytest.fixture
def worker_app(db_url, redis_url, clock, tmp_path: Path):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REDIS_URL=redis_url,
                   COUNTEROFFER_QUEUE=f"co-test-{tmp_path.name}", TEST_ACTOR=BUYER_ACME)
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
        bind_runtime(JobRuntime(extension.deps.session_factory, clock, app))
        yield app, extension
        bind_runtime(None)
        extension.close()


def run_jobs(extension) -> None:
    queue = make_queue(extension.state.settings.queue_name, extension.state.redis.client())
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def outbox(extension) -> list[OutboxMessage]:
    with transaction(extension.deps.session_factory) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_an_escalation_is_delivered_once_even_if_relayed_twice(worker_app):
    from counteroffer.jobs.queue import enqueue_message
    from counteroffer.plugin.wiring.worker import job_runtime

    app, extension = worker_app
    bind_runtime(job_runtime(app, extension))  # with the writer that fans out the notices
    queue = make_queue(extension.state.settings.queue_name, extension.state.redis.client())
    received: list[dict] = []
    negotiation_escalated.connect(lambda sender, payload, message_id: received.append(payload), weak=False)
    try:
        created = app.test_client().post("/negotiate/api/requests", json=ESCALATING).get_json()
        assert created["status"] == "escalated"
        [message] = outbox(extension)  # the request itself writes one message
        assert (message.topic, message.published_at) == ("negotiation.escalated", None)
        assert message.payload["company_name"] == "Acme Corp"
        assert extension.relay_outbox() == 1
        assert extension.relay_outbox() == 0  # already published
        run_jobs(extension)
        # At-least-once: hand the same message to rq again; the handler sees it was done
        # and writes no second webhook.
        enqueue_message(queue, message.id)
        run_jobs(extension)
        # Its handler wrote the webhook announcing it (no rep to e-mail here), sent next.
        assert [m.topic for m in outbox(extension)] == ["negotiation.escalated", "send.webhook"]
        assert extension.relay_outbox() == 1
        run_jobs(extension)
    finally:
        negotiation_escalated.receivers.clear()
    assert [p["negotiation_id"] for p in received] == [created["id"]]
    assert all(m.handled_at is not None for m in outbox(extension))


def test_a_failing_receiver_leaves_the_message_unhandled_for_a_retry(worker_app):
    app, extension = worker_app

    def broken(sender, payload, message_id):
        raise RuntimeError("mail server down")

    negotiation_escalated.connect(broken, weak=False)
    try:
        app.test_client().post("/negotiate/api/requests", json=ESCALATING)
        extension.relay_outbox()
        run_jobs(extension)
    finally:
        negotiation_escalated.receivers.clear()
    assert outbox(extension)[0].handled_at is None


def test_with_redis_away_buyers_get_answers_and_messages_wait(db_url, clock, tmp_path):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REDIS_URL="redis://127.0.0.1:1/0",
                   TEST_ACTOR=BUYER_ACME)
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
        response = app.test_client().post("/negotiate/api/requests", json=ESCALATING)
        assert response.status_code == 201
        assert extension.relay_outbox() == 0
        assert [m.published_at for m in outbox(extension)] == [None]
        extension.close()


def test_the_minutely_sweep_runs_as_an_rq_job_once_per_minute(worker_app, clock):
    from counteroffer.db.models import Negotiation
    from counteroffer.plugin.wiring.worker import job_runtime, schedule_sweep

    app, extension = worker_app
    bind_runtime(job_runtime(app, extension))
    created = app.test_client().post("/negotiate/api/requests", json={**ESCALATING, "target_unit_price": "110.00"})
    clock.advance(hours=49)  # its offer lapses; only the sweep writes that down
    schedule_sweep(extension)
    schedule_sweep(extension)  # a second pump in the same minute queues the same job
    queue = make_queue(extension.state.settings.queue_name, extension.state.redis.client())
    assert queue.count == 1
    run_jobs(extension)
    with transaction(extension.deps.session_factory) as session:
        assert session.get(Negotiation, created.get_json()["id"]).status == "expired"


def test_with_redis_away_the_pump_runs_the_sweep_itself(db_url, clock, tmp_path):
    from counteroffer.db.models import Negotiation
    from counteroffer.plugin.wiring.worker import schedule_sweep

    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REDIS_URL="redis://127.0.0.1:1/0",
                   TEST_ACTOR=BUYER_ACME)
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
        created = app.test_client().post("/negotiate/api/requests",
                                         json={**ESCALATING, "target_unit_price": "110.00"}).get_json()
        clock.advance(hours=49)
        schedule_sweep(extension)
        with transaction(extension.deps.session_factory) as session:
            assert session.get(Negotiation, created["id"]).status == "expired"
        extension.close()
