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
