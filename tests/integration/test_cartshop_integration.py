"""docs/integration.md's "Checkout with a database cart and eager commits", done for real
(issue 26): tests/integration/cartshop keeps its cart in the database, commits on every
create, tracks stock, registers HTML error pages after the plugin and runs Flask-WTF's
CSRFProtect. Its whole integration (loaders, widget, the deal's cart line and price,
checkout, cancelling) is at most 40 counted lines; a buyer asks, accepts, and checks out
at the deal's price in the same session or a fresh one; a failed order and a cancelled
one give their redemptions back. The host's tables and the plugin's share one database:
SQLite, and PostgreSQL where it answers."""
from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.security import generate_password_hash

from counteroffer.db import transaction
from counteroffer.db.models import Deal
from tests.integration.cartshop import create_app
from tests.integration.cartshop.models import CartLine, Company, Order, Product, User, db
from tests.integration.test_host_integration import lines_naming_the_plugin, marked_lines

HOST = Path(__file__).parent / "cartshop"
# The shop runs Flask-WTF's CSRFProtect on, as real shops do: the plugin exempts its own
# JSON API (issue 20), and the shop's own forms post their CSRF token.
CSRF_ENABLED = True
SKU = "CART-100"
ASK = {"sku": SKU, "quantity": 5, "target_unit_price": "110.00", "currency": "USD"}
# Names only the integration uses: a line of the shop naming one is a plugin line.
PLUGIN_NAMES = re.compile(r"\b(counteroffer|deal_token|deal_price|NegotiationError|price_request_widget)\b")


def host_files() -> list[Path]:
    return sorted(p for p in HOST.rglob("*") if p.suffix in (".py", ".html"))


def counted_lines() -> set[tuple[Path, int]]:
    return {(path, number) for path in host_files() for number, _ in marked_lines(path)}


def test_the_whole_integration_is_at_most_40_lines_and_all_of_them_are_counted():
    counted = counted_lines()
    assert len(counted) <= 40, sorted(counted)
    naming = {(path, number) for path in host_files() for number in lines_naming_the_plugin(path)}
    naming |= {(path, number) for path in host_files() for number in lines_using_the_deal(path)}
    assert naming <= counted, sorted(naming - counted)  # no plugin line hides outside the markers


def lines_using_the_deal(path: Path) -> set[int]:
    """Code (not comments or docstrings) that uses what only the integration added."""
    if path.suffix == ".html":
        return {n for n, line in enumerate(path.read_text().splitlines(), start=1)
                if PLUGIN_NAMES.search(line) and not line.lstrip().startswith("{#")}
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return {token.start[0] for token in tokens
            if token.type == tokenize.NAME and PLUGIN_NAMES.fullmatch(token.string)}


def test_the_guide_shows_the_cartshops_code_and_its_count():
    guide = (Path(__file__).parents[2] / "docs" / "integration.md").read_text()
    section = re.split(r"\n#{2,3} ", guide.split("### Checkout with a database cart and eager commits\n", 1)[1])[0]
    code = "\n".join(re.findall(r"```(?:python|jinja)\n(.*?)```", section, flags=re.S))
    shown = {_code(line) for line in code.splitlines()}
    for path, number in sorted(counted_lines()):
        line = _code(path.read_text().splitlines()[number - 1])
        assert line in shown, f"{path.name}:{number} is not in the guide: {line}"
    assert f"{len(counted_lines())} lines" in section


def _code(line: str) -> str:
    """A line without its comment and indentation."""
    return " ".join(line.split("  #")[0].split())


@pytest.fixture
def host(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": db_url, "COUNTEROFFER_DATABASE_URL": db_url,
                      "WTF_CSRF_ENABLED": CSRF_ENABLED})
    upgrade = app.test_cli_runner().invoke(args=["counteroffer", "db", "upgrade"])
    assert upgrade.exit_code == 0, upgrade.output
    with app.app_context():
        seed_the_shop()
        pricing_managers_rules(app.extensions["counteroffer"])
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()
        db.session.remove()
        db.drop_all()  # PostgreSQL: the schema is shared with the next test
        db.engine.dispose()


def seed_the_shop() -> None:
    """What the shop had before it heard of the plugin."""
    Company.create(id="acme", name="Acme Corp", segment="wholesale")
    User.create(email="ann@acme.example", password_hash=generate_password_hash("s3cret"), company_id="acme")
    Product.create(sku=SKU, name="Pressure valve", price=Decimal("120.00"), cost=Decimal("80.00"), stock=25)
    Product.create(sku="CART-200", name="Gasket", price=Decimal("4.50"), cost=Decimal("2.00"), stock=10)


def pricing_managers_rules(extension) -> None:  # noqa: ANN001
    extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 20, "unit_price": "110.00"}]}, sku=SKU)
    extension.save_rule("floor", {"min_margin_pct": "20"}, sku=SKU)


