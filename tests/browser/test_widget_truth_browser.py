"""The widget shows the true state (issue 22): a used deal as used, nothing "agreed" before
the buyer accepts, no rounds or counter form once it is over, no price for a quantity the
shop refuses, and errors in the buyer's words."""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_widget_browser import OFFER, _open_product_as_buyer

pytestmark = pytest.mark.browser


def _ask(widget: Any, quantity: str, price: str) -> None:
    widget.get_by_label("Quantity", exact=True).fill(quantity)
    widget.get_by_label("Target unit price (USD)").fill(price)
    widget.get_by_role("button", name="Request a better price").click()


def test_a_deal_used_in_an_order_is_shown_as_used_and_never_offered_again(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _open_product_as_buyer(browser, demo_url)
    widget = page.locator(".co-widget")
    _ask(widget, "1000", "110.00")
    widget.locator(".co-offer", has_text=OFFER).get_by_role("button", name="Accept").click()
    expect(widget.get_by_role("heading", name="Deal agreed")).to_be_visible()
    # Over: no round counter, and no catalog quote for the first ask's 1,000 units.
    expect(widget.locator(".co-round")).to_have_count(0)
    expect(widget.locator(".co-quote")).to_be_hidden()
    expect(widget.locator(".co-counter")).to_have_count(0)

    widget.get_by_role("link", name="Add to cart at this price").click()
    page.get_by_role("button", name="Place order").click()
    expect(page.locator(".flash-success")).to_contain_text("Order")

    page.goto("/products/DEMO-120")
    expect(widget.get_by_role("heading", name="Deal used in an order")).to_be_visible()
    expect(widget).to_contain_text("It cannot be used again")
    expect(widget.get_by_role("link", name="Add to cart at this price")).to_have_count(0)
    expect(widget).not_to_contain_text("Deal agreed")
    expect(widget.locator(".co-round")).to_have_count(0)
    assert errors == []
    page.context.close()


def test_a_price_at_or_above_list_is_an_offer_to_accept_not_an_agreement(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _open_product_as_buyer(browser, demo_url)
    widget = page.locator(".co-widget")
    _ask(widget, "1000", "150.00")
    expect(widget.get_by_role("heading", name="Our offer: accept it to make it a deal")).to_be_visible()
    expect(widget.locator(".co-offer")).to_contain_text("We can do 1,000 units at $120.00 each.")
    expect(widget).not_to_contain_text("Agreed")
    expect(widget).not_to_contain_text("We can do that price")
    expect(widget.locator(".co-counter")).to_have_count(0)
    expect(widget.get_by_role("button", name="Ask a sales rep")).to_have_count(0)
    widget.get_by_role("button", name="Accept").click()
    expect(widget.get_by_role("heading", name="Deal agreed")).to_be_visible()
    assert errors == []
    page.context.close()


def test_a_quantity_the_shop_refuses_is_never_priced_and_the_error_is_in_the_buyers_words(
        browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _open_product_as_buyer(browser, demo_url)
    widget = page.locator(".co-widget")
    _ask(widget, "99999999999999", "110.00")
    expect(widget.locator(".co-quote")).to_have_text("Ask for at most 10,000,000 units.")
    expect(widget).not_to_contain_text("99,999,999,999,999 units:")
    expect(widget).not_to_contain_text("best volume price")
    expect(widget.locator('[data-co-error="quantity"]')).to_have_text("Enter at most 10,000,000 units.")
    expect(widget).not_to_contain_text("less than or equal")
    assert errors == []
    page.context.close()
