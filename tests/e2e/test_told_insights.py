"""What pricing managers learn (issue 16, item 5): competitors cited by name, SKU and
category with the median gap to our price, win rates with and without a citation and when
matched, lost reasons by rule, segment and SKU; as JSON (GET /negotiate/api/results/told),
on the back office's told page (linked from the results dashboard) and as CSV. Real
negotiations through the buyer API, SQLite and PostgreSQL.

DEMO-120 (hydraulics): 1,000 units at list, $120.00; a competing_offer rule matches any
competitor. GLOVE-50 (safety): 500 at the break of $18.00; no competing_offer rule.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.results import ResultFact
from tests.approvals import ANN, GUS, IDA, MAX, RITA, seed_approvals
from tests.conftest import ApiClient
from tests.security.world import PIA

NOVEMBER = "from=2026-11-01&to=2026-11-30"
DEMO = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "100.00", "currency": "USD"}
GLOVES = {"sku": "GLOVE-50", "quantity": 500, "target_unit_price": "17.00", "currency": "USD"}


def cite(name: str, price: str) -> dict:
    return {"competing_offer": {"competitor": name, "unit_price": price}}


def _ok(response) -> dict:
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    return response.get_json()


def _match(body: dict) -> dict:
    [match] = [offer for offer in body["offers"] if offer["kind"] == "match"]
    return match


@pytest.fixture
def told(app, clock) -> dict[str, str]:
    """Six November requests (A to F) and one in December; returns F's id."""
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        app.extensions["counteroffer"].save_rule("competing_offer", {}, sku="DEMO-120")
    api = ApiClient(app)
    # A: Acme cites Globex Supply at 112.00, is matched, takes the match and orders it.
    a = _ok(api.as_(ANN).post("/requests", {**DEMO, **cite("Globex Supply", "112.00")}))
    deal = _ok(api.post(f"/offers/{_match(a)['id']}/accept"))
    _ok(api.post(f"/deals/{deal['token']}/redeem", {"order_ref": "PO-1"}))
    # B: Globex (retail) cites "globex supply" at 114.00, is matched, withdraws: price too high.
    b = _ok(api.as_(GUS).post("/requests", {**DEMO, **cite("globex supply", "114.00")}))
    assert _match(b)["unit_price"] == "114.00"
    _ok(api.post(f"/requests/{b['id']}/withdraw", {"reason": "price_too_high"}))
    # C: Initech (retail) cites Umbrella at 90.00, below the floor: a person, no match; found cheaper.
    c = _ok(api.as_(IDA).post("/requests", {**DEMO, "target_unit_price": "90.00", **cite("Umbrella", "90.00")}))
    assert c["status"] == "escalated"
    _ok(api.post(f"/requests/{c['id']}/withdraw", {"reason": "found_cheaper"}))
    # D: Acme cites Globex Supply at 17.50 for gloves (no rule), then Umbrella at 16.00 for
    # 1,020: another quantity, so that citation is counted but not compared.
    d = _ok(api.as_(ANN).post("/requests", {**GLOVES, **cite("Globex Supply", "17.50")}))
    _ok(api.post(f"/requests/{d['id']}/counter", {"target_unit_price": "16.00", "quantity": 1020,
                                                   **cite("Umbrella", "16.00")}))
    _ok(api.post(f"/requests/{d['id']}/withdraw"))
    # E: no citation, 3,000 at the break: accepted as asked, a deal.
    e = _ok(api.post("/requests", {**DEMO, "quantity": 3000, "target_unit_price": "110.00"}))
    _ok(api.post(f"/offers/{e['offers'][0]['id']}/accept"))
    # F: no citation, withdrawn: terms do not fit.
    f = _ok(api.as_(GUS).post("/requests", DEMO))
    _ok(api.post(f"/requests/{f['id']}/withdraw", {"reason": "terms_do_not_fit"}))
    clock.advance(days=40)  # December: outside the period
    _ok(api.as_(ANN).post("/requests", {**DEMO, **cite("Umbrella", "105.00")}))
    api.as_(MAX)
    return {"f": f["id"]}


