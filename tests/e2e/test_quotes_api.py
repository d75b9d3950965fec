"""The whole-cart quote API (issue 14, items 1 and 3) through the test client, on SQLite
and PostgreSQL: ask, rounds, withdraw, a person, expiry, one deal for the quote, the cart
priced from it and redeemed once, all or nothing, and given back by the shop."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from counteroffer import ConflictError
from counteroffer.adapters import FunctionOrders
from counteroffer.db import transaction
from counteroffer.db.models import OutboxMessage
from counteroffer.db.quotes import Quote, QuoteBid, QuoteDeal, QuoteEscalation, QuoteEvent
from counteroffer.negotiation import expire_lapsed_quotes
from tests.conftest import BUYER_ACME_2, BUYER_GLOBEX, ApiClient, FrozenClock
from tests.security.test_buyer_exposure import response_keys

#: Every line at its price for the quantity: the engine agrees as asked.
AS_ASKED = {"currency": "USD", "lines": [
    {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "120.00"},
    {"sku": "GLOVE-50", "quantity": 500, "target_unit_price": "18.00"}]}
SIX_OFF = {"currency": "USD", "lines": [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}],
           "order_target": {"discount_pct": "6"}}
CART = [("DEMO-120", 1000), ("GLOVE-50", 500)]
QUOTE_KEYS = {"id", "status", "round", "max_rounds", "currency", "cart_total", "order_target", "lines", "offers",
              "deal", "note", "created_at", "updated_at", "told", "why_not", "why_not_note"}
SECRET_WORDS = ("floor", "guard", "cost", "explanation", "margin")


def count(app: Flask, query: Any) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return int(session.scalar(query) or 0)


def asked(api: ApiClient, body: dict[str, Any] = AS_ASKED) -> dict[str, Any]:
    response = api.post("/quotes", json=body)
    assert response.status_code == 201, response.json
    return response.json


def deal_token(api: ApiClient) -> str:
    quote = asked(api)
    response = api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept")
    assert response.status_code == 201, response.json
    return response.json["token"]


def test_a_quote_answers_in_the_shape_the_cart_panel_reads_and_never_tells_a_floor(api: ApiClient) -> None:
    quote = asked(api, SIX_OFF)
    assert set(quote) == QUOTE_KEYS
    assert quote["round"] == 1 and quote["max_rounds"] == 3 and quote["currency"] == "USD"
    assert quote["cart_total"] == "129000.00"  # 1,000 x 120.00 + 500 x 18.00 (the break at 500)
    assert quote["order_target"] == {"discount_pct": "6"}
    assert [(line["sku"], line["name"], line["quantity"], line["price_for_quantity"]) for line in quote["lines"]] == [
        ("DEMO-120", "Hydraulic fitting", 1000, "120.00"), ("GLOVE-50", "Nitrile gloves, carton of 50", 500, "18.00")]
    assert quote["status"] in ("open", "countered", "escalated") and quote["deal"] is None
    for offer in quote["offers"]:
        assert set(offer) == {"id", "kind", "round", "status", "expires_at", "message", "terms", "total", "lines"}
        assert all(set(line) == {"sku", "quantity", "unit_price", "price_for_quantity", "line_total"}
                   for line in offer["lines"])
    assert not [key for key in response_keys(quote) if any(word in key for word in SECRET_WORDS)]


def test_targets_at_the_cart_price_are_agreed_as_asked(api: ApiClient) -> None:
    quote = asked(api)
    assert quote["status"] == "open"
    [offer] = [o for o in quote["offers"] if o["kind"] == "as_asked"]
    assert [(line["sku"], line["quantity"], line["unit_price"]) for line in offer["lines"]] == [
        ("DEMO-120", 1000, "120.00"), ("GLOVE-50", 500, "18.00")]
    assert offer["total"] == "129000.00"


def test_a_company_sees_its_own_quotes_newest_first_and_others_not_at_all(api: ApiClient, clock: FrozenClock) -> None:
    first = asked(api)
    clock.advance(minutes=1)
    second = asked(api, SIX_OFF)
    assert [q["id"] for q in api.get("/quotes").json["quotes"]] == [second["id"], first["id"]]
    assert api.as_(BUYER_ACME_2).get(f"/quotes/{first['id']}").status_code == 200  # a colleague: the team's
    gus = api.as_(BUYER_GLOBEX)
    assert gus.get("/quotes").json == {"quotes": []}
    offer = first["offers"][0]["id"]
    for path in (f"/quotes/{first['id']}/counter", f"/quotes/{first['id']}/withdraw",
                 f"/quotes/{first['id']}/escalate", f"/quote-offers/{offer}/accept"):
        body = {"lines": AS_ASKED["lines"]} if path.endswith("counter") else None
        assert gus.post(path, json=body).status_code == 404, path
    assert gus.get(f"/quotes/{first['id']}").status_code == 404


def test_a_counter_changes_quantities_adds_and_removes_lines_until_the_round_limit(app: Flask, api: ApiClient) -> None:
    quote = asked(api, SIX_OFF)
    body = {"lines": [{"sku": "GLOVE-50", "quantity": 1050}, {"sku": "DEMO-120", "quantity": 3000}],
            "order_target": {"total": "340000.00"}}
    second = api.post(f"/quotes/{quote['id']}/counter", json=body)
    assert second.status_code == 200, second.json
    assert second.json["round"] == 2 and second.json["order_target"] == {"total": "340000.00"}
    assert [(line["sku"], line["quantity"], line["price_for_quantity"]) for line in second.json["lines"]] == [
        ("GLOVE-50", 1050, "16.50"), ("DEMO-120", 3000, "110.00")]
    removed = api.post(f"/quotes/{quote['id']}/counter", json={"lines": [{"sku": "DEMO-120", "quantity": 3000}],
                                                              "order_target": {"discount_pct": "10.0"}})
    assert removed.status_code == 200, removed.json
    assert [line["sku"] for line in removed.json["lines"]] == ["DEMO-120"] and removed.json["round"] == 3
    assert removed.json["order_target"] == {"discount_pct": "10"}  # not 1E+1
    assert count(app, select(func.count()).select_from(QuoteBid)) == 3
    over = api.post(f"/quotes/{quote['id']}/counter", json={"lines": [{"sku": "DEMO-120", "quantity": 3000}]})
    assert over.status_code == 409 and "all 3 rounds" in over.json["error"]["message"]


def test_withdrawing_closes_the_offers(api: ApiClient) -> None:
    quote = asked(api)
    withdrawn = api.post(f"/quotes/{quote['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert withdrawn.json["offers"] == []
    assert api.post(f"/quotes/{quote['id']}/withdraw").status_code == 409
    assert api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept").status_code == 409


def test_asking_for_a_person_opens_a_routed_escalation_and_a_counter_voids_it(app: Flask, api: ApiClient) -> None:
    quote = asked(api, SIX_OFF)
    escalated = api.post(f"/quotes/{quote['id']}/escalate")
    assert escalated.status_code == 200 and escalated.json["status"] == "escalated"
    assert escalated.json["offers"] == [o for o in quote["offers"] if o["status"] == "open"]  # still held
    assert count(app, select(func.count()).select_from(QuoteEscalation).where(QuoteEscalation.status == "open")) == 1
    assert count(app, select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.topic == "quote.escalated")) >= 1
    assert api.post(f"/quotes/{quote['id']}/escalate").status_code == 409  # a person has it already
    api.post(f"/quotes/{quote['id']}/counter", json={"lines": SIX_OFF["lines"]})
    assert count(app, select(func.count()).select_from(QuoteEscalation).where(QuoteEscalation.status == "void")) == 1


def test_accepting_gives_one_deal_for_the_whole_quote(app: Flask, api: ApiClient) -> None:
    quote = asked(api)
    deal = api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept")
    assert deal.status_code == 201
    assert deal.json["total"] == "129000.00" and deal.json["redeemed_at"] is None
    assert [(line["sku"], line["quantity"], line["unit_price"], line["line_total"]) for line in deal.json["lines"]] == [
        ("DEMO-120", 1000, "120.00", "120000.00"), ("GLOVE-50", 500, "18.00", "9000.00")]
    again = api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept")
    assert again.status_code == 409
    shown = api.get(f"/quotes/{quote['id']}").json
    assert shown["status"] == "accepted" and shown["deal"]["token"] == deal.json["token"]
    assert count(app, select(func.count()).select_from(QuoteDeal)) == 1


def test_the_cart_is_priced_line_by_line_and_a_cart_that_differs_is_refused_naming_the_line(
        app: Flask, api: ApiClient) -> None:
    extension, token = app.extensions["counteroffer"], deal_token(api)
    with app.app_context():
        prices = extension.quote_prices(token, [{"sku": "GLOVE-50", "quantity": 500}, ("DEMO-120", 1000)])
        assert [(p.sku, p.quantity, str(p.unit_price)) for p in prices.lines] == [
            ("GLOVE-50", 500, "18.00"), ("DEMO-120", 1000, "120.00")]  # any order of lines
        for cart, field in (([("DEMO-120", 1000)], "lines"),
                            ([("DEMO-120", 1000), ("GLOVE-50", 450)], "lines[1].quantity"),
                            # More units than quoted: the quote's routing and approval were
                            # for its own order value, so topping it up is refused too.
                            ([("DEMO-120", 1200), ("GLOVE-50", 500)], "lines[0].quantity"),
                            ([("DEMO-120", 1000), ("GLOVE-50", 500), ("DEMO-9", 1)], "lines[2].sku")):
            with pytest.raises(ConflictError) as refused:
                extension.quote_prices(token, cart)
            assert list(refused.value.fields) == [field]
            assert field in refused.value.message
    response = api.post(f"/quote-deals/{token}/redeem", json={"lines": [{"sku": "DEMO-120", "quantity": 1000},
                                                                       {"sku": "GLOVE-50", "quantity": 499}]})
    assert response.status_code == 409
    assert response.json["error"]["fields"] == {"lines[1].quantity": [
        "The quote is for 500 units of GLOVE-50; the cart has 499."]}
    assert count(app, select(func.count()).select_from(QuoteDeal).where(QuoteDeal.redeemed_at.is_not(None))) == 0


def test_a_deal_redeems_once_for_the_whole_order_and_the_shop_gives_it_back(app: Flask, api: ApiClient) -> None:
    extension, token = app.extensions["counteroffer"], deal_token(api)
    orders = {"SO-1": "placed"}
    extension.use_orders(FunctionOrders(lambda ref: orders.get(ref)))
    body = {"lines": [{"sku": sku, "quantity": quantity} for sku, quantity in CART], "order_ref": "SO-1"}
    redeemed = api.post(f"/quote-deals/{token}/redeem", json=body)
    assert redeemed.status_code == 200 and redeemed.json["order_ref"] == "SO-1"
    assert api.post(f"/quote-deals/{token}/redeem", json=body).status_code == 409
    assert api.as_(BUYER_GLOBEX).post(f"/quote-deals/{token}/redeem", json=body).status_code == 404
    with app.app_context():
        with pytest.raises(ConflictError):  # the order stands
            extension.release_order("SO-1")
        orders["SO-1"] = "cancelled"
        extension.release_order("SO-1")
        assert extension.quote_prices(token, CART).total == 129000
        orders["SO-2"] = "placed"
        assert extension.redeem_quote(token, CART, order_ref="SO-2").order_ref == "SO-2"
        assert [v.order_ref for v in extension.release_quote_order("SO-9")] == []


def test_offers_lapse_as_line_offers_do(app: Flask, api: ApiClient, clock: FrozenClock) -> None:
    quote = asked(api)
    clock.advance(hours=49)
    assert api.get(f"/quotes/{quote['id']}").json["status"] == "expired"  # before any sweep
    assert api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept").status_code == 409
    with app.app_context():
        assert expire_lapsed_quotes(app.extensions["counteroffer"].deps) == 0  # the accept expired them all
    assert api.get(f"/quotes/{quote['id']}").json["status"] == "expired"


def test_the_host_hands_its_cart_over_in_python(app: Flask) -> None:
    from tests.conftest import BUYER_ACME

    extension = app.extensions["counteroffer"]
    with app.app_context():
        view = extension.quote_request_from_cart(
            [{"sku": "DEMO-120", "quantity": 1000}, ("GLOVE-50", 500)], order_target={"discount_pct": "6"},
            actor=BUYER_ACME)
    assert view.currency == "USD" and view.round == 1 and [line.sku for line in view.lines] == ["DEMO-120", "GLOVE-50"]
    assert view.deal is None and timedelta(0) <= view.updated_at - view.created_at


def test_a_quote_the_rules_cannot_answer_goes_to_a_person_with_their_suggestion(app: Flask, api: ApiClient) -> None:
    quote = asked(api, {**SIX_OFF, "order_target": {"discount_pct": "25"}})  # far below DEMO-120's floor
    assert quote["status"] == "escalated" and quote["offers"] == []
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        escalation = session.scalars(select(QuoteEscalation)).one()
        assert (escalation.status, escalation.round, escalation.quote_id) == ("open", 1, quote["id"])
        assert escalation.cart_total == 129000 and escalation.target_total == 96750  # 25% off, for the person
        assert escalation.reason
    assert "suggest" not in str(quote)  # the rules' suggestion is for the person only


def test_accepting_an_offer_held_while_a_person_looks_voids_the_escalation(app: Flask, api: ApiClient) -> None:
    quote = asked(api)
    assert api.post(f"/quotes/{quote['id']}/escalate").json["status"] == "escalated"
    assert api.post(f"/quote-offers/{quote['offers'][0]['id']}/accept").status_code == 201
    assert api.get(f"/quotes/{quote['id']}").json["status"] == "accepted"
    assert count(app, select(func.count()).select_from(QuoteEscalation).where(QuoteEscalation.status == "void")) == 1
    assert count(app, select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.topic == "quote.escalation_void")) == 1


def test_the_sweep_expires_lapsed_offers_and_the_quote_left_with_none(app: Flask, api: ApiClient,
                                                                       clock: FrozenClock) -> None:
    quote = asked(api, SIX_OFF)
    clock.advance(hours=49)
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        assert expire_lapsed_quotes(deps) == len(quote["offers"]) >= 1
        assert expire_lapsed_quotes(deps) == 0  # once
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        row = session.get(Quote, quote["id"])
        assert row is not None and row.status == "expired"
        assert session.scalar(select(func.count()).select_from(QuoteEvent).where(
            QuoteEvent.quote_id == quote["id"], QuoteEvent.action == "expired")) == 1


def test_the_shop_gives_a_quote_deal_back_by_its_token_only_for_its_order(app: Flask, api: ApiClient) -> None:
    extension, token = app.extensions["counteroffer"], deal_token(api)
    extension.use_orders(FunctionOrders(lambda ref: "failed"))
    with app.app_context():
        with pytest.raises(ConflictError, match="has not been used"):
            extension.release_quote(token)
        extension.redeem_quote(token, CART, order_ref="SO-5")
        with pytest.raises(ConflictError, match="another order"):
            extension.release_quote(token, order_ref="SO-6")
        released = extension.release_quote(token, order_ref="SO-5")
        assert released.redeemed_at is None and released.order_ref is None
        assert extension.quote_deal_for_order("SO-5") is None  # given back
        assert extension.redeem_quote(token, CART, order_ref="SO-7").order_ref == "SO-7"  # SO-5 failed: usable again
        found = extension.quote_deal_for_order("SO-7")
        assert found is not None and found.token == token and found.total == 129000
