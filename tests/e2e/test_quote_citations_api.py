"""What a buyer may tell with a whole-cart quote (issue 16): a competing offer (an order
total or line prices) and needed_by through the JSON API, stored with the round, shown to
the quote's company and to reps, refused naming the field with nothing written; the rep's
decision records citation_checked; and why not after a withdrawal or an expiry.
SQLite and PostgreSQL."""
from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import Document
from counteroffer.db.quotes import Quote, QuoteEvent, QuoteTold
from tests.approvals import ANN, MAX, RITA, seed_approvals
from tests.conftest import BUYER_GLOBEX, ApiClient, FrozenClock
from tests.security.test_document_checks import pdf

LINES = [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}]
SIX_OFF = {"currency": "USD", "lines": LINES, "order_target": {"discount_pct": "6"}}
CITED = {"competitor": "Globex Supply", "total": "125000.00", "valid_until": "2026-11-30", "note": "Quote 4471"}


@pytest.fixture
def shop(app: Flask, api: ApiClient) -> ApiClient:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        app.extensions["counteroffer"].save_rule("competing_offer", {})
    return api.as_(ANN)


def count(app: Flask, model: Any) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def asked(api: ApiClient, **more: Any) -> dict[str, Any]:
    response = api.post("/quotes", json={**SIX_OFF, **more})
    assert response.status_code == 201, response.json
    return response.json


def test_a_cited_order_total_gets_a_matched_quote_kept_in_the_history(shop: ApiClient) -> None:
    quote = asked(shop, competing_offer=CITED, needed_by="2026-11-20")
    assert quote["status"] == "countered"
    # (A round's offers are listed by creation time and id, not rank: find the match.)
    first = next(o for o in quote["offers"] if o["kind"] == "match")
    assert first["total"] == "125000.00"
    assert first["message"].startswith("We match the offer you cited: $125,000.00 for the whole order (2 lines)")
    assert quote["told"] == [{"round": 1, "needed_by": "2026-11-20", "competing_offer": {
        "competitor": "Globex Supply", "currency": "USD", "total": "125000.00", "lines": [],
        "valid_until": "2026-11-30", "note": "Quote 4471", "document": None}}]
    assert shop.get(f"/quotes/{quote['id']}").json["told"] == quote["told"]


def test_cited_line_prices_are_matched_line_by_line_and_a_counter_adds_its_round(shop: ApiClient) -> None:
    quote = asked(shop)
    cited = {"competitor": "Initech", "lines": [{"sku": "DEMO-120", "unit_price": "115.00"}]}
    countered = shop.post(f"/quotes/{quote['id']}/counter", json={"lines": LINES, "order_target": {
        "discount_pct": "8"}, "competing_offer": cited})
    assert countered.status_code == 200, countered.json
    body = countered.json
    match = next(o for o in body["offers"] if o["kind"] == "match")
    assert [(x["sku"], x["unit_price"]) for x in match["lines"]][0] == ("DEMO-120", "115.00")
    assert [(t["round"], t["competing_offer"]["lines"]) for t in body["told"]] == [
        (2, [{"sku": "DEMO-120", "unit_price": "115.00"}])]


