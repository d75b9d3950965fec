"""The results JSON API and the dashboard pages through the Flask test client.

History (tests/seed.py prices: DEMO-120 lists at 120.00, floor 96.00, cost 80.00, 110.00
from 3,000 units), all on 2 Nov 2026:
  Ann (Acme, wholesale) asks 1,000 at 110.00, gets "3,000 at 110.00", accepts, orders.
  Gus (Globex, retail) asks 1,000 at 50.00: declined.
"""
from __future__ import annotations

import csv
import io

import pytest

from tests.approvals import ANN, GUS, MAX, RITA, seed_approvals
from tests.conftest import ApiClient

QUERY = "/results?from=2026-11-01&to=2026-11-30"
PAGE = "/negotiate/admin/results"


@pytest.fixture
def client(app) -> ApiClient:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    api = ApiClient(app).as_(ANN)
    offer = api.post("/requests", json={"sku": "DEMO-120", "quantity": 1000,
                                        "target_unit_price": "110.00", "currency": "USD"}).get_json()
    deal = api.post(f"/offers/{offer['offers'][0]['id']}/accept").get_json()
    assert api.post(f"/deals/{deal['token']}/redeem", json={"order_ref": "SO-1"}).status_code == 200
    declined = api.as_(GUS).post("/requests", json={"sku": "DEMO-120", "quantity": 1000,
                                                   "target_unit_price": "50.00", "currency": "USD"})
    assert declined.get_json()["status"] == "declined"
    return api.as_(MAX)


def test_a_manager_gets_every_measure_by_rule(client):
    response = client.get(QUERY + "&group_by=rule")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["from"], body["to"], body["group_by"], body["currency"]) == ("2026-11-01", "2026-11-30", "rule", "USD")
    total = body["total"]
    assert total["requests"] == 2 and total["deals"] == 1 and total["offered"] == 1
    # 3,000 x (120.00 - 110.00) given away against list; 3,000 x (110.00 - 96.00) kept above the floor.
    assert total["margin_given_away"] == "30000.0000" and total["headroom_kept"] == "42000.0000"
    assert total["order_revenue"] == "330000.0000" and total["extra_volume"] == 2000
    assert total["acceptance_rate"] == "1.0000" and total["decisions"]["decline"] == 1
    assert {g["key"]: g["requests"] for g in body["groups"]} == {"volume_break": 1, "declined": 1}


def test_grouped_by_segment_and_filtered(client):
    body = client.get(QUERY + "&group_by=segment").get_json()
    assert sorted(g["key"] for g in body["groups"]) == ["retail", "wholesale"]
    only = client.get(QUERY + "&segment=retail").get_json()
    assert only["total"]["requests"] == 1 and only["total"]["deals"] == 0


@pytest.mark.parametrize("query, field", [
    ("/results?to=2026-11-30", "from"), ("/results?from=2026-13-01&to=2026-11-30", "from"),
    (QUERY + "&group_by=colour", "group_by"), (QUERY + "&colour=red", "colour"),
    ("/results?from=2026-11-30&to=2026-11-01", "to"), (QUERY + "&currency=usd", "currency"),
])
def test_bad_parameters_are_422_naming_the_field(client, query, field):
    response = client.get(query)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_who_may_read_results(client):
    assert client.as_(None).get(QUERY).status_code == 401
    assert client.as_(ANN).get(QUERY).status_code == 403
    refused = client.as_(RITA).get(QUERY)  # a rep nobody reports to
    assert refused.status_code == 403 and "sales leads" in refused.get_json()["error"]["message"]


def test_the_dashboard_page(client):
    client.as_(MAX)
    page = client.client.get(PAGE + "?from=2026-11-01&to=2026-11-30&sort=volume")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "<script" not in text and "style=" not in text
    for figure in ("$30,000.00", "$42,000.00", "2,000 units", "Volume break (buy N more)",
                   "From request to order", 'aria-sort="descending">Extra volume',
                   "Rules: 0 accepted, 1 countered,", "1 declined"):
        assert figure in text, figure
    assert text.count("<svg") == 2


def test_the_dashboard_csv(client):
    client.as_(MAX)
    response = client.client.get("/negotiate/admin/results.csv?from=2026-11-01&to=2026-11-30&group_by=segment")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["segment"] for row in rows] == ["retail", "wholesale", "total"]
    assert rows[1]["margin_given_away"] == "30000.0000" and rows[2]["requests"] == "2"


def test_the_dashboard_refuses_reps_and_bad_filters(client):
    assert client.as_(RITA).client.get(PAGE).status_code == 403
    assert client.as_(None).client.get(PAGE).status_code == 401
    assert client.as_(ANN).client.get(PAGE).status_code == 403
    bad = client.as_(MAX).client.get(PAGE + "?from=yesterday")
    assert bad.status_code == 422 and "from" in bad.get_data(as_text=True)


def test_a_pricing_manager_reads_results_but_not_the_inbox(client):
    from counteroffer.negotiation import Actor

    pricing = Actor("pia@seller", "pricing_manager", name="Pia")
    assert client.as_(pricing).get(QUERY).get_json()["total"]["requests"] == 2
    assert client.as_(pricing).client.get(PAGE).status_code == 200
    assert client.as_(pricing).client.get("/negotiate/admin/escalations").status_code == 403
