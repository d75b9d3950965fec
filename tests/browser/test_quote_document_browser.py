"""The quote document in Chromium against the demo shop (issue 15, item 2): the buyer of a
3-line cart asks for 6% off, downloads an offer's PDF from the quote panel, accepts, downloads
the accepted quote's PDF (its deal code on it), opens the page to print, and finds the
PDF again on the company's quotes page. Screenshots in
artifacts/quote-document*.png (the page as on screen, and as printed)."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.test_quote_panel_browser import ARTIFACTS, _buyer_with_a_cart, _latest_quote

pytestmark = pytest.mark.browser


def _pdf_text(download: Any) -> str:
    data = open(download.path(), "rb").read()  # noqa: SIM115 - a temporary file the browser wrote
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_buyer_downloads_the_quote_as_pdf_from_the_panel_and_prints_the_page(browser: Any, demo_url: str) -> None:
    from playwright.sync_api import expect

    page, errors = _buyer_with_a_cart(browser, demo_url)
    panel = page.locator(".co-quote-panel")
    pct = panel.get_by_label("Percent off the order (%)")
    pct.fill("6")
    pct.press("Enter")
    card = panel.locator(".co-quote-offer").first
    expect(card.get_by_role("link", name="Download this quote (PDF)")).to_be_visible()
    offer = next(o for o in _latest_quote(page)["offers"] if o["message"] in card.inner_text())
    with page.expect_download() as download:
        card.get_by_role("link", name="Download this quote (PDF)").click()
    text = _pdf_text(download.value)
    assert text.startswith("Quotation") and "Ironclad Supply" in text
    assert f"Total (USD) ${Decimal(offer['total']):,.2f}" in text

    card.get_by_role("button", name="Accept this quote").click()
    expect(panel.get_by_role("heading", name="Quote agreed")).to_be_visible()
    deal = _latest_quote(page)["deal"]
    with page.expect_download() as download:
        panel.locator(".co-deal").get_by_role("link", name="Download this quote (PDF)").click()
    text = _pdf_text(download.value)
    assert "Accepted quotation" in text and deal["token"] in text
    for line in deal["lines"]:
        assert re.search(rf"{line['sku']} .+ {line['quantity']:,} \${Decimal(line['unit_price']):,.2f} "
                         rf"\${Decimal(line['line_total']):,.2f}", text), (line, text)

    with page.context.expect_page() as opened:
        panel.locator(".co-deal").get_by_role("link", name="Printable page").click()
    document = opened.value
    document.wait_for_load_state()
    expect(document.get_by_role("heading", name="Accepted quotation")).to_be_visible()
    expect(document.locator("tfoot .co-doc-total")).to_contain_text(f"${Decimal(deal['total']):,.2f}")
    ARTIFACTS.mkdir(exist_ok=True)
    document.screenshot(path=str(ARTIFACTS / "quote-document.png"), full_page=True)
    document.emulate_media(media="print")
    expect(document.locator(".co-doc-actions")).to_be_hidden()  # the print stylesheet hides the links
    document.screenshot(path=str(ARTIFACTS / "quote-document-print.png"), full_page=True)

    page.goto("/demo/quotes")  # the company's quotes link each quote's document too
    card = page.locator(".co-quote-card").first
    with page.expect_download() as download:
        card.get_by_role("link", name="Download this quote (PDF)").click()
    assert deal["token"] in _pdf_text(download.value)
    assert errors == []
