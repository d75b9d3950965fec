"""A quote's audit trail through the rep API (issue 15), on SQLite and PostgreSQL: JSON
events and CSV for staff, 403 for buyers, 404 for an unknown quote."""
from __future__ import annotations

import csv
import io
from typing import Any

from tests.approvals import ANN, DANA, RITA
from tests.conftest import ApiClient
from tests.e2e.test_quote_rep_api import _decide, escalated  # noqa: F401 - the fixture


def test_staff_read_a_quotes_trail_as_json_and_csv(api: ApiClient, escalated: dict[str, Any]) -> None:  # noqa: F811
    quote_id = escalated["quote"]["id"]
    rejected = _decide(api, RITA, escalated["escalation"]["id"], {"action": "reject", "rationale": "too deep"})
    assert rejected.status_code == 200
    events = api.as_(DANA).client.get(f"/negotiate/api/quotes/{quote_id}/audit").json["events"]
    assert [e["action"] for e in events][:2] == ["requested", "assigned"] and events[-1]["rationale"] == "too deep"
    assert events[-1]["actor_id"] == "rita@seller" and events[-1]["after_status"] == "declined"
    answer = api.as_(RITA).client.get(f"/negotiate/api/quotes/{quote_id}/audit.csv")
    assert answer.mimetype == "text/csv" and f"quote-{quote_id}-audit.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert len(rows) == len(events) + 1 and rows[-1][4] == events[-1]["action"]
    assert api.as_(ANN).client.get(f"/negotiate/api/quotes/{quote_id}/audit").status_code == 403
    assert api.as_(RITA).client.get("/negotiate/api/quotes/nope/audit").status_code == 404
