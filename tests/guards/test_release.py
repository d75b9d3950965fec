"""A deal buys one order: giving a redemption back is the shop's call, and only for an
order its orders port confirms did not happen (issue 24, docs/security.md section 3).

On SQLite and PostgreSQL, through the buyer API and the host's Python API.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from counteroffer import ConflictError
from counteroffer.adapters import BackOfficeUnavailableError, FunctionOrders
from counteroffer.db import transaction
from counteroffer.db.models import Deal, Event
from counteroffer.negotiation import ServiceUnavailableError
from tests.conftest import BUYER_ACME, MANAGER, ApiClient

SEED = {"sku": "DEMO-120", "quantity": 3000, "target_unit_price": "110.00", "currency": "USD"}


class ShopOrders:
    """The shop's orders as a test sets them: order_ref -> placed, failed, cancelled."""

    def __init__(self) -> None:
        self.status: dict[str, str] = {}
        self.down = False

    def order_status(self, order_ref: str) -> str | None:
        if self.down:
            raise BackOfficeUnavailableError("the ERP does not answer")
        return self.status.get(order_ref)

    def order_lines(self, *_args: object) -> tuple[()]:
        return ()


@pytest.fixture
def shop_orders(app: Flask) -> Iterator[ShopOrders]:
    orders = ShopOrders()
    app.extensions["counteroffer"].use_orders(orders)
    yield orders


