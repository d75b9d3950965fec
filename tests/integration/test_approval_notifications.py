"""Notices of the approval workflow, end to end: outbox -> relay -> rq -> a real SMTP server
(aiosmtpd) and signed webhooks to a real HTTP server, each once however often delivered."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from counteroffer.adapters import SignedWebhooks, verify_signature
from counteroffer.db import transaction
from counteroffer.db.models import OutboxMessage
from counteroffer.jobs import bind_runtime
from counteroffer.jobs.queue import enqueue_message, make_queue
from counteroffer.plugin.wiring.worker import job_runtime, sweep_once
from tests.approvals import ANN, RITA, seed_approvals
from tests.conftest import REDIS_URL, _need, make_app
from tests.mailbox import Mailbox, free_port, running_mailbox
from tests.seed import seed_scenario

ESCALATING = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00", "currency": "USD"}
SECRET = "whsec_approvals"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with running_mailbox() as box:
        yield box


def notifying_app(db_url, clock, tmp_path: Path, smtp_port: int, backoffice):  # noqa: ANN001, ANN201
    _need(6379, "Redis")
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REDIS_URL=REDIS_URL,
                   COUNTEROFFER_QUEUE=f"co-notify-{tmp_path.name}", COUNTEROFFER_RETRY_SECONDS=[0],
                   COUNTEROFFER_SMTP={"host": "127.0.0.1", "port": smtp_port,
                                      "sender": "negotiations@shop.example", "timeout": 5})
    extension = app.extensions["counteroffer"]
    extension.use_webhooks(SignedWebhooks(backoffice.url + "/hooks/counteroffer", SECRET, timeout=2,
                                          allow_private=True))  # the receiver is on loopback
    return app, extension


@pytest.fixture
def worker_app(db_url, clock, tmp_path, mailbox, backoffice):
    app, extension = notifying_app(db_url, clock, tmp_path, mailbox.port, backoffice)
    with app.app_context():
        seed_scenario(extension)
        seed_approvals(extension)
        bind_runtime(job_runtime(app, extension))
        yield app, extension
        bind_runtime(None)
        extension.close()


def deliver(extension, again: bool = False) -> None:
    """Relay and run every job until nothing waits (a handled message may write more: a
    new escalation its notices); with ``again``, hand every message to rq a second time."""
    queue = make_queue(extension.state.settings.queue_name, extension.state.redis.client())
    relayed = True
    while relayed:
        relayed = extension.relay_outbox() > 0
        if again:
            for message_id in message_ids(extension):
                enqueue_message(queue, message_id)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def message_ids(extension) -> list[int]:
    with transaction(extension.deps.session_factory) as session:
        return list(session.scalars(select(OutboxMessage.id)))


def unhandled_topics(extension) -> list[str]:
    with transaction(extension.deps.session_factory) as session:
        return list(session.scalars(select(OutboxMessage.topic).where(OutboxMessage.handled_at.is_(None))))


def hooks(backoffice, event_type: str) -> list:
    return [hit for hit in backoffice.hits("/hooks/") if hit.headers["Counteroffer-Event"] == event_type]


def test_the_rep_is_told_once_and_the_buyer_is_told_the_decision_once(worker_app, mailbox, backoffice):
    app, extension = worker_app
    client = app.test_client()
    app.config["TEST_ACTOR"] = ANN
    request = client.post("/negotiate/api/requests", json=ESCALATING).get_json()
    deliver(extension)
    deliver(extension, again=True)  # at least once: every job delivered a second time
    [to_rita] = mailbox.messages()
    assert to_rita["To"] == "rita@seller.example"
    assert to_rita["Subject"] == "Price request to decide: Acme Corp, DEMO-120"
    assert "Acme Corp asks for 1,000 x DEMO-120 at $90.00 each." in to_rita.get_content()
    [assigned] = hooks(backoffice, "escalation.assigned")
    assert verify_signature(SECRET, assigned.headers["Counteroffer-Timestamp"], assigned.body,
                            assigned.headers["Counteroffer-Signature"])
    assert json.loads(assigned.body)["data"]["assignee_id"] == "rita@seller"

    app.config["TEST_ACTOR"] = RITA
    [escalation] = client.get("/negotiate/api/escalations").get_json()["escalations"]
    client.post(f"/negotiate/api/escalations/{escalation['id']}/decision",
                json={"action": "approve", "rationale": "Loyal account"})
    deliver(extension)
    deliver(extension, again=True)
    [to_ann] = mailbox.messages("ann@acme.example")
    assert to_ann["Subject"] == "Your price request for DEMO-120: approved"
    assert "Rita Reyes of our sales team approved $90.00 each for 1,000 units." in to_ann.get_content()
    [decided] = hooks(backoffice, "escalation.decided")
    assert json.loads(decided.body)["data"]["negotiation_id"] == request["id"]
    assert len(mailbox.messages()) == 2


def test_mail_refused_for_longer_than_the_retries_is_sent_once_the_server_is_back(
        db_url, clock, tmp_path, backoffice):
    port = free_port()  # nothing listens here yet
    app, extension = notifying_app(db_url, clock, tmp_path, port, backoffice)
    with app.app_context():
        seed_scenario(extension)
        seed_approvals(extension)
        bind_runtime(job_runtime(app, extension))
        try:
            app.config["TEST_ACTOR"] = ANN
            app.test_client().post("/negotiate/api/requests", json=ESCALATING)
            deliver(extension)  # the e-mail job fails, is retried once, fails again: rq gives up
            assert unhandled_topics(extension) == ["send.email"]
            with running_mailbox(port) as mailbox:
                clock.advance(minutes=31)  # past COUNTEROFFER_REPUBLISH_AFTER_SECONDS
                sweep_once(extension)  # hands the unhandled message to rq again
                deliver(extension)
                assert [m["To"] for m in mailbox.messages()] == ["rita@seller.example"]
            assert unhandled_topics(extension) == []
        finally:
            bind_runtime(None)
            extension.close()


def test_an_escalation_void_before_a_worker_came_to_it_is_announced_but_nobody_is_mailed(
        worker_app, mailbox, backoffice):
    app, extension = worker_app
    client = app.test_client()
    app.config["TEST_ACTOR"] = ANN
    request = client.post("/negotiate/api/requests", json=ESCALATING).get_json()
    # The buyer moves before any worker ran: the escalation is void, a counter answers.
    answer = client.post(f"/negotiate/api/requests/{request['id']}/counter",
                         json={"target_unit_price": "110.00"})
    assert answer.get_json()["status"] == "countered"
    deliver(extension)
    # Nothing left for Rita to decide, and no "no longer needed" about what she never saw.
    assert mailbox.messages() == []
    [assigned] = hooks(backoffice, "escalation.assigned")  # what happened is still told
    assert json.loads(assigned.body)["data"]["negotiation_id"] == request["id"]
    [void] = hooks(backoffice, "escalation.void")
    assert json.loads(void.body)["data"]["why"] == "changed the request"
    assert unhandled_topics(extension) == []


@pytest.mark.parametrize("change", ["withdraw", "counter"])
def test_a_rep_asked_to_decide_hears_once_when_the_buyer_answers_it_themselves(
        worker_app, mailbox, backoffice, clock, change):
    app, extension = worker_app
    client = app.test_client()
    app.config["TEST_ACTOR"] = ANN
    request = client.post("/negotiate/api/requests", json=ESCALATING).get_json()
    deliver(extension)
    assert [m["Subject"] for m in mailbox.messages()] == ["Price request to decide: Acme Corp, DEMO-120"]
    if change == "withdraw":
        client.post(f"/negotiate/api/requests/{request['id']}/withdraw")
    else:  # answered by the engine this time: no new escalation
        client.post(f"/negotiate/api/requests/{request['id']}/counter", json={"target_unit_price": "110.00"})
    deliver(extension)
    deliver(extension, again=True)  # at least once: every job delivered a second time
    first, void = mailbox.messages()
    assert (void["To"], void["Subject"]) == ("rita@seller.example",
                                             "No longer needed: price request from acme, DEMO-120")
    why = "withdrew the request" if change == "withdraw" else "changed the request"
    asked_at = clock().strftime("%Y-%m-%d %H:%M UTC")
    assert (f"Ann Archer (acme) {why}, so the price request for DEMO-120 you were asked to decide on "
            f"{asked_at} no longer needs your decision.") in " ".join(void.get_content().split())
    [hook] = hooks(backoffice, "escalation.void")
    data = json.loads(hook.body)["data"]
    assert (data["negotiation_id"], data["assignee_id"], data["why"]) == (request["id"], "rita@seller", why)
    assert unhandled_topics(extension) == []
