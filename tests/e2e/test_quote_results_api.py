"""Quotes in GET /negotiate/api/results and on the dashboard (issue 15, item 3): the
quote beside the single line, by kind and by the rule of its offer."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.approvals import ANN, MAX, seed_approvals
from tests.conftest import ApiClient
from tests.e2e.test_results_api import PAGE, QUERY

#: 1,000 DEMO-120 and 500 GLOVE-50 at the cart's prices: 129,000.00, agreed as asked.
AS_ASKED = {"currency": "USD", "lines": [{"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "120.00"},
                                         {"sku": "GLOVE-50", "quantity": 500, "target_unit_price": "18.00"}]}


@pytest.fixture
def client(app) -> ApiClient:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    api = ApiClient(app).as_(ANN)
    line = api.post("/requests", json={"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00",
                                       "currency": "USD"}).get_json()
    assert line["status"] == "countered"
    quote = api.post("/quotes", json=AS_ASKED).get_json()
    deal = api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept").get_json()
    lines = [{"sku": line["sku"], "quantity": line["quantity"]} for line in deal["lines"]]
    redeemed = api.post(f"/quote-deals/{deal['token']}/redeem", json={"lines": lines, "order_ref": "SO-7"})
    assert redeemed.status_code == 200
    return api.as_(MAX)


def test_the_api_counts_the_quote_beside_the_line(client):
    body = client.get(QUERY + "&group_by=kind").get_json()
    kinds = {group["key"]: group for group in body["groups"]}
    assert set(kinds) == {"line", "quote"} and body["total"]["requests"] == 2
    quote = kinds["quote"]
    assert (quote["requests"], quote["offered"], quote["deals"], quote["redeemed"]) == (1, 1, 1, 1)
    # Agreed at the cart's prices: 1,000 x 120.00 + 500 x 18.00; against list 1,000 x 120 + 500 x 20.
    assert quote["order_revenue"] == "129000.0000" and quote["margin_given_away"] == "1000.0000"
    # Above the floors: 1,000 x (120 - 96) + 500 x (18 - 15); the margin over cost 1,000 x 40 + 500 x 6.
    assert quote["headroom_kept"] == "25500.0000" and quote["order_margin"] == "43000.0000"
    assert quote["extra_volume"] == 0 and Decimal(quote["extra_order_value"]) == 0
    assert quote["automated_share"] == "1.0000" and quote["decisions"]["accept"] == 1
    assert kinds["line"]["deals"] == 0 and kinds["line"]["offered"] == 1
    rules = {group["key"]: group["requests"] for group in client.get(QUERY + "&group_by=rule").get_json()["groups"]}
    assert rules == {"volume_break": 1, "auto_accept": 1}


def test_the_dashboard_shows_lines_and_quotes_side_by_side(client):
    page = client.client.get(PAGE + "?from=2026-11-01&to=2026-11-30")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    table = text[text.index("Single lines and whole-cart quotes"):text.index('id="coa-rules-title"')]
    assert "<th scope=\"row\">Single lines</th>" in table and "<th scope=\"row\">Whole-cart quotes</th>" in table
    assert "$129,000.00" in table and "$25,500.00" in table
