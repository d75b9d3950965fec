"""The results dashboard in a real browser: a manager reads what the demo shop's
negotiations earned, sorts the rules by extra volume won, filters a segment and
downloads the table, with no CSP violation.

History through the buyer API: Acme asks 1,000 DEMO-120 at $110.00, is offered 3,000 at
$110.00 (the volume break), accepts and orders; Acme asks again and lets it be; Globex
asks 1,000 at $50.00 (declined) and 100 CBL-THN-12 at $85.00 (escalated to Rita).
"""
from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _context

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = (ROOT / "artifacts" / "results.png",) + (
    (ROOT / "docs" / "img" / "results.png",) if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ())


def _request(context: Any, sku: str, quantity: int, target: str) -> dict:
    created = context.request.post("/negotiate/api/requests", data={
        "sku": sku, "quantity": quantity, "target_unit_price": target, "currency": "USD"})
    assert created.status == 201, created.text()
    return created.json()


def _history(browser: Any, demo_url: str) -> None:
    acme = browser.new_context(base_url=demo_url)
    assert acme.request.post("/demo/login", data={"username": "buyer@acme"}).ok
    countered = _request(acme, "DEMO-120", 1000, "110.00")
    assert countered["status"] == "countered" and countered["offers"][0]["quantity"] == 3000
    deal = acme.request.post(f"/negotiate/api/offers/{countered['offers'][0]['id']}/accept", data={}).json()
    assert acme.request.post(f"/negotiate/api/deals/{deal['token']}/redeem", data={"order_ref": "SO-1"}).ok
    _request(acme, "DEMO-120", 1000, "110.00")
    acme.close()
    globex = browser.new_context(base_url=demo_url)
    assert globex.request.post("/demo/login", data={"username": "buyer@globex"}).ok
    assert _request(globex, "DEMO-120", 1000, "50.00")["status"] == "declined"
    assert _request(globex, "CBL-THN-12", 100, "85.00")["status"] == "escalated"
    globex.close()


def _experiment(page: Any) -> None:
    """Version 2 adds a 2,000-unit break; it is tried on half the buyers against version 1."""
    rule = {"kind": "price_breaks", "sku": "DEMO-120", "priority": 1,
            "params": {"breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}}
    assert page.request.post("/negotiate/api/rules", data=rule).status == 201
    assert page.request.post("/negotiate/api/rules/publish", data={"note": "2,000-unit break"}).status == 201
    started = page.request.post("/negotiate/api/experiments", data={
        "name": "2,000-unit break", "control": "1", "challenger": "2", "split_pct": 50})
    assert started.status == 201, started.text()


def test_a_manager_reads_sorts_filters_and_downloads_the_results(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    _history(browser, demo_url)
    page, problems = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "manager@seller"}).ok
    _experiment(page)
    page.goto("/negotiate/admin/results")
    experiments = page.get_by_role("region", name="Experiments")
    expect(experiments.get_by_role("heading", name="2,000-unit break")).to_be_visible()
    expect(experiments).to_contain_text("too early to tell")
    expect(page.get_by_role("heading", name="What negotiation earns", level=1)).to_be_visible()
    figures = page.locator(".coa-kpis")
    expect(figures).to_contain_text("Price requests4")
    expect(figures).to_contain_text("$30,000.00")  # given away: 3,000 x (120.00 - 110.00)
    expect(figures).to_contain_text("2,000 units")  # 3,000 dealt for 1,000 asked
    expect(page.get_by_role("img", name="Requests and deals by week")).to_be_visible()
    expect(page.get_by_role("img", name="From request to order")).to_contain_text("Order placed: 1")
    _save_screenshot(page)

    page.get_by_role("link", name="extra volume won").click()
    table = page.get_by_role("table", name=re.compile("^Results by rule"))  # not the lines-and-quotes table
    expect(table.get_by_role("columnheader", name="Extra volume")).to_have_attribute("aria-sort", "descending")
    expect(table.locator("tbody tr").first).to_contain_text("Volume break (buy N more)")

    page.get_by_label("Segment").select_option("retail")
    page.get_by_role("button", name="Show").click()
    expect(figures).to_contain_text("Price requests2")
    expect(table.locator("tbody tr").first).to_contain_text("Declined")

    with page.expect_download() as download:
        page.get_by_role("link", name="by rule (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [row["rule"] for row in rows][-1] == "total" and rows[-1]["requests"] == "2"

    experiments.get_by_role("button", name="Stop 2,000-unit break").click()
    expect(page.get_by_role("status")).to_contain_text("every buyer gets the live rules again")
    assert problems == []
    page.context.close()


def test_a_rep_nobody_reports_to_gets_the_403_page(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, _ = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "rep@seller"}).ok
    response = page.goto("/negotiate/admin/results")
    assert response is not None and response.status == 403
    expect(page.get_by_text("Results are for pricing managers and sales leads.")).to_be_visible()
    page.context.close()


def _save_screenshot(page: Any) -> None:
    for path in SCREENSHOTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