def redeemed_deal(api: ApiClient, order_ref: str | None = "ORD-1") -> str:
    offer = api.as_(BUYER_ACME).post("/requests", SEED).get_json()["offers"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    body = {"order_ref": order_ref} if order_ref else {}
    assert api.post(f"/deals/{token}/redeem", body).status_code == 200
    return token


def deal_row(app: Flask, token: str) -> tuple[object, str | None]:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        deal = session.scalars(select(Deal).where(Deal.token == token)).one()
        return deal.redeemed_at, deal.order_ref


def count(app: Flask, action: str) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return session.scalar(select(func.count()).select_from(Event).where(Event.action == action))


@pytest.mark.parametrize("send", [
    lambda c, url: c.post(url, json={"order_ref": "ORD-1"}),
    lambda c, url: c.post(url),
    lambda c, url: c.post(url, data=" \n\t ", content_type="application/json"),
    lambda c, url: c.put(url, json={}),
    lambda c, url: c.get(url),
], ids=["order_ref", "empty", "whitespace", "put", "get"])
def test_a_buyer_cannot_give_a_redemption_back(api, app, shop_orders, send):
    shop_orders.status["ORD-1"] = "cancelled"  # even when the shop would agree
    token = redeemed_deal(api)
    response = send(api.client, f"/negotiate/api/deals/{token}/release")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert deal_row(app, token)[1] == "ORD-1" and count(app, "released") == 0
    assert api.post(f"/deals/{token}/redeem", {"order_ref": "ORD-2"}).status_code == 409


def test_a_redemption_is_not_given_back_while_its_order_is_placed(api, app, shop_orders):
    shop_orders.status["ORD-1"] = "placed"
    token = redeemed_deal(api)
    with app.app_context(), pytest.raises(ConflictError, match="Order ORD-1 is still placed"):
        app.extensions["counteroffer"].release_deal(token, order_ref="ORD-1")
    with app.app_context(), pytest.raises(ConflictError, match="still placed"):
        app.extensions["counteroffer"].release_order("ORD-1")
    assert deal_row(app, token)[1] == "ORD-1" and count(app, "released") == 0


@pytest.mark.parametrize("status", ["failed", "cancelled", None], ids=str)
def test_a_redemption_is_given_back_once_the_shop_confirms_its_order_did_not_happen(
        api, app, shop_orders, status):
    if status:
        shop_orders.status["ORD-1"] = status
    token = redeemed_deal(api)
    with app.app_context():
        released = app.extensions["counteroffer"].release_deal(token, actor=MANAGER)
    assert (released.redeemed_at, released.order_ref) == (None, None)
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        event = session.scalars(select(Event).where(Event.action == "released")).one()
        assert (event.actor_id, event.detail["order_ref"]) == ("max@seller", "ORD-1")
    assert api.post(f"/deals/{token}/redeem", {"order_ref": "ORD-2"}).status_code == 200


def test_an_order_placed_after_all_keeps_its_released_deal_from_buying_another(api, app, shop_orders):
    token = redeemed_deal(api)  # the checkout looked failed: the shop had no ORD-1 yet
    with app.app_context():
        app.extensions["counteroffer"].release_deal(token)
    shop_orders.status["ORD-1"] = "placed"  # ... and then its order was saved after all
    refused = api.post(f"/deals/{token}/redeem", {"order_ref": "ORD-2"})
    assert refused.status_code == 409 and "order ORD-1, which the shop shows as placed" in \
        refused.get_json()["error"]["message"]
    assert deal_row(app, token) == (None, None) and count(app, "redeemed") == 1
    shop_orders.status["ORD-1"] = "cancelled"
    assert api.post(f"/deals/{token}/redeem", {"order_ref": "ORD-2"}).status_code == 200


def test_release_order_gives_back_every_deal_of_that_order_and_only_those(api, app, shop_orders):
    first, second, other = redeemed_deal(api), redeemed_deal(api), redeemed_deal(api, "ORD-9")
    shop_orders.status.update({"ORD-1": "cancelled", "ORD-9": "placed"})
    with app.app_context():
        released = app.extensions["counteroffer"].release_order("ORD-1")
        assert app.extensions["counteroffer"].release_order("ORD-404") == []
    assert sorted(view.token for view in released) == sorted([first, second])
    assert deal_row(app, other)[1] == "ORD-9" and count(app, "released") == 2


def test_deals_for_order_finds_the_deals_an_order_holds_and_forgets_them_once_released(
        api, app, shop_orders):
    extension = app.extensions["counteroffer"]
    first, second, other = redeemed_deal(api), redeemed_deal(api), redeemed_deal(api, "ORD-9")
    with app.app_context():
        found = extension.deals_for_order("ORD-1")
        assert sorted(view.token for view in found) == sorted([first, second])
        assert {(v.order_ref, v.sku) for v in found} == {("ORD-1", "DEMO-120")}
        assert [view.token for view in extension.deals_for_order("ORD-9")] == [other]
        assert extension.deals_for_order("ORD-404") == []
        shop_orders.status["ORD-1"] = "cancelled"
        extension.release_order("ORD-1")
        assert extension.deals_for_order("ORD-1") == []  # given back: the order holds none


def test_a_redemption_without_an_order_reference_stays_used(api, app, shop_orders):
    token = redeemed_deal(api, order_ref=None)
    with app.app_context(), pytest.raises(ConflictError, match="without an order reference"):
        app.extensions["counteroffer"].release_deal(token)
    assert deal_row(app, token)[0] is not None


def test_an_orders_port_that_cannot_answer_changes_nothing(api, app, shop_orders):
    token = redeemed_deal(api)
    shop_orders.down = True
    with app.app_context(), pytest.raises(ServiceUnavailableError, match="could not confirm"):
        app.extensions["counteroffer"].release_deal(token)
    assert deal_row(app, token)[1] == "ORD-1" and count(app, "released") == 0


def test_an_orders_port_answering_nonsense_is_a_programming_error(api, app):
    app.extensions["counteroffer"].order_status_loader(lambda ref: "shipped")
    token = redeemed_deal(api)
    with app.app_context(), pytest.raises(ValueError, match="'shipped'"):
        app.extensions["counteroffer"].release_deal(token)
    assert deal_row(app, token)[1] == "ORD-1"


def test_without_an_orders_port_nothing_is_given_back(api, app):
    token = redeemed_deal(api)
    with app.app_context(), pytest.raises(RuntimeError, match="use_orders"):
        app.extensions["counteroffer"].release_deal(token)
    assert deal_row(app, token)[1] == "ORD-1"


def test_a_function_orders_port_knows_no_lines_unless_given_them():
    port = FunctionOrders({"A": "placed"}.get)
    assert (port.order_status("A"), port.order_status("B"), port.order_lines("acme", "X", None)) == (
        "placed", None, ())
