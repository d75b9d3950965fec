"""Idempotency-Key on request creation, accept, redeem and rep decisions (Stripe, IETF
draft): one execution per key, the first answer replayed, 422 for another body, 409 while
in flight, and nobody sees another caller's replay. SQLite and PostgreSQL."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.guards import IdempotencyKey
from counteroffer.db.models import Deal, Event, Negotiation
from counteroffer.negotiation import request_price
from counteroffer.negotiation.shared.idempotency import KeyInFlightError, claim_key, scope_of
from tests.approvals import RITA, seed_approvals
from tests.conftest import BUYER_ACME, BUYER_ACME_2, BUYER_GLOBEX

ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
ESCALATING = {**ASK, "target_unit_price": "90.00"}


def key(value: str) -> dict[str, dict[str, str]]:
    return {"headers": {"Idempotency-Key": value}}


def count(app, model, *where) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_the_same_key_and_body_replay_the_first_answer_and_do_the_work_once(app, api):
    answers = [api.post("/requests", ASK, **key("ask-1")) for _ in range(3)]
    assert {a.status_code for a in answers} == {201}
    assert answers[1].get_json() == answers[2].get_json() == answers[0].get_json()
    assert [a.headers.get("Idempotent-Replayed") for a in answers] == [None, "true", "true"]
    assert count(app, Negotiation) == 1


def test_key_order_and_spacing_of_the_json_do_not_make_another_request(app, api):
    first = api.post("/requests", ASK, **key("ask-1"))
    again = api.client.post("/negotiate/api/requests", data='{"currency":"USD", "quantity": 1000,'
                            '"target_unit_price":"110.00","sku":"DEMO-120"}',
                            content_type="application/json", **key("ask-1"))
    assert again.status_code == 201 and again.get_json() == first.get_json()


def test_the_same_key_with_another_body_is_422_and_changes_nothing(app, api):
    api.post("/requests", ASK, **key("ask-1"))
    other = api.post("/requests", {**ASK, "quantity": 2000}, **key("ask-1"))
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert "different request" in other.get_json()["error"]["message"]
    assert count(app, Negotiation) == 1


def test_the_same_key_on_another_route_is_another_request(app, api):
    created = api.post("/requests", ASK, **key("k")).get_json()
    answer = api.post(f"/offers/{created['offers'][0]['id']}/accept", **key("k"))
    assert answer.status_code == 422 and count(app, Deal) == 0


def test_another_buyer_or_company_never_sees_a_replay(app, api):
    mine = api.post("/requests", ASK, **key("shared-key")).get_json()
    colleague = api.as_(BUYER_ACME_2).post("/requests", ASK, **key("shared-key"))
    rival = api.as_(BUYER_GLOBEX).post("/requests", {**ASK, "target_unit_price": "115.00"},
                                       **key("shared-key"))
    assert colleague.status_code == rival.status_code == 201
    assert len({mine["id"], colleague.get_json()["id"], rival.get_json()["id"]}) == 3
    assert colleague.headers.get("Idempotent-Replayed") is None
    assert count(app, Negotiation) == 3


def test_accept_with_a_key_twice_gives_the_same_deal_once(app, api):
    offer = api.post("/requests", ASK).get_json()["offers"][0]
    first = api.post(f"/offers/{offer['id']}/accept", **key("accept-1"))
    again = api.post(f"/offers/{offer['id']}/accept", **key("accept-1"))
    without_key = api.post(f"/offers/{offer['id']}/accept")
    assert (first.status_code, again.status_code, without_key.status_code) == (201, 201, 409)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert count(app, Deal) == 1


def test_redeem_with_a_key_twice_makes_one_order(app, api):
    offer = api.post("/requests", ASK).get_json()["offers"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    body = {"sku": "DEMO-120", "quantity": 3000, "order_ref": "SO-1"}
    answers = [api.post(f"/deals/{token}/redeem", body, **key("redeem-1")) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_json() == answers[1].get_json()
    assert count(app, Event, Event.action == "redeemed") == 1


def test_a_reps_decision_with_a_key_twice_is_decided_once(app, api):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    api.post("/requests", ESCALATING)
    [escalation] = api.as_(RITA).get("/escalations").get_json()["escalations"]
    path, body = f"/escalations/{escalation['id']}/decision", {"action": "approve", "rationale": "fine"}
    answers = [api.post(path, body, **key("decide-1")) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_json() == answers[1].get_json()
    assert count(app, Event, Event.action == "approved") == 1
    assert api.post(path, {**body, "rationale": "changed my mind"}, **key("decide-1")).status_code == 422


def test_a_key_still_in_flight_is_409_until_its_lease_lapses(app, api, clock):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
    with app.app_context():  # a first call that holds the key and has not finished
        claim_key(deps, scope_of(BUYER_ACME), "busy", "some-fingerprint", lambda view: (201, {}))
    busy = api.post("/requests", ASK, **key("busy"))
    assert busy.status_code == 422  # another body than the call in flight: never its answer
    with app.app_context():
        held = claim_key(deps, scope_of(BUYER_ACME), "busy-2", _fingerprint_of(app, ASK),
                         lambda view: (201, {}))
    in_flight = api.post("/requests", ASK, **key("busy-2"))
    assert in_flight.status_code == 409
    assert in_flight.get_json()["error"]["code"] == "idempotency_key_in_flight"
    clock.advance(seconds=61)  # the first call died: its lease lapsed, its work never committed
    assert api.post("/requests", ASK, **key("busy-2")).status_code == 201
    with app.app_context(), pytest.raises(KeyInFlightError):
        # The first call wakes up after the take-over: its work rolls back with its key.
        request_price(deps, BUYER_ACME, "DEMO-120", 1000, Decimal("110.00"), "USD", idempotency=held)
    assert count(app, Negotiation) == 1


def _fingerprint_of(app, body) -> str:
    from counteroffer.plugin.idempotency import _fingerprint

    with app.test_request_context("/negotiate/api/requests", method="POST", json=body):
        return _fingerprint(body)


def test_a_failed_call_frees_its_key_and_stores_nothing(app, api):
    missing = {**ASK, "sku": "NO-SUCH-SKU"}
    assert api.post("/requests", missing, **key("k")).status_code == 422
    assert count(app, IdempotencyKey) == 0
    assert api.post("/requests", ASK, **key("k")).status_code == 201  # the key is free again


@pytest.mark.parametrize("value", ["", "x" * 256, "clé"])
def test_a_bad_key_is_400(app, api, value):
    answer = api.post("/requests", ASK, **key(value))
    assert answer.status_code == 400 and "Idempotency-Key" in answer.get_json()["error"]["message"]
    assert count(app, Negotiation) == 0


def test_an_invalid_body_is_refused_before_any_key_is_claimed(app, api):
    answer = api.post("/requests", {**ASK, "quantity": -1}, **key("k"))
    assert answer.status_code == 422 and count(app, IdempotencyKey) == 0


def test_keys_are_forgotten_after_24_hours(app, api, clock):  # the minutely sweep calls prune_keys
    from counteroffer.negotiation.shared.idempotency import prune_keys

    api.post("/requests", ASK, **key("old"))
    clock.advance(hours=23)
    api.post("/requests", {**ASK, "quantity": 2000}, **key("recent"))
    clock.advance(hours=2)
    with app.app_context():
        assert prune_keys(app.extensions["counteroffer"].deps) == 1
    assert api.post("/requests", ASK, **key("old")).headers.get("Idempotent-Replayed") is None
    assert api.post("/requests", {**ASK, "quantity": 2000}, **key("recent")).headers["Idempotent-Replayed"] == "true"
