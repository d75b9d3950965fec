"""The experiments JSON API: start, read with intervals, stop, promote; who may; bad input.

Version 1 comes from tests/seed.py; version 2 (a 2,000-unit break) is published live here.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from counteroffer.negotiation import Actor
from counteroffer.negotiation.pricing.rulesets import create_rule, publish
from tests.conftest import BUYER_ACME, MANAGER, REP, ApiClient

PIA = Actor("pia@seller", "pricing_manager", name="Pia")
START = {"name": "2,000 vs 3,000 break", "control": "live", "challenger": "1", "split_pct": 30}


@pytest.fixture
def client(app) -> ApiClient:
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        create_rule(deps, PIA, {"kind": "price_breaks", "sku": "DEMO-120", "priority": 1, "params": {
            "breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}})
        publish(deps, PIA, "2,000-unit break")
    return ApiClient(app).as_(PIA)


def test_start_read_stop_and_promote(client):
    started = client.post("/experiments", json=START)
    assert started.status_code == 201
    body = started.get_json()
    assert (body["version_a"], body["version_b"], body["split_pct"], body["status"]) == (2, 1, 30, "running")
    client.as_(BUYER_ACME).post("/requests", json={"sku": "DEMO-120", "quantity": 1000,
                                                   "target_unit_price": "110.00", "currency": "USD"})
    shown = client.as_(MANAGER).get(f"/experiments/{body['id']}").get_json()
    arms = {arm["arm"]: arm for arm in shown["arms"]}
    assert arms["A"]["requests"] + arms["B"]["requests"] == 1 and shown["small_sample"] is True
    assert set(shown["acceptance_difference"]) == {"estimate", "low", "high"}
    assert client.get("/experiments").get_json()["experiments"][0]["id"] == body["id"]
    assert client.post(f"/experiments/{body['id']}/stop").get_json()["status"] == "stopped"
    assert client.post(f"/experiments/{body['id']}/stop").status_code == 409
    promoted = client.post(f"/experiments/{body['id']}/promote", json={"variant": "B"})
    assert promoted.status_code == 200 and promoted.get_json()["promoted_variant"] == "B"
    versions = client.get("/rules/versions").get_json()
    live = [v for v in (versions if isinstance(versions, list) else versions.get("versions", [])) if v.get("is_live")]
    assert live and live[0]["number"] == 3


@pytest.mark.parametrize("body, field", [
    ({**START, "split_pct": 0}, "split_pct"), ({**START, "control": "draft"}, "control"),
    ({**START, "challenger": "7"}, "challenger"), ({**START, "colour": "red"}, "colour"),
    ({k: v for k, v in START.items() if k != "name"}, "name"),
])
def test_bad_experiments_are_422_naming_the_field(client, body, field):
    response = client.post("/experiments", json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]


def test_who_may_run_experiments(client):
    assert client.as_(None).get("/experiments").status_code == 401
    assert client.as_(BUYER_ACME).get("/experiments").status_code == 403
    assert client.as_(REP).post("/experiments", json=START).status_code == 403
    assert client.as_(PIA).get("/experiments/nope").status_code == 404
    assert client.as_(PIA).get("/experiments/999").status_code == 404
    assert client.as_(PIA).post("/experiments/999/promote", json={"variant": "C"}).status_code == 422


def test_the_dashboard_shows_experiments_and_stops_and_promotes_them(client):
    import re

    client.app.config["SECRET_KEY"] = "test"  # the back office's CSRF token lives in the session
    experiment = client.as_(PIA).post("/experiments", json=START).get_json()
    page = client.client.get("/negotiate/admin/results")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "2,000 vs 3,000 break" in text and "Publish arm B" in text
    assert "Fewer than 30 requests in an arm" in text
    token = re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)
    base = f"/negotiate/admin/results/experiments/{experiment['id']}"
    assert client.client.post(base + "/stop", data={}).status_code == 400  # no CSRF token: nothing changed
    assert client.get(f"/experiments/{experiment['id']}").get_json()["experiment"]["status"] == "running"
    stopped = client.client.post(base + "/stop", data={"csrf_token": token}, follow_redirects=True)
    assert "every buyer gets the live rules again" in stopped.get_data(as_text=True)
    promoted = client.client.post(base + "/promote", data={"csrf_token": token, "variant": "B"},
                                  follow_redirects=True)
    assert "version 1&#39;s rules are live" in promoted.get_data(as_text=True)
    lead_page = client.as_(Actor("max@seller", "rep", name="Max")).client.get("/negotiate/admin/results")
    assert lead_page.status_code in (200, 403) and "Publish arm" not in lead_page.get_data(as_text=True)


def test_an_arms_quotes_are_read_beside_its_lines_in_the_api_and_on_the_dashboard(client):
    """Issue 15, item 5: a quote in the experiment counts in its arm's ``quotes``."""
    experiment = client.post("/experiments", json=START).get_json()
    cart = {"currency": "USD", "lines": [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}],
            "order_target": {"discount_pct": "4"}}
    quote = client.as_(BUYER_ACME).post("/quotes", json=cart).get_json()
    assert client.post(f"/quote-offers/{quote['offers'][0]['id']}/accept").status_code == 201
    shown = client.as_(PIA).get(f"/experiments/{experiment['id']}").get_json()
    quotes = [arm["quotes"] for arm in shown["arms"]]
    assert sum(q["requested"] for q in quotes) == 1 and sum(q["accepted"] for q in quotes) == 1
    accepted = next(q for q in quotes if q["accepted"])
    assert Decimal(accepted["order_value"]) > 0 and set(shown["quote_differences"]) == {"acceptance", "margin"}
    assert sum(arm["requests"] for arm in shown["arms"]) == 0
    client.app.config["SECRET_KEY"] = "test"
    page = client.client.get("/negotiate/admin/results").get_data(as_text=True)
    assert "Whole-cart quotes" in page and "Discount given" in page
