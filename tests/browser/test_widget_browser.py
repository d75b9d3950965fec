"""The buyer widget in a real browser against the demo shop: ask, get a trade-off, accept.

This is the README's scenario: 1,000 units at a $110.00 target is answered with "buy
2,000 more and pay $110.00", which the buyer accepts from the keyboard.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The test artifact is always written; the README's picture only when asked, so a test
# run leaves the committed image alone (UPDATE_DOCS_SCREENSHOTS=1 to refresh it).
SCREENSHOTS = (ROOT / "artifacts" / "widget-offer.png",) + (
    (ROOT / "docs" / "img" / "widget.png",) if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ())
OFFER = "Buy 2,000 more units (3,000 in total) and pay $110.00 each."


def _open_product_as_buyer(browser: Any, demo_url: str) -> tuple[Any, list[str]]:
    # A fixed locale keeps dates and the screenshot alike from machine to machine.
    context = browser.new_context(base_url=demo_url, locale="en-US", timezone_id="UTC",
                                  viewport={"width": 1100, "height": 1400})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The demo's JSON login; page.request shares the browser context's cookies.
    login = page.request.post("/demo/login", data={"username": "buyer@acme"})
    assert login.ok, login.text()
    page.goto("/products/DEMO-120")
    return page, errors


def _save_screenshot(widget: Any) -> None:
    for path in SCREENSHOTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        widget.screenshot(path=str(path), animations="disabled")


def test_buyer_asks_accepts_a_volume_offer_and_gets_a_deal(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _open_product_as_buyer(browser, demo_url)
    widget = page.locator(".co-widget")

    # Before asking: the public terms and the rules of the exchange.
    expect(widget).to_contain_text("from 3,000 units: $110.00")
    expect(widget).to_contain_text("Offers hold for 48 hours")
    expect(widget).to_contain_text("Up to 3 rounds")

    widget.get_by_label("Quantity", exact=True).fill("1000")
    expect(widget).to_contain_text("At 1,000 units: $120.00 each")
    target = widget.get_by_label("Target unit price (USD)")
    target.fill("110.00")
    # Keyboard only from here: Tab past the collapsed "Have a competing offer?" (its
    # summary takes focus, its inputs do not while it is closed) to the submit button.
    target.press("Tab")
    expect(widget.get_by_text("Have a competing offer?")).to_be_focused()
    page.keyboard.press("Tab")
    submit = widget.get_by_role("button", name="Request a better price")
    expect(submit).to_be_focused()
    page.keyboard.press("Enter")

    offer = widget.locator(".co-offer")
    expect(offer).to_contain_text(OFFER)
    expect(offer).to_contain_text(re.compile(r"expires in 4[78] hours"))
    expect(widget.locator(".co-round")).to_have_text("Round 1 of 3")

    # Focus moved to the answer's heading; the next Tab reaches the offer's Accept button.
    expect(widget.get_by_role("heading", name="Here is what we can offer")).to_be_focused()
    page.keyboard.press("Tab")
    accept = offer.get_by_role("button", name="Accept")
    expect(accept).to_be_focused()
    _save_screenshot(widget)
    page.keyboard.press("Enter")

    deal = widget.locator(".co-deal")
    expect(widget.get_by_role("heading", name="Deal agreed")).to_be_visible()
    expect(deal).to_contain_text("3,000 units")
    expect(deal).to_contain_text("$110.00")
    token = deal.locator("code").inner_text().strip()
    assert token

    _assert_cart_link(widget, deal, token)
    _assert_accepted_through_api(page, token)

    # The widget picks the negotiation up again after a reload.
    page.reload()
    expect(widget.get_by_role("heading", name="Deal agreed")).to_be_visible()
    expect(widget.locator(".co-deal code")).to_have_text(token)
    assert errors == []
    page.context.close()


def _assert_cart_link(widget: Any, deal: Any, token: str) -> None:
    from playwright.sync_api import expect

    template = widget.get_attribute("data-cart-url")
    link = deal.get_by_role("link", name="Add to cart at this price")
    if template is None:  # the host passed no deal_url: the code alone is shown
        expect(link).to_have_count(0)
        return
    expect(link).to_have_attribute("href", re.compile(re.escape(token)))


def _assert_accepted_through_api(page: Any, token: str) -> None:
    response = page.request.get("/negotiate/api/requests?sku=DEMO-120&limit=1")
    assert response.ok, response.text()
    negotiation = response.json()["requests"][0]
    assert negotiation["status"] == "accepted"
    assert negotiation["request"] == {"sku": "DEMO-120", "quantity": 1000,
                                      "target_unit_price": "110.00", "currency": "USD"}
    [accepted] = [o for o in negotiation["offers"] if o["status"] == "accepted"]
    assert (accepted["quantity"], accepted["unit_price"]) == (3000, "110.00")
    assert accepted["message"] == OFFER


def test_visitors_who_cannot_negotiate_get_no_form(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=demo_url)
    page = context.new_page()
    page.goto("/products/DEMO-120")
    widget = page.locator(".co-widget")
    expect(widget).to_contain_text("Log in to request a better price")
    expect(widget.locator("form")).to_have_count(0)

    assert page.request.post("/demo/login", data={"username": "rep@seller"}).ok
    page.goto("/products/DEMO-120")
    expect(widget).to_contain_text("Price requests are for buyer accounts.")
    expect(widget.get_by_role("button")).to_have_count(0)
    context.close()
