"""Service levels and the audit trail of escalated quotes (issue 15), on SQLite and
PostgreSQL: the assignee is reminded once before ``due_at`` (none once it is late), and
staff read a quote's trail, as JSON events and as CSV.

Acme's escalations go to Rita (tests/approvals.py); the default service level reminds
after 4 hours and moves to the manager after 24 (approvals/service_levels.py).
"""
from __future__ import annotations

import csv
import io

import pytest

from counteroffer.negotiation import ForbiddenError, NotFoundError
from counteroffer.negotiation.quotes.approvals.audit import quote_audit_csv, quote_audit_trail
from counteroffer.negotiation.quotes.approvals.decision import decide_quote_escalation
from counteroffer.negotiation.quotes.approvals.sla import remind_quote_escalations, sweep_quote_escalations
from tests.approvals import ANN, MAX, RITA
from tests.service.test_quote_decisions import _emails, _escalated, deps  # noqa: F401 - the fixture


def test_the_assignee_is_reminded_once_before_the_quote_is_due(deps, clock):  # noqa: F811
    quote, escalation = _escalated(deps)
    assert remind_quote_escalations(deps) == 0  # not yet: 4 hours
    clock.advance(hours=4)
    assert remind_quote_escalations(deps) == 1 and remind_quote_escalations(deps) == 0
    [email] = _emails(deps)
    assert email["to"] == ["rita@seller.example"] and email["subject"] == "Reminder: quote to answer for Acme Corp"
    assert "Please answer by" in email["text"] and "or it goes to your manager" in email["text"]
    clock.advance(hours=21)  # late now: it moves up, and nobody is reminded again
    assert remind_quote_escalations(deps) == 0 and sweep_quote_escalations(deps) == 1
    assert [e["subject"].split(":")[0] for e in _emails(deps)] == ["Reminder", "Overdue quote to answer"]
    actions = [event.action for event in quote_audit_trail(deps, MAX, quote.id)]
    assert actions.count("reminded") == 1 and actions.index("reminded") < actions.index("overdue")


def test_no_reminder_for_a_quote_decided_or_already_late(deps, clock):  # noqa: F811
    _, decided = _escalated(deps)
    decide_quote_escalation(deps, RITA, decided.id, "reject", "not at this price")
    clock.advance(hours=4)
    assert remind_quote_escalations(deps) == 0
    _, late = _escalated(deps)
    clock.advance(hours=25)  # the sweep missed the reminder's window: late is late
    assert remind_quote_escalations(deps) == 0
    assert [e["subject"] for e in _emails(deps)] == ["Your quote request: declined"]  # Ann's, of the reject


def test_staff_read_a_quotes_audit_trail_and_its_csv(deps, clock):  # noqa: F811
    quote, escalation = _escalated(deps)
    decide_quote_escalation(deps, RITA, escalation.id, "reject", "=too deep")
    trail = quote_audit_trail(deps, MAX, quote.id)
    assert [event.action for event in trail][0] == "requested" and trail[-1].actor_id == "rita@seller"
    assert any(event.rationale == "=too deep" for event in trail)
    rows = list(csv.reader(io.StringIO(quote_audit_csv(deps, RITA, quote.id))))
    assert rows[0][:5] == ["at", "actor_id", "actor_role", "on_behalf_of", "action"] and len(rows) == len(trail) + 1
    assert ["'=too deep"] == [row[7] for row in rows[1:] if row[7]]  # a formula never runs in a spreadsheet
    with pytest.raises(ForbiddenError):
        quote_audit_trail(deps, ANN, quote.id)
    with pytest.raises(NotFoundError):
        quote_audit_trail(deps, MAX, "nope")
