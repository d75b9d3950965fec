"""A rep decides an escalated 3-line quote in Chromium, and the buyer then checks out at the
decided prices (issue 15 item 1, "Done when"), on the demo shop: the buyer of Acme asks for
6% off the cart (1,000 DEMO-120 + 200 FST-M8-50 + 100 GLV-NIT-L) and asks a sales rep; Rita
finds the quote in her inbox, edits the first line's price, approves it from the keyboard
with a rationale and a message; the buyer's panel shows the agreed quote and its checkout
places the order at Rita's prices. Screenshots in artifacts/quote-rep-*.png."""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from tests.browser.test_quote_panel_browser import ARTIFACTS, _buyer_with_a_cart, _latest_quote, _order_lines

pytestmark = pytest.mark.browser


def _shot(target: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target.screenshot(path=str(ARTIFACTS / f"quote-rep-{name}.png"), animations="disabled")


def test_a_rep_decides_a_three_line_quote_and_the_buyer_checks_out_at_those_prices(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    buyer, errors = _buyer_with_a_cart(browser, demo_url)
    panel = buyer.locator(".co-quote-panel")
    pct = panel.get_by_label("Percent off the order (%)")
    pct.fill("6")
    pct.press("Enter")
    panel.get_by_role("button", name="Ask a sales rep").click()
    expect(panel.get_by_role("heading", name="A sales rep will answer")).to_be_visible()

    rep_context = browser.new_context(base_url=demo_url, locale="en-US", timezone_id="UTC",
                                      viewport={"width": 1300, "height": 1400})
    rep = rep_context.new_page()
    assert rep.request.post("/demo/login", data={"username": "rep@seller"}).ok
    rep.goto("/negotiate/admin/escalations")
    quotes = rep.get_by_role("region", name="Quotes for whole carts")
    expect(quotes).to_contain_text("Acme Corp: a quote of 3 lines")
    _shot(rep, "inbox")
    quotes.get_by_role("link", name=re.compile("^Decide")).click()
    expect(rep.get_by_role("heading", name=re.compile("a quote of 3 lines"))).to_be_visible()
    expect(rep.locator("table.coa-table tbody tr")).to_have_count(3)

    rep.get_by_label("DEMO-120 unit price (USD)").fill("111.50")
    rep.get_by_label("FST-M8-50 unit price (USD)").fill("12.00")
    rep.get_by_label("GLV-NIT-L unit price (USD)").fill("10.50")
    rep.get_by_label(re.compile("^Approve the quote")).check()
    rep.get_by_label(re.compile("^Rationale")).fill("Long-standing account, big order")
    rep.get_by_label(re.compile("^Message to the buyer")).fill("Thank you for the order")
    _shot(rep, "decide")
    rep.get_by_label(re.compile("^Message to the buyer")).press("Tab")
    rep.keyboard.press("Enter")  # the focused "Send decision" button
    expect(rep.locator("body")).to_contain_text("Approved: Acme Corp's quote of 3 lines")
    rep_context.close()

    buyer.reload()
    expect(panel.get_by_role("heading", name="Quote agreed")).to_be_visible()
    expect(panel).to_contain_text("Thank you for the order")
    _shot(panel, "agreed")
    panel.get_by_role("link", name="Check out at these prices").click()
    buyer.wait_for_url("**/demo/cart")
    buyer.get_by_role("button", name=re.compile(r"^Place order")).click()
    buyer.wait_for_url(re.compile(r"/demo/orders/"))
    decided = {"DEMO-120": (1000, Decimal("111.50")), "FST-M8-50": (200, Decimal("12.00")),
               "GLV-NIT-L": (100, Decimal("10.50"))}
    assert _order_lines(buyer) == decided
    assert _latest_quote(buyer)["deal"]["total"] == "114950.00"  # 111,500 + 2,400 + 1,050
    _shot(buyer, "order")
    assert errors == []
    buyer.context.close()
