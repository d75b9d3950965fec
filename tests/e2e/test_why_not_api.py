"""Why not (issue 16): one optional question when a buyer withdraws (declining a rep's
counter is withdrawing while it is held) or lets a request run out of time. Stored with
the negotiation once, in the audit trail; bad answers 422 naming the field, nothing
written. SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import Event, Negotiation
from tests.conftest import BUYER_GLOBEX

SEED = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}


def stored(app, negotiation_id: str) -> tuple[str | None, str | None, list[dict]]:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        row = s.get(Negotiation, negotiation_id)
        events = s.scalars(select(Event.detail).where(Event.negotiation_id == negotiation_id,
                                                      Event.action == "why_not")).all()
        return row.lost_reason, row.lost_note, list(events)


def test_withdrawing_may_say_why_in_the_same_call(api, app):
    created = api.post("/requests", SEED).get_json()
    body = api.post(f"/requests/{created['id']}/withdraw", {"reason": "found_cheaper", "note": "Initech, $104"})
    assert body.status_code == 200
    assert (body.get_json()["why_not"], body.get_json()["why_not_note"]) == ("found_cheaper", "Initech, $104")
    assert stored(app, created["id"]) == ("found_cheaper", "Initech, $104",
                                          [{"reason": "found_cheaper", "note": "Initech, $104"}])


def test_after_withdrawing_the_answer_comes_once(api, app):
    created = api.post("/requests", SEED).get_json()
    withdrawn = api.post(f"/requests/{created['id']}/withdraw").get_json()
    assert withdrawn["why_not"] is None
    answered = api.post(f"/requests/{created['id']}/why-not", {"reason": "no_longer_needed"})
    assert answered.status_code == 200 and answered.get_json()["why_not"] == "no_longer_needed"
    again = api.post(f"/requests/{created['id']}/why-not", {"reason": "other", "note": "changed my mind"})
    assert again.status_code == 409
    assert stored(app, created["id"])[:2] == ("no_longer_needed", None)


def test_a_request_that_ran_out_of_time_may_be_answered(api, clock):
    created = api.post("/requests", SEED).get_json()
    assert api.post(f"/requests/{created['id']}/why-not", {"reason": "price_too_high"}).status_code == 409
    clock.advance(hours=49)  # the offers lapsed; the sweep has not run: the buyer sees "expired"
    assert api.get(f"/requests/{created['id']}").get_json()["status"] == "expired"
    answered = api.post(f"/requests/{created['id']}/why-not", {"reason": "price_too_high"})
    assert answered.status_code == 200 and answered.get_json()["why_not"] == "price_too_high"


@pytest.mark.parametrize(("path", "body", "field"), [
    ("why-not", {}, "reason"),
    ("why-not", {"reason": "too_pricey"}, "reason"),
    ("why-not", {"reason": "other", "note": "n" * 501}, "note"),
    ("why-not", {"reason": "other", "rating": 1}, "rating"),
    ("withdraw", {"reason": "cheap"}, "reason"),
    ("withdraw", {"note": "just a note"}, "reason"),
])
def test_bad_answers_are_422_naming_the_field_and_nothing_is_written(api, app, clock, path, body, field):
    created = api.post("/requests", SEED).get_json()
    if path == "why-not":
        api.post(f"/requests/{created['id']}/withdraw")
    response = api.post(f"/requests/{created['id']}/{path}", body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert stored(app, created["id"])[0] is None
    if path == "withdraw":
        assert api.get(f"/requests/{created['id']}").get_json()["status"] == "countered"


def test_another_company_cannot_answer_or_read_it(api):
    created = api.post("/requests", SEED).get_json()
    api.post(f"/requests/{created['id']}/withdraw", {"reason": "other", "note": "secret"})
    api.as_(BUYER_GLOBEX)
    assert api.post(f"/requests/{created['id']}/why-not", {"reason": "other"}).status_code == 404
    assert "secret" not in str(api.get("/requests").get_json())
