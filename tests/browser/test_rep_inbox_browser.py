"""The approvals inbox in a real browser: a buyer's request escalates in the widget, a
person with the authority approves it from the back office, the buyer's widget shows
the deal.

1,000 units of DEMO-120 at $90.00 is below the $96.00 floor but within 10% of it, so
the engine hands it to a person. It is 25% off the price for the quantity: beyond Rita's
10% (the account's owner rep), so routing sends it up to her manager, Max, who may give
25%. Max's inbox also shows Rita's open escalations.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The artifact is always written; the docs' picture only when asked (as for the widget).
SCREENSHOTS = (ROOT / "artifacts" / "inbox.png",) + (
    (ROOT / "docs" / "img" / "inbox.png",) if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1" else ())
WIRE = {"sku": "CBL-THN-12", "quantity": 100, "target_unit_price": "85.00", "currency": "USD"}
HEADLINE = "Acme Corp: 1,000 × DEMO-120 at $90.00"


def _context(browser: Any, demo_url: str) -> tuple[Any, list[str]]:
    context = browser.new_context(base_url=demo_url, locale="en-US", timezone_id="UTC",
                                  viewport={"width": 1200, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # What the pages' CSP blocks is reported on the console; a stylesheet or script that
    # failed is a response. (Pages answering 4xx on purpose are documents, not counted.)
    page.on("console", lambda message: problems.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type in ("stylesheet", "script")
            else None)
    return page, problems


def _ask_in_the_widget(browser: Any, demo_url: str) -> Any:
    from playwright.sync_api import expect

    page, problems = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "buyer@acme"}).ok
    page.goto("/products/DEMO-120")
    widget = page.locator(".co-widget")
    widget.get_by_label("Quantity", exact=True).fill("1000")
    widget.get_by_label("Target unit price (USD)").fill("90.00")
    widget.get_by_role("button", name="Request a better price").click()
    expect(widget.get_by_role("heading", name="A sales rep will answer")).to_be_visible()
    assert problems == []
    return page


def _ask_through_the_api(browser: Any, demo_url: str) -> None:
    context = browser.new_context(base_url=demo_url)
    assert context.request.post("/demo/login", data={"username": "buyer@globex"}).ok
    created = context.request.post("/negotiate/api/requests", data=WIRE)
    assert created.status == 201 and created.json()["status"] == "escalated"
    context.close()


def _log_in_from_the_inbox(page: Any, user: str) -> None:
    from playwright.sync_api import expect

    page.goto("/negotiate/admin/escalations")
    expect(page).to_have_url(re.compile(r"/demo/login\?next="))  # the host's login page
    page.get_by_role("button", name=f"Log in as {user}").click()
    expect(page).to_have_url(re.compile(r"/negotiate/admin/escalations$"))


def test_a_manager_approves_an_escalated_request_and_the_buyer_gets_the_deal(browser: Any,
                                                                            demo_url: str) -> None:
    from playwright.sync_api import expect

    buyer = _ask_in_the_widget(browser, demo_url)
    _ask_through_the_api(browser, demo_url)
    page, problems = _context(browser, demo_url)
    _log_in_from_the_inbox(page, "manager@seller")

    expect(page.get_by_role("heading", name="Approvals inbox", level=1)).to_be_visible()
    cards = page.locator(".coa-card")
    expect(cards).to_have_count(2)
    card = cards.filter(has=page.get_by_role("heading", name=HEADLINE))
    for fact in ("Alice Archer", "wholesale segment", "$96.00", "$80.00", "25% off",
                 "Assigned to", "Max Moreno", "sent to a person"):
        expect(card).to_contain_text(fact)
    expect(cards.filter(has_text="Globex: 100 × CBL-THN-12")).to_contain_text("Rita Reyes")
    _save_screenshot(page)

    # Keyboard: the card's Decide link, then the form.
    card.get_by_role("link", name=f"Decide on {HEADLINE}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=HEADLINE, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Download the audit trail (CSV)")).to_be_visible()
    approve = page.get_by_label("Approve the target: 1,000 units at $90.00 each")
    approve.focus()
    page.keyboard.press("Space")
    expect(approve).to_be_checked()

    page.get_by_role("button", name="Send decision").click()  # no rationale yet
    expect(page.get_by_role("alert")).to_contain_text("Check the decision")
    rationale = page.get_by_label("Rationale")
    expect(rationale).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#coa-rationale-error")).to_have_text(
        "Say why: the rationale goes into the audit trail.")
    expect(approve).to_be_checked()  # the choice survived the round trip

    rationale.fill("Acme orders 12,000 a year; worth it to keep them.")
    page.get_by_role("button", name="Send decision").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Approved: Acme Corp, 1,000 x DEMO-120.")
    expect(page.locator(".coa-card")).to_have_count(1)  # Rita's request is still open
    assert problems == []

    buyer.reload()
    widget = buyer.locator(".co-widget")
    expect(widget.get_by_role("heading", name="Deal agreed")).to_be_visible()
    expect(widget.locator(".co-deal")).to_contain_text("1,000 units")
    expect(widget.locator(".co-deal")).to_contain_text("$90.00")
    expect(widget.locator(".co-note")).to_contain_text("approved $90.00 each")  # the rep's word
    buyer.context.close()
    page.context.close()


def test_a_buyer_who_opens_the_inbox_gets_the_403_page(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, _ = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "buyer@acme"}).ok
    response = page.goto("/negotiate/admin/escalations")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.context.close()


def _save_screenshot(page: Any) -> None:
    for path in SCREENSHOTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True, animations="disabled")
