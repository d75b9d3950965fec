"""What pricing managers learn counts whole-cart quotes beside line requests (issue 16, item
5): a quote's citation by competitor, SKU and category with the gap to our price for the
quantity, win rates with and without a citation over quotes too, lost quotes by rule,
segment and SKU, and the ``kind`` filter (JSON, page, CSV). SQLite and PostgreSQL.

Our prices for the quantities: DEMO-120 (hydraulics) $120.00 a unit for 1,000, GLOVE-50
(safety) $18.00 for 500; the cart of both is $129,000.00. A competing_offer rule matches
any competitor.
"""
from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.approvals import ANN, GUS, MAX, seed_approvals
from tests.conftest import ApiClient
from tests.e2e.test_told_insights import cited

NOVEMBER = "from=2026-11-01&to=2026-11-30"
LINES = [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}]
CART = {"currency": "USD", "lines": LINES, "order_target": {"discount_pct": "6"}}


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def _match(body: dict[str, Any]) -> dict[str, Any]:
    [match] = [offer for offer in body["offers"] if offer["kind"] == "match"]
    return match


@pytest.fixture
def told(app: Any, clock: Any) -> ApiClient:
    """Q1 to Q3 and one line request, all in November."""
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        app.extensions["counteroffer"].save_rule("competing_offer", {})
    api = ApiClient(app)
    # Q1: Acme cites Globex Supply's order total of $125,000.00 (3.1% under ours), is matched,
    # takes the match and orders it.
    q1 = _ok(api.as_(ANN).post("/quotes", {**CART, "competing_offer": {
        "competitor": "Globex Supply", "total": "125000.00"}}))
    deal = _ok(api.post(f"/quote-offers/{_match(q1)['id']}/accept"))
    _ok(api.post(f"/quote-deals/{deal['token']}/redeem", {"lines": LINES, "order_ref": "PO-7"}))
    # Q2: Globex (retail) cites Initech at $17.00 for the gloves only, then withdraws: price too high.
    q2 = _ok(api.as_(GUS).post("/quotes", {**CART, "competing_offer": {
        "competitor": "Initech", "lines": [{"sku": "GLOVE-50", "unit_price": "17.00"}]}}))
    _ok(api.post(f"/quotes/{q2['id']}/withdraw", {"reason": "price_too_high"}))
    # Q3: no citation, withdrawn: no longer needed.
    q3 = _ok(api.as_(ANN).post("/quotes", CART))
    _ok(api.post(f"/quotes/{q3['id']}/withdraw", {"reason": "no_longer_needed"}))
    # A line request, later: Acme cites "globex supply" at $112.00 for DEMO-120, is matched, takes it.
    clock.advance(hours=1)
    line = _ok(api.post("/requests", {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "100.00",
                                      "currency": "USD", "competing_offer": {
                                          "competitor": "globex supply", "unit_price": "112.00"}}))
    _ok(api.post(f"/offers/{_match(line)['id']}/accept"))
    return api.as_(MAX)


def test_quote_citations_by_competitor_sku_and_category(told: ApiClient) -> None:
    body = _ok(told.get(f"/results/told?{NOVEMBER}&kind=quote"))
    assert body["kind"] == "quote"
    # Q1's total is 125,000 / 129,000 of ours: 3.10% off each line, -3.72 on DEMO-120's
    # $120.00 and -0.56 on GLOVE-50's $18.00 (median of the two: -2.14). Q2: 17.00 - 18.00.
    assert body["competitors"] == [cited("Globex Supply", 1, 1, 1, 1, 1, 2, "-2.14", "-3.10"),
                                   cited("Initech", 1, 1, 1, 0, 0, 1, "-1.00", "-5.56")]
    assert body["skus"] == [cited("GLOVE-50", 2, 2, 2, 1, 1, 2, "-0.78", "-4.33"),
                            cited("DEMO-120", 1, 1, 1, 1, 1, 1, "-3.72", "-3.10")]
    assert body["categories"] == [cited("safety", 2, 2, 2, 1, 1, 2, "-0.78", "-4.33"),
                                  cited("hydraulics", 1, 1, 1, 1, 1, 1, "-3.72", "-3.10")]
    # Three cited prices compared from two citations: -3.72, -0.56, -1.00.
    assert body["total"] == cited("total", 2, 2, 2, 1, 1, 3, "-1.00", "-3.10")


