"""Configuration of the approval workflow: notice senders, service levels, retries."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from counteroffer import Counteroffer
from counteroffer.adapters import SignedWebhooks, SmtpMailer


def configured(tmp_path: Path, **config: object) -> tuple[Flask, Counteroffer]:
    app = Flask("host", instance_path=str(tmp_path / "instance"))
    app.config.update(config)
    return app, Counteroffer(app)


def test_senders_come_from_config_unless_the_host_registers_its_own(tmp_path):
    app, extension = configured(tmp_path, COUNTEROFFER_SMTP={"host": "smtp.example.com", "port": 587,
                                                             "sender": "n@shop.example", "starttls": True},
                                COUNTEROFFER_WEBHOOK_URL="https://erp.example.com/hooks",
                                COUNTEROFFER_WEBHOOK_SECRET="whsec_1")
    with app.app_context():
        mailer, hooks = extension.mailer(), extension.webhooks()
        assert isinstance(mailer, SmtpMailer) and (mailer.host, mailer.port, mailer.starttls) == (
            "smtp.example.com", 587, True)
        assert isinstance(hooks, SignedWebhooks) and hooks.url == "https://erp.example.com/hooks"
        own = extension.use_mailer(SmtpMailer("127.0.0.1", 2525, sender="n@shop.example"))
        assert extension.mailer() is own


def test_without_configuration_there_are_no_senders(tmp_path):
    app, extension = configured(tmp_path, COUNTEROFFER_WEBHOOK_URL="https://erp.example.com/hooks")
    with app.app_context():
        assert extension.mailer() is None
        assert extension.webhooks() is None  # a URL without a secret would send unsigned events


def test_service_levels_default_to_4_and_24_hours_and_segments_override_them(tmp_path):
    app, extension = configured(tmp_path, COUNTEROFFER_ESCALATE_AFTER_HOURS=8,
                                COUNTEROFFER_SERVICE_LEVELS={"strategic": {"remind_after_hours": 0.5}})
    with app.app_context():
        levels = extension.deps.service_levels
    assert (levels.for_segment(None).remind_after, levels.for_segment("retail").escalate_after) == (
        timedelta(hours=4), timedelta(hours=8))
    assert (levels.for_segment("strategic").remind_after, levels.for_segment("strategic").escalate_after) == (
        timedelta(minutes=30), timedelta(hours=8))


def test_negative_retry_intervals_fail_at_init_app(tmp_path):
    with pytest.raises(ValueError, match="COUNTEROFFER_RETRY_SECONDS"):
        configured(tmp_path, COUNTEROFFER_RETRY_SECONDS=[10, -1])
