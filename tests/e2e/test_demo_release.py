"""Issue 24 on the demo shop: a deal buys one order. The buyer cannot give a redemption
back; the shop does, when its order is cancelled (the order page's *Cancel this order*).

On the demo's SQLite file and, where it answers, on PostgreSQL.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from counteroffer import NegotiationError
from tests.e2e.test_demo_shop import (
    checkout,
    flashes,
    login,
    negotiate_seed_deal,
    on_fresh_postgres,
    order,
    orders,
    shop,
)

__all__ = ["shop"]  # the fixture, used by the tests below


def six_order_loop(shop: Flask) -> None:
    """Issue 24's attack on the demo: accept an offer, check out, then try to give the
    redemption back as the buyer (with the order's ref, an empty and a whitespace body)
    and check out again, six times over."""
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = negotiate_seed_deal(client)
    client.post("/demo/cart/deal", data={"token": deal["token"]})
    first, _ = checkout(client)
    assert first is not None
    release = f"/negotiate/api/deals/{deal['token']}/release"
    attempts = [dict(json={"order_ref": first})] * 2 + [dict()] * 3 + [
        dict(data=" \n", content_type="application/json")]
    for attempt in attempts:
        assert client.post(release, **attempt).status_code == 404
        client.get(f"/demo/cart/deal/{deal['token']}")  # the deal back into the cart...
        ref, messages = checkout(client)  # ... and check out again
        assert ref is None, messages
    assert orders(shop) == 1
    with shop.app_context():
        with pytest.raises(NegotiationError, match="already been used"):
            shop.extensions["counteroffer"].deal_price(deal["token"])


def test_a_deal_buys_one_order_whatever_the_buyer_sends(shop: Flask) -> None:
    six_order_loop(shop)


@pytest.mark.postgres
def test_a_deal_buys_one_order_whatever_the_buyer_sends_on_postgres(tmp_path: Path) -> None:
    on_fresh_postgres(tmp_path, six_order_loop)


def test_cancelling_an_order_gives_its_deal_back_for_the_next_order(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = negotiate_seed_deal(client)
    client.post("/demo/cart/deal", data={"token": deal["token"]})
    first, _ = checkout(client)
    assert "Cancel this order" in client.get(f"/demo/orders/{first}").get_data(as_text=True)
    page = client.post(f"/demo/orders/{first}/cancel", follow_redirects=True).get_data(as_text=True)
    assert f"Order {first} is cancelled. 1 negotiated deal(s) can be used again." in flashes(page)
    assert "Cancel this order" not in page and "<strong>Cancelled</strong>" in page
    client.get(f"/demo/cart/deal/{deal['token']}")
    second, _ = checkout(client)
    assert second not in (None, first) and orders(shop) == 2
    assert [line.deal_id for line in order(shop, second).lines] == [deal["id"]]
    assert order(shop, first).cancelled_at is not None and order(shop, second).cancelled_at is None
    again = client.post(f"/demo/orders/{first}/cancel", follow_redirects=True)  # nothing left to give
    assert f"Order {first} is cancelled." in flashes(again.get_data(as_text=True))
    client.get(f"/demo/cart/deal/{deal['token']}")
    assert checkout(client)[0] is None and orders(shop) == 2


def test_only_the_companys_buyers_and_the_seller_cancel_its_orders(shop: Flask) -> None:
    acme, globex, anonymous = shop.test_client(), shop.test_client(), shop.test_client()
    login(acme, "buyer@acme")
    login(globex, "buyer@globex")
    acme.post("/demo/cart/add", data={"sku": "CBL-CT6-1K", "quantity": "10"})
    ref, _ = checkout(acme)
    assert globex.post(f"/demo/orders/{ref}/cancel").status_code == 404
    assert anonymous.post(f"/demo/orders/{ref}/cancel").location.startswith("/demo/login")
    assert order(shop, ref).cancelled_at is None
