"""What the quote panel's macro puts on a host's cart page (issue 14, item 4), before any
script runs: who may ask, the lines it may quote at the cart's prices for their quantities,
and nothing a buyer may not see."""
from __future__ import annotations

import html
import json
import re
from types import SimpleNamespace

from tests.conftest import BUYER_ACME, REP

CART = [{"sku": "DEMO-120", "quantity": 3000}, {"sku": "GLOVE-50", "quantity": 500}]


def _render(app, actor, source: str, **values) -> str:  # noqa: ANN001
    app.config["TEST_ACTOR"] = actor
    with app.test_request_context("/cart"):
        return str(app.jinja_env.from_string(source).render(**values))


def _embedded_lines(page: str) -> list[dict[str, object]]:
    found = re.search(r'data-co-lines="([^"]*)"', page)
    assert found, page
    return json.loads(html.unescape(found.group(1)))


def test_a_buyer_gets_the_form_with_each_line_at_the_cart_price_for_its_quantity(app) -> None:
    page = _render(app, BUYER_ACME, "{{ quote_request_panel(cart, checkout_url='/cart/quote/{token}') }}", cart=CART)
    assert _embedded_lines(page) == [
        {"sku": "DEMO-120", "name": "Hydraulic fitting", "quantity": 3000, "order_multiple": 1,
         "price_for_quantity": "110.00", "line_total": "330000.00"},
        {"sku": "GLOVE-50", "name": "Nitrile gloves, carton of 50", "quantity": 500, "order_multiple": 50,
         "price_for_quantity": "18.00", "line_total": "9000.00"}]
    assert 'data-co-cart-total="339000.00"' in page and 'data-co-currency="USD"' in page
    assert 'data-co-checkout-url="/cart/quote/{token}"' in page
    assert 'data-co-part="quote-ask"' in page
    # Shared helpers first (deferred scripts run in order), then the panel's parts, then the panel.
    assert page.index("counteroffer/kit.js") < page.index("counteroffer/quote_told.js") < page.index(
        "counteroffer/quote_view.js") < page.index("counteroffer/quote_panel.js")
    # Nothing of the floor or the cost: only list, breaks and names reach the page.
    assert "cost" not in page and "96.00" not in page and "80.00" not in page


def test_lines_as_objects_and_the_same_sku_twice_make_one_line(app) -> None:
    cart = [SimpleNamespace(sku="GLOVE-50", quantity=500), SimpleNamespace(sku="GLOVE-50", quantity=550)]
    [line] = _embedded_lines(_render(app, BUYER_ACME, "{{ quote_request_panel(cart) }}", cart=cart))
    assert (line["quantity"], line["price_for_quantity"], line["line_total"]) == (1050, "16.50", "17325.00")


def test_a_product_not_sold_online_is_named_and_left_out(app) -> None:
    page = _render(app, BUYER_ACME, "{{ quote_request_panel(cart) }}",
                   cart=[*CART, {"sku": "NOT-SOLD", "quantity": 5}])
    assert [line["sku"] for line in _embedded_lines(page)] == ["DEMO-120", "GLOVE-50"]
    assert "left out of the quote: NOT-SOLD." in page


def test_only_buyers_get_a_form(app) -> None:
    anonymous = _render(app, None, "{{ quote_request_panel(cart, login_url='/login') }}", cart=CART)
    assert '<a href="/login">Log in to request a quote</a>' in anonymous and "data-co-lines" not in anonymous
    staff = _render(app, REP, "{{ quote_request_panel(cart) }}", cart=CART)
    assert "Quote requests are for buyer accounts." in staff and "<form" not in staff
    nothing = _render(app, BUYER_ACME, "{{ quote_request_panel(cart) }}", cart=[{"sku": "NOT-SOLD", "quantity": 1}])
    assert "Nothing in this cart can be negotiated online" in nothing and "<form" not in nothing


def test_the_quotes_list_is_for_buyers(app) -> None:
    page = _render(app, BUYER_ACME, "{{ company_quotes(cart_url='/cart') }}")
    assert 'data-co-quote-list' in page and 'data-co-part="list"' in page and 'data-co-cart-url="/cart"' in page
    # The list script uses the kit and how a quote reads (quote_view.js, the panel's too): loaded after both.
    assert page.index("counteroffer/kit.js") < page.index("counteroffer/quote_view.js") < page.index(
        "counteroffer/quote_list.js")
    assert "Quotes are for buyer accounts." in _render(app, REP, "{{ company_quotes() }}")


def test_a_product_name_cannot_break_out_of_the_page(app) -> None:
    from decimal import Decimal

    from counteroffer import CatalogItem

    with app.app_context():
        app.extensions["counteroffer"].save_products([CatalogItem(
            sku="EVIL-1", name='"><script>alert(1)</script>', currency="USD",
            list_price=Decimal("5.00"), cost=Decimal("1.00"))])
    page = _render(app, BUYER_ACME, "{{ quote_request_panel(cart) }}", cart=[{"sku": "EVIL-1", "quantity": 1}])
    assert "<script>alert" not in page
    assert _embedded_lines(page)[0]["name"] == '"><script>alert(1)</script>'