def csrf_token(client: FlaskClient, page: str) -> str:
    """The token the shop's own form carries, as a browser would post it."""
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post_form(client: FlaskClient, page: str, action: str, **data: str) -> object:
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data})


def logged_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = post_form(client, "/login", "/login", email="ann@acme.example", password="s3cret")
    assert response.status_code == 302
    return client


def agreed_deal(client: FlaskClient) -> dict:
    """Ask and accept through the plugin's API with the shop's session cookie, as the widget does."""
    asked = client.post("/negotiate/api/requests", json=ASK)
    assert asked.status_code == 201, asked.get_json()
    [offer] = asked.get_json()["offers"]
    assert (offer["kind"], offer["quantity"], offer["unit_price"]) == ("volume", 20, "110.00")
    accepted = client.post(f"/negotiate/api/offers/{offer['id']}/accept")
    assert accepted.status_code == 201, accepted.get_json()
    return accepted.get_json()


def deal_in_cart(client: FlaskClient) -> dict:
    deal = agreed_deal(client)
    added = client.get(f"/cart/deal/{deal['token']}")
    assert (added.status_code, added.location) == (302, "/cart")
    return deal


def check_out(client: FlaskClient):  # noqa: ANN201
    return post_form(client, "/cart", "/checkout")


def orders(app: Flask) -> list[Order]:
    with app.app_context():
        return list(db.session.scalars(select(Order).options(selectinload(Order.lines)).order_by(Order.id)))


def cart_of_ann(app: Flask) -> list[tuple[str, int, str | None]]:
    with app.app_context():
        return [(line.sku, line.quantity, line.deal_token) for line in db.session.scalars(select(CartLine))]


def the_deal(app: Flask) -> Deal:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        deal = session.scalars(select(Deal)).one()
        session.expunge(deal)
        return deal


def stock(app: Flask, sku: str = SKU) -> int:
    with app.app_context():
        return db.session.get(Product, sku).stock


def set_stock(app: Flask, units: int, sku: str = SKU) -> None:
    with app.app_context():
        db.session.get(Product, sku).stock = units
        db.session.commit()


def order_page(client: FlaskClient, placed) -> str:  # noqa: ANN001
    assert placed.status_code == 302 and placed.location.startswith("/orders/ORD-"), placed.location
    return client.get(placed.location).get_data(as_text=True)


def test_ask_accept_and_check_out_at_the_deal_price_from_the_database_cart(host):
    client = logged_in(host)
    deal = deal_in_cart(client)
    cart = client.get("/cart").get_data(as_text=True)
    assert "$110.00" in cart and "Total: $2200.00" in cart  # not the list price, $120.00
    assert cart_of_ann(host) == [(SKU, 20, deal["token"])]

    page = order_page(client, check_out(client))
    assert "20 x CART-100 at $110.00" in page and "Total: $2200.00" in page
    [order] = orders(host)
    assert (order.status, order.total, [line.unit_price for line in order.lines]) == (
        "placed", Decimal("2200.00"), [Decimal("110.00")])
    assert (the_deal(host).order_ref, the_deal(host).redeemed_at is not None) == (order.ref, True)
    assert cart_of_ann(host) == [] and stock(host) == 5
    with host.app_context():
        assert [d.token for d in host.extensions["counteroffer"].deals_for_order(order.ref)] == [deal["token"]]


def test_a_fresh_session_finds_the_deal_on_the_cart_line_and_orders_at_the_deal_price(host):
    deal = deal_in_cart(logged_in(host))
    fresh = logged_in(host)  # another browser: new cookies, nothing in its session
    assert "$110.00" in fresh.get("/cart").get_data(as_text=True)
    page = order_page(fresh, check_out(fresh))
    assert "20 x CART-100 at $110.00" in page
    [order] = orders(host)
    assert order.total == Decimal("2200.00")
    assert the_deal(host).order_ref == order.ref and the_deal(host).token == deal["token"]


def test_an_order_the_shop_cannot_take_after_the_redemption_gives_the_deal_back(host):
    client = logged_in(host)
    deal_in_cart(client)
    post_form(client, "/products/CART-200", "/cart/add", sku="CART-200", quantity="11")  # 10 in stock
    refused = check_out(client)
    assert (refused.status_code, refused.location) == (302, "/cart")
    cart = client.get("/cart").get_data(as_text=True)
    assert "Only 10 x Gasket left in stock." in cart
    assert orders(host) == [] and stock(host) == 25 and stock(host, "CART-200") == 10
    released = the_deal(host)
    assert (released.redeemed_at, released.order_ref) == (None, None)  # redeemed, then given back
    assert len(cart_of_ann(host)) == 2  # nothing taken out of the cart

    post_form(client, "/cart", f"/cart/{_line_id(host, 'CART-200')}/remove")
    assert "20 x CART-100 at $110.00" in order_page(client, check_out(client))


