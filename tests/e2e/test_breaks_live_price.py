"""Breaks against the live list price: when the shop's price drops through a break (a
sale), the buyer neither sees nor is offered that break, on the API, on the widget's page
and from the engine; the rule editor warns about a break at or above today's list price."""
from __future__ import annotations

import re
from decimal import Decimal

from counteroffer import CatalogItem
from tests.conftest import BUYER_ACME, MANAGER, ApiClient

ON_SALE = CatalogItem(sku="DEMO-120", name="Hydraulic fitting", currency="USD", list_price=Decimal("109.00"),
                      cost=Decimal("80.00"), category="hydraulics")


def _put_on_sale(app) -> None:
    with app.app_context():
        app.extensions["counteroffer"].save_products([ON_SALE])  # the break is 3,000 @ 110.00


def test_a_break_above_the_sale_price_is_not_in_the_public_terms(app):
    buyer = ApiClient(app).as_(BUYER_ACME)
    assert buyer.get("/products/DEMO-120/terms").get_json()["breaks"] == [
        {"min_quantity": 3000, "unit_price": "110.00"}]
    _put_on_sale(app)
    terms = buyer.get("/products/DEMO-120/terms").get_json()
    assert (terms["list_price"], terms["breaks"]) == ("109.00", [])


def test_nor_in_what_the_widget_embeds_in_the_product_page(app):
    _put_on_sale(app)
    app.config["TEST_ACTOR"] = BUYER_ACME
    with app.test_request_context("/products/DEMO-120"):
        html = str(app.jinja_env.from_string('{{ price_request_widget("DEMO-120") }}').render())
    assert "&#34;list_price&#34;: &#34;109.00&#34;" in html and "&#34;breaks&#34;: []" in html


def test_nor_offered_by_the_engine(app):
    _put_on_sale(app)
    asked = ApiClient(app).as_(BUYER_ACME).post("/requests", json={
        "sku": "DEMO-120", "quantity": 1000, "target_unit_price": "109.50", "currency": "USD"})
    body = asked.get_json()
    assert asked.status_code == 201, body
    assert body["status"] == "accepted" or all(o["unit_price"] != "110.00" for o in body["offers"])


def _editor(app):  # noqa: ANN202
    app.secret_key = "test"
    app.config["TEST_ACTOR"] = MANAGER
    client = app.test_client()
    page = client.get("/negotiate/admin/rules").get_data(as_text=True)
    return client, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _save_breaks(client, token: str, breaks: str) -> str:  # noqa: ANN001
    client.post("/negotiate/admin/rules/draft", data={"csrf_token": token})
    listing = client.get("/negotiate/admin/rules?version=draft&sku=DEMO-120&kind=price_breaks").get_data(as_text=True)
    rule_id = re.search(r'/admin/rules/(\d+)"', listing).group(1)
    saved = client.post(f"/negotiate/admin/rules/{rule_id}", follow_redirects=True,
                        data={"csrf_token": token, "sku": "DEMO-120", "priority": "0", "breaks": breaks})
    assert saved.status_code == 200
    return saved.get_data(as_text=True)


def test_the_editor_warns_about_a_break_at_or_above_todays_list_price(app):
    client, token = _editor(app)
    quiet = _save_breaks(client, token, "3000 @ 110.00")
    assert "Saved rule" in quiet and "above today" not in quiet
    _put_on_sale(app)
    warned = _save_breaks(client, token, "2000 @ 112.00\n3000 @ 108.00")
    assert ("The break from 2,000 units (112.00 USD) is at or above today&#39;s list price of 109.00 USD "
            "for DEMO-120") in warned
    assert "The break from 3,000 units" not in warned  # 108.00 still lowers the price


def test_a_category_or_all_products_break_is_checked_against_each_products_list_price(app):
    from counteroffer.negotiation.pricing.rule_checks import rule_warnings

    _put_on_sale(app)  # DEMO-120 (hydraulics) at 109.00; GLOVE-50 (safety) lists at 20.00
    breaks = [{"min_quantity": 2000, "unit_price": "112.00"}, {"min_quantity": 5000, "unit_price": "100.00"}]
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        category = rule_warnings(deps, {"kind": "price_breaks", "category": "hydraulics", "params": {"breaks": breaks}})
        shop_wide = rule_warnings(deps, {"kind": "price_breaks", "params": {"breaks": [
            {"min_quantity": 10, "unit_price": "25.00"}]}})
        other = rule_warnings(deps, {"kind": "price_breaks", "category": "safety", "params": {"breaks": breaks[1:]}})
    assert category == [
        "The break from 2,000 units (112.00) is at or above today's list price of 1 product of category "
        "hydraulics: DEMO-120 (109.00 USD). Their buyers will not see or be offered it while their list "
        "prices stay there."]
    assert shop_wide == [
        "The break from 10 units (25.00) is at or above today's list price of 1 product of the shop: "
        "GLOVE-50 (20.00 USD). Their buyers will not see or be offered it while their list prices stay there."]
    assert other == ["The break from 5,000 units (100.00) is at or above today's list price of 1 product of "
                     "category safety: GLOVE-50 (20.00 USD). Their buyers will not see or be offered it while "
                     "their list prices stay there."]
