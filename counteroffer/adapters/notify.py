"""Telling people and systems: e-mail over SMTP, signed webhooks, a chat channel.

Each send is one attempt that either succeeds or raises ``DeliveryError``; retrying is
the job queue's business, and a retried webhook keeps its event id so the receiver can
drop the duplicate.

Webhook signature (Stripe's scheme): ``Counteroffer-Signature: v1=<hex>`` where hex is
HMAC-SHA256 with the shared secret over ``"<Counteroffer-Timestamp>." + body``.
Receivers check it with ``verify_signature`` and refuse old timestamps (replays).

Webhook and chat targets are checked before every send (``url_safety.py``): http(s) only,
and no loopback, private, link-local or metadata address unless ``allow_private=True``.
"""
from __future__ import annotations

import hashlib
import hmac
import smtplib
import ssl
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import requests

from .errors import DeliveryError
from .http import Timeout, encode_json, post_bytes
from .url_safety import check_target, check_url_shape, public_only_session

__all__ = ["SmtpMailer", "SignedWebhooks", "ChatWebhook", "sign", "verify_signature",
           "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "EVENT_ID_HEADER", "EVENT_TYPE_HEADER"]

SIGNATURE_HEADER = "Counteroffer-Signature"
TIMESTAMP_HEADER = "Counteroffer-Timestamp"
EVENT_ID_HEADER = "Counteroffer-Event-Id"
EVENT_TYPE_HEADER = "Counteroffer-Event"


class SmtpMailer:
    """Plain-text mail through an SMTP server (STARTTLS and login when configured)."""

    def __init__(self, host: str, port: int = 25, *, sender: str, username: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout

    def send_email(self, to: Sequence[str], subject: str, text: str) -> None:
        if not to:
            raise ValueError("send_email needs at least one recipient")
        message = EmailMessage()
        # A subject is one line: a line break in it would start a forged header.
        message["Subject"] = " ".join(subject.split())
        message["From"], message["To"] = self.sender, ", ".join(to)
        message.set_content(text)
        try:
            self._send(message)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP {self.host}:{self.port} refused the mail: {error}") from error

    def _send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username is not None:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def _session(allow_private: bool) -> requests.Session:
    # The connections themselves refuse private peers too (DNS rebinding, url_safety.py).
    return requests.Session() if allow_private else public_only_session()


def _as_bytes(secret: str | bytes) -> bytes:
    return secret.encode() if isinstance(secret, str) else secret


def sign(secret: str | bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(_as_bytes(secret), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def verify_signature(secret: str | bytes, timestamp: str, body: bytes, signature: str,
                     tolerance_seconds: int = 300, now: float | None = None) -> bool:
    """True if ``signature`` is ours for this body and the timestamp is recent."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, stamp, body), signature)


class SignedWebhooks:
    """POST events as JSON ``{"id", "type", "created_at", "data"}``, signed with HMAC-SHA256."""

    def __init__(self, url: str, secret: str | bytes, session: requests.Session | None = None,
                 timeout: Timeout = 5.0, clock: Callable[[], float] = time.time, *,
                 allow_private: bool = False) -> None:
        if not secret:
            raise ValueError("a webhook needs a non-empty secret")
        check_url_shape(url)
        self.url, self._secret, self.allow_private = url, secret, allow_private
        self.session, self.timeout, self._clock = session or _session(allow_private), timeout, clock

    def deliver(self, event_type: str, data: Mapping[str, Any], event_id: str | None = None) -> str:
        event_id = event_id or uuid.uuid4().hex
        now = self._clock()
        created_at = datetime.fromtimestamp(now, UTC).isoformat()
        body = encode_json({"id": event_id, "type": event_type, "created_at": created_at,
                            "data": dict(data)})
        stamp = int(now)
        headers = {"Content-Type": "application/json", EVENT_ID_HEADER: event_id,
                   EVENT_TYPE_HEADER: event_type, TIMESTAMP_HEADER: str(stamp),
                   SIGNATURE_HEADER: sign(self._secret, stamp, body)}
        check_target(self.url, self.allow_private)  # at each send: DNS answers change
        post_bytes(self.session, self.url, body, headers, self.timeout)
        return event_id


class ChatWebhook:
    """A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): ``{"text": ...}``."""

    def __init__(self, url: str, session: requests.Session | None = None,
                 timeout: Timeout = 5.0, *, allow_private: bool = False) -> None:
        check_url_shape(url)
        self.url, self.session, self.timeout = url, session or _session(allow_private), timeout
        self.allow_private = allow_private

    def post(self, text: str) -> None:
        check_target(self.url, self.allow_private)
        post_bytes(self.session, self.url, encode_json({"text": text}),
                   {"Content-Type": "application/json"}, self.timeout)
