"""A host app for worker processes the fault tests start and kill:

    flask --app tests.worker_host:create_app counteroffer worker

Configured from the environment (CO_TEST_*). Its mailer is the real ``SmtpMailer`` behind
a gate: before sending, it leaves a file saying so and waits until the test opens the
gate, so a test can kill the worker in the middle of a job, before anything was sent.
"""
from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from flask import Flask

from counteroffer import Counteroffer
from counteroffer.adapters import DeliveryError, SmtpMailer


class GatedMailer:
    def __init__(self, mailer: SmtpMailer, gate: Path, wait_seconds: float = 60) -> None:
        self._mailer, self._gate, self._wait_seconds = mailer, gate, wait_seconds

    def send_email(self, to: Sequence[str], subject: str, text: str) -> None:
        (self._gate / f"sending-{os.getpid()}").touch()
        deadline = time.monotonic() + self._wait_seconds
        while not (self._gate / "open").exists():
            if time.monotonic() > deadline:
                raise DeliveryError("the test never opened the gate")
            time.sleep(0.05)
        self._mailer.send_email(to, subject, text)


def create_app() -> Flask:
    env = os.environ
    app = Flask("worker-host", instance_path=env["CO_TEST_INSTANCE"])
    app.config.update(COUNTEROFFER_DATABASE_URL=env["CO_TEST_DATABASE_URL"],
                      COUNTEROFFER_REDIS_URL=env["CO_TEST_REDIS_URL"],
                      COUNTEROFFER_QUEUE=env["CO_TEST_QUEUE"], COUNTEROFFER_RETRY_SECONDS=[1])
    extension = Counteroffer(app)
    smtp = SmtpMailer("127.0.0.1", int(env["CO_TEST_SMTP_PORT"]), sender="negotiations@shop.example")
    extension.use_mailer(GatedMailer(smtp, Path(env["CO_TEST_GATE"])))
    extension.user_loader(lambda: None)  # a worker serves no requests
    return app
