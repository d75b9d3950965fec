"""docs/integration.md's database-cart checkout in Chromium (issue 26): in
tests/integration/cartshop (a database cart, models that commit on create, stock,
Flask-WTF, HTML error pages), a buyer asks in the widget, accepts and puts the deal in
the cart; in a new browser context (fresh cookies) they log in again, find the cart line
at the deal's price, check out, cancel the order, and the widget says the deal is usable
again, and it buys the replacement order."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import served
from tests.integration.cartshop import create_app
from tests.integration.cartshop.models import db
from tests.integration.test_cartshop_integration import CSRF_ENABLED, SKU, pricing_managers_rules, seed_the_shop

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
OFFER = "Buy 15 more units (20 in total) and pay $110.00 each."


@pytest.fixture()
def cartshop_url(tmp_path: Path) -> Iterator[str]:
    """The cart shop served over real HTTP from a thread; shop and plugin in one SQLite file."""

    url = f"sqlite:///{tmp_path}/cartshop.sqlite3"
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SQLALCHEMY_DATABASE_URI": url,
                      "COUNTEROFFER_DATABASE_URL": url, "WTF_CSRF_ENABLED": CSRF_ENABLED})
    with app.app_context():
        app.extensions["counteroffer"].upgrade_database()
        seed_the_shop()
        pricing_managers_rules(app.extensions["counteroffer"])
    try:
        with served(app, "cartshop-server") as served_url:
            yield served_url
    finally:
        with app.app_context():
            app.extensions["counteroffer"].close()
            db.engine.dispose()


def _logged_in_page(browser: Any, base_url: str) -> tuple[Any, list[str]]:
    context = browser.new_context(base_url=base_url, locale="en-US", timezone_id="UTC",
                                  viewport={"width": 1100, "height": 1300})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    page.get_by_label("E-mail").fill("ann@acme.example")
    page.get_by_label("Password").fill("s3cret")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/cart")
    return page, errors


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"cartshop-{name}.png"), full_page=True)


def test_ask_accept_then_check_out_from_a_fresh_context_cancel_and_use_the_deal_again(
        browser: Any, cartshop_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _logged_in_page(browser, cartshop_url)
    page.goto(f"/products/{SKU}")
    widget = page.locator(".co-widget")
    widget.get_by_label("Quantity", exact=True).fill("5")
    widget.get_by_label("Target unit price (USD)").fill("110.00")
    widget.get_by_role("button", name="Request a better price").click()
    widget.locator(".co-offer", has_text=OFFER).get_by_role("button", name="Accept").click()
    add_to_cart = widget.get_by_role("link", name="Add to cart at this price")
    expect(add_to_cart).to_be_visible()
    _shot(page, "1-accepted")
    add_to_cart.click()
    page.wait_for_url("**/cart")
    expect(page.locator("tr.line")).to_contain_text("$110.00")
    page.context.close()  # the buyer leaves this browser

    fresh, fresh_errors = _logged_in_page(browser, cartshop_url)  # new cookies, nothing in the session
    line = fresh.locator("tr.line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Pressure valve (CART-100)")
    expect(line).to_contain_text("20")
    expect(line).to_contain_text("$110.00")
    expect(fresh.locator(".total")).to_have_text("Total: $2200.00")
    _shot(fresh, "2-cart-in-a-fresh-context")
    fresh.get_by_role("button", name="Place order").click()
    expect(fresh.locator(".flash")).to_contain_text("is placed.")
    expect(fresh.locator("li.ordered")).to_have_text("20 x CART-100 at $110.00")
    order_url = fresh.url
    _shot(fresh, "3-order")

    fresh.get_by_role("button", name="Cancel this order").click()
    expect(fresh.locator(".status")).to_have_text("Status: cancelled")
    fresh.goto(f"/products/{SKU}")
    expect(fresh.locator(".price")).to_contain_text("25 in stock")  # the cancelled units are back
    widget = fresh.locator(".co-widget")
    expect(widget.get_by_role("heading", name="Deal usable again")).to_be_visible()
    expect(widget.locator(".co-released")).to_contain_text("was cancelled, so this deal can be used again until")
    _shot(fresh, "4-deal-usable-again")

    widget.get_by_role("link", name="Add to cart at this price").click()
    fresh.wait_for_url("**/cart")
    fresh.get_by_role("button", name="Place order").click()
    expect(fresh.locator("li.ordered")).to_have_text("20 x CART-100 at $110.00")
    assert fresh.url != order_url
    assert errors == [] and fresh_errors == []
    fresh.context.close()
