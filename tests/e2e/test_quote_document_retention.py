"""Documents whole-cart quotes cite are deleted with their quote's retention (issue 16), as
a line's negotiation's are (test_document_retention.py): the file of a document whose quote
closed more than COUNTEROFFER_DOCUMENT_RETENTION_DAYS ago goes, the citation and a marker
stay for the buyer and the rep, staff get a 410, and the quote's audit trail says how many
went. A younger quote's and an escalated quote's stay. Through the CLI and the use case,
on SQLite and PostgreSQL."""
from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.quotes import QuoteEvent
from counteroffer.negotiation import purge_documents
from counteroffer.negotiation.shared.retention import DOCUMENTS_DELETED
from tests.approvals import ANN, MAX, seed_approvals
from tests.conftest import ApiClient, FrozenClock
from tests.e2e.test_document_retention import purge, stored
from tests.security.test_document_checks import pdf

LINES = [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}]
CITED = {"competitor": "Globex Supply", "total": "125000.00", "note": "Quote 4471"}
BELOW_REACH = "60000.00"  # a rep checks the evidence: the quote is escalated


@pytest.fixture
def shop(app: Flask, api: ApiClient) -> ApiClient:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        app.extensions["counteroffer"].save_rule("competing_offer", {})
    return api.as_(ANN)


def cite(shop: ApiClient, total: str = CITED["total"]) -> tuple[dict[str, Any], str]:
    """A quote citing an uploaded PDF; returns (the quote, document id)."""
    upload = shop.as_(ANN).post("/documents", json={"filename": "Globex quote.pdf",
                                                    "content_base64": base64.b64encode(pdf()).decode()})
    assert upload.status_code == 201, upload.json
    document_id = upload.json["id"]
    response = shop.post("/quotes", json={"currency": "USD", "lines": LINES, "order_target": {"discount_pct": "6"},
                                          "competing_offer": {**CITED, "total": total, "document_id": document_id}})
    assert response.status_code == 201, response.json
    return response.json, document_id


def closed(shop: ApiClient) -> tuple[str, str]:
    quote, document_id = cite(shop)
    withdrawn = shop.as_(ANN).post(f"/quotes/{quote['id']}/withdraw", json={})
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn", withdrawn.json
    return quote["id"], document_id


def quote_events(app: Flask) -> list[QuoteEvent]:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return list(session.scalars(select(QuoteEvent).where(QuoteEvent.action == DOCUMENTS_DELETED)
                                    .order_by(QuoteEvent.id)))


def test_a_closed_quotes_document_past_retention_goes_the_rest_stay(app: Flask, shop: ApiClient,
                                                                    clock: FrozenClock) -> None:
    old, old_document = closed(shop)
    waiting, waiting_document = cite(shop, total=BELOW_REACH)
    assert waiting["status"] == "escalated"
    clock.advance(days=200)
    _young, young_document = closed(shop)
    clock.advance(days=165, hours=1)  # the old one closed 365 days and an hour ago, the young 165

    output = purge(app)
    assert "0 document(s) of 0 negotiation(s) closed over 365 day(s) ago" in output
    assert "1 document(s) of 1 quote(s) closed over 365 day(s) ago" in output and f"quote {old}" in output
    gone = stored(app, old_document)
    assert gone.data is None and gone.purged_at == clock()
    assert (gone.filename, gone.size) == ("Globex quote.pdf", len(pdf()))
    assert all(stored(app, kept).data == pdf() for kept in (young_document, waiting_document))

    staff = shop.as_(MAX)
    refused = staff.get(f"/documents/{old_document}")
    assert refused.status_code == 410
    message = refused.json["error"]["message"]
    assert "Globex quote.pdf was deleted on" in message and "quote closed" in message
    assert staff.get(f"/documents/{young_document}").data == pdf()

    [told] = shop.as_(ANN).get(f"/quotes/{old}").json["told"]
    assert (told["competing_offer"]["competitor"], told["competing_offer"]["total"]) == ("Globex Supply", "125000.00")
    document = told["competing_offer"]["document"]
    assert document["id"] == old_document and document["deleted_at"] is not None

    [event] = quote_events(app)
    assert (event.quote_id, event.actor_role, event.after_status) == (old, "system", "withdrawn")
    assert (event.detail["documents"], event.detail["retention_days"]) == (1, 365)

    # Idempotent: nothing left to delete, no second event.
    assert "0 document(s) of 0 quote(s)" in purge(app)
    assert len(quote_events(app)) == 1


def test_the_quote_escalation_page_and_json_say_the_document_was_deleted(app: Flask, shop: ApiClient,
                                                                        clock: FrozenClock) -> None:
    app.config["SECRET_KEY"] = "test"  # the page's CSRF token
    quote, document_id = cite(shop, total=BELOW_REACH)
    staff = shop.as_(MAX)
    [escalation] = staff.get("/quote-escalations").json["escalations"]
    decided = staff.post(f"/quote-escalations/{escalation['id']}/decision", json={
        "action": "reject", "rationale": "their quote is for another grade", "citation_checked": True})
    assert decided.status_code == 200, decided.json
    assert shop.as_(ANN).get(f"/quotes/{quote['id']}").json["status"] == "declined"
    clock.advance(days=366)
    assert f"quote {quote['id']}" in purge(app)

    page = shop.as_(MAX).client.get(f"/negotiate/admin/quote-escalations/{escalation['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Document deleted under retention (Globex quote.pdf" in text
    assert f"/negotiate/api/documents/{document_id}" not in text
    [told] = staff.get(f"/quote-escalations/{escalation['id']}").json["told"]
    assert told["competing_offer"]["document"]["deleted_at"] is not None


def test_quotes_and_negotiations_are_purged_in_batches_by_the_one_entry_point(app: Flask, shop: ApiClient,
                                                                             clock: FrozenClock) -> None:
    quotes = {closed(shop)[0] for _ in range(5)}
    clock.advance(days=31)
    with app.app_context():
        result = purge_documents(app.extensions["counteroffer"].deps, timedelta(days=30), batch_size=2)
    assert (result.quote_documents, set(result.quotes), result.documents) == (5, quotes, 0)
    assert sorted(e.quote_id for e in quote_events(app)) == sorted(quotes)
