"""The demo's mail catcher: a local SMTP sink that keeps every message as a file.

``make demo`` starts it next to the web server and the worker and points the plugin's
``COUNTEROFFER_SMTP`` at it, so the e-mails the demo sends (a rep's new escalation, a
reminder, the buyer told of a decision) really go over SMTP and can be read at
``/demo/mail``. Nothing leaves the machine. The web page only reads the folder
(``mailbox.py``), so the SMTP library is needed only where the sink runs.
"""
from __future__ import annotations

import os
import socket
import time
import uuid
from typing import Any

__all__ = ["MailCatcher", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class _KeepAsFile:
    def __init__(self, folder: str) -> None:
        self.folder = folder

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        # Written aside and renamed, so the page never reads half a message; the name
        # sorts by arrival.
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}.eml"
        draft = os.path.join(self.folder, f".{name}.part")
        with open(draft, "wb") as handle:
            handle.write(envelope.content)
        os.replace(draft, os.path.join(self.folder, name))
        return "250 OK: kept for /demo/mail"


class MailCatcher:
    """An SMTP server on ``host:port`` (aiosmtpd, in a thread) writing into ``folder``."""

    def __init__(self, folder: str, host: str = "127.0.0.1", port: int | None = None) -> None:
        from aiosmtpd.controller import Controller  # the demo's extra, not the plugin's

        os.makedirs(folder, exist_ok=True)
        self.host, self.port = host, port or free_port(host)
        self._controller = Controller(_KeepAsFile(folder), hostname=host, port=self.port)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