def cited(key: str, citations: int, negotiations: int, matched: int, deals: int, ordered: int, compared: int,
          gap: str | None, pct: str | None) -> dict:
    return {"key": key, "citations": citations, "negotiations": negotiations, "matched": matched, "deals": deals,
            "ordered": ordered, "compared": compared, "median_gap": gap, "median_gap_pct": pct}


def test_competitors_skus_and_categories_with_the_median_gap(app, told):
    body = _ok(ApiClient(app).as_(MAX).get(f"/results/told?{NOVEMBER}"))
    assert (body["from"], body["to"], body["currency"], body["segment"]) == ("2026-11-01", "2026-11-30", "USD", None)
    # Gaps: A -8.00 (-6.67%), B -6.00 (-5%), C -30.00 (-25%), D -0.50 (-2.78%); D's second is not compared.
    assert body["competitors"] == [cited("Globex Supply", 3, 3, 2, 1, 1, 3, "-6.00", "-5.00"),
                                   cited("Umbrella", 2, 2, 0, 0, 0, 1, "-30.00", "-25.00")]
    assert body["skus"] == [cited("DEMO-120", 3, 3, 2, 1, 1, 3, "-8.00", "-6.67"),
                            cited("GLOVE-50", 2, 1, 0, 0, 0, 1, "-0.50", "-2.78")]
    assert body["categories"] == [cited("hydraulics", 3, 3, 2, 1, 1, 3, "-8.00", "-6.67"),
                                  cited("safety", 2, 1, 0, 0, 0, 1, "-0.50", "-2.78")]
    # Four compared: the median of -30, -8, -6, -0.5 is -7.00; of the shares, (-6.67 - 5) / 2.
    assert body["total"] == cited("total", 5, 4, 2, 1, 1, 4, "-7.00", "-5.83")


def test_win_rates_with_and_without_a_citation_and_when_matched(app, told):
    body = _ok(ApiClient(app).as_(MAX).get(f"/results/told?{NOVEMBER}"))
    rates = {row.pop("key"): row for row in body["win_rates"]}
    assert list(rates) == ["all", "not_cited", "cited", "matched", "not_matched"]
    assert rates["all"] == {"negotiations": 6, "deals": 2, "ordered": 1, "win_rate": "0.3333", "order_rate": "0.1667"}
    assert rates["not_cited"] == {"negotiations": 2, "deals": 1, "ordered": 0, "win_rate": "0.5000",
                                  "order_rate": "0.0000"}
    assert rates["cited"] == {"negotiations": 4, "deals": 1, "ordered": 1, "win_rate": "0.2500",
                              "order_rate": "0.2500"}
    assert rates["matched"] == {"negotiations": 2, "deals": 1, "ordered": 1, "win_rate": "0.5000",
                                "order_rate": "0.5000"}
    assert rates["not_matched"] == {"negotiations": 2, "deals": 0, "ordered": 0, "win_rate": "0.0000",
                                    "order_rate": "0.0000"}


def _reasons(**counts: int) -> dict[str, int]:
    every = ("price_too_high", "found_cheaper", "quantity_too_large", "terms_do_not_fit", "no_longer_needed", "other")
    return {reason: counts.get(reason, 0) for reason in every}


