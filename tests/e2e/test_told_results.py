"""What pricing managers learn from what buyers told (issue 16): competitors cited and
lost reasons in GET /negotiate/api/results and on the back office's told page. Only the period's
negotiations count. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.approvals import ANN, GUS, MAX, RITA, seed_approvals
from tests.conftest import ApiClient

QUERY = "/results?from=2026-11-01&to=2026-11-30"
ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "100.00", "currency": "USD"}
GLOVES = {"sku": "GLOVE-50", "quantity": 500, "target_unit_price": "17.00", "currency": "USD"}


def cite(name: str, price: str) -> dict:
    return {"competing_offer": {"competitor": name, "unit_price": price}}


@pytest.fixture
def client(app, clock) -> ApiClient:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    api = ApiClient(app).as_(ANN)
    first = api.post("/requests", {**ASK, **cite("Globex Supply", "112.00")}).get_json()
    api.post(f"/requests/{first['id']}/counter", {"target_unit_price": "101.00", **cite("globex supply", "111.00")})
    api.post(f"/requests/{first['id']}/withdraw", {"reason": "found_cheaper"})
    gloves = api.as_(GUS).post("/requests", {**GLOVES, **cite("Initech", "16.00")}).get_json()
    api.post(f"/requests/{gloves['id']}/withdraw", {"reason": "price_too_high", "note": "budget"})
    plain = api.post("/requests", ASK).get_json()
    api.post(f"/requests/{plain['id']}/withdraw", {"reason": "found_cheaper"})
    clock.advance(days=40)  # next month's request is outside the period
    api.post("/requests", {**ASK, **cite("Umbrella", "105.00")})
    return api.as_(MAX)


def test_the_results_api_counts_competitors_and_lost_reasons(client):
    body = client.get(QUERY).get_json()
    assert body["competitors"] == [
        {"competitor": "Globex Supply", "citations": 2, "negotiations": 1, "skus": ["DEMO-120"]},
        {"competitor": "Initech", "citations": 1, "negotiations": 1, "skus": ["GLOVE-50"]}]
    assert body["lost_reasons"] == [
        {"reason": "found_cheaper", "negotiations": 2, "skus": ["DEMO-120"]},
        {"reason": "price_too_high", "negotiations": 1, "skus": ["GLOVE-50"]}]
    later = client.get("/results?from=2026-12-01&to=2026-12-31").get_json()
    assert [c["competitor"] for c in later["competitors"]] == ["Umbrella"] and later["lost_reasons"] == []


def test_the_told_page_shows_them(app, client):
    page = app.test_client().get("/negotiate/admin/results/told?from=2026-11-01&to=2026-11-30").get_data(as_text=True)
    assert "What buyers told" in page and "Competitors cited" in page
    assert "Globex Supply" in page and "Found it cheaper elsewhere" in page and "Price too high" in page


def test_buyers_and_reps_nobody_reports_to_may_not_read_them(client):
    assert client.as_(ANN).get(QUERY).status_code == 403
    assert client.as_(RITA).get(QUERY).status_code == 403
