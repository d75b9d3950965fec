"""The demo shop end to end, through the Flask test client on a fresh SQLite file.

The shop seeds itself, so every test starts from what a newcomer sees on first run.
"""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from counteroffer.demo import create_app
from counteroffer.demo.shop import catalog
from counteroffer.demo.shop.orders import get_order, list_orders, order_count
from counteroffer.negotiation.pricing.setup import rule_count
from tests.conftest import fresh_pg_schema

SEED = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
SEED_MESSAGE = "Buy 2,000 more units (3,000 in total) and pay $110.00 each."
ROOT = Path(__file__).resolve().parents[2]


def shop_config(url: str, tmp_path: Path) -> dict[str, object]:
    return {"COUNTEROFFER_DATABASE_URL": url, "SECRET_KEY": "test-secret", "TESTING": True,
            "DEMO_INSTANCE_PATH": str(tmp_path / "instance")}


def close(app: Flask) -> None:
    with app.app_context():
        app.extensions["counteroffer"].close()
    app.extensions["counteroffer_demo"].dispose()


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path))
    yield app
    close(app)


def on_fresh_postgres(tmp_path: Path, check: Callable[[Flask], None], prefix: str = "co_demo") -> None:
    """``check`` run on the demo shop over a new, empty PostgreSQL schema."""
    with fresh_pg_schema(prefix) as url:
        app = create_app(shop_config(url, tmp_path))
        try:
            check(app)
        finally:
            close(app)


def login(client: FlaskClient, username: str) -> None:
    response = client.post("/demo/login", json={"username": username})
    assert response.status_code == 200, response.get_data(as_text=True)


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page)]


def negotiate_seed_deal(client: FlaskClient) -> dict:
    created = client.post("/negotiate/api/requests", json=SEED)
    assert created.status_code == 201
    offer = created.get_json()["offers"][0]
    accepted = client.post(f"/negotiate/api/offers/{offer['id']}/accept")
    assert accepted.status_code == 201
    return accepted.get_json()


def checkout(client: FlaskClient) -> tuple[str | None, list[str]]:
    """Place the cart's order: (order ref or None, the flash messages shown after)."""
    response = client.post("/demo/checkout")
    assert response.status_code == 302
    match = re.fullmatch(r"/demo/orders/(ORD-\w+)", response.location)
    page = client.get(response.location).get_data(as_text=True)
    return (match.group(1) if match else None), flashes(page)


def orders(app: Flask, company_id: str | None = None) -> int:
    return order_count(app.extensions["counteroffer_demo"], company_id)


def order(app: Flask, ref: str):  # noqa: ANN201
    found = get_order(app.extensions["counteroffer_demo"], ref)
    assert found is not None
    return found


# -- catalog, product pages, seed ---------------------------------------------------------

def test_catalog_lists_the_seeded_products_with_their_next_break(shop: Flask) -> None:
    page = shop.test_client().get("/").get_data(as_text=True)
    skus = set(re.findall(r'href="/products/([\w-]+)"', page))
    assert skus == {item.sku for item in catalog.PRODUCTS}
    assert len(skus) == 20
    card = page[page.index('<h3><a href="/products/DEMO-120">'):]
    card = card[:card.index("</li>")]
    assert "$120.00" in card and "from 3,000 units: <strong>$110.00</strong>" in card


def test_seed_matches_the_scenario_and_is_not_repeated(shop: Flask, tmp_path: Path) -> None:
    with shop.app_context():
        ext = shop.extensions["counteroffer"]
        assert ext.catalog_size() == 20
        terms = ext.product_terms("DEMO-120")
        assert (terms.list_price, [(b.min_quantity, b.unit_price) for b in terms.breaks]) == (
            Decimal("120.00"), [(3000, Decimal("110.00"))])
    again = create_app(shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path))
    with again.app_context():
        assert again.extensions["counteroffer"].catalog_size() == 20
        assert rule_count(again.extensions["counteroffer"].deps) == len(catalog.RULES)
    close(again)


def test_product_page_renders_for_anonymous_visitors(shop: Flask) -> None:
    response = shop.test_client().get("/products/DEMO-120")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Heavy-duty swivel caster" in page and "$120.00" in page
    assert re.search(r"<td>3,000\+</td>\s*<td>\$110.00</td>", page)
    assert 'class="co-widget"' in page and 'data-co-sku="DEMO-120"' in page
    assert 'action="/demo/cart/add"' in page and '<label for="quantity">' in page
    assert "Use my deal" not in page  # deal codes are for logged-in buyers