def test_lost_reasons_by_rule_segment_and_sku(app, told):
    body = _ok(ApiClient(app).as_(MAX).get(f"/results/told?{NOVEMBER}"))
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        f_rule = session.scalar(select(ResultFact.rule).where(ResultFact.negotiation_id == told["f"]))
    assert f_rule not in ("match", "escalated")
    assert sorted(body["lost_by_rule"], key=lambda row: row["key"]) == sorted([
        {"key": "match", "negotiations": 1, "reasons": _reasons(price_too_high=1)},
        {"key": "escalated", "negotiations": 1, "reasons": _reasons(found_cheaper=1)},
        {"key": f_rule, "negotiations": 1, "reasons": _reasons(terms_do_not_fit=1)}], key=lambda row: row["key"])
    assert body["lost_by_segment"] == [{"key": "retail", "negotiations": 3,
                                        "reasons": _reasons(price_too_high=1, found_cheaper=1, terms_do_not_fit=1)}]
    assert body["lost_by_sku"] == [{"key": "DEMO-120", "negotiations": 3,
                                    "reasons": _reasons(price_too_high=1, found_cheaper=1, terms_do_not_fit=1)}]


def test_a_segment_and_another_period_filter_them(app, told):
    api = ApiClient(app).as_(MAX)
    retail = _ok(api.get(f"/results/told?{NOVEMBER}&segment=retail"))
    # As first written within the filter: only Globex (retail) cited it, in lower case.
    assert [(c["key"], c["citations"]) for c in retail["competitors"]] == [("globex supply", 1), ("Umbrella", 1)]
    rates = {row["key"]: (row["negotiations"], row["deals"]) for row in retail["win_rates"]}
    assert rates == {"all": (3, 0), "not_cited": (1, 0), "cited": (2, 0), "matched": (1, 0), "not_matched": (1, 0)}
    wholesale = _ok(api.get(f"/results/told?{NOVEMBER}&segment=wholesale"))
    assert wholesale["lost_by_rule"] == [] and wholesale["total"]["citations"] == 3
    december = _ok(api.get("/results/told?from=2026-12-01&to=2026-12-31"))
    assert [(c["key"], c["citations"], c["matched"]) for c in december["competitors"]] == [("Umbrella", 1, 1)]
    assert december["total"]["median_gap"] == "-15.00" and december["lost_by_sku"] == []


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-11-30&to=2026-11-01", "to"), ("from=2020-01-01&to=2026-11-30", "from"),
    ("from=2026-11-01", "to"), ("from=2026-13-01&to=2026-11-30", "from"), (f"{NOVEMBER}&segment=", "segment"),
    (f"{NOVEMBER}&currency=usd", "currency"), (f"{NOVEMBER}&group_by=rule", "group_by")])
def test_bad_filters_are_a_422_naming_the_field(app, told, query, field):
    response = ApiClient(app).as_(MAX).get(f"/results/told?{query}")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]


def test_only_managers_pricing_managers_and_sales_leads_read_them(app, told):
    api = ApiClient(app)
    for actor, status in ((None, 401), (ANN, 403), (RITA, 403), (MAX, 200), (PIA, 200)):
        assert api.as_(actor).get(f"/results/told?{NOVEMBER}").status_code == status, actor


def _csv(app, table: str, more: str = "") -> list[list[str]]:
    app.config["TEST_ACTOR"] = MAX
    response = app.test_client().get(f"/negotiate/admin/results/told.csv?{NOVEMBER}&table={table}{more}")
    assert response.status_code == 200 and response.mimetype == "text/csv", response.get_data(as_text=True)[:300]
    assert f'filename="told-{table}-2026-11-01-2026-11-30.csv"' in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_export_has_every_table(app, told):
    assert _csv(app, "competitors") == [
        ["competitor", "citations", "negotiations", "matched", "deals", "ordered", "compared", "median_gap",
         "median_gap_pct"],
        ["Globex Supply", "3", "3", "2", "1", "1", "3", "-6.00", "-5.00"],
        ["Umbrella", "2", "2", "0", "0", "0", "1", "-30.00", "-25.00"],
        ["total", "5", "4", "2", "1", "1", "4", "-7.00", "-5.83"]]
    assert _csv(app, "categories")[1] == ["hydraulics", "3", "3", "2", "1", "1", "3", "-8.00", "-6.67"]
    assert _csv(app, "win_rates")[:3] == [["group", "negotiations", "deals", "ordered", "win_rate", "order_rate"],
                                          ["all", "6", "2", "1", "0.3333", "0.1667"],
                                          ["not_cited", "2", "1", "0", "0.5000", "0.0000"]]
    assert _csv(app, "lost_by_segment") == [
        ["segment", "negotiations", "price_too_high", "found_cheaper", "quantity_too_large", "terms_do_not_fit",
         "no_longer_needed", "other"],
        ["retail", "3", "1", "1", "0", "1", "0", "0"]]
    assert _csv(app, "lost_by_sku", "&segment=wholesale") == [_csv(app, "lost_by_sku")[0]]  # a heading, no rows


