"""The live rule version without a read per price request (db/rule_changes.py), on
PostgreSQL: a process remembers it while no notification says it changed, and still
decides with a version published by another process, or while its listening connection
is down."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, select

from counteroffer.db import rule_changes, transaction
from counteroffer.db.models import Negotiation
from counteroffer.db.rulesets import LIVE_ROW_ID, LiveRuleVersion
from tests.integration.test_races import SEED, pg_app  # noqa: F401 - the PostgreSQL app fixture

pytestmark = pytest.mark.postgres
REPO = Path(__file__).resolve().parents[2]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
WAIT_S = 10


def engine_of(app):  # noqa: ANN001, ANN201
    with app.app_context():
        return app.extensions["counteroffer"].deps.session_factory.kw["bind"]


def until(condition, what: str) -> None:  # noqa: ANN001
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_S} s: {what}")
        time.sleep(0.02)


def listening(app) -> None:  # noqa: ANN001
    until(lambda: rule_changes.heard(engine_of(app)) is not None, "the listener is up")


def decided_with(app) -> int | None:  # noqa: ANN001
    """A price request's rule version, as recorded on its negotiation."""
    answer = app.test_client().post("/negotiate/api/requests", json=SEED)
    assert answer.status_code == 201, answer.get_json()
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return session.get(Negotiation, answer.get_json()["id"]).rule_version_id


def live_id(app) -> int | None:  # noqa: ANN001
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return session.scalar(select(LiveRuleVersion.version_id).where(LiveRuleVersion.id == LIVE_ROW_ID))


def publish_elsewhere(url: str, tmp_path: Path) -> None:
    """A pricing manager's publish, by another process."""
    script = textwrap.dedent(f"""
        from pathlib import Path
        from counteroffer.negotiation.pricing import rulesets
        from tests.conftest import MANAGER, FrozenClock, make_app
        app = make_app({url!r}, FrozenClock(), Path({str(tmp_path)!r}))
        with app.app_context():
            deps = app.extensions["counteroffer"].deps
            rulesets.open_draft(deps, MANAGER)
            rulesets.create_rule(deps, MANAGER, {{"kind": "floor", "category": "safety",
                                                 "params": {{"min_margin_pct": "31"}}}})
            rulesets.publish(deps, MANAGER, "from another process")
            app.extensions["counteroffer"].close()
    """)
    subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, timeout=120)


def test_no_request_reads_the_live_version_while_nothing_changes(pg_app):  # noqa: F811
    listening(pg_app)
    decided_with(pg_app)  # remembers it
    sent: list[str] = []
    engine = engine_of(pg_app)
    listener = lambda _c, _cur, statement, *_: sent.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        for _ in range(3):
            pg_app.test_client().post("/negotiate/api/requests", json=SEED)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not [statement for statement in sent if "counteroffer_live_rule_version" in statement]
    # Each request's new rows (negotiation, offer, result fact, event, roll-up delta) in one.
    assert len([statement for statement in sent if statement.startswith("WITH")]) == 3


def test_a_version_published_by_another_process_decides_the_requests_after_it(pg_app, pg_schema_url,  # noqa: F811
                                                                            tmp_path):
    listening(pg_app)
    before = decided_with(pg_app)
    assert before == live_id(pg_app)
    publish_elsewhere(pg_schema_url, tmp_path)
    after = live_id(pg_app)
    assert after != before
    # The notification arrives a moment after the other process's commit.
    until(lambda: decided_with(pg_app) == after, "a request decided with the published version")


def test_a_change_made_while_the_listener_was_down_is_not_missed(pg_app, pg_schema_url, tmp_path):  # noqa: F811
    listening(pg_app)
    before = decided_with(pg_app)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE application_name = %s", (rule_changes.application_name(),)).fetchall()
    assert killed
    publish_elsewhere(pg_schema_url, tmp_path)  # no notification reaches this process now
    after = live_id(pg_app)
    assert after != before
    # Down: every request reads afresh; back up: the generation moved, so it reads again.
    assert decided_with(pg_app) == after
    listening(pg_app)
    assert decided_with(pg_app) == after


def test_this_process_own_change_counts_from_its_very_next_request(pg_app):  # noqa: F811
    from counteroffer.negotiation.results.experiments import rules_for_buyer

    listening(pg_app)
    with pg_app.app_context():
        extension = pg_app.extensions["counteroffer"]
        with transaction(extension.deps.session_factory) as session:
            before = rules_for_buyer(session, "acme")
        extension.save_rule("floor", {"min_margin_pct": "30"}, category="safety")  # in place
        # No waiting for the notification: the commit itself moved this process's generation.
        with transaction(extension.deps.session_factory) as session:
            after = rules_for_buyer(session, "acme")
    assert after.version_id == before.version_id and after.rules is not before.rules


def test_without_notices_every_request_reads_the_live_version(pg_schema_url, clock, tmp_path):
    from tests.conftest import BUYER_ACME, _truncate_all, make_app
    from tests.seed import seed_scenario

    _truncate_all(pg_schema_url)
    app = make_app(pg_schema_url, clock, tmp_path, TEST_ACTOR=BUYER_ACME, COUNTEROFFER_RULE_NOTICES="false")
    try:
        with app.app_context():
            seed_scenario(app.extensions["counteroffer"])
        engine = engine_of(app)
        sent: list[str] = []
        listener = lambda _c, _cur, statement, *_: sent.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        for _ in range(2):
            decided_with(app)
        event.remove(engine, "before_cursor_execute", listener)
        assert rule_changes.heard(engine) is None
        assert len([statement for statement in sent if "counteroffer_live_rule_version" in statement]) == 2
    finally:
        with app.app_context():
            app.extensions["counteroffer"].close()
