"""What-if for quotes in a real browser (issue 15): Acme asks a quote for 1,500 casters
and 200 boxes of bolts; a pricing manager moves DEMO-120's break from 3,000 to 2,000 units
in a draft and simulates the last 30 days. The result page shows the quote's round under
the lines, live beside draft, and the round the draft answers differently.
"""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _context
from tests.browser.test_rules_browser import _run_the_worker, _save_screenshot, shop  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

CART = {"currency": "USD", "lines": [{"sku": "DEMO-120", "quantity": 1500}, {"sku": "FST-M8-50", "quantity": 200}],
        "order_target": {"discount_pct": "8"}}


def test_the_simulation_page_shows_quotes_beside_lines(browser: Any, shop: tuple[Any, str]) -> None:  # noqa: F811
    from playwright.sync_api import expect

    app, url = shop
    buyer = browser.new_context(base_url=url)
    assert buyer.request.post("/demo/login", data={"username": "buyer@acme"}).ok
    asked = buyer.request.post("/negotiate/api/quotes", data=CART)
    assert asked.status == 201, asked.text()
    buyer.close()

    page, problems = _context(browser, url)
    assert page.request.post("/demo/login", data={"username": "manager@seller"}).ok
    page.goto("/negotiate/admin/rules")
    page.get_by_role("button", name="Start a draft").click()
    page.get_by_label("SKU starts with").fill("DEMO-120")
    page.get_by_label("Kind").select_option("price_breaks")
    page.get_by_role("button", name="Filter").click()
    page.locator("table.coa-table a", has_text="edit").first.click()
    page.get_by_label("Breaks, one per line: quantity @ unit price").fill("1000 @ 104.00")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Saved rule")

    page.get_by_role("link", name="Simulate", exact=True).click()
    page.get_by_label("The requests of the last … days").fill("30")
    page.get_by_role("button", name="Run the simulation").click()
    _run_the_worker(app)
    heading = page.get_by_role("heading", name="Quotes: 1 quote, 1 round")
    expect(heading).to_be_visible(timeout=15_000)
    table = page.locator("#coa-quote-compare")
    for row in ("Needing a person", "Order value", "Discount given", "Margin kept above the floors"):
        expect(table).to_contain_text(row)
    expect(page.get_by_role("heading", name="1 round of quotes would be answered differently")).to_be_visible()
    expect(page.locator("#coa-quote-changes")).to_contain_text("wholesale")
    _save_screenshot(page, "rules-simulation-quotes.png")
    assert problems == []
    page.context.close()