def test_product_page_renders_for_a_logged_in_buyer(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    page = client.get("/products/DEMO-120").get_data(as_text=True)
    assert "Alice Archer" in page and "Acme Corp" in page
    assert 'data-cart-url="/demo/cart/deal/{token}"' in page  # where the widget sends a deal
    assert "Use my deal" in page


def test_the_shop_has_a_favicon_so_no_visit_starts_with_a_404(shop: Flask) -> None:
    """Found by the newcomer test: every browser asks for /favicon.ico (the back office's
    pages link none), and its 404 was an error in the console of the first page seen."""
    client = shop.test_client()
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in client.get("/").get_data(as_text=True)


def test_unknown_product_is_a_404_page(shop: Flask) -> None:
    response = shop.test_client().get("/products/NOPE-1")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


# -- login ----------------------------------------------------------------------------------

def test_json_login_answers_who_is_logged_in(shop: Flask) -> None:
    client = shop.test_client()
    response = client.post("/demo/login", json={"username": "rep@seller"})
    assert response.status_code == 200
    assert response.get_json() == {"username": "rep@seller", "role": "rep", "company_id": None,
                                   "name": "Rita Reyes"}
    assert "Rita Reyes" in client.get("/").get_data(as_text=True)


def test_unknown_user_is_refused(shop: Flask) -> None:
    client = shop.test_client()
    response = client.post("/demo/login", json={"username": "mallory@evil"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unknown_user"
    form = client.post("/demo/login", data={"username": "mallory@evil"})
    assert form.status_code == 401
    assert "Unknown user" in form.get_data(as_text=True)
    assert client.post("/negotiate/api/requests", json=SEED).status_code == 401


def test_form_login_redirects_only_to_local_pages(shop: Flask) -> None:
    client = shop.test_client()
    local = client.post("/demo/login", data={"username": "buyer@globex", "next": "/demo/cart"})
    assert (local.status_code, local.location) == (302, "/demo/cart")
    away = client.post("/demo/login", data={"username": "buyer@globex", "next": "//evil.example/"})
    assert away.location == "/"
    client.post("/demo/logout")
    assert client.post("/negotiate/api/requests", json=SEED).status_code == 401


# -- negotiation, deal in the cart, checkout ------------------------------------------------

def test_seed_scenario_from_request_to_order(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    created = client.post("/negotiate/api/requests", json=SEED).get_json()
    assert created["status"] == "countered"
    assert [offer["message"] for offer in created["offers"]] == [SEED_MESSAGE]
    deal = client.post(f"/negotiate/api/offers/{created['offers'][0]['id']}/accept").get_json()
    assert client.get(f"/demo/cart/deal/{deal['token']}").location == "/demo/cart"
    cart = client.get("/demo/cart").get_data(as_text=True)
    assert "Negotiated deal" in cart and "$330,000.00" in cart
    ref, messages = checkout(client)
    assert ref is not None, messages
    placed = order(shop, ref)
    assert [(line.sku, line.quantity, line.unit_price, line.deal_id) for line in placed.lines] == [
        ("DEMO-120", 3000, Decimal("110.00"), deal["id"])]
    assert placed.total == Decimal("330000.00")
    assert "$330,000.00" in client.get(f"/demo/orders/{ref}").get_data(as_text=True)
    assert client.get("/demo/cart").get_data(as_text=True).count("Negotiated deal") == 0


def test_a_deal_pays_for_one_order_only(shop: Flask) -> None:
    first, second = shop.test_client(), shop.test_client()  # two tabs of the same buyer
    login(first, "buyer@acme")
    login(second, "buyer@acme")
    deal = negotiate_seed_deal(first)
    for client in (first, second):
        client.post("/demo/cart/deal", data={"token": deal["token"]})
    assert checkout(first)[0] is not None
    ref, messages = checkout(second)
    assert ref is None
    assert "DEMO-120: This deal has already been used for an order." in messages
    assert orders(shop) == 1
    again = second.get(f"/demo/cart/deal/{deal['token']}", follow_redirects=True)
    assert "This deal cannot be used: This deal has already been used for an order." in flashes(
        again.get_data(as_text=True))
    assert "Your cart is empty" in again.get_data(as_text=True)


def test_an_order_is_all_or_nothing_and_gives_back_the_deals_it_redeemed(shop: Flask) -> None:
    first, second = shop.test_client(), shop.test_client()  # two tabs of the same buyer
    login(first, "buyer@acme")
    login(second, "buyer@acme")
    kept, taken = negotiate_seed_deal(first), negotiate_seed_deal(first)
    for deal in (kept, taken):  # the kept deal is redeemed first, then the other fails
        first.post("/demo/cart/deal", data={"token": deal["token"]})
    second.post("/demo/cart/deal", data={"token": taken["token"]})
    assert checkout(second)[0] is not None  # the other tab used it a moment ago
    ref, messages = checkout(first)
    assert ref is None and "DEMO-120: This deal has already been used for an order." in messages
    assert orders(shop) == 1
    negotiation = shop.extensions["counteroffer"]
    with shop.app_context():
        assert negotiation.deal_price(kept["token"]).redeemed_at is None  # given back
    ref, _ = checkout(first)  # the cart kept the deal that is still good
    assert [line.deal_id for line in order(shop, ref).lines] == [kept["id"]]


def test_an_order_that_cannot_be_saved_gives_its_deals_back(shop: Flask, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    from counteroffer.demo.shop import checkout as demo_checkout

    client = shop.test_client()
    login(client, "buyer@acme")
    deal = negotiate_seed_deal(client)
    client.post("/demo/cart/deal", data={"token": deal["token"]})

    def database_down(*_args: object) -> None:  # the shop's own database, not the plugin's
        raise OperationalError("INSERT INTO demo_orders", {}, Exception("server closed the connection"))

    monkeypatch.setattr(demo_checkout, "save_order", database_down)
    shop.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/demo/checkout").status_code == 500
    with shop.app_context():
        assert shop.extensions["counteroffer"].deal_price(deal["token"]).redeemed_at is None
    monkeypatch.undo()
    ref, _ = checkout(client)
    assert [line.deal_id for line in order(shop, ref).lines] == [deal["id"]]


def test_another_company_cannot_use_the_deal(shop: Flask) -> None:
    acme, globex = shop.test_client(), shop.test_client()
    login(acme, "buyer@acme")
    login(globex, "buyer@globex")
    deal = negotiate_seed_deal(acme)
    page = globex.get(f"/demo/cart/deal/{deal['token']}", follow_redirects=True)
    assert "This deal cannot be used: No such deal." in flashes(page.get_data(as_text=True))
    assert checkout(globex) == (None, ["Your cart is empty."])


def test_plain_lines_pay_the_price_for_their_quantity(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@acme")
    for sku, quantity in (("DEMO-120", 3000), ("FST-M8-50", 49), ("GLV-NIT-L", 100)):
        client.post("/demo/cart/add", data={"sku": sku, "quantity": str(quantity)})
    ref, _ = checkout(client)
    placed = order(shop, ref)
    assert [(line.sku, line.quantity, line.unit_price, line.line_total, line.deal_id) for line in placed.lines] == [
        ("DEMO-120", 3000, Decimal("110.00"), Decimal("330000.00"), None),  # the 3,000 break
        ("FST-M8-50", 49, Decimal("14.50"), Decimal("710.50"), None),       # one short of 50
        ("GLV-NIT-L", 100, Decimal("10.90"), Decimal("1090.00"), None),     # wholesale break
    ]
    assert placed.total == Decimal("331800.50")


def test_breaks_follow_the_buyers_segment(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "buyer@globex")  # retail: the general glove breaks, not wholesale's
    client.post("/demo/cart/add", data={"sku": "GLV-NIT-L", "quantity": "500"})
    ref, _ = checkout(client)
    assert [(line.unit_price, line.line_total) for line in order(shop, ref).lines] == [
        (Decimal("10.40"), Decimal("5200.00"))]
    assert list_orders(shop.extensions["counteroffer_demo"], "acme") == []


def test_adding_twice_merges_and_reprices_the_line(shop: Flask) -> None:
    client = shop.test_client()
    client.post("/demo/cart/add", data={"sku": "DEMO-120", "quantity": "2000"})
    client.post("/demo/cart/add", data={"sku": "DEMO-120", "quantity": "1000"})
    page = client.get("/demo/cart").get_data(as_text=True)
    assert 'value="3000"' in page and "$110.00" in page and "$330,000.00" in page


def test_cart_lines_can_be_changed_and_removed(shop: Flask) -> None:
    client = shop.test_client()
    client.post("/demo/cart/add", data={"sku": "PKG-BOX-18", "quantity": "475"})
    client.post("/demo/cart/update", data={"sku": "PKG-BOX-18", "quantity": "2500"})
    page = client.get("/demo/cart").get_data(as_text=True)
    assert "$1.09" in page and "$2,725.00" in page  # 2,500 boxes reach the second break
    too_many = client.post("/demo/cart/add", data={"sku": "PKG-BOX-18", "quantity": "9999975"},
                           follow_redirects=True)
    assert "Order between 1 and 10,000,000 units." in flashes(too_many.get_data(as_text=True))
    client.post("/demo/cart/remove", data={"sku": "PKG-BOX-18"})
    assert "Your cart is empty" in client.get("/demo/cart").get_data(as_text=True)


def test_cart_refuses_quantities_off_the_order_multiple(shop: Flask) -> None:
    client = shop.test_client()
    page = client.post("/demo/cart/add", data={"sku": "GLV-NIT-L", "quantity": "15"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Nitrile disposable gloves, size L (box of 100) is sold in multiples of 10." in flashes(page)
    bad = client.post("/demo/cart/add", data={"sku": "DEMO-120", "quantity": "lots"},
                      follow_redirects=True)
    assert "Enter a whole number of units." in flashes(bad.get_data(as_text=True))
    assert "Your cart is empty" in client.get("/demo/cart").get_data(as_text=True)


def test_only_logged_in_buyers_check_out(shop: Flask) -> None:
    client = shop.test_client()
    client.post("/demo/cart/add", data={"sku": "DEMO-120", "quantity": "10"})
    anonymous = client.post("/demo/checkout")
    assert anonymous.location.startswith("/demo/login?next=")
    login(client, "manager@seller")
    _, messages = checkout(client)
    assert "Only buyers place orders; sellers can browse the cart." in messages
    assert orders(shop) == 0


def test_orders_are_private_to_the_company(shop: Flask) -> None:
    acme, globex, rep = shop.test_client(), shop.test_client(), shop.test_client()
    for client, user in ((acme, "buyer@acme"), (globex, "buyer@globex"), (rep, "rep@seller")):
        login(client, user)
    acme.post("/demo/cart/add", data={"sku": "CBL-CT6-1K", "quantity": "10"})
    ref, _ = checkout(acme)
    assert globex.get(f"/demo/orders/{ref}").status_code == 404
    assert ref not in globex.get("/demo/orders").get_data(as_text=True)
    assert rep.get(f"/demo/orders/{ref}").status_code == 200
    assert "$2,740.00" in rep.get("/demo/orders").get_data(as_text=True)


# -- configuration and start-up ---------------------------------------------------------------

def test_configuration_comes_from_the_environment(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path}/env.db"
    monkeypatch.setenv("COUNTEROFFER_DATABASE_URL", url)
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DEMO_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app()
    assert (app.config["COUNTEROFFER_DATABASE_URL"], app.config["SECRET_KEY"]) == (
        url, "from-the-environment")
    assert (tmp_path / "env.db").exists()
    close(app)


def test_without_a_secret_key_every_worker_shares_one(tmp_path: Path) -> None:
    config = shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path)
    del config["SECRET_KEY"]
    first, second = create_app(config), create_app(config)
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    close(first)
    close(second)


STARTUP = """
import sys
from counteroffer.demo import create_app
create_app({"COUNTEROFFER_DATABASE_URL": sys.argv[1], "SECRET_KEY": "s",
            "DEMO_INSTANCE_PATH": sys.argv[2]})
"""


def start_two_workers(url: str, tmp_path: Path) -> None:
    """Two processes booting the shop on one empty database at the same moment."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-c", STARTUP, url, str(tmp_path / "instance")],
                                env=env, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for worker in workers:
        _, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors


def assert_seeded_once(url: str, tmp_path: Path) -> None:
    app = create_app(shop_config(url, tmp_path))
    with app.app_context():
        ext = app.extensions["counteroffer"]
        assert ext.catalog_size() == len(catalog.PRODUCTS)
        assert rule_count(ext.deps) == len(catalog.RULES)
    close(app)


def test_two_workers_starting_on_an_empty_sqlite_file_seed_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    start_two_workers(url, tmp_path)
    assert_seeded_once(url, tmp_path)


@pytest.mark.postgres
def test_two_workers_starting_on_an_empty_postgres_seed_once(tmp_path: Path) -> None:
    with fresh_pg_schema("co_demo") as url:
        start_two_workers(url, tmp_path)
        assert_seeded_once(url, tmp_path)
