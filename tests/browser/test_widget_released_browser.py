"""A deal whose order was cancelled is shown as usable again (issue 22): after the shop
gives its redemption back, the widget says so, names the order and what became of it,
and offers the deal for the cart again."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_widget_browser import OFFER, _open_product_as_buyer
from tests.browser.test_widget_truth_browser import _ask

pytestmark = pytest.mark.browser
SCREENSHOT = Path(__file__).resolve().parents[2] / "artifacts" / "widget-released.png"


def test_a_deal_given_back_by_a_cancelled_order_is_usable_again(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _open_product_as_buyer(browser, demo_url)
    widget = page.locator(".co-widget")
    _ask(widget, "1000", "110.00")
    widget.locator(".co-offer", has_text=OFFER).get_by_role("button", name="Accept").click()
    widget.get_by_role("link", name="Add to cart at this price").click()
    page.get_by_role("button", name="Place order").click()
    placed = page.locator(".flash-success").inner_text()
    order_ref = re.search(r"Order (\S+) is placed", placed).group(1)

    page.goto("/products/DEMO-120")
    expect(widget.get_by_role("heading", name="Deal used in an order")).to_be_visible()
    page.goto(f"/demo/orders/{order_ref}")
    page.get_by_role("button", name="Cancel this order").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Order {order_ref} is cancelled.")

    page.goto("/products/DEMO-120")
    expect(widget.get_by_role("heading", name="Deal usable again")).to_be_visible()
    expect(widget.locator(".co-released")).to_contain_text(
        f"Your order {order_ref} was cancelled, so this deal can be used again until")
    expect(widget.get_by_role("link", name="Add to cart at this price")).to_be_visible()
    expect(widget).not_to_contain_text("It cannot be used again")
    expect(widget).not_to_contain_text("[object")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # Used again by the next order: used, and no longer "usable again".
    widget.get_by_role("link", name="Add to cart at this price").click()
    page.get_by_role("button", name="Place order").click()
    page.goto("/products/DEMO-120")
    expect(widget.get_by_role("heading", name="Deal used in an order")).to_be_visible()
    expect(widget.locator(".co-released")).to_have_count(0)
    assert errors == []
    page.context.close()
