"""Buyers' documents are deleted with their negotiation's retention (issue 16): the file
of a document whose negotiation closed more than COUNTEROFFER_DOCUMENT_RETENTION_DAYS ago
goes, the citation and a marker stay, staff get a 410 saying why, and an audit event says
how many went. Younger documents and open negotiations keep theirs; uploads never cited go
after a day. Through the CLI and the use case, on SQLite and PostgreSQL."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import Document, Event
from counteroffer.negotiation import purge_documents
from counteroffer.negotiation.buying.retention import DOCUMENTS_DELETED
from tests.approvals import ANN, RITA, seed_approvals
from tests.conftest import REDIS_URL, ApiClient, make_app
from tests.security.test_document_checks import pdf
from tests.seed import seed_scenario

CITED = {"competitor": "Globex Supply", "unit_price": "112.00", "note": "Quote 4471"}
ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "100.00", "currency": "USD"}
YEAR = timedelta(days=365)


@pytest.fixture
def buyer(app, api):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        app.extensions["counteroffer"].save_rule("competing_offer", {}, sku="DEMO-120")
    return api.as_(ANN)


def cite(buyer, target: str = "100.00", cited: str = "112.00") -> tuple[str, str]:
    """A request citing an uploaded PDF; returns (negotiation id, document id)."""
    upload = buyer.as_(ANN).post("/documents", {"filename": "Globex quote.pdf",
                                                "content_base64": base64.b64encode(pdf()).decode()})
    assert upload.status_code == 201, upload.get_json()
    document_id = upload.get_json()["id"]
    body = {**ASK, "target_unit_price": target, "competing_offer": {**CITED, "unit_price": cited,
                                                                   "document_id": document_id}}
    response = buyer.post("/requests", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"], document_id


def closed(buyer) -> tuple[str, str]:
    negotiation_id, document_id = cite(buyer)
    assert buyer.post(f"/requests/{negotiation_id}/withdraw", {}).get_json()["status"] == "withdrawn"
    return negotiation_id, document_id


def stored(app, document_id: str) -> Document:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        document = session.get(Document, document_id)
        session.expunge(document)
        return document


def events(app, action: str = DOCUMENTS_DELETED) -> list[Event]:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return list(session.scalars(select(Event).where(Event.action == action).order_by(Event.id)))


def purge(app) -> str:
    result = app.test_cli_runner().invoke(args=["counteroffer", "documents", "purge"])
    assert result.exit_code == 0, result.output
    return result.output


def test_documents_past_retention_go_the_rest_stay_and_staff_are_told_why(app, buyer, clock):
    old, old_document = closed(buyer)
    waiting, waiting_document = cite(buyer, target="90.00", cited="90.00")  # below the floor: a rep's
    assert buyer.get(f"/requests/{waiting}").get_json()["status"] == "escalated"
    clock.advance(days=200)
    _young, young_document = closed(buyer)
    clock.advance(days=165, hours=1)  # the old one closed 365 days and an hour ago, the young 165

    output = purge(app)
    assert "deleted 1 document(s) of 1 negotiation(s) closed over 365 day(s) ago" in output
    assert f"negotiation {old}" in output
    gone = stored(app, old_document)
    assert gone.data is None and gone.purged_at == clock()
    assert (gone.filename, gone.content_type, gone.size) == ("Globex quote.pdf", "application/pdf", len(pdf()))
    assert all(stored(app, kept).data == pdf() for kept in (young_document, waiting_document))

    staff = buyer.as_(RITA)
    refused = staff.get(f"/documents/{old_document}")
    assert refused.status_code == 410
    message = refused.get_json()["error"]["message"]
    assert "Globex quote.pdf was deleted on" in message and "retention" in message
    assert staff.get(f"/documents/{young_document}").data == pdf()
    assert buyer.as_(ANN).get(f"/documents/{old_document}").status_code == 403  # still staff only

    told = buyer.as_(ANN).get(f"/requests/{old}").get_json()["told"][0]["competing_offer"]
    assert (told["competitor"], told["unit_price"], told["note"]) == ("Globex Supply", "112.00", "Quote 4471")
    assert told["document"]["id"] == old_document and told["document"]["deleted_at"] is not None

    [event] = events(app)
    assert (event.negotiation_id, event.actor_role, event.detail["documents"], event.detail["retention_days"]) == (
        old, "system", 1, 365)

    # Idempotent: nothing left to delete, no second event.
    assert "deleted 0 document(s) of 0 negotiation(s)" in purge(app)
    assert len(events(app)) == 1


def test_the_escalation_page_says_the_document_was_deleted(app, buyer, clock):
    negotiation_id, document_id = cite(buyer, target="90.00", cited="90.00")
    staff = buyer.as_(RITA)
    [escalation] = staff.get("/escalations").get_json()["escalations"]
    decided = staff.post(f"/escalations/{escalation['id']}/decision", {"action": "reject", "rationale": "No"})
    assert decided.status_code == 200, decided.get_json()
    clock.advance(days=366)
    purge(app)
    page = app.test_client().get(f"/negotiate/admin/escalations/{escalation['id']}").get_data(as_text=True)
    assert "Document deleted under retention (Globex quote.pdf" in page
    assert f"/negotiate/api/documents/{document_id}" not in page
    escalation_json = staff.get(f"/escalations/{escalation['id']}").get_json()
    assert escalation_json["told"][0]["competing_offer"]["document"]["deleted_at"] is not None


def test_uploads_never_cited_go_after_a_day(app, buyer, clock):
    def upload() -> str:
        return buyer.post("/documents", {"filename": "q.pdf", "content_base64": base64.b64encode(pdf()).decode()}
                          ).get_json()["id"]

    stale = upload()
    clock.advance(hours=23)
    fresh = upload()
    clock.advance(hours=1)
    assert "and 1 upload(s) never cited" in purge(app)
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        assert session.get(Document, stale) is None and session.get(Document, fresh) is not None


def test_the_use_case_works_in_batches_each_its_own_transaction(app, buyer, clock):
    closed_ids = {closed(buyer)[0] for _ in range(5)}
    clock.advance(days=31)
    with app.app_context():
        result = purge_documents(app.extensions["counteroffer"].deps, timedelta(days=30), batch_size=2)
    assert (result.documents, set(result.negotiations)) == (5, closed_ids)
    assert sorted(e.negotiation_id for e in events(app)) == sorted(closed_ids)


def test_the_workers_minutely_sweep_deletes_them_too(db_url, clock, tmp_path):
    from counteroffer.plugin.wiring.worker import sweep_once

    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REDIS_URL=REDIS_URL, COUNTEROFFER_DOCUMENT_RETENTION_DAYS=7)
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
        seed_approvals(extension)
        extension.save_rule("competing_offer", {}, sku="DEMO-120")
    try:
        _, document_id = closed(ApiClient(app).as_(ANN))
        clock.advance(days=7, seconds=1)
        with app.app_context():
            sweep_once(extension)
        assert stored(app, document_id).data is None
    finally:
        with app.app_context():
            extension.close()


def test_the_retention_is_a_setting_of_at_least_a_day(db_url, clock, tmp_path):
    app = make_app(db_url, clock, tmp_path)
    with app.app_context():
        assert app.extensions["counteroffer"].state.settings.document_retention == YEAR
        app.extensions["counteroffer"].close()
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_DOCUMENT_RETENTION_DAYS=30)
    with app.app_context():
        assert app.extensions["counteroffer"].state.settings.document_retention == timedelta(days=30)
        app.extensions["counteroffer"].close()
    with pytest.raises(ValueError, match="COUNTEROFFER_DOCUMENT_RETENTION_DAYS"):
        make_app(db_url, clock, tmp_path, COUNTEROFFER_DOCUMENT_RETENTION_DAYS=0)
