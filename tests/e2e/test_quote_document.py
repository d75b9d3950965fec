"""The quote document (issue 15, item 2): an offer and an accepted quote as a page to print
and as a PDF read back with pypdf, its lines and totals as the quote had them; who may
fetch it; the path e-mails link to. SQLite and PostgreSQL."""
from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask, url_for
from pypdf import PdfReader

from counteroffer.negotiation import quote_document_path
from counteroffer.plugin.buying.quote_document_api import DOCUMENT_CSP
from tests.conftest import BUYER_ACME, BUYER_ACME_2, BUYER_GLOBEX, MANAGER, REP, ApiClient, FrozenClock
from tests.e2e.test_quotes_api import AS_ASKED, SIX_OFF, asked

SECRET_WORDS = ("floor", "guard", "cost", "margin", "headroom")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def accepted(api: ApiClient, body: dict[str, Any] = AS_ASKED) -> tuple[dict[str, Any], dict[str, Any]]:
    quote = asked(api, body)
    deal = api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept")
    assert deal.status_code == 201, deal.json
    return quote, deal.json


def test_an_accepted_quote_prints_its_lines_totals_and_deal_code_in_a_pdf(app: Flask, api: ApiClient) -> None:
    app.config["COUNTEROFFER_SELLER_NAME"] = "Ironclad Supply"
    quote, deal = accepted(api)
    response = api.get(f"/quotes/{quote['id']}/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Accepted quotation" in text
    assert "Ironclad Supply" in text and "Acme Corp, attn. Ann" in text
    assert quote["id"] in text and "Revision 1" in text.replace("\n", " ")
    assert deal["token"] in text
    # Each line: SKU, name, quantity, unit price, line total; then the total, as the deal has them.
    assert re.search(r"DEMO-120 Hydraulic fitting 1,000 \$120\.00 \$120,000\.00", text), text
    assert re.search(r"GLOVE-50 Nitrile gloves, carton of 50 500 \$18\.00 \$9,000\.00", text), text
    assert "Total (USD) $129,000.00" in text and deal["total"] == "129000.00"
    assert not any(word in text.lower() for word in SECRET_WORDS)
    lines = [{"sku": line["sku"], "quantity": line["quantity"]} for line in deal["lines"]]
    redeemed = api.post(f"/quote-deals/{deal['token']}/redeem", json={"lines": lines, "order_ref": "SO-42"})
    assert redeemed.status_code == 200
    assert "Accepted, and used for order SO-42." in pdf_text(api.get(f"/quotes/{quote['id']}/document.pdf").data)


def test_an_offer_prints_as_a_quotation_with_its_validity_and_savings(api: ApiClient) -> None:
    quote = asked(api, SIX_OFF)
    offer = quote["offers"][0]
    text = pdf_text(api.get(f"/quotes/{quote['id']}/document.pdf?offer={offer['id']}").data)
    assert text.startswith("Quotation") and "Deal code" not in text
    assert f"Total (USD) ${float(offer['total']):,.2f}" in text
    for line in offer["lines"]:
        assert f"{line['sku']} " in text and f"${float(line['line_total']):,.2f}" in text
    assert "Catalog price for these quantities" in text
    assert "This offer holds until" in text


def test_the_page_to_print_has_the_same_lines_its_own_stylesheet_and_a_print_rule(app: Flask, api: ApiClient) -> None:
    quote, deal = accepted(api)
    response = api.get(f"/quotes/{quote['id']}/document.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == DOCUMENT_CSP
    page = response.get_data(as_text=True)
    assert "<td>DEMO-120</td><td>Hydraulic fitting</td>" in page and "$120,000.00" in page
    assert "$129,000.00" in page and deal["token"] in page
    css = app.test_client().get(re.search(r'href="([^"]+quote_document\.css)"', page).group(1))
    assert css.status_code == 200 and b"@media print" in css.data


def test_the_buyers_colleagues_and_the_sellers_people_may_fetch_it_and_nobody_else(api: ApiClient) -> None:
    quote, _deal = accepted(api)
    path = f"/quotes/{quote['id']}/document.pdf"
    for actor in (BUYER_ACME_2, REP, MANAGER):
        assert api.as_(actor).get(path).status_code == 200, actor
    response = api.as_(BUYER_GLOBEX).get(path)
    assert response.status_code == 404 and response.json["error"]["message"] == "No such quote."
    assert api.as_(None).get(path).status_code == 401
    assert api.as_(BUYER_ACME).get("/quotes/nosuchquote/document.html").status_code == 404


def test_an_offer_of_another_quote_is_not_found_and_a_bad_query_is_named(api: ApiClient) -> None:
    first, second = asked(api), asked(api, SIX_OFF)
    response = api.get(f"/quotes/{first['id']}/document.pdf?offer={second['offers'][0]['id']}")
    assert response.status_code == 404
    response = api.get(f"/quotes/{first['id']}/document.pdf?page=2")
    assert response.status_code == 422 and "page" in response.json["error"]["fields"]


def test_the_link_for_e_mails_is_the_route_flask_serves(app: Flask) -> None:
    with app.test_request_context():
        served = url_for("negotiation.quote_document_pdf", quote_id="q1")
        assert quote_document_path("/negotiate", "q1") == served
        assert quote_document_path("/negotiate/", "q1", "html") == url_for(
            "negotiation.quote_document_html", quote_id="q1")


def test_a_lapsed_offer_prints_as_expired_and_a_quote_without_offers_has_no_document(
        api: ApiClient, clock: FrozenClock) -> None:
    quote = asked(api, SIX_OFF)
    clock.advance(hours=49)  # past the offers' 48 hours
    text = pdf_text(api.get(f"/quotes/{quote['id']}/document.pdf").data)
    assert text.startswith("Quotation (expired)") and "no longer valid" in text
    declined = asked(api, {**SIX_OFF, "order_target": {"discount_pct": "60"}})
    assert declined["offers"] == [], declined
    response = api.get(f"/quotes/{declined['id']}/document.html")
    assert response.status_code == 409 and "no offer" in response.json["error"]["message"]
