"""The demo's checkout at quoted prices (issue 14, items 3 and 4): the panel's link puts an
accepted quote in the cart; checkout charges its prices once for the whole order; a cart
that no longer matches is refused with the line named and nothing redeemed; a failed or
cancelled order gives the quote back. On the demo's SQLite file and on PostgreSQL."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from counteroffer.demo.shop import checkout as checkout_module
from tests.e2e.test_demo_shop import checkout, flashes, login, on_fresh_postgres, order, orders, shop

__all__ = ["shop"]  # the fixture, used by the tests below
CART = (("DEMO-120", 1000), ("FST-M8-50", 200), ("GLV-NIT-L", 100))


def _cart_and_quote(client: FlaskClient) -> dict[str, Any]:
    """The 3-line cart, 6% off asked, the first offer accepted: the deal's JSON."""
    for sku, quantity in CART:
        client.post("/demo/cart/add", data={"sku": sku, "quantity": str(quantity)})
    asked = client.post("/negotiate/api/quotes", json={
        "currency": "USD", "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in CART],
        "order_target": {"discount_pct": "6"}})
    assert asked.status_code == 201, asked.get_json()
    offer = next(o for o in asked.get_json()["offers"] if o["status"] == "open")
    accepted = client.post(f"/negotiate/api/quote-offers/{offer['id']}/accept")
    assert accepted.status_code == 201, accepted.get_json()
    return accepted.get_json()


def _link(deal: dict[str, Any]) -> str:
    """What the panel links to (quote_view.js: checkoutHref)."""
    lines = "&".join(f"line={line['sku']}:{line['quantity']}" for line in deal["lines"])
    return f"/demo/cart/quote/{deal['token']}?{lines}"


def _quoted(deal: dict[str, Any]) -> dict[str, tuple[int, Decimal]]:
    return {line["sku"]: (line["quantity"], Decimal(line["unit_price"])) for line in deal["lines"]}


def checks_out_at_the_quoted_prices(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = _cart_and_quote(client)
    added = client.get(_link(deal), follow_redirects=True).get_data(as_text=True)
    assert any(m.startswith("Quote added: 3 lines at the quoted prices") for m in flashes(added)), flashes(added)
    assert added.count("Quoted price</span>") == 3 + 1  # three lines, and the box that explains the tag
    ref, messages = checkout(client)
    assert ref is not None, messages
    placed = order(shop, ref)
    assert {line.sku: (line.quantity, line.unit_price) for line in placed.lines} == _quoted(deal)
    assert placed.total == Decimal(deal["total"])
    # Used once: the same link now refuses, and no second order can be made from it.
    again = client.get(_link(deal), follow_redirects=True).get_data(as_text=True)
    assert "This quote cannot be used: This deal has already been used for an order." in flashes(again)


def test_the_demo_checks_out_at_the_quoted_prices(shop: Flask) -> None:
    checks_out_at_the_quoted_prices(shop)


@pytest.mark.postgres
def test_the_demo_checks_out_at_the_quoted_prices_on_postgres(tmp_path: Path) -> None:
    on_fresh_postgres(tmp_path, checks_out_at_the_quoted_prices, prefix="co_demo_quote")


def test_a_link_edited_by_hand_buys_nothing(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = _cart_and_quote(client)
    fewer = _link(deal).replace(f"line=DEMO-120:{_quoted(deal)['DEMO-120'][0]}", "line=DEMO-120:1")
    page = client.get(fewer, follow_redirects=True).get_data(as_text=True)
    assert any("This quote cannot be used: The cart no longer matches the quote" in m and "DEMO-120" in m
               for m in flashes(page)), flashes(page)
    assert "Your accepted quote is in this cart" not in page


def test_a_cart_that_no_longer_matches_is_refused_naming_the_line_and_nothing_is_redeemed(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = _cart_and_quote(client)
    client.get(_link(deal))
    client.post("/demo/cart/update", data={"sku": "GLV-NIT-L", "quantity": "10"})
    cart = client.get("/demo/cart").get_data(as_text=True)
    assert "This cart no longer matches your quote" in cart and "GLV-NIT-L" in cart
    ref, messages = checkout(client)
    assert ref is None and any(m.startswith("Quote: The cart no longer matches the quote") and "GLV-NIT-L" in m
                               for m in messages), messages
    assert orders(shop) == 0
    with shop.app_context():  # not redeemed: the quote still prices its own lines
        prices = shop.extensions["counteroffer"].quote_prices(
            deal["token"], [(sku, quantity) for sku, (quantity, _) in _quoted(deal).items()])
    assert {line.sku: line.unit_price for line in prices.lines} == {sku: p for sku, (_, p) in _quoted(deal).items()}


def test_an_order_that_cannot_be_saved_gives_the_quote_back(shop: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = _cart_and_quote(client)
    client.get(_link(deal))

    def disk_full(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(checkout_module, "save_order", disk_full)
    with pytest.raises(OSError):
        client.post("/demo/checkout")
    monkeypatch.undo()
    assert orders(shop) == 0
    ref, messages = checkout(client)  # the quote was given back: the next try buys the order
    assert ref is not None, messages
    assert {line.sku: (line.quantity, line.unit_price) for line in order(shop, ref).lines} == _quoted(deal)


def test_cancelling_the_order_gives_the_quote_back(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = _cart_and_quote(client)
    client.get(_link(deal))
    first, _ = checkout(client)
    page = client.post(f"/demo/orders/{first}/cancel", follow_redirects=True).get_data(as_text=True)
    assert f"Order {first} is cancelled. 1 negotiated deal(s) can be used again." in flashes(page)
    client.get(_link(deal))
    second, messages = checkout(client)
    assert second is not None and second != first, messages


def test_a_quote_used_elsewhere_leaves_the_cart_and_says_why(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    deal = _cart_and_quote(client)
    client.get(_link(deal))
    lines = [{"sku": line["sku"], "quantity": line["quantity"]} for line in deal["lines"]]
    used = client.post(f"/negotiate/api/quote-deals/{deal['token']}/redeem",
                       json={"lines": lines, "order_ref": "ELSEWHERE-1"})
    assert used.status_code == 200, used.get_json()  # another tab, another checkout
    cart = client.get("/demo/cart").get_data(as_text=True)
    assert "Your quote cannot be used any more" in cart and "already been used" in cart
    assert "Quoted price</span>" not in cart
    ref, messages = checkout(client)  # at catalog prices now, not at the quote's
    assert ref is not None, messages
    assert all(line.deal_id is None for line in order(shop, ref).lines)
