"""Reps see what the buyer told (issue 16): a cited price below the floor reaches a rep
with the evidence, in the rep JSON API, the inbox and the escalation page; the decision
records whether the citation was checked. SQLite and PostgreSQL."""
from __future__ import annotations

import re

import pytest

from tests.approvals import ANN, GUS, RITA, seed_approvals

BELOW = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00", "currency": "USD",
         "competing_offer": {"competitor": "Globex Supply", "unit_price": "90.00", "valid_until": "2026-11-30",
                             "note": "Quote 4471"}, "needed_by": "2026-11-20"}
INBOX = "/negotiate/admin/escalations"
TOLD = [{"round": 1, "needed_by": "2026-11-20", "competing_offer": {
    "competitor": "Globex Supply", "unit_price": "90.00", "currency": "USD", "valid_until": "2026-11-30",
    "note": "Quote 4471", "document": None}}]


@pytest.fixture
def escalated(app, api):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        app.extensions["counteroffer"].save_rule("competing_offer", {}, sku="DEMO-120")
    request = api.as_(ANN).post("/requests", BELOW).get_json()
    assert request["status"] == "escalated" and request["offers"] == []
    api.as_(RITA)
    [escalation] = api.get("/escalations").get_json()["escalations"]
    api.escalation_id = escalation["id"]
    return api


def test_the_rep_api_shows_the_citation_and_needed_by(escalated):
    escalation = escalated.get(f"/escalations/{escalated.escalation_id}").get_json()
    assert escalation["told"] == TOLD
    assert escalation["reason"] == "the cited price is below what the rules may match; a rep checks the evidence"


@pytest.mark.parametrize("checked", [True, False])
def test_the_decision_records_whether_the_citation_was_checked(escalated, checked):
    response = escalated.post(f"/escalations/{escalated.escalation_id}/decision", {
        "action": "counter", "unit_price": "100.00", "rationale": "Matched near their quote",
        "citation_checked": checked})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["decision"]["citation_checked"] is checked
    audit = escalated.get(f"/negotiations/{response.get_json()['negotiation_id']}/audit")
    assert audit.status_code == 200


def test_citation_checked_must_be_a_boolean(escalated):
    response = escalated.post(f"/escalations/{escalated.escalation_id}/decision", {
        "action": "reject", "rationale": "No", "citation_checked": "yes"})
    assert response.status_code == 422
    assert "citation_checked" in response.get_json()["error"]["fields"]


def test_the_inbox_and_the_escalation_page_show_the_evidence(app, escalated):
    app.config["SECRET_KEY"] = "test"  # the page's flash after the decision
    client = app.test_client()
    detail = f"{INBOX}/{escalated.escalation_id}"
    for path in (INBOX, detail):
        page = client.get(path).get_data(as_text=True)
        assert "What the buyer told" in page, path
        assert "Globex Supply" in page and "$90.00 a unit" in page and "Quote 4471" in page
        assert "Needed by 2026-11-20" in page
    page = client.get(detail).get_data(as_text=True)
    assert "I checked the competing offer the buyer cited" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    decided = client.post(detail, data={"csrf_token": token, "action": "reject", "rationale": "Quote is for a "
                                        "smaller caster", "citation_checked": "yes"})
    assert decided.status_code == 302
    escalation = escalated.get(f"/escalations/{escalated.escalation_id}").get_json()
    assert escalation["decision"]["citation_checked"] is True
    assert "Competing offer checked" in client.get(detail).get_data(as_text=True)


def test_another_company_never_sees_the_citation(app, escalated):
    escalated.as_(GUS)
    assert "Globex Supply" not in str(escalated.get("/requests").get_json())
    assert escalated.get("/escalations").status_code == 403


def test_declining_a_reps_counter_asks_why_and_the_rep_sees_it(escalated):
    response = escalated.post(f"/escalations/{escalated.escalation_id}/decision", {
        "action": "counter", "unit_price": "100.00", "rationale": "Our best"})
    assert response.status_code == 200, response.get_json()
    decided = response.get_json()
    escalated.as_(ANN)
    held = escalated.get(f"/requests/{decided['negotiation_id']}").get_json()
    assert any(o["unit_price"] == "100.00" for o in held["offers"])
    declined = escalated.post(f"/requests/{decided['negotiation_id']}/withdraw",
                              {"reason": "found_cheaper", "note": "Globex stays at $90"}).get_json()
    assert (declined["status"], declined["why_not"]) == ("withdrawn", "found_cheaper")
    escalated.as_(RITA)
    seen = escalated.get(f"/escalations/{escalated.escalation_id}").get_json()
    assert (seen["lost_reason"], seen["lost_note"]) == ("found_cheaper", "Globex stays at $90")