def test_a_bad_csv_table_names_it(app, told):
    app.config["TEST_ACTOR"] = MAX
    response = app.test_client().get(f"/negotiate/admin/results/told.csv?{NOVEMBER}&table=secrets")
    assert response.status_code == 422 and "table" in response.get_data(as_text=True)


def test_the_dashboard_links_the_told_page_and_reads_no_told_rows(app, told):
    app.config["TEST_ACTOR"] = MAX
    page = app.test_client().get(f"/negotiate/admin/results?{NOVEMBER}&segment=retail").get_data(as_text=True)
    assert "What buyers told: competitors, win rates, lost reasons" in page
    assert "/negotiate/admin/results/told?from=2026-11-01&amp;to=2026-11-30&amp;segment=retail&amp;currency=USD" in page
    assert "Globex Supply" not in page and "Win rate with and without" not in page


def test_the_told_page_shows_every_table(app, told):
    app.config["TEST_ACTOR"] = MAX
    page = app.test_client().get(f"/negotiate/admin/results/told?{NOVEMBER}").get_data(as_text=True)
    for words in ("What buyers told", "Win rate with and without a competing offer", "Cited and matched",
                  "Citations by SKU", "Citations by category", "Median gap to our price", "-$6.00",
                  "Matched a competing offer", "Terms do not fit", "table=lost_by_rule"):
        assert words in page, words


def test_the_told_page_defaults_to_the_dashboards_period_and_filters(app, told, clock):
    app.config["TEST_ACTOR"] = MAX
    web = app.test_client()
    today = clock().date()
    page = web.get("/negotiate/admin/results/told").get_data(as_text=True)
    dashboard = web.get("/negotiate/admin/results").get_data(as_text=True)
    for day in ((today - timedelta(days=89)).isoformat(), today.isoformat()):
        assert f'value="{day}"' in page and f'value="{day}"' in dashboard
    # Acme (wholesale) cited, but gave no reason: its one withdrawal said none.
    wholesale = web.get(f"/negotiate/admin/results/told?{NOVEMBER}&segment=wholesale&currency=").get_data(as_text=True)
    assert '<option value="wholesale" selected>' in wholesale and "Globex Supply" in wholesale
    assert "No reasons given in this period." in wholesale and "No reasons given" not in page
    bad = web.get("/negotiate/admin/results/told?from=2026-11-31&currency=usd")
    assert bad.status_code == 422
    assert "from:" in bad.get_data(as_text=True) and "currency:" in bad.get_data(as_text=True)


def test_a_period_or_segment_without_requests_has_empty_tables(app, told):
    api = ApiClient(app).as_(MAX)
    empty = _ok(api.get("/results/told?from=2026-01-01&to=2026-01-31"))
    assert empty["currency"] is None and empty["competitors"] == [] and empty["lost_by_sku"] == []
    assert empty["total"] == cited("total", 0, 0, 0, 0, 0, 0, None, None)
    assert {row["key"]: (row["negotiations"], row["win_rate"]) for row in empty["win_rates"]} == {
        key: (0, None) for key in ("all", "not_cited", "cited", "matched", "not_matched")}
    unknown = _ok(api.get(f"/results/told?{NOVEMBER}&segment=-"))  # "no segment known": every buyer here has one
    assert unknown["currency"] == "USD" and unknown["total"]["citations"] == 0 and unknown["lost_by_rule"] == []
