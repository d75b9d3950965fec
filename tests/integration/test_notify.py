"""E-mail against a real SMTP server (aiosmtpd) on loopback; signed webhooks, the chat
webhook and the CRM push against the reference back office on loopback."""
from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from counteroffer.adapters import (
    ChatWebhook,
    DeliveryError,
    HttpCrm,
    NegotiationOutcome,
    SignedWebhooks,
    SmtpMailer,
    verify_signature,
)
from counteroffer.adapters.notify import sign

SECRET = "whsec_test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler: keeps what it receives, or refuses when told to."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        if self.refuse:
            return "554 5.7.1 Message rejected"
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_an_email_reaches_the_smtp_server_with_sender_recipients_and_text(smtp):
    inbox, port = smtp
    mailer = SmtpMailer("127.0.0.1", port, sender="negotiations@shop.example", timeout=5)
    mailer.send_email(["rita@seller.example", "max@seller.example"], "Acme asks for a better price",
                      "DEMO-120: 1,000 units at $110.00.")
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "negotiations@shop.example"
    assert envelope.rcpt_tos == ["rita@seller.example", "max@seller.example"]
    message = message_from_bytes(envelope.content, policy=default_policy)
    assert message["Subject"] == "Acme asks for a better price"
    assert message.get_content().strip() == "DEMO-120: 1,000 units at $110.00."


def test_a_line_break_in_the_subject_cannot_forge_a_header(smtp):
    inbox, port = smtp
    SmtpMailer("127.0.0.1", port, sender="n@shop.example").send_email(
        ["rita@seller.example"], "Hello\r\nBcc: victim@example.com", "text")
    message = message_from_bytes(inbox.envelopes[0].content, policy=default_policy)
    assert message["Bcc"] is None
    assert message["Subject"] == "Hello Bcc: victim@example.com"


def test_a_refused_email_is_a_delivery_error(smtp):
    inbox, port = smtp
    inbox.refuse = True
    with pytest.raises(DeliveryError, match="554"):
        SmtpMailer("127.0.0.1", port, sender="n@shop.example").send_email(["r@x.example"], "s", "t")


def test_no_smtp_server_is_a_delivery_error():
    with pytest.raises(DeliveryError, match="refused the mail"):
        SmtpMailer("127.0.0.1", free_port(), sender="n@shop.example", timeout=1).send_email(
            ["r@x.example"], "s", "t")


def test_an_email_needs_a_recipient():
    with pytest.raises(ValueError, match="recipient"):
        SmtpMailer("127.0.0.1", 25, sender="n@shop.example").send_email([], "s", "t")


def webhooks(backoffice, **options) -> SignedWebhooks:  # noqa: ANN001
    return SignedWebhooks(backoffice.url + "/hooks/escalations", SECRET, timeout=0.5,
                          allow_private=True, **options)  # the receiver is on loopback


def test_a_webhook_carries_the_event_and_a_signature_the_receiver_can_check(backoffice):
    event_id = webhooks(backoffice, clock=lambda: 1_793_000_000.0).deliver(
        "negotiation.escalated", {"negotiation_id": "n1", "target_unit_price": Decimal("110.00")})
    [hit] = backoffice.hits("/hooks/")
    assert hit.headers["Counteroffer-Event-Id"] == event_id
    assert hit.headers["Counteroffer-Event"] == "negotiation.escalated"
    assert hit.headers["Content-Type"] == "application/json"
    assert json.loads(hit.body) == {
        "id": event_id, "type": "negotiation.escalated", "created_at": "2026-10-26T07:33:20+00:00",
        "data": {"negotiation_id": "n1", "target_unit_price": "110.00"}}
    stamp, signature = hit.headers["Counteroffer-Timestamp"], hit.headers["Counteroffer-Signature"]
    assert stamp == "1793000000"
    assert verify_signature(SECRET, stamp, hit.body, signature, now=1_793_000_100)


