"""Stock through the APIs: nothing is asked, offered, agreed or redeemed for more units
than the shop has (issue 26, item 5). DEMO-120 sells at $110.00 from 3,000 units."""
from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask

from counteroffer.adapters.sql import SqlCatalog
from counteroffer.db import transaction
from tests.approvals import MAX, seed_approvals
from tests.conftest import ApiClient

ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
BREAK = {**ASK, "quantity": 3000}


def set_stock(app: Flask, available: int | None) -> None:
    with app.app_context():
        extension = app.extensions["counteroffer"]
        with transaction(extension.deps.session_factory) as session:
            current = SqlCatalog(session).item("DEMO-120")
        assert current is not None
        extension.save_products([replace(current, available=available)])


def test_a_request_for_more_than_in_stock_is_refused_naming_the_quantity(api: ApiClient, app: Flask) -> None:
    set_stock(app, 2500)
    refused = api.post("/requests", BREAK)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"quantity": ["Only 2,500 units are available right now."]}
    set_stock(app, 0)
    refused = api.post("/requests", ASK)
    assert refused.get_json()["error"]["fields"]["quantity"] == ["This product is out of stock right now."]


def test_no_volume_offer_beyond_the_stock(api: ApiClient, app: Flask) -> None:
    offers = api.post("/requests", ASK).get_json()["offers"]
    assert (offers[0]["kind"], offers[0]["quantity"]) == ("volume", 3000)  # with stock untracked
    set_stock(app, 2500)
    offers = api.post("/requests", ASK).get_json()["offers"]
    assert all(offer["quantity"] <= 2500 for offer in offers)


def test_a_counter_for_more_than_in_stock_is_refused(api: ApiClient, app: Flask) -> None:
    request = api.post("/requests", ASK).get_json()
    set_stock(app, 1500)
    refused = api.post(f"/requests/{request['id']}/counter", {"target_unit_price": "112.00", "quantity": 2000})
    assert refused.status_code == 422 and "quantity" in refused.get_json()["error"]["fields"]
    assert api.get(f"/requests/{request['id']}").get_json()["round"] == 1  # nothing written


def test_an_offer_whose_stock_ran_out_cannot_be_accepted(api: ApiClient, app: Flask) -> None:
    offer = api.post("/requests", ASK).get_json()["offers"][0]  # 3,000 units at $110.00
    set_stock(app, 2000)  # another order took the rest meanwhile
    refused = api.post(f"/offers/{offer['id']}/accept")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["message"] == (
        "Only 2,000 units are available right now. This offer is for 3,000 units; "
        "ask again for what is in stock.")
    set_stock(app, 3000)
    assert api.post(f"/offers/{offer['id']}/accept").status_code == 201


def test_a_deal_whose_stock_is_gone_is_refused_at_checkout(api: ApiClient, app: Flask) -> None:
    offer = api.post("/requests", ASK).get_json()["offers"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    set_stock(app, 100)
    refused = api.post(f"/deals/{token}/redeem", {"order_ref": "ORD-1"})
    assert refused.status_code == 409 and "This deal is for 3,000 units" in refused.get_json()["error"]["message"]
    with app.app_context(), pytest.raises(Exception, match="Only 100 units"):
        app.extensions["counteroffer"].deal_price(token)
    set_stock(app, None)  # the shop stopped tracking it: the deal is good again
    assert api.post(f"/deals/{token}/redeem", {"order_ref": "ORD-1"}).status_code == 200


def test_a_rep_cannot_counter_with_more_than_in_stock(api: ApiClient, app: Flask) -> None:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    request = api.post("/requests", {**ASK, "target_unit_price": "90.00"}).get_json()
    assert request["status"] == "escalated"
    set_stock(app, 4000)
    rep = api.as_(MAX)
    [escalation] = rep.get("/escalations").get_json()["escalations"]
    body = {"action": "counter", "rationale": "volume", "unit_price": "105.00", "quantity": 5000}
    refused = rep.post(f"/escalations/{escalation['id']}/decision", body)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"quantity": ["Only 4,000 units are available right now."]}
    assert rep.post(f"/escalations/{escalation['id']}/decision", {**body, "quantity": 4000}).status_code == 200
