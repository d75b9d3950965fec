"""In Chromium: every back-office screen is reached from the header (issue 22). A
manager with an escalation waiting follows Inbox, Rules, Results and Experiments by
keyboard, reads the rules in plain words, and starts an experiment from its page; the
rep's header has the inbox alone. No CSP violation."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _context
from tests.browser.test_results_browser import _history

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _follow(page: Any, label: str) -> None:
    """Tab to the header link and press Enter, as a keyboard user does."""
    link = page.get_by_role("navigation", name="Back office").get_by_role("link", name=label)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_a_manager_reaches_every_part_from_the_header_and_starts_an_experiment(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    _history(browser, demo_url)  # one escalation waits (Globex's cable, Rita's, Max's report)
    page, problems = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "manager@seller"}).ok
    rule = {"kind": "price_breaks", "sku": "DEMO-120", "priority": 1,
            "params": {"breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}}
    assert page.request.post("/negotiate/api/rules", data=rule).status == 201
    assert page.request.post("/negotiate/api/rules/publish", data={"note": "2,000-unit break"}).status == 201

    page.goto("/negotiate/admin/results")
    nav = page.get_by_role("navigation", name="Back office")
    expect(nav.get_by_role("link")).to_have_text(["Inbox 1 waiting", "Rules", "Results", "Experiments"])
    _follow(page, "Inbox")
    expect(nav.get_by_role("link", name="Inbox 1 waiting")).to_have_attribute("aria-current", "page")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "back-office-header.png"))
    _follow(page, "Rules")
    expect(page.locator("main")).to_contain_text("Floor: 20% over cost")
    expect(page.locator("main")).to_contain_text("from 2,000 units: $110.00")
    page.screenshot(path=str(ARTIFACTS / "rules-in-words.png"), full_page=True)
    _follow(page, "Experiments")
    page.get_by_label("Name").fill("2,000-unit break")
    page.get_by_label("Arm A (control)").select_option("1")
    page.get_by_label("Arm B (challenger)").select_option("2")
    page.get_by_label("Buyers in arm B (%)").fill("30")
    page.screenshot(path=str(ARTIFACTS / "experiment-start.png"), full_page=True)
    page.get_by_role("button", name="Start the experiment").click()
    expect(page.locator(".coa-flash-success")).to_contain_text("30% of buyers get version 2's rules")
    expect(page.get_by_role("heading", name="2,000-unit break")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "experiments.png"), full_page=True)
    assert problems == []

    rep, rep_problems = _context(browser, demo_url)
    assert rep.request.post("/demo/login", data={"username": "rep@seller"}).ok
    rep.goto("/negotiate/admin/escalations")
    expect(rep.get_by_role("navigation", name="Back office").get_by_role("link")).to_have_text(["Inbox 1 waiting"])
    assert rep_problems == []
    page.context.close()
    rep.context.close()
