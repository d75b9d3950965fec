"""Service levels on a frozen clock: a reminder after N hours, the manager after M hours,
each once, per segment where configured."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import Event, OutboxMessage
from counteroffer.negotiation.approvals.escalations import decide_escalation, list_escalations, sweep_escalations
from tests.approvals import GUS, MAX, PETE, RITA, escalate, seed_approvals
from tests.conftest import make_app
from tests.seed import seed_scenario


@pytest.fixture
def sla_app(db_url, clock, tmp_path):
    # Wholesale buyers (Acme) are answered faster than the default 4 h / 24 h.
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_SERVICE_LEVELS={
        "wholesale": {"remind_after_hours": 1, "escalate_after_hours": 2}})
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
        seed_approvals(app.extensions["counteroffer"])
        yield app
        app.extensions["counteroffer"].close()


@pytest.fixture
def deps(sla_app):
    return sla_app.extensions["counteroffer"].deps


def emails(deps, kind: str) -> list[tuple[str, list[str]]]:
    with transaction(deps.session_factory) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "send.email")
                               .order_by(OutboxMessage.id))
        return [(m.business_key, m.payload["to"]) for m in rows if m.business_key.startswith(f"email:{kind}:")]


def events(deps, action: str) -> list[Event]:
    with transaction(deps.session_factory) as session:
        return list(session.scalars(select(Event).where(Event.action == action).order_by(Event.id)))


def test_a_reminder_goes_to_the_assignee_once_after_the_segments_hours(deps, clock):
    escalate(deps)  # Acme, wholesale: remind after 1 h
    clock.advance(minutes=59)
    assert sweep_escalations(deps).reminded == 0
    clock.advance(minutes=1)
    assert sweep_escalations(deps).reminded == 1
    assert sweep_escalations(deps).reminded == 0
    [(key, to)] = emails(deps, "reminder")
    assert to == ["rita@seller.example"]
    [escalation] = list_escalations(deps, RITA)
    assert escalation.reminded_at == clock.now and not escalation.overdue


def test_other_segments_keep_the_default_hours(deps, clock):
    escalate(deps, GUS)  # Globex, retail: Pete's pool, remind after the default 4 h
    clock.advance(hours=3, minutes=59)
    assert sweep_escalations(deps).reminded == 0
    clock.advance(minutes=1)
    assert sweep_escalations(deps).reminded == 1
    [(_, to)] = emails(deps, "reminder")
    assert to == ["pete@seller.example"]


def test_after_the_due_time_it_moves_to_the_managers_inbox_once(deps, clock):
    request = escalate(deps)
    clock.advance(hours=2)
    result = sweep_escalations(deps)
    assert (result.reminded, result.escalated) == (0, 1)  # late already: no reminder, the manager
    assert sweep_escalations(deps).escalated == 0
    assert list_escalations(deps, RITA) == []
    [moved] = list_escalations(deps, MAX)
    assert (moved.negotiation_id, moved.assignee.id, moved.overdue) == (request.id, "max@seller", True)
    [(_, to)] = emails(deps, "overdue")
    assert to == ["max@seller.example"]
    [event] = events(deps, "overdue")
    assert (event.actor_role, event.detail["moved_from"], event.detail["assignee"]) == (
        "system", "rita@seller", "max@seller")


def test_a_decided_escalation_gets_no_reminder_and_does_not_move(deps, clock):
    escalate(deps)
    [escalation] = list_escalations(deps, RITA)
    decide_escalation(deps, RITA, escalation.id, "reject", "No")
    clock.advance(days=3)
    result = sweep_escalations(deps)
    assert (result.reminded, result.escalated) == (0, 0)
    assert emails(deps, "reminder") == emails(deps, "overdue") == []


def test_with_nobody_above_it_stays_flagged_overdue(deps, clock):
    escalate(deps, quantity=2000)  # beyond Rita: Max's, and Max has no manager
    clock.advance(hours=2)
    assert sweep_escalations(deps).escalated == 0
    [escalation] = list_escalations(deps, MAX)
    assert (escalation.assignee.id, escalation.overdue, escalation.escalated_at) == ("max@seller", True, clock.now)
    assert list_escalations(deps, PETE) == []


def test_the_cli_runs_the_sweep(sla_app, deps, clock):
    escalate(deps)
    clock.advance(hours=1)
    result = sla_app.test_cli_runner().invoke(args=["counteroffer", "sla"])
    assert result.exit_code == 0 and "reminded 1, moved 0 to a manager" in result.output


@pytest.mark.parametrize("levels, message", [
    ({"wholesale": {"remind_after_hours": 0}}, "more than 0 hours"),
    ({"wholesale": {"remind_after": 1}}, "unknown key"),
])
def test_impossible_service_levels_fail_at_init_app(db_url, clock, tmp_path, levels, message):
    with pytest.raises(ValueError, match=message):
        make_app(db_url, clock, tmp_path, COUNTEROFFER_SERVICE_LEVELS=levels)