def test_a_cited_total_below_reach_goes_to_a_rep_who_sees_the_evidence(shop: ApiClient, app: Flask) -> None:
    app.config["SECRET_KEY"] = "test"  # the page's CSRF token
    uploaded = shop.post("/documents", json={"filename": "globex.pdf",
                                             "content_base64": base64.b64encode(pdf()).decode()})
    assert uploaded.status_code == 201, uploaded.json
    quote = asked(shop, competing_offer={**CITED, "total": "60000.00", "document_id": uploaded.json["id"]})
    assert quote["status"] == "escalated" and quote["offers"] == []
    # Routed by the order's value (about $121,000 asked): to Max, the manager.
    [escalation] = shop.as_(MAX).client.get("/negotiate/api/quote-escalations").json["escalations"]
    assert escalation["reason"] == "the cited price is below what the rules may match; a rep checks the evidence"
    [told] = escalation["told"]
    assert told["competing_offer"]["total"] == "60000.00"
    assert told["competing_offer"]["document"]["id"] == uploaded.json["id"]
    document = shop.get(f"/documents/{uploaded.json['id']}")  # the rep
    assert document.status_code == 200 and document.headers["Content-Disposition"].startswith("attachment")
    assert shop.as_(ANN).get(f"/documents/{uploaded.json['id']}").status_code == 403  # never a buyer
    assert shop.as_(RITA).get(f"/quote-escalations/{escalation['id']}").status_code == 404  # not hers
    page = shop.as_(MAX).client.get(f"/negotiate/admin/quote-escalations/{escalation['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "What the buyer told" in text and "$60,000.00 for the order" in text and "globex.pdf" in text
    inbox = shop.client.get("/negotiate/admin/escalations").get_data(as_text=True)
    assert "competing offer from <strong>Globex Supply</strong> at $60,000.00 for the order" in inbox
    decided = shop.post(f"/quote-escalations/{escalation['id']}/decision", json={
        "action": "reject", "rationale": "their quote is for another grade", "citation_checked": True})
    assert decided.status_code == 200, decided.json
    assert decided.json["decision"]["citation_checked"] is True
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        event = session.scalars(select(QuoteEvent).where(QuoteEvent.action == "rejected")).one()
        assert event.detail["citation_checked"] is True


def test_another_company_never_sees_the_citation(shop: ApiClient) -> None:
    quote = asked(shop, competing_offer=CITED)
    shop.as_(BUYER_GLOBEX)
    assert shop.get(f"/quotes/{quote['id']}").status_code == 404
    assert shop.post(f"/quotes/{quote['id']}/counter", json={"lines": LINES}).status_code == 404
    assert shop.post(f"/quotes/{quote['id']}/why-not", json={"reason": "other"}).status_code == 404
    assert "Globex Supply" not in str(shop.get("/quotes").json)


@pytest.mark.parametrize(("cited", "field"), [
    ({**CITED, "competitor": "  "}, "competing_offer.competitor"),
    ({"competitor": "Globex Supply"}, "competing_offer._schema"),
    ({**CITED, "lines": [{"sku": "DEMO-120", "unit_price": "110.00"}]}, "competing_offer._schema"),
    ({"competitor": "Globex Supply", "lines": [{"sku": "DEMO-120", "unit_price": 110}]},
     "competing_offer.lines[0].unit_price"),
    ({"competitor": "Globex Supply", "lines": [{"sku": "NOT-IN-QUOTE", "unit_price": "1.00"}]},
     "competing_offer.lines[0].sku"),
    ({"competitor": "Globex Supply", "lines": [{"sku": "DEMO-120", "unit_price": "1.00"},
                                               {"sku": "DEMO-120", "unit_price": "2.00"}]},
     "competing_offer.lines[1].sku"),
    ({**CITED, "total": "125000.001"}, "competing_offer.total"),
    ({**CITED, "valid_until": "2026-11-01"}, "competing_offer.valid_until"),
    ({**CITED, "note": "x" * 501}, "competing_offer.note"),
    ({**CITED, "document_id": "nope"}, "competing_offer.document_id"),
])
def test_bad_input_is_refused_naming_the_field_with_nothing_written(shop: ApiClient, app: Flask, cited: dict,
                                                                     field: str) -> None:
    response = shop.post("/quotes", json={**SIX_OFF, "competing_offer": cited})
    assert response.status_code == 422, response.json
    fields = response.json["error"]["fields"]
    assert field in fields or field.replace("._schema", "") in fields, fields
    assert count(app, Quote) == 0 and count(app, QuoteTold) == 0


def test_needed_by_before_today_is_refused(shop: ApiClient, app: Flask) -> None:
    response = shop.post("/quotes", json={**SIX_OFF, "needed_by": "2026-11-01"})
    assert response.status_code == 422 and "needed_by" in response.json["error"]["fields"]
    assert count(app, Quote) == 0


def test_a_document_is_cited_once_by_its_own_company(shop: ApiClient, app: Flask) -> None:
    uploaded = shop.post("/documents", json={"filename": "q.pdf", "content_base64": base64.b64encode(pdf()).decode()})
    asked(shop, competing_offer={**CITED, "document_id": uploaded.json["id"]})
    again = shop.post("/quotes", json={**SIX_OFF, "competing_offer": {**CITED, "document_id": uploaded.json["id"]}})
    assert again.status_code == 422 and "competing_offer.document_id" in again.json["error"]["fields"]
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        document = session.get(Document, uploaded.json["id"])
        assert document.quote_id is not None and document.negotiation_id is None


def test_another_companys_document_cannot_be_cited(shop: ApiClient, app: Flask) -> None:
    from tests.approvals import GUS

    theirs = shop.as_(GUS).post("/documents", json={"filename": "q.pdf",
                                                    "content_base64": base64.b64encode(pdf()).decode()})
    assert theirs.status_code == 201, theirs.json
    refused = shop.as_(ANN).post("/quotes", json={**SIX_OFF, "competing_offer": {**CITED,
                                                                                 "document_id": theirs.json["id"]}})
    assert refused.status_code == 422 and "competing_offer.document_id" in refused.json["error"]["fields"]
    assert count(app, Quote) == 0


def test_withdrawing_may_say_why_once(shop: ApiClient, app: Flask) -> None:
    quote = asked(shop)
    assert shop.post(f"/quotes/{quote['id']}/why-not", json={"reason": "other"}).status_code == 409  # still open
    note_only = shop.post(f"/quotes/{quote['id']}/withdraw", json={"note": "too dear"})
    assert note_only.status_code == 422 and "reason" in note_only.json["error"]["fields"]
    withdrawn = shop.post(f"/quotes/{quote['id']}/withdraw", json={"reason": "found_cheaper", "note": "Globex"})
    assert withdrawn.status_code == 200, withdrawn.json
    assert (withdrawn.json["why_not"], withdrawn.json["why_not_note"]) == ("found_cheaper", "Globex")
    again = shop.post(f"/quotes/{quote['id']}/why-not", json={"reason": "other"})
    assert again.status_code == 409
    assert shop.get(f"/quotes/{quote['id']}").json["why_not"] == "found_cheaper"


def test_after_a_quote_ran_out_of_time_the_next_visit_may_say_why(shop: ApiClient, clock: FrozenClock) -> None:
    quote = asked(shop)
    clock.now += timedelta(days=30)  # every offer lapsed; the sweep need not have run
    assert shop.get(f"/quotes/{quote['id']}").json["status"] == "expired"
    answered = shop.post(f"/quotes/{quote['id']}/why-not", json={"reason": "price_too_high"})
    assert answered.status_code == 200, answered.json
    assert answered.json["why_not"] == "price_too_high"
    bad = shop.post(f"/quotes/{quote['id']}/why-not", json={"reason": "because"})
    assert bad.status_code == 422 and "reason" in bad.json["error"]["fields"]


def test_the_results_count_quote_citations_and_lost_reasons_beside_lines(shop: ApiClient) -> None:
    """GET /api/results's competitors and lost reasons: a quote's citation is about the
    lines it prices, or for a total every line; a lost quote about the lines it had."""
    first = asked(shop, competing_offer=CITED)
    shop.post(f"/quotes/{first['id']}/withdraw", json={"reason": "found_cheaper"})
    by_line = {"competitor": "globex supply", "lines": [{"sku": "GLOVE-50", "unit_price": "17.00"}]}
    asked(shop, competing_offer=by_line)
    line = shop.post("/requests", json={"sku": "DEMO-120", "quantity": 10, "target_unit_price": "100.00",
                                        "currency": "USD", "competing_offer": {"competitor": "Initech",
                                                                               "unit_price": "111.00"}})
    assert line.status_code == 201, line.json
    body = shop.as_(MAX).get("/results?from=2026-11-01&to=2026-11-02").json
    assert body["competitors"] == [
        {"competitor": "Globex Supply", "citations": 2, "negotiations": 2, "skus": ["DEMO-120", "GLOVE-50"]},
        {"competitor": "Initech", "citations": 1, "negotiations": 1, "skus": ["DEMO-120"]}]
    assert body["lost_reasons"] == [{"reason": "found_cheaper", "negotiations": 1, "skus": ["DEMO-120", "GLOVE-50"]}]
    later = shop.get("/results?from=2026-11-03&to=2026-11-04").json
    assert (later["competitors"], later["lost_reasons"]) == ([], [])


def _below_reach(shop: ApiClient) -> tuple[dict[str, Any], dict[str, Any]]:
    quote = asked(shop, competing_offer={**CITED, "total": "60000.00"})
    [escalation] = shop.as_(MAX).client.get("/negotiate/api/quote-escalations").json["escalations"]
    return quote, escalation


def test_the_page_records_whether_the_citation_was_checked_ticked_or_not(shop: ApiClient, app: Flask) -> None:
    import re

    app.config["SECRET_KEY"] = "test"
    _quote, escalation = _below_reach(shop)
    detail = f"/negotiate/admin/quote-escalations/{escalation['id']}"
    page = shop.client.get(detail).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    decided = shop.client.post(detail, data={"csrf_token": token, "action": "reject", "rationale": "not comparable"})
    assert decided.status_code == 302, decided.get_data(as_text=True)[:500]
    shown = shop.get(f"/quote-escalations/{escalation['id']}").json
    assert shown["decision"]["citation_checked"] is False  # a citation existed: unticked is recorded
    assert "Competing offer checked" in shop.client.get(detail).get_data(as_text=True)


def test_citation_checked_must_be_a_boolean(shop: ApiClient) -> None:
    _quote, escalation = _below_reach(shop)
    response = shop.post(f"/quote-escalations/{escalation['id']}/decision", json={
        "action": "reject", "rationale": "No", "citation_checked": "yes"})
    assert response.status_code == 422 and "citation_checked" in response.json["error"]["fields"]


def test_declining_a_reps_counter_on_a_quote_asks_why(shop: ApiClient) -> None:
    quote, escalation = _below_reach(shop)
    countered = shop.post(f"/quote-escalations/{escalation['id']}/decision", json={
        "action": "counter", "rationale": "our best for this cart"})
    assert countered.status_code == 200, countered.json
    shop.as_(ANN)
    held = shop.get(f"/quotes/{quote['id']}").json
    assert held["status"] == "countered" and [o["kind"] for o in held["offers"]] == ["rep"]
    declined = shop.post(f"/quotes/{quote['id']}/withdraw", json={"reason": "price_too_high", "note": "still dear"})
    assert declined.status_code == 200, declined.json
    assert (declined.json["status"], declined.json["why_not"]) == ("withdrawn", "price_too_high")
    seen = shop.as_(MAX).get(f"/quote-escalations/{escalation['id']}").json
    assert (seen["lost_reason"], seen["lost_note"]) == ("price_too_high", "still dear")


def test_the_retention_sweep_keeps_a_document_a_quote_cites(shop: ApiClient, app: Flask, clock: FrozenClock) -> None:
    """Uploads never cited go after a day (retention.py); one a quote cites is cited."""
    from counteroffer.negotiation import purge_documents

    cited = shop.post("/documents", json={"filename": "q.pdf", "content_base64": base64.b64encode(pdf()).decode()})
    idle = shop.post("/documents", json={"filename": "idle.pdf", "content_base64": base64.b64encode(pdf()).decode()})
    asked(shop, competing_offer={**CITED, "document_id": cited.json["id"]})
    clock.now += timedelta(days=3)
    with app.app_context():
        result = purge_documents(app.extensions["counteroffer"].deps, timedelta(days=30))
    assert result.uncited == 1
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        assert session.get(Document, idle.json["id"]) is None
        kept = session.get(Document, cited.json["id"])
        assert kept is not None and kept.data is not None
