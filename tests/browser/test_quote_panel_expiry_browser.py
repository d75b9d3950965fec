"""The quote panel when time runs out (issue 14, item 4): a bare host shop puts the panel on
its cart page; the buyer gets offers, the shop's clock moves past their expiry while the
page stays open, and *Accept this quote* then says, in words, that the offer expired and
shows the quote as it now is, with nothing left to accept."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template_string

from tests.browser.conftest import served
from tests.conftest import BUYER_ACME, FrozenClock

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cart</title></head>
<body><main><h1>Cart</h1>{{ quote_request_panel(cart) }}</main></body></html>"""
CART = [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}]


@pytest.fixture
def shop_url(app: Flask, clock: FrozenClock) -> Iterator[str]:
    clock.now = datetime.now(UTC)  # the browser judges expiry by its own clock: start at the same time
    app.config["TEST_ACTOR"] = BUYER_ACME
    app.add_url_rule("/cart", "cart", lambda: render_template_string(PAGE, cart=CART))
    with served(app, "quote-expiry-shop") as url:
        yield url


def test_an_offer_accepted_after_it_expired_is_refused_in_words(browser: Any, shop_url: str,
                                                                clock: FrozenClock) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=shop_url, locale="en-US", timezone_id="UTC")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/cart")
    panel = page.locator(".co-quote-panel")
    panel.get_by_label("Percent off the order (%)").fill("6")
    panel.get_by_role("button", name="Request a quote").click()
    offer = panel.locator(".co-quote-offer").first
    expect(offer).to_contain_text("expires in 48 hours")

    clock.advance(hours=49)  # the shop's time moves on; the page still shows the offer
    offer.get_by_role("button", name="Accept this quote").click()

    expect(panel.get_by_role("heading", name="This quote request has expired")).to_be_visible()
    expect(panel.get_by_role("alert")).to_contain_text("expired")
    expect(panel.get_by_role("button", name="Accept this quote")).to_have_count(0)
    expect(panel.get_by_role("button", name="Start a new quote request")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    panel.screenshot(path=str(ARTIFACTS / "quote-expired.png"), animations="disabled")
    assert errors == []
    context.close()
