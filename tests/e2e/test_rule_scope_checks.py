"""Category and all-products rules are checked against every product they cover (SQLite
and PostgreSQL): a minimum unit price never below any product's cost, naming the SKUs;
an amount of money only over products in the rule set's currency. A host catalog that
can only look SKUs up cannot be asked, and the checks are skipped."""
from __future__ import annotations

from decimal import Decimal

import pytest

from counteroffer import CatalogItem
from counteroffer.adapters.ports import ScopeCatalog
from counteroffer.adapters.sql import SqlCatalog
from tests.conftest import MANAGER, ApiClient


@pytest.fixture
def manager(app) -> ApiClient:
    return ApiClient(app).as_(MANAGER)


def _rule(client: ApiClient, kind: str, params: dict, **scope: str) -> tuple[int, dict]:
    response = client.post("/rules", json={"kind": kind, "params": params, **scope})
    return response.status_code, response.get_json()


def _fields(answer: dict) -> dict:
    return answer["error"]["fields"]


def _products(app, *items: CatalogItem) -> None:
    with app.app_context():
        app.extensions["counteroffer"].save_products(items)


def _item(sku: str, cost: str, category: str, currency: str = "USD") -> CatalogItem:
    return CatalogItem(sku=sku, name=sku, currency=currency, list_price=Decimal(cost) * 2,
                       cost=Decimal(cost), category=category)


def test_a_category_floor_below_a_products_cost_names_the_sku(manager):
    status, answer = _rule(manager, "floor", {"min_unit_price": "79.99"}, category="hydraulics")
    assert status == 422
    assert _fields(answer)["params.min_unit_price"] == [
        "Below the cost of 1 product of category hydraulics: DEMO-120 (cost 80.00). "
        "A floor is never below cost: raise it, or scope it to a category or SKU."]
    assert _rule(manager, "floor", {"min_unit_price": "80.00"}, category="hydraulics")[0] == 201
    assert _rule(manager, "floor", {"min_margin_pct": "5"}, category="safety")[0] == 201


def test_an_all_products_floor_is_checked_against_every_product(app, manager):
    _products(app, *(_item(f"PIPE-{n}", f"{20 + n}.50", "pipes") for n in range(7)))
    status, answer = _rule(manager, "floor", {"min_unit_price": "15.00"}, segment="retail")
    message = _fields(answer)["params.min_unit_price"][0]
    assert status == 422
    assert message.startswith("Below the cost of 8 products of all products: DEMO-120 (cost 80.00), "
                              "PIPE-6 (cost 26.50), PIPE-5 (cost 25.50), PIPE-4 (cost 24.50), "
                              "PIPE-3 (cost 23.50) and 3 more.")
    assert "GLOVE-50" not in message  # costs 12.00: 15.00 is above it
    assert _rule(manager, "floor", {"min_unit_price": "80.00"})[0] == 201  # at the highest cost


def test_money_rules_over_products_in_another_currency_are_refused(app, manager):
    _products(app, _item("ROHR-1", "50.00", "rohre", "EUR"), _item("VALVE-EU", "40.00", "hydraulics", "EUR"))
    status, answer = _rule(manager, "routing", {"auto_approval_limit": "250000"})
    assert status == 422
    assert "priced in EUR (ROHR-1), USD (DEMO-120)" in _fields(answer)["params.auto_approval_limit"][0]
    status, answer = _rule(manager, "price_breaks", {"breaks": [{"min_quantity": 10, "unit_price": "90"}]},
                           category="rohre")
    assert status == 422
    assert _fields(answer)["params.breaks"] == [
        "The products of category rohre are priced in EUR (ROHR-1); this rule set is in USD "
        "(one currency per rule set)."]
    lever = {"group": "delivery", "option": "pickup", "label": "pick up"}
    assert "params.value_per_unit" in _fields(_rule(manager, "term_lever", {**lever, "value_per_unit": "1"},
                                                    category="hydraulics")[1])
    # A share of the price, a margin or a list of segments carries no currency.
    assert _rule(manager, "term_lever", {**lever, "value_pct": "1"}, category="hydraulics")[0] == 201
    assert _rule(manager, "routing", {"strategic_segments": ["key"]})[0] == 201
    assert _rule(manager, "routing", {"auto_approval_limit": "5000"}, category="safety")[0] == 201


def test_the_first_money_rule_fixes_the_currency_of_a_set_without_one(app, manager):
    _products(app, _item("ROHR-1", "50.00", "rohre", "EUR"))
    with app.app_context():  # a set whose SKU rules do not tell its currency
        from counteroffer.db import transaction
        from counteroffer.db.models import Rule
        with transaction(app.extensions["counteroffer"].deps.session_factory) as session:
            session.query(Rule).delete()
    assert _rule(manager, "floor", {"min_unit_price": "60.00"}, category="rohre")[0] == 201
    status, answer = _rule(manager, "floor", {"min_unit_price": "100.00"}, sku="DEMO-120")
    assert status == 422 and "this rule set is in EUR" in _fields(answer)["sku"][0]


def test_a_host_catalog_that_cannot_list_products_is_not_asked(app, manager):
    class LookupOnly:
        def item(self, sku: str) -> CatalogItem | None:
            return None

    assert isinstance(SqlCatalog(None), ScopeCatalog) and not isinstance(LookupOnly(), ScopeCatalog)
    app.extensions["counteroffer"].use_catalog(LookupOnly())
    assert _rule(manager, "floor", {"min_unit_price": "1.00"}, category="hydraulics")[0] == 201
