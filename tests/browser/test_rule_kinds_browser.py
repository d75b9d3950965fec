"""The rule editor's kind forms in Chromium, by keyboard alone: a pricing manager adds a
term lever (first forgetting its value, and seeing the error next to the field) and a
Boulware concession policy, moving with Tab, the arrow keys and Enter; nothing is clicked.
The pages run under the back office's CSP with no violation."""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _context

pytestmark = pytest.mark.browser


def _focused(page: Any) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.textContent.trim()")


def _tab_to(page: Any, name: str) -> None:
    """Tab once, and check the focus order: the next control is the one named."""
    page.keyboard.press("Tab")
    assert _focused(page) == name


def _press(locator: Any) -> None:
    locator.focus()  # where a keyboard user's Tab would stop; then Enter, never a click
    locator.page.keyboard.press("Enter")


def _new_rule(page: Any, label: str) -> None:
    page.goto("/negotiate/admin/rules?version=draft")
    _press(page.get_by_role("link", name=label, exact=True))
    page.wait_for_url("**/admin/rules/new?kind=*")


def _draft_params(page: Any, kind: str) -> list[dict]:
    return [rule["params"] for rule in
            page.request.get(f"/negotiate/api/rules?version=draft&kind={kind}").json()["items"]]


def _term_lever_by_keyboard(page: Any) -> None:
    from playwright.sync_api import expect

    _new_rule(page, "Term lever")
    page.get_by_label("Category").focus()
    page.keyboard.type("hydraulics")
    for name in ("segment", "priority", "group"):
        _tab_to(page, name)
    page.keyboard.press("ArrowDown")  # Payment terms -> Delivery
    _tab_to(page, "option")
    page.keyboard.type("pickup")
    _tab_to(page, "label")
    page.keyboard.type("collect it yourself")
    _tab_to(page, "value_basis")
    page.keyboard.press("ArrowDown")  # a share of the price -> an amount per unit
    _tab_to(page, "value")
    page.keyboard.press("Enter")  # sent without a value
    value = page.get_by_label("Value", exact=True)
    expect(value).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-value")).to_have_text("Enter what this option is worth to the seller, such as 2.")
    expect(page.get_by_label("Group")).to_have_value("delivery")  # what was typed is kept
    expect(page.get_by_label("an amount per unit")).to_be_checked()
    value.focus()
    page.keyboard.type("0.40")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved rule")


def _concession_by_keyboard(page: Any) -> None:
    from playwright.sync_api import expect

    _new_rule(page, "Concession policy")
    page.get_by_label("SKU").focus()
    page.keyboard.type("DEMO-120")
    for name in ("category", "segment", "priority", "max_discount_pct"):
        _tab_to(page, name)
    page.keyboard.type("10")
    _tab_to(page, "first_position_pct")
    page.keyboard.type("25")
    _tab_to(page, "rounds")  # 3 by default
    _tab_to(page, "curve")  # on the checked preset: Linear
    page.keyboard.press("ArrowUp")  # -> Boulware
    _tab_to(page, "exponent")
    _tab_to(page, "Save to the draft")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved rule")


def test_a_term_lever_and_a_concession_by_keyboard_alone(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, problems = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "manager@seller"}).ok
    page.goto("/negotiate/admin/rules")
    _press(page.get_by_role("button", name="Start a draft"))
    expect(page.get_by_role("status")).to_contain_text("Draft started")

    _term_lever_by_keyboard(page)
    assert {"group": "delivery", "option": "pickup", "label": "collect it yourself",
            "value_per_unit": "0.40"} in _draft_params(page, "term_lever")
    _concession_by_keyboard(page)
    assert {"max_discount_pct": "10", "first_position_pct": "25", "exponent": "0.2",
            "rounds": 3} in _draft_params(page, "concession")
    assert problems == []
    page.context.close()


def test_order_tiers_and_an_order_lever_by_keyboard_alone(browser: Any, demo_url: str, tmp_path: Any) -> None:
    """The whole-quote kinds (docs/quotes.md): order tiers typed one a line, and a term
    lever of scope "order" chosen with the arrow keys."""
    from playwright.sync_api import expect

    page, problems = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "manager@seller"}).ok
    page.goto("/negotiate/admin/rules")
    _press(page.get_by_role("button", name="Start a draft"))
    # As the test above: the draft's page first, else the next goto aborts its navigation.
    expect(page.get_by_role("status")).to_contain_text("Draft started")
    _new_rule(page, "Order-value tiers (quotes)")
    page.get_by_label("Tiers, one per line: order value @ discount %").focus()
    page.keyboard.type("$25,000 @ 2%")
    page.keyboard.press("Enter")
    page.keyboard.type("100000 @ 3.5")
    page.screenshot(path=str(tmp_path / "order_tiers.png"), full_page=True)
    _press(page.get_by_role("button", name="Save to the draft"))
    expect(page.get_by_role("status")).to_contain_text("Saved rule")
    assert {"tiers": [{"min_order_value": "25000", "discount_pct": "2"},
                      {"min_order_value": "100000", "discount_pct": "3.5"}]} in _draft_params(page, "order_tiers")

    _new_rule(page, "Term lever")
    page.get_by_label("Option", exact=True).focus()  # not "Lead time (days, optional)"
    page.keyboard.type("net10")
    _tab_to(page, "label")
    page.keyboard.type("pay within 10 days")
    _tab_to(page, "value_basis")
    _tab_to(page, "value")
    page.keyboard.type("1.5")
    _tab_to(page, "bundle_levers")
    _tab_to(page, "scope")
    page.keyboard.press("ArrowDown")  # each product's price -> a whole quote
    expect(page.get_by_label("a whole quote", exact=False)).to_be_checked()
    page.screenshot(path=str(tmp_path / "order_lever.png"), full_page=True)
    _press(page.get_by_role("button", name="Save to the draft"))
    expect(page.get_by_role("status")).to_contain_text("Saved rule")
    assert {"group": "payment", "option": "net10", "label": "pay within 10 days", "value_pct": "1.5",
            "scope": "order"} in _draft_params(page, "term_lever")
    assert problems == []
    page.context.close()
