"""The quote panel in Chromium against the demo shop (issue 14, item 4): a buyer of Acme with
a 3-line cart (1,000 DEMO-120 + 200 FST-M8-50 + 100 GLV-NIT-L) asks for 6% off the order,
is told in words which field was wrong first, gets whole-order offers line by line,
accepts one from the keyboard, checks out at the quoted prices, and finds the quote, its
rounds and its deal on the company's quotes page. Screenshots, desktop and a 390 px phone,
in artifacts/quote-*.png."""
from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CART = (("DEMO-120", 1000), ("FST-M8-50", 200), ("GLV-NIT-L", 100))


def _buyer_with_a_cart(browser: Any, demo_url: str, width: int = 1100,
                       cart: tuple[tuple[str, int], ...] = CART) -> tuple[Any, list[str]]:
    context = browser.new_context(base_url=demo_url, locale="en-US", timezone_id="UTC",
                                  viewport={"width": width, "height": 1400})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Chromium logs every 4xx answer as a console error; the 422 this test provokes is the only one expected.
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "status of 422" not in message.text else None)
    assert page.request.post("/demo/login", data={"username": "buyer@acme"}).ok
    for sku, quantity in cart:
        assert page.request.post("/demo/cart/add", form={"sku": sku, "quantity": str(quantity)}).ok
    page.goto("/demo/cart")
    return page, errors


def _shot(target: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target.screenshot(path=str(ARTIFACTS / f"quote-{name}.png"), animations="disabled")
    # docs/quotes.md's picture only when asked, so a test run leaves the committed image alone.
    if name == "offers" and os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        answer = target.locator('[data-co-part="result"]')  # the offers, without the counter form
        answer.screenshot(path=str(ARTIFACTS.parent / "docs" / "img" / "quote-panel.png"), animations="disabled")


def _money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.]", "", text))


def test_a_buyer_negotiates_a_three_line_cart_and_checks_out_at_the_quoted_prices(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _buyer_with_a_cart(browser, demo_url)
    panel = page.locator(".co-quote-panel")
    expect(panel.get_by_role("heading", name="Request a quote for this cart")).to_be_visible()

    # A target with a cent too many: the API's 422 lands beside the line's field, in words.
    glove_target = panel.get_by_label("Target unit price for GLV-NIT-L (USD)")
    glove_target.fill("10.555")
    panel.get_by_role("button", name="Request a quote").click()
    expect(glove_target).to_have_attribute("aria-invalid", "true")
    expect(panel.locator('[data-co-error="lines.2.target_unit_price"]')).not_to_be_empty()
    expect(glove_target).to_be_focused()
    _shot(panel, "error")

    glove_target.fill("")
    pct = panel.get_by_label("Percent off the order (%)")
    pct.fill("6")
    pct.press("Enter")  # the keyboard sends the form

    heading = panel.locator(".co-result-title")
    expect(heading).to_be_focused()
    offer = panel.locator(".co-quote-offer").first
    expect(offer.locator(".co-quote-lines tbody tr")).to_have_count(3)
    expect(offer).to_contain_text("Order total")
    expect(panel).to_contain_text("Add $1,390.00 more to this order and every line is 6% off")
    expect(panel.locator(".co-round")).to_have_text("Round 1 of 3")
    _shot(panel, "offers")

    quote = _latest_quote(page)
    # The seed's order tier (demo/shop/catalog.py: from $125,000, 6% off every line): "Add $1,390.00
    # more ...", an offer that changes a line's quantity against the cart.
    cart = dict(CART)
    accepted = next(o for o in quote["offers"] if o["kind"] == "order_tier"
                    and any(line["quantity"] != cart[line["sku"]] for line in o["lines"]))
    card = panel.locator(".co-quote-offer", has_text=accepted["message"]).first
    # What the offer saves against the catalog price of its quantities, summed exactly in the page.
    catalog = sum(Decimal(line["price_for_quantity"]) * line["quantity"] for line in accepted["lines"])
    saved = catalog - Decimal(accepted["total"])
    expect(card.locator(".co-saving")).to_have_text(
        f"${saved:,.2f} (6.0%) below the catalog price of these quantities, ${catalog:,.2f}.")
    accept = card.get_by_role("button", name="Accept this quote")
    accept.focus()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("heading", name="Quote agreed")).to_be_visible()
    _shot(panel, "deal")

    panel.get_by_role("link", name="Check out at these prices").click()
    page.wait_for_url("**/demo/cart")
    expect(page.locator(".quote-in-cart")).to_contain_text("Your accepted quote is in this cart")
    expect(page.locator("table.cart .tag", has_text="Quoted price")).to_have_count(len(accepted["lines"]))
    _shot(page, "cart")
    page.get_by_role("button", name=re.compile(r"^Place order")).click()
    page.wait_for_url(re.compile(r"/demo/orders/"))

    quoted = {line["sku"]: (line["quantity"], Decimal(line["unit_price"])) for line in accepted["lines"]}
    assert _order_lines(page) == quoted
    assert _money(page.locator("tfoot .total").inner_text()) == Decimal(accepted["total"])
    order_ref = page.url.rsplit("/", 1)[1]
    assert _latest_quote(page)["deal"]["order_ref"] == order_ref

    page.goto("/demo/quotes")
    listed = page.locator(".co-quote-card").first
    expect(listed.get_by_role("heading")).to_contain_text("Used in an order")
    expect(listed).to_contain_text(f"Order {order_ref}, placed")
    expect(listed).to_contain_text("6% off the order")
    _shot(page.locator(".co-quote-list"), "list")
    assert errors == []
    page.context.close()