def test_an_order_that_fails_to_save_gives_the_deal_back_and_the_buyer_sees_the_shops_error_page(host):
    host.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the shop's own 500 page answers
    client = logged_in(host)
    deal_in_cart(client)
    with host.app_context():  # a line the shop's form never lets in: the database refuses the order
        CartLine.create(user_id=1, sku="CART-200", quantity=0)
    failed = check_out(client)
    assert failed.status_code == 500
    assert "Your order was not placed" in failed.get_data(as_text=True)
    assert orders(host) == [] and stock(host) == 25
    assert the_deal(host).redeemed_at is None


def test_cancelling_gives_the_redemption_back_and_the_deal_buys_the_replacement_order(host):
    client = logged_in(host)
    deal = deal_in_cart(client)
    first = check_out(client)
    order_page(client, first)
    assert client.get(f"/cart/deal/{deal['token']}", follow_redirects=True).get_data(as_text=True).count(
        "already been used") == 1  # while the order stands, the deal cannot go back in a cart

    cancelled = post_form(client, first.location, f"{first.location}/cancel")
    assert "Status: cancelled" in client.get(cancelled.location).get_data(as_text=True)
    assert stock(host) == 25
    assert the_deal(host).redeemed_at is None
    post_form(client, f"/products/{SKU}", f"{first.location}/cancel")  # pressed twice: nothing more comes back
    assert stock(host) == 25

    deal_again = client.get(f"/cart/deal/{deal['token']}")
    assert deal_again.location == "/cart"
    replacement = check_out(client)
    assert "20 x CART-100 at $110.00" in order_page(client, replacement)
    assert [o.status for o in orders(host)] == ["cancelled", "placed"]
    assert the_deal(host).order_ref == orders(host)[1].ref


def test_stock_gone_at_checkout_is_refused_with_the_plugins_message_and_nothing_is_written(host):
    client = logged_in(host)
    deal_in_cart(client)
    set_stock(host, 12)  # another buyer took 13 meanwhile
    refused = check_out(client)
    assert refused.location == "/cart"
    cart = client.get("/cart").get_data(as_text=True)
    assert "Only 12 units are available right now. This deal is for 20 units; ask again for what is in stock." in cart
    assert orders(host) == [] and stock(host) == 12 and the_deal(host).redeemed_at is None
    assert cart_of_ann(host)[0][1] == 20  # the line is still there for the buyer to change


def test_an_expired_deal_is_refused_at_checkout_and_nothing_is_written(host):
    client = logged_in(host)
    deal_in_cart(client)
    with host.app_context(), transaction(host.extensions["counteroffer"].deps.session_factory) as session:
        session.scalars(select(Deal)).one().valid_until = datetime.now(UTC) - timedelta(minutes=1)
    refused = check_out(client)
    assert refused.location == "/cart"
    assert "This deal has expired." in client.get("/cart").get_data(as_text=True)
    assert orders(host) == [] and stock(host) == 25 and the_deal(host).redeemed_at is None


def test_the_same_deal_twice_in_the_cart_is_refused_and_the_first_redemption_given_back(host):
    client, other_tab = logged_in(host), logged_in(host)
    deal = deal_in_cart(client)
    other_tab.get(f"/cart/deal/{deal['token']}")  # a double click, or a second tab: one cart in the database
    refused = check_out(client)
    assert refused.location == "/cart"
    assert "This deal has already been used for an order." in client.get("/cart").get_data(as_text=True)
    assert orders(host) == [] and the_deal(host).redeemed_at is None  # the first redemption came back


def test_unknown_api_urls_answer_json_and_the_shops_pages_answer_its_html(host):
    client = logged_in(host)
    api = client.get("/negotiate/api/nope")
    assert api.status_code == 404 and api.is_json and api.get_json()["error"]["code"] == "not_found"
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "The shop's own 404 page." in page.get_data(as_text=True)


def test_anonymous_visitors_see_the_widget_ask_them_to_log_in(host):
    page = host.test_client().get(f"/products/{SKU}").get_data(as_text=True)
    assert 'class="co-widget"' in page and "Log in to request a better price" in page
    assert 'data-cart-url="/cart/deal/%7Btoken%7D"' in page  # url_for escapes it; the widget copes


def test_the_api_passes_csrfprotect(db_url: str, tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": db_url, "COUNTEROFFER_DATABASE_URL": db_url,
                      "WTF_CSRF_ENABLED": True})
    try:
        with app.app_context():
            seed_the_shop()
            pricing_managers_rules(app.extensions["counteroffer"])
        deal_in_cart(logged_in(app))
    finally:
        with app.app_context():
            app.extensions["counteroffer"].close()
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def _line_id(app: Flask, sku: str) -> int:
    with app.app_context():
        return db.session.scalar(select(CartLine.id).filter_by(sku=sku))
