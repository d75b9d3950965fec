"""What the widget's and the quote panel's "Have a competing offer?" sections add to a
request, and their light checks, read from a form by widget_told.js and quote_told.js on
kit.js's shared toldBody: only what was typed goes, and a half-filled section says which
field is missing before anything is sent."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

STATIC = Path(__file__).parents[2] / "counteroffer" / "plugin" / "static" / "counteroffer"
NAMES = ["competing_offer.competitor", "competing_offer.unit_price", "competing_offer.total",
         "competing_offer.lines.0.unit_price", "competing_offer.lines.1.unit_price",
         "competing_offer.valid_until", "competing_offer.note", "needed_by"]
FORM = ("<form>" + "".join(f'<input name="{name}">' for name in NAMES)
        + '<input name="competing_offer.document" type="file"></form>')
LINES = [{"sku": "DEMO-120"}, {"sku": "GLOVE-50"}]


@pytest.fixture()
def page(browser: Any) -> Any:
    page = browser.new_page()
    scripts = "".join(f"<script>{(STATIC / name).read_text()}</script>"
                      for name in ("kit.js", "widget_told.js", "quote_told.js"))
    page.set_content(FORM + scripts)
    yield page
    page.close()


def _fill(page: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f'[name="{name}"]', value)


def _widget(page: Any) -> Any:
    return page.evaluate("""() => { const form = document.forms[0], told = window.counterofferWidgetTold;
                                    const body = told.body(form); return [body, told.check(form, body)]; }""")


def _quote(page: Any, lines: list[dict[str, str]]) -> Any:
    return page.evaluate("lines => window.counterofferQuoteTold.read(document.forms[0], lines)", lines)


def test_an_empty_section_adds_nothing(page: Any) -> None:
    assert _widget(page) == [{}, {}]
    assert _quote(page, LINES) == {"body": {}, "fields": {}, "sent": []}


def test_a_whole_competing_offer_goes_as_typed_with_the_price_cleaned(page: Any) -> None:
    _fill(page, {"competing_offer.competitor": "Rival", "competing_offer.unit_price": "$0112.00",
                 "competing_offer.valid_until": "2026-12-31", "competing_offer.note": " by phone ",
                 "needed_by": "2026-12-20"})
    cited = {"competitor": "Rival", "unit_price": "112.00", "valid_until": "2026-12-31", "note": "by phone"}
    assert _widget(page) == [{"competing_offer": cited, "needed_by": "2026-12-20"}, {}]


def test_a_quote_cites_line_prices_and_says_which_line_of_the_form_each_is(page: Any) -> None:
    _fill(page, {"competing_offer.competitor": "Rival", "competing_offer.lines.1.unit_price": "15.00"})
    assert _quote(page, LINES) == {"body": {"competing_offer": {"competitor": "Rival", "lines": [
        {"sku": "GLOVE-50", "unit_price": "15.00"}]}}, "fields": {}, "sent": [1]}


def test_needed_by_alone_goes_without_a_competing_offer(page: Any) -> None:
    _fill(page, {"needed_by": "2026-12-20", "competing_offer.note": "ignored without a competitor"})
    assert _widget(page) == [{"needed_by": "2026-12-20"}, {}]
    assert _quote(page, LINES)["body"] == {"needed_by": "2026-12-20"}


def test_a_half_filled_section_names_the_missing_field(page: Any) -> None:
    _fill(page, {"competing_offer.competitor": "Rival"})
    assert _widget(page)[1] == {"competing_offer.unit_price": ["Enter their unit price, like 112.00."]}
    assert _quote(page, LINES)["fields"] == {
        "competing_offer.total": ["Enter their order total, or their unit price for a line."]}
    _fill(page, {"competing_offer.competitor": "", "competing_offer.unit_price": "110", "competing_offer.total": "900",
                 "competing_offer.lines.0.unit_price": "100"})
    assert _widget(page)[1] == {"competing_offer.competitor": ["Name the competitor, or leave their price empty."]}
    assert _quote(page, LINES)["fields"] == {
        "competing_offer.competitor": ["Name the competitor, or leave their prices empty."],
        "competing_offer.total": ["Give their order total or their line prices, not both."]}
