"""What the buyer may tell (issue 16): a competing offer and needed_by through the JSON
API, stored with the round, shown in the negotiation's history to its own company only,
and bad input refused naming the field with nothing written. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import Negotiation, Told
from tests.conftest import BUYER_ACME, BUYER_GLOBEX, MANAGER, REP, ApiClient

SEED = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "100.00", "currency": "USD"}
CITED = {"competitor": "Globex Supply", "unit_price": "112.00", "valid_until": "2026-11-30",
         "note": "Quote 4471, delivered"}


@pytest.fixture
def matching(app):
    with app.app_context():
        app.extensions["counteroffer"].save_rule("competing_offer", {}, sku="DEMO-120")
    return app


def count(app, model) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_cited_112_gets_a_matched_offer_and_is_kept_in_the_history(api, matching):
    response = api.post("/requests", {**SEED, "competing_offer": CITED, "needed_by": "2026-11-20"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "countered"
    assert [(o["kind"], o["quantity"], o["unit_price"]) for o in body["offers"] if o["kind"] == "match"] == [
        ("match", 1000, "112.00")]
    assert body["told"] == [{"round": 1, "needed_by": "2026-11-20", "competing_offer": {
        "competitor": "Globex Supply", "unit_price": "112.00", "currency": "USD",
        "valid_until": "2026-11-30", "note": "Quote 4471, delivered", "document": None}}]
    assert api.get(f"/requests/{body['id']}").get_json()["told"] == body["told"]


def test_a_counter_adds_its_round_to_the_history(api, matching):
    created = api.post("/requests", SEED).get_json()
    assert created["told"] == []
    countered = api.post(f"/requests/{created['id']}/counter", {
        "target_unit_price": "101.00", "competing_offer": {"competitor": "Initech", "unit_price": "111.00"}})
    assert countered.status_code == 200, countered.get_json()
    body = countered.get_json()
    this_round = [(o["kind"], o["unit_price"]) for o in body["offers"] if o["round"] == 2]
    assert ("match", "111.00") in this_round
    assert [(t["round"], t["competing_offer"]["competitor"]) for t in body["told"]] == [(2, "Initech")]


def test_needed_by_alone_is_kept_without_a_citation(api):
    body = api.post("/requests", {**SEED, "needed_by": "2026-11-10"}).get_json()
    assert body["told"] == [{"round": 1, "needed_by": "2026-11-10", "competing_offer": None}]


def test_a_cited_price_below_the_floor_reaches_a_person(api, matching):
    body = api.post("/requests", {**SEED, "target_unit_price": "90.00",
                                  "competing_offer": {**CITED, "unit_price": "90.00"}}).get_json()
    assert body["status"] == "escalated" and body["offers"] == []
    assert "96.00" not in str(body)  # the floor is never said


def test_another_company_never_sees_the_citation(api, matching):
    created = api.post("/requests", {**SEED, "competing_offer": CITED}).get_json()
    api.as_(BUYER_GLOBEX)
    assert api.get(f"/requests/{created['id']}").status_code == 404
    assert "Globex Supply" not in str(api.get("/requests").get_json())
    api.as_(REP)
    assert api.post("/requests", {**SEED, "competing_offer": CITED}).status_code == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"competing_offer": {**CITED, "competitor": "  "}}, ("competing_offer", "competitor")),
    ({"competing_offer": {**CITED, "competitor": "x" * 101}}, ("competing_offer", "competitor")),
    ({"competing_offer": {"unit_price": "112.00"}}, ("competing_offer", "competitor")),
    ({"competing_offer": {"competitor": "Globex Supply"}}, ("competing_offer", "unit_price")),
    ({"competing_offer": {**CITED, "unit_price": 112}}, ("competing_offer", "unit_price")),
    ({"competing_offer": {**CITED, "unit_price": "0.00"}}, ("competing_offer", "unit_price")),
    ({"competing_offer": {**CITED, "note": "n" * 501}}, ("competing_offer", "note")),
    ({"competing_offer": {**CITED, "valid_until": "30/11/2026"}}, ("competing_offer", "valid_until")),
    ({"competing_offer": {**CITED, "document": "x"}}, ("competing_offer", "document")),
    ({"competing_offer": "Globex 112"}, ("competing_offer", None)),
    ({"needed_by": "soon"}, ("needed_by", None)),
])
def test_bad_input_is_422_naming_the_field_and_nothing_is_written(api, app, matching, change, field):
    response = api.post("/requests", {**SEED, **change})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    outer, inner = field
    assert outer in fields
    if inner is not None:
        assert inner in fields[outer]
    assert count(app, Negotiation) == 0 and count(app, Told) == 0


@pytest.mark.parametrize(("change", "field"), [
    ({"competing_offer": {**CITED, "valid_until": "2026-11-01"}}, "competing_offer.valid_until"),
    ({"competing_offer": {**CITED, "unit_price": "112.001"}}, "competing_offer.unit_price"),
    ({"needed_by": "2026-11-01"}, "needed_by"),
])
def test_dates_past_and_places_are_422_from_the_use_case(api, app, change, field):
    response = api.post("/requests", {**SEED, **change})
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert count(app, Negotiation) == 0 and count(app, Told) == 0


def test_a_bad_counter_changes_nothing(api, app, matching):
    created = api.post("/requests", SEED).get_json()
    response = api.post(f"/requests/{created['id']}/counter", {
        "target_unit_price": "101.00", "competing_offer": {**CITED, "valid_until": "2026-10-01"}})
    assert response.status_code == 422
    assert api.get(f"/requests/{created['id']}").get_json()["round"] == 1
    assert count(app, Told) == 0



def test_the_rules_api_saves_a_competing_offer_rule_and_names_a_bad_param(app):
    manager = ApiClient(app).as_(MANAGER)
    manager.post("/rules/draft")
    bad = manager.post("/rules", json={"kind": "competing_offer", "sku": "DEMO-120",
                                       "params": {"beat_by_amount": "1.00", "beat_by_pct": "1"}})
    assert bad.status_code == 422
    assert "params.beat_by_pct" in bad.get_json()["error"]["fields"]
    good = manager.post("/rules", json={"kind": "competing_offer", "sku": "DEMO-120",
                                        "params": {"competitors": ["Globex Supply"], "beat_by_amount": "1.00"}})
    assert good.status_code == 201, good.get_json()
    assert manager.post("/rules/publish", json={}).status_code == 201
    body = ApiClient(app).as_(BUYER_ACME).post("/requests", {**SEED, "competing_offer": CITED}).get_json()
    assert [o["unit_price"] for o in body["offers"] if o["kind"] == "match"] == ["111.00"]
