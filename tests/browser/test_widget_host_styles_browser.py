"""The widget inside a host whose stylesheet shouts: uppercase, spaced-out headings and
a themed accent colour (issue 26, item 7). The widget keeps the host's font and takes
the host's --co-* colours, but none of its typographic effects."""
from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

# What shop themes do: bare elements and a page section, some loaded after the widget's
# stylesheet, one with an id in the selector the reset does not try to outrank.
HOST_CSS = """
body { font-family: Georgia, serif; }
h2, h3, h4 { text-transform: uppercase; letter-spacing: 0.3em; text-shadow: 1px 1px red; }
main h3, .product h3 { text-transform: uppercase; text-align: center; }
p, label, button { text-transform: uppercase; letter-spacing: 4px; }
.co-widget { --co-accent: rgb(200, 0, 100); }
:root { --co-border: rgb(1, 2, 3); }
"""


def _style(locator: Any, prop: str) -> str:
    return locator.evaluate(f"el => getComputedStyle(el).getPropertyValue('{prop}')")


def test_host_typography_stays_out_and_host_colours_come_in(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(base_url=demo_url, locale="en-US", timezone_id="UTC")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    assert page.request.post("/demo/login", data={"username": "buyer@acme"}).ok
    page.goto("/products/DEMO-120")
    page.add_style_tag(content=HOST_CSS)
    widget = page.locator(".co-widget")
    widget.get_by_label("Quantity", exact=True).fill("1000")
    widget.get_by_label("Target unit price (USD)").fill("110.00")
    widget.get_by_role("button", name="Request a better price").click()
    heading = widget.get_by_role("heading", name="Here is what we can offer")
    expect(heading).to_be_visible()

    for element in (heading, widget.locator(".co-offer p").first, widget.locator("label").first,
                    widget.get_by_role("button", name="Accept").first):
        assert _style(element, "text-transform") == "none"
        assert _style(element, "letter-spacing") == "normal"
    assert _style(heading, "text-shadow") == "none"
    assert _style(heading, "text-align") == "start"
    # The host's font and its accent colour are the widget's, as the docs promise.
    assert "Georgia" in _style(heading, "font-family")
    accept = widget.get_by_role("button", name="Accept").first
    assert _style(accept, "background-color") == "rgb(200, 0, 100)"  # set on .co-widget
    assert _style(widget, "border-top-color") == "rgb(1, 2, 3)"  # set on :root
    # And the page around it keeps the host's look.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<h3 id=host-h3>Host</h3>')")
    assert _style(page.locator("#host-h3"), "text-transform") == "uppercase"
    assert errors == []
    context.close()