def test_quote_win_rates_and_lost_quotes(told: ApiClient) -> None:
    body = _ok(told.get(f"/results/told?{NOVEMBER}&kind=quote"))
    rates = {row.pop("key"): row for row in body["win_rates"]}
    assert rates["all"] == {"negotiations": 3, "deals": 1, "ordered": 1, "win_rate": "0.3333",
                            "order_rate": "0.3333"}
    assert rates["not_cited"] == {"negotiations": 1, "deals": 0, "ordered": 0, "win_rate": "0.0000",
                                  "order_rate": "0.0000"}
    assert rates["cited"] == rates["matched"] == {"negotiations": 2, "deals": 1, "ordered": 1, "win_rate": "0.5000",
                                                  "order_rate": "0.5000"}
    assert rates["not_matched"]["negotiations"] == 0 and rates["not_matched"]["win_rate"] is None
    # A lost quote counts once by rule and segment, and under each line it had by SKU.
    by_sku = {row["key"]: row for row in body["lost_by_sku"]}
    assert {key: (row["negotiations"], row["reasons"]["price_too_high"], row["reasons"]["no_longer_needed"])
            for key, row in by_sku.items()} == {"DEMO-120": (2, 1, 1), "GLOVE-50": (2, 1, 1)}
    by_segment = {row["key"]: row["negotiations"] for row in body["lost_by_segment"]}
    assert by_segment == {"retail": 1, "wholesale": 1}
    assert sum(row["negotiations"] for row in body["lost_by_rule"]) == 2


def test_both_kinds_by_default_and_each_alone(told: ApiClient) -> None:
    both = _ok(told.get(f"/results/told?{NOVEMBER}"))
    lines = _ok(told.get(f"/results/told?{NOVEMBER}&kind=line"))
    assert (both["kind"], lines["kind"]) == (None, "line")
    # The line request's citation is the same competitor, however spelled.
    assert lines["competitors"] == [cited("globex supply", 1, 1, 1, 1, 0, 1, "-8.00", "-6.67")]
    assert both["competitors"][0] == cited("Globex Supply", 2, 2, 2, 2, 1, 3, "-3.72", "-3.10")
    rates = {row["key"]: row for row in both["win_rates"]}
    assert (rates["all"]["negotiations"], rates["cited"]["negotiations"], rates["cited"]["deals"]) == (4, 3, 2)
    bad = told.get(f"/results/told?{NOVEMBER}&kind=cart")
    assert bad.status_code == 422 and "kind" in bad.get_json()["error"]["fields"]


def test_the_page_and_its_csv_filter_by_kind(told: ApiClient) -> None:
    page = told.client.get(f"/negotiate/admin/results/told?{NOVEMBER}&kind=quote")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<option value="quote" selected>Whole-cart quotes</option>' in html
    assert "Whole-cart quotes of the period" in html and "Every quote" in html
    assert "kind=quote" in html  # the CSV links keep the filter
    both = told.client.get(f"/negotiate/admin/results/told?{NOVEMBER}&kind=").get_data(as_text=True)
    assert "Line price requests and whole-cart quotes of the period" in both
    exported = told.client.get(f"/negotiate/admin/results/told.csv?{NOVEMBER}&kind=quote&table=skus")
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0][:3] == ["sku", "citations", "negotiations"]
    assert [row[:3] for row in rows[1:]] == [["GLOVE-50", "2", "2"], ["DEMO-120", "1", "1"], ["total", "2", "2"]]
    refused = told.client.get(f"/negotiate/admin/results/told?{NOVEMBER}&kind=cart")
    assert refused.status_code == 422 and "kind" in refused.get_data(as_text=True)


def test_a_quote_line_keeps_its_category_and_older_lines_ask_the_catalog(told: ApiClient, app: Any) -> None:
    """The category a SKU had when it was asked (migration 0023), as a line request's fact
    keeps it; a line written before 0023 has none, and the catalog's is used."""
    from sqlalchemy import update

    from counteroffer.db import transaction
    from counteroffer.db.quotes import QuoteLineRow

    def categories() -> list[tuple[str, int]]:
        body = _ok(told.get(f"/results/told?{NOVEMBER}&kind=quote"))
        return [(row["key"], row["citations"]) for row in body["categories"]]

    assert categories() == [("safety", 2), ("hydraulics", 1)]
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        session.execute(update(QuoteLineRow).where(QuoteLineRow.sku == "GLOVE-50").values(category="gloves"))
    assert categories() == [("gloves", 2), ("hydraulics", 1)]
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        session.execute(update(QuoteLineRow).values(category=None))
    assert categories() == [("safety", 2), ("hydraulics", 1)]
