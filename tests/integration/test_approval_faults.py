"""Faults against real servers, on PostgreSQL: Redis stopped while buyers escalate, and a
worker process killed (SIGKILL) in the middle of sending a notice. Nothing is lost,
nothing is sent twice. Each test runs its own redis-server; the shared one is untouched."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from rq.registry import StartedJobRegistry
from rq.scheduler import SCHEDULER_LOCKING_KEY_TEMPLATE
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import Escalation, OutboxMessage
from counteroffer.jobs import bind_runtime
from counteroffer.jobs.queue import JOB_TIMEOUT_SECONDS
from counteroffer.negotiation.shared.deps import utc_now
from counteroffer.plugin.wiring.worker import job_runtime
from tests.approvals import ANN, seed_approvals
from tests.conftest import make_app
from tests.mailbox import Mailbox, running_mailbox
from tests.private_redis import PrivateRedis, private_redis
from tests.seed import seed_scenario

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "co-faults"
# 18 requests, each below the 96.00 floor but within a rep's reach: each one escalates.
TARGETS = [Decimal("87.00") + Decimal("0.50") * step for step in range(18)]


@pytest.fixture
def mailbox():
    with running_mailbox() as box:
        yield box


@pytest.fixture
def redis_server(tmp_path):
    with private_redis(tmp_path) as server:
        yield server


@pytest.fixture
def pg_app(pg_schema_url, tmp_path, redis_server, mailbox):
    from tests.conftest import _truncate_all

    _truncate_all(pg_schema_url)
    # The real clock: the worker processes started below run on it too (and sweep by it).
    app = make_app(pg_schema_url, utc_now, tmp_path, COUNTEROFFER_REDIS_URL=redis_server.url,
                   COUNTEROFFER_QUEUE=QUEUE, TEST_ACTOR=ANN,
                   COUNTEROFFER_SMTP={"host": "127.0.0.1", "port": mailbox.port,
                                      "sender": "negotiations@shop.example", "timeout": 5})
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
        seed_approvals(extension)
        yield app
        extension.close()


def rows(app, model, **where) -> list:  # noqa: ANN001
    with transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return list(session.scalars(select(model).filter_by(**where)))


def run_jobs(app) -> None:  # noqa: ANN001
    extension = app.extensions["counteroffer"]
    bind_runtime(job_runtime(app, extension))
    try:
        connection = extension.state.redis.client()
        SimpleWorker([Queue(QUEUE, connection=connection)], connection=connection).work(burst=True)
    finally:
        bind_runtime(None)


@pytest.mark.postgres
def test_with_redis_stopped_buyers_get_answers_and_every_escalation_is_told_once_it_is_back(
        pg_app, redis_server: PrivateRedis, mailbox: Mailbox):
    extension, client = pg_app.extensions["counteroffer"], pg_app.test_client()
    redis_server.stop()
    answers = [client.post("/negotiate/api/requests", json={
        "sku": "DEMO-120", "quantity": 1000, "target_unit_price": str(target), "currency": "USD"})
        for target in TARGETS]
    assert {(a.status_code, a.get_json()["status"]) for a in answers} == {(201, "escalated")}
    assert extension.relay_outbox() == 0  # Redis is away: everything waits in the outbox
    assert len(rows(pg_app, Escalation, status="open")) == len(TARGETS)
    assert {m.published_at for m in rows(pg_app, OutboxMessage)} == {None}

    redis_server.start()  # back, and empty: it kept nothing
    assert extension.relay_outbox() == len(TARGETS)  # one negotiation.escalated each
    run_jobs(pg_app)  # each writes its e-mail and webhook messages...
    assert extension.relay_outbox() == 2 * len(TARGETS)
    run_jobs(pg_app)  # ...which go out now
    asks = sorted(m.get_content().split(" at $")[1].split(" each")[0] for m in mailbox.messages())
    assert asks == sorted(f"{target:.2f}" for target in TARGETS)  # each escalation once
    assert extension.relay_outbox() == 0
    assert {m.handled_at is not None for m in rows(pg_app, OutboxMessage)} == {True}


def start_worker(pg_app, redis_server: PrivateRedis, mailbox: Mailbox, gate: Path) -> subprocess.Popen:  # noqa: ANN001
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CO_TEST_INSTANCE": str(gate.parent / "worker-instance"),
           "CO_TEST_DATABASE_URL": pg_app.config["COUNTEROFFER_DATABASE_URL"],
           "CO_TEST_REDIS_URL": redis_server.url, "CO_TEST_QUEUE": QUEUE,
           "CO_TEST_SMTP_PORT": str(mailbox.port), "CO_TEST_GATE": str(gate)}
    # A session of its own: at the end the test ends the worker and its scheduler child.
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "tests.worker_host:create_app",
                             "counteroffer", "worker"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(condition, seconds: float = 30) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def end(worker: subprocess.Popen) -> None:
    try:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker's own session: it and its scheduler
    except ProcessLookupError:
        pass
    worker.wait(timeout=10)


@pytest.mark.postgres
def test_a_worker_killed_mid_notice_leaves_the_job_to_run_again_and_the_mail_goes_out_once(
        pg_app, redis_server: PrivateRedis, mailbox: Mailbox, tmp_path: Path):
    gate = tmp_path / "gate"
    gate.mkdir()
    pg_app.test_client().post("/negotiate/api/requests", json={
        "sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00", "currency": "USD"})
    first = start_worker(pg_app, redis_server, mailbox, gate)
    second = None
    try:
        wait_for(lambda: any(gate.glob("sending-*")))  # the e-mail job is under way...
        end(first)  # ...and its machine dies, mid-job: the worker and its scheduler process
        [email] = rows(pg_app, OutboxMessage, topic="send.email")
        assert (email.handled_at, mailbox.messages()) == (None, [])
        # Once the dead worker's heartbeat lapses (the job timeout + 60 s), the next
        # worker's maintenance finds the job abandoned and retries it; here the test runs
        # that cleanup as of that moment instead of waiting for it.
        connection = Redis.from_url(redis_server.url)
        lapsed = time.time() + JOB_TIMEOUT_SECONDS + 61
        StartedJobRegistry(QUEUE, connection=connection).cleanup(timestamp=lapsed)
        # The dead scheduler's lock lapses with its TTL too; until it does, the new worker
        # runs no scheduler, so rq's scheduled retry waits for it (67 s measured alone,
        # past this test's 90 s now and then on a loaded machine). Lapsed here as well, as
        # of the same moment.
        connection.delete(SCHEDULER_LOCKING_KEY_TEMPLATE % QUEUE)
        (gate / "open").touch()
        second = start_worker(pg_app, redis_server, mailbox, gate)
        # Alone this takes about 2 s (the new worker's start, rq's retry scheduled 1 s on).
        wait_for(lambda: rows(pg_app, OutboxMessage, topic="send.email")[0].handled_at is not None, 90)
        time.sleep(1.5)  # a second copy, if one were coming, would be here by now
        assert [m["To"] for m in mailbox.messages()] == ["rita@seller.example"]
        connection.close()
    finally:
        end(first)
        if second is not None:
            end(second)
