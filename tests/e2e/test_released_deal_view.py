"""The buyer's view of a deal whose redemption the shop gave back (issue 22): the request
says the deal is free again, since when, for which order and why, until it is used again."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import Event
from tests.conftest import BUYER_ACME
from tests.guards.test_release import SEED, redeemed_deal, shop_orders  # noqa: F401 - fixture


def _deal_of_request(api) -> dict:  # noqa: ANN001
    [negotiation] = api.as_(BUYER_ACME).get("/requests").get_json()["requests"]
    single = api.get(f"/requests/{negotiation['id']}").get_json()
    assert single["deal"] == negotiation["deal"]  # one answer, listed or alone
    return single["deal"]


@pytest.mark.parametrize("shop_says, because", [("cancelled", "cancelled"), ("failed", "failed"),
                                                (None, "not_placed")])
def test_a_released_deal_says_why_it_is_free_again(api, app, shop_orders, clock, shop_says, because):  # noqa: F811
    token = redeemed_deal(api)
    used = _deal_of_request(api)
    assert used["order_ref"] == "ORD-1" and used["released_at"] is None
    if shop_says:
        shop_orders.status["ORD-1"] = shop_says
    with app.app_context():
        app.extensions["counteroffer"].release_deal(token)
    deal = _deal_of_request(api)
    assert (deal["redeemed_at"], deal["released_order_ref"], deal["released_because"]) == (None, "ORD-1", because)
    assert deal["released_at"] == clock().isoformat()
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        [event] = session.scalars(select(Event).where(Event.action == "released")).all()
        assert event.detail["order_status"] == because

    assert api.post(f"/deals/{token}/redeem", {"order_ref": "ORD-2"}).status_code == 200
    again = _deal_of_request(api)
    assert again["order_ref"] == "ORD-2" and again["released_at"] is None and again["released_because"] is None


def test_a_deal_never_released_says_nothing_of_it(api, app, shop_orders) -> None:  # noqa: F811
    offer = api.as_(BUYER_ACME).post("/requests", SEED).get_json()["offers"][0]
    api.post(f"/offers/{offer['id']}/accept")
    deal = _deal_of_request(api)
    assert (deal["released_at"], deal["released_order_ref"], deal["released_because"]) == (None, None, None)
