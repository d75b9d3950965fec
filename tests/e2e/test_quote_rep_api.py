"""The rep API for escalated quotes (issue 15 item 1) through the test client, on SQLite
and PostgreSQL: the inbox of quotes, one quote with every line's facts, a decision with
edits, refusals naming the line and field or who can approve, and the buyer's view after."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.approvals import ANN, DANA, MAX, RITA, seed_approvals
from tests.conftest import ApiClient

TWENTY_FIVE_OFF = {"currency": "USD", "lines": [{"sku": "DEMO-120", "quantity": 1000},
                                                {"sku": "GLOVE-50", "quantity": 500}],
                   "order_target": {"discount_pct": "25"}}


@pytest.fixture
def escalated(app: Flask, api: ApiClient) -> dict[str, Any]:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    quote = api.as_(ANN).post("/quotes", json=TWENTY_FIVE_OFF).json
    assert quote["status"] == "escalated"
    [escalation] = api.as_(RITA).client.get("/negotiate/api/quote-escalations").json["escalations"]
    return {"quote": quote, "escalation": escalation}


def _decide(api: ApiClient, actor, escalation_id: str, body: dict[str, Any]):  # noqa: ANN001, ANN202
    return api.as_(actor).post(f"/quote-escalations/{escalation_id}/decision", json=body)


def test_the_inbox_shows_every_line_with_its_facts_to_reps_only(api: ApiClient, escalated: dict[str, Any]) -> None:
    escalation = escalated["escalation"]
    assert escalation["quote_id"] == escalated["quote"]["id"] and escalation["cart_total"] == "129000.00"
    demo = escalation["lines"][0]
    assert {key: demo[key] for key in ("sku", "list_price", "price_for_quantity", "floor", "cost", "headroom")} == {
        "sku": "DEMO-120", "list_price": "120.00", "price_for_quantity": "120.00", "floor": "96.00",
        "cost": "80.0000", "headroom": "24.00"}
    assert api.as_(ANN).client.get("/negotiate/api/quote-escalations").status_code == 403
    assert api.as_(DANA).client.get(f"/negotiate/api/quote-escalations/{escalation['id']}").status_code == 404


def test_a_decision_with_edits_is_checked_then_stands_once(api: ApiClient, escalated: dict[str, Any]) -> None:
    escalation_id = escalated["escalation"]["id"]
    bad = _decide(api, RITA, escalation_id, {"action": "counter", "rationale": "x",
                                             "lines": [{"sku": "GLOVE-50", "quantity": 510}]})
    assert bad.status_code == 422 and list(bad.json["error"]["fields"]) == ["lines[0].quantity"]
    unknown = _decide(api, RITA, escalation_id, {"action": "counter", "rationale": "x",
                                                 "lines": [{"sku": "NOPE", "unit_price": "1.00"}]})
    assert unknown.status_code == 422 and list(unknown.json["error"]["fields"]) == ["lines[0].sku"]
    beyond = _decide(api, RITA, escalation_id, {"action": "approve", "rationale": "x",
                                                "lines": [{"sku": "DEMO-120", "unit_price": "85.00"}]})
    assert beyond.status_code == 403 and "Max Moreno (max@seller) can approve it" in beyond.json["error"]["message"]
    approved = _decide(api, MAX, escalation_id, {"action": "approve", "rationale": "key account",
                                                 "lines": [{"sku": "DEMO-120", "unit_price": "85.00"}]})
    assert approved.status_code == 200, approved.json
    assert approved.json["decision"]["total"] == "91750.00" and approved.json["status"] == "decided"
    again = _decide(api, RITA, escalation_id, {"action": "reject", "rationale": "no"})
    assert again.status_code == 409 and "Max Moreno" in again.json["error"]["message"]
    quote = api.as_(ANN).client.get(f"/negotiate/api/quotes/{escalated['quote']['id']}").json
    assert quote["status"] == "accepted" and quote["deal"]["total"] == "91750.00"
    assert "Max Moreno of our sales team approved" in quote["note"] and "key account" not in quote["note"]
