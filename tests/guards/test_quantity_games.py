"""Quantity games in the demo shop: a deal binds the SKU and quantity it was made for.
The cart never changes a deal line's quantity, and a cart line that claims the deal for
another quantity (a session from elsewhere, a host's bug) is refused at checkout with
nothing used up; the deal still buys exactly its own line afterwards."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask

from counteroffer.demo.shop.orders import get_order
from tests.e2e.test_demo_shop import checkout, login, negotiate_seed_deal, orders, shop  # noqa: F401


def test_updating_the_quantity_of_a_deals_sku_leaves_the_deal_line_alone(shop: Flask) -> None:  # noqa: F811
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = negotiate_seed_deal(client)  # 3,000 x DEMO-120 at 110.00
    client.post("/demo/cart/deal", data={"token": deal["token"]})
    client.post("/demo/cart/update", data={"sku": "DEMO-120", "quantity": "5000"})
    with client.session_transaction() as session:
        [line] = [line for line in session["cart"] if line.get("deal_token")]
    assert line["quantity"] == 3000


def test_checkout_with_a_deal_for_another_quantity_is_refused_and_uses_nothing(shop: Flask) -> None:  # noqa: F811
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = negotiate_seed_deal(client)
    for quantity in (2999, 6000):  # below the break it was made for, or topped up at its price
        with client.session_transaction() as session:
            session["cart"] = [{"sku": "DEMO-120", "quantity": quantity, "deal_token": deal["token"],
                                "deal_price": "110.00"}]
        ref, messages = checkout(client)
        assert ref is None and any("3,000 units of DEMO-120" in m for m in messages), messages
    assert orders(shop) == 0
    client.post("/demo/cart/deal", data={"token": deal["token"]})  # the deal is still usable
    ref, _ = checkout(client)
    with shop.app_context():
        placed = get_order(shop.extensions["counteroffer_demo"], ref)
    assert [(line.quantity, line.unit_price) for line in placed.lines] == [(3000, Decimal("110.00"))]
