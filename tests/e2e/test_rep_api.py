"""The rep JSON API through the Flask test client: the inbox, decisions, errors, audit CSV."""
from __future__ import annotations

import csv
import io

import pytest

from tests.approvals import ANN, MAX, PETE, RITA, seed_approvals

ESCALATING = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00", "currency": "USD"}
ESCALATION_KEYS = {
    "id", "negotiation_id", "status", "assignee", "on_behalf_of", "due_at", "created_at", "reason",
    "buyer_id", "company", "sku", "quantity", "currency", "list_price", "price_for_quantity",
    "target_unit_price", "floor", "cost", "margin_at_target", "last_price_paid", "suggested_offer",
    "rounds", "decision",
    # beyond the contract, for the page: more context on the same escalation
    "negotiation_status", "round", "remind_at", "overdue", "reminded_at", "escalated_at", "buyer_name",
    "margin_pct_at_target", "discount_pct_at_target", "within_authority", "needs_approval_from",
    # what the buyer told (issue 16): competing offers and needed_by per round, why not
    "told", "lost_reason", "lost_note",
}


@pytest.fixture
def rep_api(app, api):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    request = api.as_(ANN).post("/requests", ESCALATING).get_json()
    assert request["status"] == "escalated"
    api.as_(RITA)
    api.request_id = request["id"]
    [escalation] = api.get("/escalations").get_json()["escalations"]
    api.escalation_id = escalation["id"]
    return api


def decide(api, body, escalation_id=None):
    return api.post(f"/escalations/{escalation_id or api.escalation_id}/decision", body)


def test_the_inbox_shows_what_a_rep_decides_with(rep_api):
    [escalation] = rep_api.get("/escalations?status=open").get_json()["escalations"]
    assert set(escalation) == ESCALATION_KEYS
    assert escalation["assignee"] == {"id": "rita@seller", "name": "Rita Reyes"}
    assert escalation["company"] == {"id": "acme", "name": "Acme Corp", "segment": "wholesale"}
    assert {k: escalation[k] for k in ("list_price", "price_for_quantity", "target_unit_price", "floor",
                                       "cost", "margin_at_target", "discount_pct_at_target")} == {
        "list_price": "120.00", "price_for_quantity": "120.00", "target_unit_price": "90.00",
        "floor": "96.00", "cost": "80.00", "margin_at_target": "10.00", "discount_pct_at_target": "25.00"}
    assert escalation["rounds"] == [{"round": 1, "quantity": 1000, "target_unit_price": "90.00",
                                     "at": "2026-11-02T09:00:00+00:00", "outcome": "escalate"}]
    assert (escalation["due_at"], escalation["decision"], escalation["within_authority"]) == (
        "2026-11-03T09:00:00+00:00", None, True)
    assert rep_api.get(f"/escalations/{escalation['id']}").get_json() == escalation


