"""The issue's shop in Chromium: tests/integration/hostshop (Flask-WTF's CSRFProtect on
every form, Flask-Babel, T-shirts in sizes with one on sale, no cost in its catalog) with
only the lines docs/integration.md shows. The buyer logs in through the shop's own form,
picks a size and a quantity on the page, and the widget follows them: the sale size's
terms (no break above its sale price), a volume offer on that size, a deal in the cart."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import served
from tests.integration.test_host_integration import _pricing_managers_rules, _seed_the_shop

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def hostshop_url(tmp_path: Path, sqlite_url: str) -> Iterator[str]:

    from tests.integration.hostshop import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                      "SHOP_DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
                      "COUNTEROFFER_DATABASE_URL": sqlite_url})
    with app.app_context():
        _seed_the_shop()
        _pricing_managers_rules(app.extensions["counteroffer"])
    try:
        with served(app, "hostshop-server") as url:
            yield url
    finally:
        with app.app_context():
            app.extensions["counteroffer"].close()


def _logged_in_page(browser: Any, url: str) -> tuple[Any, list[str]]:
    context = browser.new_context(base_url=url, locale="en-US", timezone_id="UTC",
                                  viewport={"width": 1000, "height": 1300})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")  # the shop's own form, with Flask-WTF's token in it
    page.get_by_label("E-mail").fill("ann@acme.example")
    page.get_by_label("Password").fill("s3cret")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/cart")
    return page, errors


def test_the_widget_follows_the_size_and_quantity_picked_and_a_deal_reaches_the_cart(
        browser: Any, hostshop_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _logged_in_page(browser, hostshop_url)
    page.goto("/products/TEE-M")
    widget = page.locator(".co-widget")
    expect(widget).to_contain_text("At 1 unit: $30.00 each")
    expect(widget).to_contain_text("Next volume break: from 100 units: $29.00 each")

    page.locator("#quantity").fill("50")  # the page's own quantity field
    expect(widget.get_by_label("Quantity", exact=True)).to_have_value("50")
    expect(widget).to_contain_text("At 50 units: $30.00 each")

    page.locator("#variant-picker").select_option("TEE-L")  # the size on sale at $26.00
    expect(widget).to_contain_text("At 50 units: $26.00 each")
    # 100 @ $29.00 is above the sale price: not shown; the next real saving is.
    expect(widget).to_contain_text("Next volume break: from 500 units: $25.50 each")
    expect(widget).not_to_contain_text("$29.00")

    widget.get_by_label("Target unit price (USD)").fill("25.50")
    widget.get_by_role("button", name="Request a better price").click()
    offer = widget.locator(".co-offer")
    expect(offer).to_contain_text("Buy 450 more units (500 in total) and pay $25.50 each.")
    widget.screenshot(path=str(_artifact("hostshop-widget-offer.png")), animations="disabled")
    offer.get_by_role("button", name="Accept").click()
    expect(widget.get_by_role("heading", name="Deal agreed")).to_be_visible()

    widget.get_by_role("link", name="Add to cart at this price").click()
    page.wait_for_url("**/cart")
    expect(page.locator(".line")).to_contain_text("500 x TEE-L at $25.50")
    page.get_by_role("button", name="Place order").click()  # the shop's CSRF-protected checkout
    expect(page.locator("h1")).to_have_text("Thank you for your order")
    assert errors == []
    page.context.close()


def test_a_page_that_opens_on_another_size_negotiates_that_size(browser: Any, hostshop_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _logged_in_page(browser, hostshop_url)
    page.goto("/products/TEE-L")  # the macro gets TEE-L; picking S switches
    widget = page.locator(".co-widget")
    expect(widget).to_contain_text("At 1 unit: $26.00 each")
    page.locator("#variant-picker").select_option("TEE-S")
    expect(widget).to_contain_text("At 1 unit: $30.00 each")
    widget.get_by_label("Quantity", exact=True).fill("120")
    widget.get_by_label("Target unit price (USD)").fill("29.00")
    widget.get_by_role("button", name="Request a better price").click()
    expect(widget.locator(".co-result")).to_contain_text("29.00")
    asked = page.request.get("/negotiate/api/requests?limit=1").json()["requests"][0]
    assert asked["request"]["sku"] == "TEE-S"
    assert errors == []
    page.context.close()


def _artifact(name: str) -> Path:
    path = ROOT / "artifacts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
