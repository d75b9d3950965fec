"""docs/competing-offers.md's worked examples, through the JSON API, on the demo shop's
DEMO-120 rule (any competitor matched, a document needed above $250,000)."""
from __future__ import annotations

import pytest

SEED = {"sku": "DEMO-120", "currency": "USD"}
BELOW_GUARD = "the cited price is below what the rules may match; a rep checks the evidence"
NEEDS_DOCUMENT = "a competing offer over the document limit came without a document; a rep checks the citation"


@pytest.fixture
def demo_rule(app):
    with app.app_context():
        app.extensions["counteroffer"].save_rule("competing_offer", {"document_above": "250000"}, sku="DEMO-120")
    return app


def ask(api, quantity: int, target: str, cited: str, **more: str) -> dict:
    response = api.post("/requests", {**SEED, "quantity": quantity, "target_unit_price": target,
                                      "competing_offer": {"competitor": "Globex Supply", "unit_price": cited, **more}})
    return {"code": response.status_code, **response.get_json()}


def test_a_cited_112_is_matched(api, demo_rule):
    body = ask(api, 1000, "100.00", "112.00")
    assert body["status"] == "countered"
    [match] = [o for o in body["offers"] if o["kind"] == "match"]
    assert (match["quantity"], match["unit_price"]) == (1000, "112.00")
    assert match["message"] == "We match the offer you cited: 1,000 units at $112.00 each."


def test_a_target_above_the_match_is_accepted(api, demo_rule):
    body = ask(api, 1000, "113.00", "112.00")
    assert body["status"] == "open"
    assert [(o["kind"], o["unit_price"]) for o in body["offers"]][0] == ("price", "113.00")


def test_below_the_floor_a_rep_sees_it(api, app, demo_rule):
    body = ask(api, 1000, "90.00", "90.00")
    assert (body["status"], body["offers"]) == ("escalated", [])
    assert _reason(app, body["id"]) == BELOW_GUARD


def test_over_the_document_limit_a_rep_checks_it(api, app, demo_rule):
    body = ask(api, 3000, "100.00", "105.00")
    assert body["status"] == "escalated"
    assert _reason(app, body["id"]) == NEEDS_DOCUMENT


def test_a_citation_past_its_date_is_refused(api, demo_rule):
    body = ask(api, 1000, "100.00", "112.00", valid_until="2026-11-01")  # the test clock: 2 Nov 2026
    assert body["code"] == 422 and "competing_offer.valid_until" in body["error"]["fields"]


def _reason(app, negotiation_id: str) -> str:
    from sqlalchemy import select

    from counteroffer.db import transaction
    from counteroffer.db.models import Escalation

    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(select(Escalation.reason).where(Escalation.negotiation_id == negotiation_id))
