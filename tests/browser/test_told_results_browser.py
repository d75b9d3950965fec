"""What buyers told, on its own back-office page in a real browser (issue 16, item 5): a
manager follows the results dashboard's link to it, reads the competitors cited, the win
rates with and without a citation and the lost reasons, and downloads the competitors as
CSV, with no CSP violation.

History through the buyer API on the demo shop (whose DEMO-120 rule matches any cited
competitor): Acme cites Globex Supply at $112.00 for 1,000 DEMO-120 (list $120.00), is
matched and takes it; Globex cites Umbrella at $90.00, below the floor (a person), and
withdraws: found it cheaper; Acme asks without a citation and withdraws: price too high.
Then Acme asks a whole-cart quote for 1,000 DEMO-120 citing Globex Supply's total of
$116,000.00, and the manager narrows the page to quotes.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _context

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "artifacts" / "told-results.png"
QUOTES_SCREENSHOT = SCREENSHOT.with_name("told-results-quotes.png")


def _ask(context: Any, target: str, cited: tuple[str, str] | None = None) -> dict:
    body: dict[str, Any] = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": target, "currency": "USD"}
    if cited:
        body["competing_offer"] = {"competitor": cited[0], "unit_price": cited[1]}
    created = context.request.post("/negotiate/api/requests", data=body)
    assert created.status == 201, created.text()
    return created.json()


def _buyer(browser: Any, demo_url: str, username: str) -> Any:
    context = browser.new_context(base_url=demo_url)
    assert context.request.post("/demo/login", data={"username": username}).ok
    return context


def _history(browser: Any, demo_url: str) -> None:
    acme = _buyer(browser, demo_url, "buyer@acme")
    matched = _ask(acme, "100.00", ("Globex Supply", "112.00"))
    [match] = [offer for offer in matched["offers"] if offer["kind"] == "match"]
    assert acme.request.post(f"/negotiate/api/offers/{match['id']}/accept", data={}).ok
    plain = _ask(acme, "100.00")
    assert acme.request.post(f"/negotiate/api/requests/{plain['id']}/withdraw", data={"reason": "price_too_high"}).ok
    acme.close()
    globex = _buyer(browser, demo_url, "buyer@globex")
    below = _ask(globex, "90.00", ("Umbrella", "90.00"))
    assert below["status"] == "escalated"
    assert globex.request.post(f"/negotiate/api/requests/{below['id']}/withdraw", data={"reason": "found_cheaper"}).ok
    globex.close()


def test_a_manager_reads_what_buyers_told(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    _history(browser, demo_url)
    page, problems = _context(browser, demo_url)
    assert page.request.post("/demo/login", data={"username": "manager@seller"}).ok
    page.goto("/negotiate/admin/results")
    expect(page.get_by_role("region", name="What buyers told")).to_have_count(0)  # only a link here
    page.get_by_role("link", name="What buyers told: competitors, win rates, lost reasons").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What buyers told: competitors, win rates, lost reasons")
    results_link = page.get_by_role("navigation", name="Back office").get_by_role("link", name="Results", exact=True)
    expect(results_link).to_have_attribute("aria-current", "page")
    told = page.get_by_role("region", name="What buyers told")
    expect(told).to_be_visible()
    wins = told.get_by_role("table", name=re_start("Win rate with and without a competing offer"))
    expect(wins.get_by_role("row", name=re_start("With a citation"))).to_contain_text("2")
    expect(wins.get_by_role("row", name=re_start("Cited and matched"))).to_contain_text("100%")
    expect(wins.get_by_role("row", name=re_start("Without a citation"))).to_contain_text("0%")
    competitors = told.get_by_role("table", name=re_start("Competitors cited"))
    expect(competitors.get_by_role("row", name=re_start("Globex Supply"))).to_contain_text("-$8.00")
    expect(competitors.get_by_role("row", name=re_start("Umbrella"))).to_contain_text("-$30.00")
    lost = told.get_by_role("table", name=re_start("Why requests ended without a deal"))
    expect(lost).to_contain_text("Found it cheaper elsewhere")
    expect(told.get_by_role("table", name=re_start("By segment"))).to_contain_text("retail")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True, animations="disabled")

    with page.expect_download() as download:
        competitors.get_by_role("link", name="download (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [(row["competitor"], row["citations"], row["median_gap"]) for row in rows] == [
        ("Globex Supply", "1", "-8.00"), ("Umbrella", "1", "-30.00"), ("total", "2", "-19.00")]
    _quote(browser, demo_url)
    page.get_by_label("Negotiations").select_option(label="Whole-cart quotes")
    page.get_by_role("button", name="Show").click()
    told = page.get_by_role("region", name="What buyers told")
    expect(told).to_contain_text("Whole-cart quotes of the period")
    wins = told.get_by_role("table", name=re_start("Win rate with and without a competing offer"))
    expect(wins.get_by_role("row", name=re_start("Every quote"))).to_contain_text("1")
    quoted = told.get_by_role("table", name=re_start("Competitors cited")).get_by_role("row", name=re_start("Globex"))
    expect(quoted).to_contain_text("-$4.00")  # $116.00 a unit against our $120.00
    expect(quoted).to_contain_text("-3.3%")
    expect(told.get_by_role("table", name=re_start("Competitors cited"))).not_to_contain_text("Umbrella")
    page.screenshot(path=str(QUOTES_SCREENSHOT), full_page=True, animations="disabled")
    assert problems == []
    page.context.close()


def _quote(browser: Any, demo_url: str) -> None:
    acme = _buyer(browser, demo_url, "buyer@acme")
    created = acme.request.post("/negotiate/api/quotes", data={
        "currency": "USD", "lines": [{"sku": "DEMO-120", "quantity": 1000}],
        "competing_offer": {"competitor": "Globex Supply", "total": "116000.00"}})
    assert created.status == 201, created.text()
    acme.close()


def re_start(text: str) -> re.Pattern[str]:
    """An accessible name that starts with ``text`` (captions carry their CSV link)."""
    return re.compile("^" + re.escape(text))
