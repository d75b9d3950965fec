"""A shop that keeps no cost (docs/rules.md, "Shops without costs"): its catalog loader
gives ``cost=None``; the floor comes from ``max_discount_pct`` off list, the buyer gets the
issue's volume offer, the rep reads "cost unknown" instead of a made-up margin, and the
results count no margin for it."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask

from counteroffer import CatalogItem
from tests.approvals import ANN, RITA, seed_approvals
from tests.conftest import FrozenClock, make_app

TEE = CatalogItem(sku="TEE-M", name="T-shirt, M", currency="USD", list_price=Decimal("26.00"), cost=None)
API = "/negotiate/api"


@pytest.fixture
def shop(db_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, clock, tmp_path, SECRET_KEY="s")
    extension = app.extensions["counteroffer"]
    extension.catalog_loader(lambda sku: TEE if sku == TEE.sku else None)
    with app.app_context():
        extension.upgrade_database()
        seed_approvals(extension)
        extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 500, "unit_price": "25.50"}]}, sku="TEE-M")
        extension.save_rule("floor", {"max_discount_pct": "5"}, sku="TEE-M")  # 24.70
    yield app
    with app.app_context():
        extension.close()


def _as(app: Flask, actor):  # noqa: ANN001, ANN202
    app.config["TEST_ACTOR"] = actor
    return app.test_client()


def test_the_buyer_gets_the_break_as_a_volume_offer_without_any_cost(shop):
    asked = _as(shop, ANN).post(f"{API}/requests", json={"sku": "TEE-M", "quantity": 50,
                                                         "target_unit_price": "25.50", "currency": "USD"})
    assert asked.status_code == 201, asked.get_json()
    [offer] = asked.get_json()["offers"]
    assert offer["message"] == "Buy 450 more units (500 in total) and pay $25.50 each."
    accepted = _as(shop, ANN).post(f"{API}/offers/{offer['id']}/accept")
    assert accepted.status_code == 201


def test_below_the_discount_floor_a_person_decides_and_reads_cost_unknown(shop):
    asked = _as(shop, ANN).post(f"{API}/requests", json={"sku": "TEE-M", "quantity": 50,
                                                         "target_unit_price": "24.00", "currency": "USD"})
    assert asked.get_json()["status"] == "escalated", asked.get_json()
    [escalation] = _as(shop, RITA).get(f"{API}/escalations").get_json()["escalations"]
    assert escalation["floor"] == "24.70"
    assert (escalation["cost"], escalation["margin_at_target"], escalation["margin_pct_at_target"]) == (
        None, None, None)
    shop.secret_key = "s"
    page = _as(shop, RITA).get(f"/negotiate/admin/escalations/{escalation['id']}").get_data(as_text=True)
    assert page.count("cost unknown") == 2  # the cost and the margin at target


def test_the_http_contract_takes_a_null_cost_but_not_a_missing_one():
    from marshmallow import ValidationError

    from counteroffer.adapters.contract import ProductAnswer

    answer = {"sku": "TEE-M", "name": "T-shirt", "currency": "USD", "list_price": "26.00", "cost": None}
    assert ProductAnswer().load(answer)["cost"] is None
    with pytest.raises(ValidationError) as refused:
        ProductAnswer().load({k: v for k, v in answer.items() if k != "cost"})
    assert "cost" in refused.value.messages


def test_the_editor_takes_a_discount_floor_and_says_it_in_words(shop):
    import re

    from tests.approvals import MAX

    shop.secret_key = "s"
    client = _as(shop, MAX)
    form = client.get("/negotiate/admin/rules/new?kind=floor").get_data(as_text=True)
    assert 'name="max_discount_pct"' in form
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    saved = client.post("/negotiate/admin/rules/new?kind=floor", follow_redirects=True,
                        data={"csrf_token": token, "category": "shirts", "max_discount_pct": "8"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert "Floor: at most 8% off list" in saved.get_data(as_text=True)


def test_results_show_no_margin_for_a_shop_without_costs_not_a_zero(shop, clock):
    from counteroffer.negotiation.results.reports import fold_results, results_csv, results_report
    from tests.approvals import MAX

    asked = _as(shop, ANN).post(f"{API}/requests", json={"sku": "TEE-M", "quantity": 50,
                                                         "target_unit_price": "25.50", "currency": "USD"})
    [offer] = asked.get_json()["offers"]
    token = _as(shop, ANN).post(f"{API}/offers/{offer['id']}/accept").get_json()["token"]
    assert _as(shop, ANN).post(f"{API}/deals/{token}/redeem", json={"order_ref": "SO-1"}).status_code == 200
    with shop.app_context():
        deps = shop.extensions["counteroffer"].deps
        fold_results(deps)
        day = clock().date()
        report = results_report(deps, MAX, day, day, "rule")
    total = report.total
    assert (total.redeemed, total.order_revenue, total.order_margin) == (1, Decimal("12750.00"), None)
    found = _as(shop, MAX).get(f"{API}/results?from={day}&to={day}").get_json()
    assert found["total"]["order_margin"] is None and Decimal(found["total"]["order_revenue"]) == Decimal("12750")
    csv_total = results_csv(report).splitlines()[-1].split(",")
    header = results_csv(report).splitlines()[0].split(",")
    assert csv_total[header.index("order_margin")] == ""


def test_a_product_list_without_costs_loads_into_the_plugins_own_catalog(db_url, clock, tmp_path):
    app = make_app(db_url, clock, tmp_path)
    path = tmp_path / "products.csv"
    path.write_text("sku,name,currency,list_price\nTEE-S,T-shirt S,USD,26.00\n")
    with app.app_context():
        app.extensions["counteroffer"].upgrade_database()
    result = app.test_cli_runner().invoke(args=["counteroffer", "import", "products", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        extension = app.extensions["counteroffer"]
        extension.save_products([TEE])  # and from Python, cost None as the loader gives it
        from counteroffer.adapters import SqlCatalog
        from counteroffer.db import transaction
        with transaction(extension.deps.session_factory) as session:
            catalog = SqlCatalog(session)
            assert (catalog.item("TEE-S").cost, catalog.item("TEE-M").cost) == (None, None)
        extension.close()
