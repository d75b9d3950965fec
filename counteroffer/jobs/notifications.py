"""Outbound notifications as outbox messages: one message per e-mail or webhook event.

A use case writes ``send.email`` / ``send.webhook`` rows in its own transaction, each
under a business key that names what it is about ("email:decided:<escalation id>"), so
the database refuses a second copy. A worker hands each row to its sender and marks it
handled in the same transaction: a redelivered job finds it handled and sends nothing.
One message does one thing, so a webhook that fails is retried without e-mailing again.

What remains: a worker that dies after the SMTP server took a mail but before its commit
sends it again on the retry (no SMTP server can take part in our transaction). Webhook
receivers drop that duplicate by the event id, which is the business key.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from .outbox import add_message

if TYPE_CHECKING:
    from ..adapters.ports import Mailer, Webhooks

__all__ = ["EMAIL_TOPIC", "WEBHOOK_TOPIC", "Handler", "queue_email", "queue_webhook",
           "email_sender", "webhook_sender"]

EMAIL_TOPIC = "send.email"
WEBHOOK_TOPIC = "send.webhook"

#: A topic's handler: ``handler(payload, business_key)``; raising makes rq retry the job.
Handler = Callable[[dict[str, Any], str], None]

log = logging.getLogger(__name__)


def queue_email(session: Session, key: str, to: Sequence[str], subject: str, text: str,
                now: datetime) -> None:
    """An e-mail to send once; nothing is queued without a recipient."""
    recipients = [address for address in to if address]
    if recipients:
        add_message(session, EMAIL_TOPIC, f"email:{key}",
                    {"to": recipients, "subject": subject, "text": text}, now)


def queue_webhook(session: Session, key: str, event_type: str, data: Mapping[str, Any],
                  now: datetime) -> None:
    """A signed webhook event; its id is the business key, the same on every retry."""
    add_message(session, WEBHOOK_TOPIC, f"webhook:{key}",
                {"event_type": event_type, "data": dict(data)}, now)


def email_sender(mailer: Mailer | None) -> Handler:
    def send(payload: dict[str, Any], _key: str) -> None:
        if mailer is None:
            # Recorded as handled: a shop without mail configured must not pile up retries.
            log.warning("no mailer configured; e-mail %r not sent", payload.get("subject"))
            return
        mailer.send_email(payload["to"], payload["subject"], payload["text"])

    return send


def webhook_sender(webhooks: Webhooks | None) -> Handler:
    def deliver(payload: dict[str, Any], key: str) -> None:
        if webhooks is None:
            return  # no receiver configured: nothing to tell
        webhooks.deliver(payload["event_type"], payload["data"], event_id=key)

    return deliver