def test_order_terms_are_offered_and_stay_with_the_deal(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    # Under the seed's first order tier ($50,000), a small ask is closed by its order lever
    # (demo/shop/catalog.py: paying within 10 days is worth 1% of the order; the buyer keeps
    # a quarter of it): "pay within 10 days" for the whole order, not per line.
    page, errors = _buyer_with_a_cart(browser, demo_url, cart=(("DEMO-120", 300),))
    panel = page.locator(".co-quote-panel")
    pct = panel.get_by_label("Percent off the order (%)")
    pct.fill("0.5")
    pct.press("Enter")
    expect(panel.locator(".co-result-title")).to_be_focused()
    quote = _latest_quote(page)
    [offer] = [o for o in quote["offers"] if o["kind"] == "order_terms"]
    assert [term["label"] for term in offer["terms"]] == ["pay within 10 days"]
    card = panel.locator(".co-quote-offer", has_text=offer["message"]).first
    expect(card.locator(".co-order-terms")).to_have_text(re.compile(r"For the whole order:\s*pay within 10 days"))
    card.get_by_role("button", name="Accept this quote").click()
    expect(panel.get_by_role("heading", name="Quote agreed")).to_be_visible()
    # The deal binds the buyer to the terms: the panel says so beside its total.
    expect(panel.locator(".co-deal .co-order-terms")).to_have_text(
        re.compile(r"Agreed for the whole order:\s*pay within 10 days"))
    assert _latest_quote(page)["deal"]["terms"] == offer["terms"]
    _shot(panel, "order-terms-deal")
    page.goto("/demo/quotes")  # and on the company's quotes page
    expect(page.locator(".co-quote-card").first.locator(".co-order-terms")).to_have_text(
        re.compile(r"Agreed for the whole order:\s*pay within 10 days"))
    assert errors == []
    page.context.close()


def test_the_panel_fits_a_phone(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _buyer_with_a_cart(browser, demo_url, width=390)
    panel = page.locator(".co-quote-panel")
    pct = panel.get_by_label("Percent off the order (%)")
    pct.fill("6")
    pct.press("Enter")
    expect(panel.locator(".co-quote-offer").first).to_be_visible()
    # Nothing wider than the screen: the page does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(panel, "phone")
    panel.get_by_role("button", name="Accept this quote").first.click()
    panel.get_by_role("link", name="Check out at these prices").click()
    expect(page.locator(".quote-in-cart")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "phone-cart")
    page.goto("/demo/quotes")
    expect(page.locator(".co-quote-card")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "phone-list")
    assert errors == []
    page.context.close()


def _latest_quote(page: Any) -> Any:
    response = page.request.get("/negotiate/api/quotes")
    assert response.ok, response.text()
    data = response.json()
    return (data["quotes"] if isinstance(data, dict) else data)[0]


def _order_lines(page: Any) -> dict[str, tuple[int, Decimal]]:
    lines = {}
    for row in page.locator("table.cart tbody tr").all():
        sku = row.locator(".sku").inner_text().strip()
        cells = row.locator("td").all_inner_texts()
        lines[sku] = (int(cells[0].replace(",", "")), _money(cells[1]))
    return lines


def test_a_buyer_counters_asks_for_a_person_and_withdraws(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _buyer_with_a_cart(browser, demo_url)
    panel = page.locator(".co-quote-panel")
    panel.get_by_label("Order total (USD)").fill("118000.00")
    panel.get_by_role("button", name="Request a quote").click()
    expect(panel.locator(".co-round")).to_have_text("Round 1 of 3")
    expect(panel).to_contain_text("You asked for an order total of $118,000.00")

    # Round 2: a new order target and a line taken out (quantity 0).
    counter = panel.locator(".co-counter")
    expect(counter.get_by_role("heading", name="Counter-offer: round 2 of 3")).to_be_visible()
    counter.get_by_label("Percent off the order (%)").fill("")
    counter.get_by_label("Order total (USD)").fill("")
    counter.get_by_label("Percent off the order (%)").fill("4")
    counter.get_by_label("Quantity of FST-M8-50").fill("0")
    # With the bolts out, the gloves are the request's line 2 but the form's line 3: the
    # API's error about lines[1] still lands beside the gloves.
    gloves = counter.get_by_label("Target unit price for GLV-NIT-L (USD)")
    gloves.fill("9.999")
    counter.get_by_role("button", name="Send counter-offer").click()
    expect(gloves).to_have_attribute("aria-invalid", "true")
    expect(counter.locator('[data-co-error="lines.2.target_unit_price"]')).to_contain_text("decimal places")
    gloves.fill("")
    counter.get_by_role("button", name="Send counter-offer").click()
    expect(panel.locator(".co-round")).to_have_text("Round 2 of 3")
    expect(panel).to_contain_text("You asked for 4% off the order")
    quote = _latest_quote(page)
    assert [line["sku"] for line in quote["lines"]] == ["DEMO-120", "GLV-NIT-L"]
    # The cart still has the bolts: the panel says the quote is for other lines than the cart's.
    expect(panel).to_contain_text("Your cart has changed since you asked")

    panel.get_by_role("button", name="Ask a sales rep").click()
    expect(panel.get_by_role("heading", name="A sales rep will answer")).to_be_focused()
    _shot(panel, "escalated")
    page.reload()  # picked up again after a reload
    expect(panel.get_by_role("heading", name="A sales rep will answer")).to_be_visible()
    panel.get_by_role("button", name="Withdraw quote request").click()
    expect(panel.get_by_role("heading", name="Quote request withdrawn")).to_be_focused()
    assert _latest_quote(page)["status"] == "withdrawn"
    panel.get_by_role("button", name="Start a new quote request").click()
    expect(panel.get_by_label("Percent off the order (%)").first).to_be_focused()
    assert errors == []
    page.context.close()