def test_a_signature_fails_for_another_body_secret_or_an_old_timestamp(backoffice):
    webhooks(backoffice).deliver("deal.created", {"deal_id": "d1"})
    [hit] = backoffice.hits("/hooks/")
    stamp, signature = hit.headers["Counteroffer-Timestamp"], hit.headers["Counteroffer-Signature"]
    assert verify_signature(SECRET, stamp, hit.body, signature)
    assert not verify_signature(SECRET, stamp, hit.body.replace(b"d1", b"d2"), signature)
    assert not verify_signature("another secret", stamp, hit.body, signature)
    assert not verify_signature(SECRET, stamp, hit.body, signature, now=time.time() + 301)
    assert not verify_signature(SECRET, "yesterday", hit.body, signature)


def test_the_signature_covers_timestamp_and_body_with_hmac_sha256():
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign("k", 1_700_000_000, b"{}") == "v1=" + expected


def test_a_redelivery_keeps_its_event_id(backoffice):
    hooks = webhooks(backoffice)
    first = hooks.deliver("deal.created", {"deal_id": "d1"}, event_id="evt-42")
    second = hooks.deliver("deal.created", {"deal_id": "d1"}, event_id="evt-42")
    assert first == second == "evt-42"
    assert [hit.headers["Counteroffer-Event-Id"] for hit in backoffice.hits("/hooks/")] == ["evt-42"] * 2


@pytest.mark.parametrize("mode, message", [("error", "500"), ("unavailable", "503"),
                                           ("bad_request", "400"), ("slow", "Timeout")])
def test_a_webhook_that_is_not_taken_is_a_delivery_error_after_one_attempt(backoffice, mode, message):
    backoffice.always(mode)
    with pytest.raises(DeliveryError, match=message):
        webhooks(backoffice).deliver("deal.created", {"deal_id": "d1"})
    assert len(backoffice.hits("/hooks/")) == 1  # retrying is the job queue's business


def test_a_webhook_never_follows_a_redirect(backoffice):
    backoffice.answer("redirect")
    with pytest.raises(DeliveryError, match="302"):
        webhooks(backoffice).deliver("deal.created", {"deal_id": "d1"})
    assert backoffice.hits("/elsewhere") == []


def test_a_webhook_needs_a_secret():
    with pytest.raises(ValueError, match="secret"):
        SignedWebhooks("http://127.0.0.1:9/hook", "")


def test_the_chat_message_is_a_slack_compatible_text_payload(backoffice):
    chat = ChatWebhook(backoffice.url + "/hooks/slack", timeout=0.5, allow_private=True)
    chat.post("Acme wants DEMO-120 at $110.00")
    [hit] = backoffice.hits("/hooks/slack")
    assert json.loads(hit.body) == {"text": "Acme wants DEMO-120 at $110.00"}
    assert hit.headers["Content-Type"] == "application/json"


def test_a_chat_webhook_that_fails_is_a_delivery_error(backoffice):
    backoffice.always("error")
    with pytest.raises(DeliveryError, match="500"):
        ChatWebhook(backoffice.url + "/hooks/slack", timeout=0.5, allow_private=True).post("hello")


OUTCOME = NegotiationOutcome(
    event_id="outcome:n1:accepted", negotiation_id="n1", company_id="acme", sku="DEMO-120",
    status="accepted", quantity=3000, currency="USD", round=1,
    at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC), unit_price=Decimal("110.00"))


def test_an_outcome_is_pushed_to_the_crm_with_an_idempotency_key(backoffice):
    crm = HttpCrm(backoffice.url + "/hooks/crm", timeout=0.5, headers={"Authorization": "Bearer t"},
                  allow_private=True)
    crm.record_outcome(OUTCOME)
    [hit] = backoffice.hits("/hooks/crm")
    assert hit.headers["Idempotency-Key"] == "outcome:n1:accepted"
    assert hit.headers["Authorization"] == "Bearer t"
    assert json.loads(hit.body) == {
        "event_id": "outcome:n1:accepted", "negotiation_id": "n1", "company_id": "acme",
        "sku": "DEMO-120", "status": "accepted", "quantity": 3000, "currency": "USD", "round": 1,
        "at": "2026-11-02T09:30:00+00:00", "unit_price": "110.00"}


def test_a_crm_that_fails_is_a_delivery_error_and_is_asked_once(backoffice):
    backoffice.always("error")
    with pytest.raises(DeliveryError, match="500"):
        HttpCrm(backoffice.url + "/hooks/crm", timeout=0.5, allow_private=True).record_outcome(OUTCOME)
    assert len(backoffice.hits("/hooks/crm")) == 1