def test_a_decision_is_answered_with_the_decided_escalation_and_the_buyer_sees_it(rep_api):
    response = decide(rep_api, {"action": "approve", "rationale": "Loyal account"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "decided"
    assert body["decision"] == {
        "action": "approve", "unit_price": "90.00", "quantity": 1000, "terms": [],
        "rationale": "Loyal account", "decided_by": {"id": "rita@seller", "name": "Rita Reyes"},
        "decided_by_role": "rep", "on_behalf_of": None, "decided_at": "2026-11-02T09:00:00+00:00",
        "buyer_message": None, "citation_checked": None}
    seen = rep_api.as_(ANN).get(f"/requests/{rep_api.request_id}").get_json()
    assert (seen["status"], seen["deal"]["unit_price"]) == ("accepted", "90.00")
    assert seen["note"] == "Rita Reyes of our sales team approved $90.00 each for 1,000 units."
    assert "cost" not in str(seen) and "rationale" not in str(seen)  # rep-only facts stay with reps


@pytest.mark.parametrize("body, status, code, field", [
    ({"action": "approve"}, 422, "invalid", "rationale"),
    ({"action": "approve", "rationale": " "}, 422, "invalid", "rationale"),
    ({"action": "haggle", "rationale": "x"}, 422, "invalid", "action"),
    ({"action": "counter", "rationale": "x"}, 422, "invalid", "unit_price"),
    ({"action": "counter", "rationale": "x", "unit_price": "-1"}, 422, "invalid", "unit_price"),
    ({"action": "counter", "rationale": "x", "unit_price": "95.00", "discount": "5"}, 422, "invalid", "discount"),
    ({"action": "counter", "rationale": "x", "unit_price": "85.00"}, 403, "beyond_authority", "unit_price"),
])
def test_bad_decisions_are_refused_with_a_json_error_and_change_nothing(rep_api, body, status, code, field):
    response = decide(rep_api, body)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and field in error["fields"]
    assert rep_api.get(f"/escalations/{rep_api.escalation_id}").get_json()["status"] == "open"


def test_the_escalation_of_a_negotiation_is_found_by_the_negotiations_id(rep_api):
    other = rep_api.as_(ANN).post("/requests", ESCALATING).get_json()
    rep_api.as_(RITA)
    found = rep_api.get(f"/escalations?negotiation_id={rep_api.request_id}").get_json()["escalations"]
    assert [(e["id"], e["negotiation_id"]) for e in found] == [(rep_api.escalation_id, rep_api.request_id)]
    assert [e["negotiation_id"] for e in rep_api.get(
        f"/escalations?negotiation_id={other['id']}&status=all").get_json()["escalations"]] == [other["id"]]
    assert rep_api.get(f"/escalations?negotiation_id={other['id']}&status=decided").get_json() == {
        "escalations": []}
    empty = rep_api.get("/escalations?negotiation_id=")
    assert empty.status_code == 422 and "negotiation_id" in empty.get_json()["error"]["fields"]


def test_beyond_authority_names_who_can_approve(rep_api):
    error = decide(rep_api, {"action": "counter", "rationale": "x", "unit_price": "85.00"}).get_json()["error"]
    assert error["message"].endswith("Max Moreno (max@seller) can approve it.")


def test_a_second_decision_and_a_decision_on_a_void_escalation_are_409(rep_api):
    assert decide(rep_api, {"action": "reject", "rationale": "No"}).status_code == 200
    second = decide(rep_api.as_(MAX), {"action": "approve", "rationale": "Yes"})
    assert second.status_code == 409 and "already decided" in second.get_json()["error"]["message"]
    rep_api.as_(ANN).post(f"/requests/{rep_api.request_id}/counter", {"target_unit_price": "91.00"})
    [fresh] = rep_api.as_(RITA).get("/escalations").get_json()["escalations"]
    rep_api.as_(ANN).post(f"/requests/{rep_api.request_id}/withdraw")
    void = decide(rep_api.as_(RITA), {"action": "approve", "rationale": "Yes"}, fresh["id"])
    assert void.status_code == 409
    assert void.get_json()["error"]["message"] == "This escalation is void: the buyer changed the request."


@pytest.mark.parametrize("path", ["/escalations", "/escalations/{e}", "/negotiations/{n}/audit",
                                  "/negotiations/{n}/audit.csv"])
def test_buyers_are_403_and_nobody_is_401(rep_api, path):
    url = path.format(e=rep_api.escalation_id, n=rep_api.request_id)
    assert rep_api.as_(ANN).get(url).status_code == 403
    assert rep_api.as_(None).get(url).status_code == 401
    assert rep_api.as_(ANN).post(f"/escalations/{rep_api.escalation_id}/decision",
                                 {"action": "approve", "rationale": "mine"}).status_code == 403


def test_unknown_or_unseen_escalations_are_404(rep_api):
    assert rep_api.get("/escalations/nope").status_code == 404
    assert decide(rep_api, {"action": "approve", "rationale": "x"}, "nope").status_code == 404
    assert rep_api.as_(PETE).get(f"/escalations/{rep_api.escalation_id}").status_code == 404
    assert rep_api.get("/escalations?status=pending").status_code == 422
    assert rep_api.as_(RITA).get("/negotiations/nope/audit.csv").status_code == 404


def test_the_audit_trail_exports_as_csv_with_roles_rationale_and_no_formulas(rep_api):
    decide(rep_api, {"action": "reject", "rationale": "=HYPERLINK(\"http://x\")"})
    response = rep_api.as_(MAX).get(f"/negotiations/{rep_api.request_id}/audit.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["action"], r["actor_id"], r["actor_role"], r["before_status"], r["after_status"]) for r in rows] == [
        ("requested", "ann@acme", "buyer", "", "escalated"),
        ("assigned", "system", "system", "escalated", "escalated"),
        ("rejected", "rita@seller", "rep", "escalated", "declined")]
    assert rows[2]["rationale"] == "'=HYPERLINK(\"http://x\")"
    events = rep_api.get(f"/negotiations/{rep_api.request_id}/audit").get_json()["events"]
    assert events[2]["rationale"] == "=HYPERLINK(\"http://x\")"  # JSON is not a spreadsheet


# -- out of office ----------------------------------------------------------------------

AWAY = {"delegate_id": "dana@seller", "starts_at": "2026-11-02T09:00:00+00:00",
        "ends_at": "2026-11-09T09:00:00+00:00"}  # from the frozen clock's now, a week


def test_a_rep_says_who_stands_in_and_ends_it_over_http(rep_api):
    created = rep_api.as_(RITA).post("/delegations", AWAY)
    assert created.status_code == 201
    away = created.get_json()
    assert {key: away[key] for key in ("rep_id", "rep_name", "delegate_name", "status", "can_end")} == {
        "rep_id": "rita@seller", "rep_name": "Rita Reyes", "delegate_name": "Dana Diaz",
        "status": "current", "can_end": True}
    assert away["ends_at"] == "2026-11-09T09:00:00+00:00"
    assert [d["id"] for d in rep_api.get("/delegations").get_json()["delegations"]] == [away["id"]]
    ended = rep_api.post(f"/delegations/{away['id']}/end", {})
    assert (ended.status_code, ended.get_json()["status"]) == (200, "over")
    assert rep_api.get("/delegations").get_json() == {"delegations": []}
    again = rep_api.post(f"/delegations/{away['id']}/end", {})
    assert (again.status_code, again.get_json()["error"]["message"]) == (409, "This delegation is already over.")


@pytest.mark.parametrize(("change", "status", "field"), [
    ({"starts_at": "2026-11-02T09:00:00"}, 422, "starts_at"),      # no time zone
    ({"ends_at": "next week"}, 422, "ends_at"),
    ({"delegate_id": ""}, 422, "delegate_id"),
    ({"delegate_id": "rita@seller"}, 422, "delegate_id"),          # herself
    ({"ends_at": "2026-11-01T09:00:00+00:00"}, 422, "ends_at"),    # before it starts
    ({"manager": "max@seller"}, 422, "manager"),                   # unknown field
])
def test_a_bad_delegation_is_a_json_error_naming_the_field_and_nothing_is_saved(rep_api, change, status, field):
    refused = rep_api.as_(RITA).post("/delegations", {**AWAY, **change})
    assert refused.status_code == status
    assert field in refused.get_json()["error"]["fields"]
    assert rep_api.get("/delegations").get_json() == {"delegations": []}


def test_delegations_are_for_staff_and_foreign_ones_are_404(rep_api):
    assert rep_api.as_(ANN).get("/delegations").status_code == 403
    assert rep_api.as_(ANN).post("/delegations", AWAY).status_code == 403
    assert rep_api.as_(None).get("/delegations").status_code == 401
    dana_away = rep_api.as_(MAX).post("/delegations", {**AWAY, "rep_id": "dana@seller",
                                                       "delegate_id": "pete@seller"}).get_json()
    assert rep_api.as_(RITA).post(f"/delegations/{dana_away['id']}/end", {}).status_code == 404
    assert rep_api.as_(RITA).post("/delegations/999999/end", {}).status_code == 404
    assert rep_api.as_(RITA).post("/delegations", {**AWAY, "rep_id": "dana@seller"}).status_code == 403
