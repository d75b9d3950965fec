"""A competitor's quote as a document (issue 16): uploaded by a buyer (checked from its
content first; a refusal writes nothing), cited once by the same company, then lifting
the document limit of a competing_offer rule; served only to staff, as an attachment of
the checked type. SQLite and PostgreSQL."""
from __future__ import annotations

import base64

import pytest
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import Document
from tests.approvals import ANN, GUS, MAX, RITA, seed_approvals
from tests.security.test_document_checks import pdf, png

ASK = {"sku": "DEMO-120", "quantity": 3000, "target_unit_price": "100.00", "currency": "USD"}
CITED = {"competitor": "Globex Supply", "unit_price": "105.00"}


@pytest.fixture
def shop(app, api):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        app.extensions["counteroffer"].save_rule("competing_offer", {"document_above": "250000"}, sku="DEMO-120")
    return api.as_(ANN)


def upload(api, name: str, data: bytes):  # noqa: ANN201
    return api.post("/documents", {"filename": name, "content_base64": base64.b64encode(data).decode()})


def documents(app) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(select(func.count()).select_from(Document))


def test_a_documented_citation_over_the_limit_is_matched_and_staff_download_it(app, shop):
    uploaded = upload(shop, "Globex quote 4471.pdf", pdf())
    assert uploaded.status_code == 201, uploaded.get_json()
    document = uploaded.get_json()
    assert (document["filename"], document["content_type"], document["size"]) == (
        "Globex quote 4471.pdf", "application/pdf", len(pdf()))
    body = shop.post("/requests", {**ASK, "competing_offer": {**CITED, "document_id": document["id"]}}).get_json()
    assert [o["unit_price"] for o in body["offers"] if o["kind"] == "match"] == ["105.00"]  # 315,000 > 250,000
    assert body["told"][0]["competing_offer"]["document"]["id"] == document["id"]
    assert shop.get(f"/documents/{document['id']}").status_code == 403  # not even its own buyer
    for staff in (RITA, MAX):
        got = shop.as_(staff).get(f"/documents/{document['id']}")
        assert got.status_code == 200 and got.data == pdf()
        assert got.headers["Content-Type"] == "application/pdf"
        assert got.headers["Content-Disposition"] == "attachment; filename*=UTF-8''Globex%20quote%204471.pdf"
        assert got.headers["X-Content-Type-Options"] == "nosniff"


def test_without_the_document_the_same_citation_goes_to_a_rep(shop):
    assert shop.post("/requests", {**ASK, "competing_offer": CITED}).get_json()["status"] == "escalated"


def test_a_document_is_cited_once_and_only_by_its_company(app, shop):
    document = upload(shop, "quote.png", png()).get_json()
    assert document["content_type"] == "image/png"
    cite = {**ASK, "quantity": 1000, "competing_offer": {**CITED, "document_id": document["id"]}}
    refused = shop.as_(GUS).post("/requests", cite)
    assert refused.status_code == 422 and "competing_offer.document_id" in refused.get_json()["error"]["fields"]
    assert shop.as_(ANN).post("/requests", cite).status_code == 201
    again = shop.post("/requests", cite)
    assert again.status_code == 422 and "competing_offer.document_id" in again.get_json()["error"]["fields"]
    assert shop.as_(RITA).get("/documents/nope").status_code == 404


def test_an_uncited_document_is_not_served(shop):
    document = upload(shop, "quote.pdf", pdf()).get_json()
    assert shop.as_(RITA).get(f"/documents/{document['id']}").status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"filename": "quote.pdf", "content_base64": "not base64!"}, "content_base64"),
    ({"filename": "../quote.pdf", "content_base64": base64.b64encode(pdf()).decode()}, "document.filename"),
    ({"filename": "quote.pdf", "content_base64": base64.b64encode(pdf(b"/OpenAction 4 0 R")).decode()}, "document"),
    ({"filename": "quote.pdf", "content_base64": base64.b64encode(png(90_000, 90_000)).decode()}, "document"),
    ({"filename": "quote.pdf", "content_base64": base64.b64encode(b"<html>").decode()}, "document"),
    ({"filename": "quote.pdf"}, "content_base64"),
    ({"filename": "quote.pdf", "content_base64": "AAAA", "path": "/etc"}, "path"),
])
def test_bad_uploads_are_422_naming_the_field_and_nothing_is_stored(app, shop, body, field):
    response = shop.post("/documents", body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert documents(app) == 0


def test_only_buyers_upload(shop):
    assert upload(shop.as_(RITA), "quote.pdf", pdf()).status_code == 403
    assert upload(shop.as_(None), "quote.pdf", pdf()).status_code == 401


def test_a_5_mb_document_fits_the_upload_limit_and_a_larger_one_is_refused(app, shop):
    big = pdf().replace(b"trailer", b"%" + b"0" * (5 * 1024 * 1024 - len(pdf()) - 2) + b"\ntrailer")
    assert len(big) == 5 * 1024 * 1024  # exactly the limit
    assert upload(shop, "big.pdf", big).status_code == 201
    too_big = upload(shop, "big.pdf", big + b"00")
    assert too_big.status_code == 422 and "5 MB" in str(too_big.get_json())
    assert documents(app) == 1


def test_the_escalation_page_links_the_document(app, shop):
    document = upload(shop, "quote.pdf", pdf()).get_json()
    shop.post("/requests", {**ASK, "quantity": 1000, "target_unit_price": "90.00",
                            "competing_offer": {**CITED, "unit_price": "90.00", "document_id": document["id"]}})
    shop.as_(RITA)
    page = app.test_client().get("/negotiate/admin/escalations").get_data(as_text=True)
    assert f'href="/negotiate/api/documents/{document["id"]}"' in page and "Download the quote (quote.pdf)" in page
