"""The whole-quote rule kinds end to end (issue 14, docs/quotes.md): ``order_tiers``,
``order_floor`` and term levers of scope ``order`` go in through the host's
``save_rule`` and the rules JSON API, are refused naming the field when bad (nothing
written), and reach the live rule set the quote engine reads."""
from __future__ import annotations

import pytest

from counteroffer.db import transaction
from counteroffer.negotiation.pricing.rulebook import compiled_rules
from counteroffer.rules.loading import RuleDataError
from counteroffer.rules.quotes.order_rules import order_rules
from tests.conftest import MANAGER, ApiClient

TIERS = {"tiers": [{"min_order_value": "25000", "discount_pct": "2"},
                   {"min_order_value": "100000", "discount_pct": "3"}]}
ORDER_LEVER = {"group": "payment", "option": "net10", "label": "pay within 10 days", "value_pct": "1",
               "scope": "order"}


@pytest.fixture
def manager(app) -> ApiClient:
    return ApiClient(app).as_(MANAGER)


def _live_order_rules(app, segment=None):
    ext = app.extensions["counteroffer"]
    with app.app_context(), transaction(ext.deps.session_factory) as session:
        return order_rules(compiled_rules(session), segment)


def test_save_rule_stores_the_order_kinds_and_the_live_rules_hold_them(app):
    ext = app.extensions["counteroffer"]
    with app.app_context():
        ext.save_rule("order_tiers", TIERS)
        ext.save_rule("order_floor", {"min_margin_pct": "22"}, segment="wholesale")
        ext.save_rule("term_lever", ORDER_LEVER)
    found = _live_order_rules(app, "wholesale")
    assert [(t.min_order_value, t.discount_pct) for t in found.tiers] == [(25000, 2), (100000, 3)]
    assert found.floor is not None and found.floor.min_margin_pct == 22
    assert [lever.option for bundle in found.bundles for lever in bundle.levers] == ["net10"]
    assert _live_order_rules(app, "retail").floor is None  # the floor is the wholesale segment's


@pytest.mark.parametrize("kind, params, scope, field", [
    ("order_tiers", {"tiers": []}, {}, "tiers"),
    ("order_tiers", {"tiers": [{"min_order_value": "25000"}]}, {}, "tiers[0].discount_pct"),
    ("order_tiers", TIERS, {"sku": "DEMO-120"}, "sku"),
    ("order_floor", {}, {}, "min_margin_pct"),
    ("order_floor", {"min_margin_pct": "20"}, {"category": "Fasteners"}, "category"),
    ("term_lever", {**ORDER_LEVER, "scope": "cart"}, {}, "scope"),
    ("term_lever", ORDER_LEVER, {"sku": "DEMO-120"}, "sku"),
])
def test_save_rule_refuses_bad_order_rules_naming_the_field(app, kind, params, scope, field):
    ext = app.extensions["counteroffer"]
    with app.app_context(), pytest.raises(RuleDataError) as error:
        ext.save_rule(kind, params, **scope)
    assert error.value.field == field
    found = _live_order_rules(app)  # nothing stored
    assert not found.tiers and found.floor is None and not found.bundles


def test_the_rules_api_takes_the_order_kinds_and_names_the_field_of_a_bad_one(manager):
    created = manager.post("/rules", json={"kind": "order_tiers", "segment": "wholesale", "params": TIERS})
    assert created.status_code == 201, created.get_json()
    lever = manager.post("/rules", json={"kind": "term_lever", "params": ORDER_LEVER})
    assert lever.status_code == 201, lever.get_json()
    assert lever.get_json()["params"]["scope"] == "order"
    before = manager.get("/rules?version=draft").get_json()["total"]
    bad = manager.post("/rules", json={"kind": "order_floor", "sku": "DEMO-120", "params": {"min_margin_pct": "20"}})
    assert bad.status_code == 422
    assert "sku" in bad.get_json()["error"]["fields"]
    tier = manager.post("/rules", json={"kind": "order_tiers", "params": {
        "tiers": [{"min_order_value": "25000", "discount_pct": "100"}]}})
    assert tier.status_code == 422
    assert "params.tiers[0].discount_pct" in tier.get_json()["error"]["fields"]
    assert manager.get("/rules?version=draft").get_json()["total"] == before
