"""``/demo/mail``: the e-mails the demo sent, as its mail catcher received them.

The demo is a showcase on one machine, so every logged-in user sees every message here,
the way a developer's mail catcher works; a real shop sends through its own SMTP server.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any

from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for

from .auth import current_actor

__all__ = ["mailbox", "configure", "mail_folder", "read_mail", "SMTP_PORT_KEY", "SENDER"]

mailbox = Blueprint("mailbox", __name__)
#: Set (by ``make demo``'s launcher) to the catcher's port; without it the demo sends no mail.
SMTP_PORT_KEY = "DEMO_SMTP_PORT"
SENDER = "Ironclad Supply <counteroffer@ironclad.example>"
SHOWN = 100


@dataclass(frozen=True)
class Mail:
    received_at: datetime
    sender: str
    to: str
    subject: str
    body: str


def configure(app: Flask) -> None:
    """Point the plugin's e-mail at the catcher when the launcher says where it listens."""
    port = app.config.get(SMTP_PORT_KEY) or os.environ.get(SMTP_PORT_KEY)
    if port and not app.config.get("COUNTEROFFER_SMTP"):
        app.config["COUNTEROFFER_SMTP"] = {"host": "127.0.0.1", "port": int(port), "sender": SENDER}
    app.config["DEMO_MAIL_CATCHER"] = bool(port)


def mail_folder(instance_path: str) -> str:
    return os.path.join(instance_path, "demo-mail")


def read_mail(folder: str, limit: int = SHOWN) -> list[Mail]:
    """The newest ``limit`` messages, newest first."""
    try:
        names = sorted((n for n in os.listdir(folder) if n.endswith(".eml")), reverse=True)[:limit]
    except FileNotFoundError:
        return []
    return [_read(os.path.join(folder, name)) for name in names]


def _read(path: str) -> Mail:
    with open(path, "rb") as handle:
        message = message_from_bytes(handle.read(), policy=default_policy)
    body = message.get_body(preferencelist=("plain",))
    return Mail(received_at=datetime.fromtimestamp(os.path.getmtime(path), UTC),
                sender=str(message["From"] or ""), to=str(message["To"] or ""),
                subject=str(message["Subject"] or "(no subject)"),
                body=body.get_content() if body is not None else "")


@mailbox.get("/demo/mail")
def mail_page() -> Any:
    if current_actor() is None:
        return redirect(url_for("auth.login_form", next=request.path))
    folder = mail_folder(current_app.instance_path)
    return render_template("demo/mail.html", mails=read_mail(folder),
                           catching=current_app.config.get("DEMO_MAIL_CATCHER", False))
