"""A quote's cited document deleted under retention, as the buyer sees it in Chromium (issue
16): Ann cited Globex Supply's order total with its quote as a PDF, the quote ran out of
time, and a year later the sweep deleted the file. When she opens her cart, the panel
resumes the lapsed quote (to ask why) and "What you told us" says the file was deleted
under the shop's document retention, no longer that it is attached. Screenshot in
artifacts/quote-document-deleted.png."""
from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask, render_template_string

from counteroffer.negotiation import expire_lapsed_quotes, purge_documents
from tests.browser.conftest import served
from tests.browser.test_quote_panel_expiry_browser import ARTIFACTS, CART, PAGE
from tests.conftest import BUYER_ACME, ApiClient, FrozenClock
from tests.security.test_document_checks import pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def shop_url(app: Flask, clock: FrozenClock) -> Iterator[str]:
    clock.now = datetime.now(UTC)
    app.config["TEST_ACTOR"] = BUYER_ACME
    app.add_url_rule("/cart", "cart", lambda: render_template_string(PAGE, cart=CART))
    with app.app_context():
        app.extensions["counteroffer"].save_rule("competing_offer", {})
    with served(app, "quote-retention-shop") as url:
        yield url


def test_the_buyer_is_told_their_cited_quote_was_deleted(browser: Any, shop_url: str, app: Flask,
                                                         clock: FrozenClock) -> None:
    from playwright.sync_api import expect

    api = ApiClient(app).as_(BUYER_ACME)
    upload = api.post("/documents", json={"filename": "globex-4471.pdf",
                                          "content_base64": base64.b64encode(pdf()).decode()})
    quote = api.post("/quotes", json={"currency": "USD", "lines": CART, "order_target": {"discount_pct": "6"},
                                      "competing_offer": {"competitor": "Globex Supply", "total": "125000.00",
                                                          "document_id": upload.json["id"]}})
    assert quote.status_code == 201 and quote.json["status"] == "countered", quote.json
    clock.advance(hours=49)
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        assert expire_lapsed_quotes(deps) > 0  # the worker's sweep, before the retention's
        clock.advance(days=366)
        assert purge_documents(deps, timedelta(days=365)).quotes == (quote.json["id"],)

    context = browser.new_context(base_url=shop_url, locale="en-US", timezone_id="UTC")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/cart")
    history = page.locator(".co-quote-panel .co-told-history")
    expect(history).to_contain_text("Globex Supply offers $125,000.00 for the order")
    expect(history).to_contain_text("Their quote (globex-4471.pdf) was deleted under our document retention.")
    expect(history).not_to_contain_text("Their quote attached")
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".co-quote-panel").screenshot(path=str(ARTIFACTS / "quote-document-deleted.png"),
                                               animations="disabled")
    assert errors == []
    context.close()
