"""In Chromium: a rep counters with an internal rationale and a message to the buyer; the
buyer's widget shows the message with the offer, never the rationale (issue 22)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _ask_in_the_widget, _context, _log_in_from_the_inbox

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts"
RATIONALE = "Acme is negotiating with a competitor; keep them."
MESSAGE = "We can do $100.00 for 1,000 units this week."


def test_the_buyer_reads_the_reps_message_and_not_the_rationale(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    buyer = _ask_in_the_widget(browser, demo_url)  # Acme: 1,000 DEMO-120 at $90.00, to Max
    page, problems = _context(browser, demo_url)
    _log_in_from_the_inbox(page, "manager@seller")
    page.get_by_role("link", name="Decide on").first.click()
    page.get_by_label("Counter-offer").check()
    page.get_by_label("Unit price (USD)").fill("100.00")
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_label("Message to the buyer").fill(MESSAGE)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "decision-buyer-message.png"), full_page=True)
    page.get_by_role("button", name="Send decision").click()
    expect(page.get_by_role("status")).to_contain_text("Counter-offer sent")
    assert problems == []

    buyer.goto("/products/DEMO-120")
    widget = buyer.locator(".co-widget")
    expect(widget.get_by_role("heading", name="Here is what we can offer")).to_be_visible()
    expect(widget).to_contain_text(f"Max Moreno writes: “{MESSAGE}”")
    expect(widget).not_to_contain_text(RATIONALE)
    buyer.screenshot(path=str(SCREENSHOTS / "widget-buyer-message.png"), full_page=True)
    page.context.close()
    buyer.context.close()
