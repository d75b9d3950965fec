"""The rule editor in a real browser: a pricing manager moves DEMO-120's price break from
3,000 to 2,000 units in a draft, simulates it on the last 30 days of requests (Globex asked
for 1,500 at $110.00; a worker runs the job while the page's progress bar polls), sees the request whose answer
changes, publishes, and the buyer's next request in the widget gets the new trade-off.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_rep_inbox_browser import _context

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS = os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1"


def _save_screenshot(page: Any, name: str) -> None:
    """Always in artifacts/; the docs' picture only when asked (as for the other pages)."""
    for folder in (ROOT / "artifacts",) + ((ROOT / "docs" / "img",) if DOCS else ()):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / name), full_page=True, animations="disabled")
ASK = {"sku": "DEMO-120", "quantity": 1500, "target_unit_price": "110.00", "currency": "USD"}


@pytest.fixture()
def shop(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    """The demo shop over real HTTP, and its app (the test runs the worker's jobs)."""
    from werkzeug.serving import make_server

    from counteroffer.demo import create_app

    app = create_app({"COUNTEROFFER_DATABASE_URL": f"sqlite:///{tmp_path}/shop.db",
                      "SECRET_KEY": "test", "TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            app.extensions["counteroffer"].close()


def _run_the_worker(app: Any) -> None:
    """What `flask counteroffer worker --burst` does: relay the outbox, run the jobs."""
    from rq import SimpleWorker

    from counteroffer.jobs import bind_runtime
    from counteroffer.jobs.queue import make_queue
    from counteroffer.plugin.wiring.worker import job_runtime

    extension = app.extensions["counteroffer"]
    with app.app_context():
        bind_runtime(job_runtime(app, extension))
        try:
            assert extension.relay_outbox() >= 1
            queue = make_queue(extension.state.settings.queue_name, extension.state.redis.client())
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        finally:
            bind_runtime(None)


def _buyer_asks(browser: Any, url: str) -> dict:
    context = browser.new_context(base_url=url)
    assert context.request.post("/demo/login", data={"username": "buyer@globex"}).ok
    answer = context.request.post("/negotiate/api/requests", data=ASK).json()
    context.close()
    return answer


def test_change_a_break_simulate_publish_and_the_next_buyer_gets_it(browser: Any, shop: tuple[Any, str]) -> None:
    from playwright.sync_api import expect

    app, url = shop
    assert "3,000 in total" in _buyer_asks(browser, url)["offers"][0]["message"]  # the history
    page, problems = _context(browser, url)
    assert page.request.post("/demo/login", data={"username": "manager@seller"}).ok
    page.goto("/negotiate/admin/rules")
    page.get_by_role("button", name="Start a draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft started")

    page.get_by_label("SKU starts with").fill("DEMO-120")
    page.get_by_label("Kind").select_option("price_breaks")
    page.get_by_role("button", name="Filter").click()
    page.locator("table.coa-table a", has_text="edit").first.click()
    breaks = page.get_by_label("Breaks, one per line: quantity @ unit price")
    breaks.fill("2000 @ 110.00\n1000 @ 100.00")
    page.get_by_role("button", name="Save to the draft").click()  # quantities not increasing
    expect(breaks).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-breaks")).to_have_text("Quantities must be strictly increasing.")
    _save_screenshot(page, "rules-editor.png")
    breaks.fill("2000 @ 110.00")
    page.get_by_role("button", name="Save to the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Saved rule")

    page.get_by_role("link", name="Simulate", exact=True).click()
    page.get_by_label("The requests of the last … days").fill("30")
    page.get_by_role("button", name="Run the simulation").click()
    # No worker runs in this test until _run_the_worker: the page says so, and how to start one.
    expect(page.get_by_role("heading", name="No worker is running")).to_be_visible()
    expect(page.locator("#coa-no-worker")).to_contain_text("flask counteroffer worker")
    _run_the_worker(app)
    # rules.js sees the job done and reloads the page with the result.
    expect(page.get_by_role("heading", name="1 request would be answered differently")).to_be_visible(timeout=15_000)
    changes = page.locator("table.coa-changes")
    expect(changes).to_contain_text("3,000 in total")
    expect(changes).to_contain_text("2,000 in total")
    expect(page.locator("#coa-progress")).to_have_attribute("value", "100")
    _save_screenshot(page, "rules-simulation.png")

    page.get_by_label("Note").fill("break from 2,000 units")
    page.get_by_role("button", name="Publish the draft").click()
    expect(page.get_by_role("status")).to_contain_text("Published version 2")
    assert problems == []

    buyer, _ = _context(browser, url)
    assert buyer.request.post("/demo/login", data={"username": "buyer@acme"}).ok
    buyer.goto("/products/DEMO-120")
    widget = buyer.locator(".co-widget")
    widget.get_by_label("Quantity", exact=True).fill("1500")
    widget.get_by_label("Target unit price (USD)").fill("110.00")
    widget.get_by_role("button", name="Request a better price").click()
    expect(widget).to_contain_text("Buy 500 more units (2,000 in total)")
    buyer.context.close()
    page.context.close()
