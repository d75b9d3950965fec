"""Out of office in a real browser: Rita goes from her inbox to the out-of-office page,
says Max stands in today, by keyboard, sees it listed, and ends it."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _context, _log_in_from_the_inbox

pytestmark = pytest.mark.browser


def test_a_rep_sets_who_stands_in_today_and_ends_it(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, problems = _context(browser, demo_url)
    _log_in_from_the_inbox(page, "rep@seller")
    page.get_by_role("link", name="Out of office: who stands in for you").click()
    expect(page.get_by_role("heading", name="Out of office", level=1)).to_be_visible()
    expect(page.get_by_text("Nobody is away.")).to_be_visible()

    page.get_by_role("button", name="Save").click()  # nobody chosen, no last day
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_label("Who stands in", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#coa-delegate_id-error")).to_have_text("Choose who stands in.")

    today = datetime.now(UTC).date().isoformat()  # the demo runs on the real clock
    page.get_by_label("Who stands in", exact=True).select_option(label="Max Moreno")
    page.get_by_label("First day away").fill(today)
    page.get_by_label("Last day away").fill(today)
    page.get_by_label("Last day away").press("Enter")  # submits the form, as Save would
    expect(page.get_by_role("status")).to_contain_text("Max Moreno stands in for Rita Reyes")
    row = page.get_by_role("row").filter(has_text="Max Moreno")
    expect(row).to_contain_text("Now")

    end = row.get_by_role("button", name="End now: Max Moreno standing in for Rita Reyes")
    end.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Max Moreno standing in for Rita Reyes: ended now.")
    expect(page.get_by_text("Nobody is away.")).to_be_visible()
    assert problems == []
    page.context.close()
