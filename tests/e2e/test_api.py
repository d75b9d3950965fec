"""The buyer JSON API through the Flask test client, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from counteroffer import ConflictError
from counteroffer.db import transaction
from counteroffer.db.models import Deal, Event, Negotiation, Offer
from tests.conftest import BUYER_ACME_2, BUYER_GLOBEX, MANAGER, REP

SEED = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
SEED_MESSAGE = "Buy 2,000 more units (3,000 in total) and pay $110.00 each."


def count(app, model) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_seed_scenario_gets_the_buy_more_offer(api):
    response = api.post("/requests", SEED)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "countered"
    assert body["request"] == SEED
    [offer] = body["offers"]
    assert offer["message"] == SEED_MESSAGE
    assert (offer["kind"], offer["quantity"], offer["unit_price"]) == ("volume", 3000, "110.00")
    assert offer["expires_at"] == "2026-11-04T09:00:00+00:00"  # 48 hours on the frozen clock


def test_target_at_the_price_is_accepted_at_the_price_not_above_it(api):
    body = api.post("/requests", {**SEED, "target_unit_price": "125.00"}).get_json()
    assert body["status"] == "open"
    assert [(o["kind"], o["quantity"], o["unit_price"]) for o in body["offers"]] == [("price", 1000, "120.00")]


def test_accepting_makes_a_deal_and_a_second_accept_is_409(api, app):
    offer = api.post("/requests", SEED).get_json()["offers"][0]
    deal = api.post(f"/offers/{offer['id']}/accept")
    assert deal.status_code == 201
    assert {k: deal.get_json()[k] for k in ("sku", "quantity", "unit_price", "currency")} == {
        "sku": "DEMO-120", "quantity": 3000, "unit_price": "110.00", "currency": "USD"}
    again = api.post(f"/offers/{offer['id']}/accept")
    assert again.status_code == 409
    assert again.get_json()["error"]["message"] == "This offer has already been accepted."
    assert count(app, Deal) == 1


def test_expired_offer_is_refused_and_the_request_marked_expired(api, clock):
    created = api.post("/requests", SEED).get_json()
    clock.advance(hours=48)
    response = api.post(f"/offers/{created['offers'][0]['id']}/accept")
    assert response.status_code == 409
    assert "expired" in response.get_json()["error"]["message"]
    assert api.get(f"/requests/{created['id']}").get_json()["status"] == "expired"


def test_counter_starts_the_next_round_and_rounds_run_out(api):
    created = api.post("/requests", {**SEED, "target_unit_price": "90.00"}).get_json()
    assert created["status"] == "escalated"  # below the 96.00 floor, within a rep's reach
    second = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "110.00"})
    assert second.status_code == 200
    assert (second.get_json()["round"], second.get_json()["status"]) == (2, "countered")
    third = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "112.00", "quantity": 3000})
    assert (third.get_json()["round"], third.get_json()["status"]) == (3, "open")
    fourth = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "111.00"})
    assert fourth.status_code == 409
    assert "3 rounds" in fourth.get_json()["error"]["message"]


def test_a_new_round_leaves_the_offers_of_the_last_until_they_expire(api):
    """Issue 23: offers a buyer holds stay valid until they expire (or the buyer withdraws);
    a new round used to supersede them."""
    created = api.post("/requests", SEED).get_json()
    again = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "125.00"}).get_json()
    assert created["offers"][0]["id"] in [o["id"] for o in again["offers"]]
    old = api.post(f"/offers/{created['offers'][0]['id']}/accept")
    assert old.status_code == 201, old.get_json()


def test_far_below_the_floor_is_declined(api):
    body = api.post("/requests", {**SEED, "target_unit_price": "50.00"}).get_json()
    assert (body["status"], body["offers"]) == ("declined", [])


def test_withdraw_and_escalate(api):
    first = api.post("/requests", SEED).get_json()
    assert api.post(f"/requests/{first['id']}/escalate").get_json()["status"] == "escalated"
    assert api.post(f"/requests/{first['id']}/escalate").status_code == 409
    withdrawn = api.post(f"/requests/{first['id']}/withdraw").get_json()
    assert (withdrawn["status"], withdrawn["offers"]) == ("withdrawn", [])
    assert api.post(f"/requests/{first['id']}/counter", {"target_unit_price": "111.00"}).status_code == 409


def test_redeem_once_and_only_for_the_line_it_was_made_for(api, app):
    offer = api.post("/requests", SEED).get_json()["offers"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    wrong = api.post(f"/deals/{token}/redeem", {"quantity": 1000})
    assert wrong.status_code == 409 and "3,000 units of DEMO-120" in wrong.get_json()["error"]["message"]
    ok = api.post(f"/deals/{token}/redeem", {"quantity": 3000, "sku": "DEMO-120", "order_ref": "SO-1"})
    assert ok.status_code == 200 and ok.get_json()["order_ref"] == "SO-1"
    assert api.post(f"/deals/{token}/redeem").status_code == 409
    assert api.as_(BUYER_GLOBEX).post(f"/deals/{token}/redeem").status_code == 404


def test_a_released_redemption_can_be_redeemed_again_by_the_next_order(api, app):
    orders = {"SO-1": "cancelled"}  # what the shop's orders port says
    offer = api.post("/requests", SEED).get_json()["offers"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    with app.app_context():
        extension = app.extensions["counteroffer"]
        extension.order_status_loader(orders.get)
        with pytest.raises(ConflictError, match="has not been used for an order"):
            extension.release_deal(token)
        assert api.post(f"/deals/{token}/redeem", {"order_ref": "SO-1"}).status_code == 200
        with pytest.raises(ConflictError, match="another order"):
            extension.release_deal(token, order_ref="SO-2")
        released = extension.release_deal(token, order_ref="SO-1")
    assert (released.redeemed_at, released.order_ref) == (None, None)
    again = api.post(f"/deals/{token}/redeem", {"order_ref": "SO-3"})
    assert again.status_code == 200 and again.get_json()["order_ref"] == "SO-3"
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        trail = session.scalars(select(Event.action).where(Event.action.in_(("redeemed", "released")))
                                .order_by(Event.id)).all()
        details = session.scalars(select(Event.detail).where(Event.action == "released")).all()
    assert trail == ["redeemed", "released", "redeemed"]
    assert [d["order_ref"] for d in details] == ["SO-1"]


def test_host_prices_a_cart_line_from_a_deal_token(api, app):
    offer = api.post("/requests", SEED).get_json()["offers"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    with app.app_context():
        extension = app.extensions["counteroffer"]
        deal = extension.deal_price(token, sku="DEMO-120", quantity=3000)
        assert (str(deal.unit_price), deal.quantity) == ("110.00", 3000)
        extension.redeem_deal(token, sku="DEMO-120", quantity=3000, order_ref="SO-9")
        with pytest.raises(Exception, match="already been used"):
            extension.deal_price(token)


def test_buyers_only_see_their_own_company(api, app):
    mine = api.post("/requests", SEED).get_json()
    assert api.as_(BUYER_ACME_2).get(f"/requests/{mine['id']}").status_code == 200
    other = api.as_(BUYER_GLOBEX)
    assert other.get(f"/requests/{mine['id']}").status_code == 404
    assert other.post(f"/requests/{mine['id']}/withdraw").status_code == 404
    assert other.post(f"/offers/{mine['offers'][0]['id']}/accept").status_code == 404
    assert other.get("/requests").get_json() == {"requests": []}
    assert [r["id"] for r in api.as_(BUYER_ACME_2).get("/requests").get_json()["requests"]] == [mine["id"]]
    assert count(app, Deal) == 0


def test_anonymous_is_401_and_staff_is_403_on_buyer_routes(api):
    assert api.as_(None).post("/requests", SEED).status_code == 401
    assert api.as_(REP).post("/requests", SEED).status_code == 403
    assert api.as_(MANAGER).get("/requests").status_code == 403


@pytest.mark.parametrize("field", ["unit_price", "status", "floor", "approved", "company_id", "expires_at"])
def test_extra_fields_are_refused_and_nothing_is_written(api, app, field):
    response = api.post("/requests", {**SEED, field: "1"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {field: ["Unknown field."]}
    assert count(app, Negotiation) == 0


@pytest.mark.parametrize("change, field", [
    ({"target_unit_price": "NaN"}, "target_unit_price"),
    ({"target_unit_price": "Infinity"}, "target_unit_price"),
    ({"target_unit_price": "-1.00"}, "target_unit_price"),
    ({"target_unit_price": "0"}, "target_unit_price"),
    ({"target_unit_price": "110.001"}, "target_unit_price"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"quantity": "1000"}, "quantity"),
    ({"quantity": 10.5}, "quantity"),
    ({"currency": "XYZ"}, "currency"),
    ({"sku": ""}, "sku"),
])
def test_bad_values_are_422_with_the_field_named(api, app, change, field):
    response = api.post("/requests", {**SEED, **change})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(app, Negotiation) == 0


def test_business_refusals_are_422_with_the_field(api, app):
    unknown = api.post("/requests", {**SEED, "sku": "NOPE"})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"] == {
        "sku": ["No product with this SKU."]}
    euros = api.post("/requests", {**SEED, "currency": "EUR"})
    assert euros.get_json()["error"]["fields"] == {"currency": ["This product is priced in USD."]}
    assert count(app, Negotiation) == 0


@pytest.mark.parametrize("price", ["110.10", "110", "1.1e2"])
def test_money_sent_as_a_json_number_is_refused_naming_the_field(api, app, price):
    body = api.client.post("/negotiate/api/requests", content_type="application/json",
                           data='{"sku": "DEMO-120", "quantity": 1000, "target_unit_price": '
                                f'{price}, "currency": "USD"}}')
    assert body.status_code == 422
    assert body.get_json()["error"]["fields"] == {
        "target_unit_price": ['Send money as a string, such as "110.00", not as a number.']}
    assert count(app, Negotiation) == 0


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
    ('{"target_unit_price": NaN}', "application/json"),
])
def test_malformed_bodies_are_400(api, data, content_type):
    response = api.client.post("/negotiate/api/requests", data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_a_body_that_is_not_json_is_415(api):
    response = api.client.post("/negotiate/api/requests", data="sku=DEMO-120",
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_unknown_routes_and_methods_answer_json(api):
    assert api.get("/nothing").get_json()["error"]["code"] == "not_found"
    wrong_method = api.client.delete("/negotiate/api/requests")
    assert wrong_method.status_code == 405 and wrong_method.get_json()["error"]["code"] == "method_not_allowed"
    assert api.get("/requests?status=bogus").status_code == 422


def test_buyer_responses_never_carry_cost_floor_or_explanations(api):
    created = api.post("/requests", SEED).get_json()
    deal = api.post(f"/offers/{created['offers'][0]['id']}/accept").get_json()
    listing = api.get("/requests").data.decode()
    for text in (str(created), str(deal), listing, api.get("/products/DEMO-120/terms").data.decode()):
        for secret in ("cost", "floor", "margin", "explanation", "80.00", "96.00", "headroom"):
            assert secret not in text


def test_every_change_writes_an_audit_event_in_the_same_transaction(api, app):
    created = api.post("/requests", SEED).get_json()
    api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "111.00"})
    offer = api.get(f"/requests/{created['id']}").get_json()["offers"][0]
    api.post(f"/offers/{offer['id']}/accept")
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        events = s.scalars(select(Event).order_by(Event.id)).all()
        assert [(e.action, e.before_status, e.after_status) for e in events] == [
            ("requested", None, "countered"), ("countered", "countered", "countered"),
            ("accepted", "countered", "accepted")]
        assert {e.actor_id for e in events} == {"ann@acme"}
        assert s.scalar(select(func.count()).select_from(Offer)) == 2


def test_public_terms_show_the_breaks_and_the_rules_of_play(api):
    terms = api.get("/products/DEMO-120/terms").get_json()
    assert terms == {"sku": "DEMO-120", "name": "Hydraulic fitting", "currency": "USD",
                     "list_price": "120.00", "breaks": [{"min_quantity": 3000, "unit_price": "110.00"}],
                     "order_multiple": 1, "offer_validity_hours": 48, "max_rounds": 3}


def test_a_counter_price_must_fit_the_currency_too(api, app):
    created = api.post("/requests", SEED).get_json()
    response = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "111.005"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "target_unit_price": ["USD prices have at most 2 decimal places."]}
    assert api.get(f"/requests/{created['id']}").get_json()["round"] == 1


def test_a_reload_finds_the_deal_of_an_accepted_request(api):
    created = api.post("/requests", SEED).get_json()
    deal = api.post(f"/offers/{created['offers'][0]['id']}/accept").get_json()
    assert deal["negotiation_id"] == created["id"]
    shown = api.get(f"/requests/{created['id']}").get_json()
    assert shown["deal"] == deal
    assert api.get("/requests").get_json()["requests"][0]["deal"]["token"] == deal["token"]
    assert api.as_(BUYER_GLOBEX).get("/requests").get_json()["requests"] == []


def test_offers_past_their_time_read_as_expired_before_any_sweep(api, clock):
    created = api.post("/requests", SEED).get_json()
    assert created["deal"] is None
    clock.advance(hours=48)
    shown = api.get(f"/requests/{created['id']}").get_json()
    assert (shown["status"], shown["offers"]) == ("expired", [])


def test_each_request_reads_its_own_body_while_an_app_context_stays_open(app, api):
    # A host (or a test) may hold the app context open around several requests: flask.g
    # then outlives each request, so the parsed body must not be kept there.
    with app.app_context():
        first = api.post("/requests", SEED).get_json()
        second = api.post("/requests", {"sku": "GLOVE-50", "quantity": 500,
                                        "target_unit_price": "18.00", "currency": "USD"}).get_json()
    assert (first["request"]["sku"], second["request"]["sku"]) == ("DEMO-120", "GLOVE-50")
