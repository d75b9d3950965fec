"""The rules pages say each rule's parameters in plain words (issue 22): a floor as
"Floor: 20% over cost", a break as "from 3,000 units: $110.00", not as stored keys."""
from __future__ import annotations

from decimal import Decimal

import pytest

from counteroffer import Actor
from counteroffer.admin.pricing.rule_words import describe
from counteroffer.negotiation.pricing.rulesets import create_rule
from counteroffer.rules.loading import RULE_KINDS
from tests.e2e.test_rep_inbox import text

PRICING = Actor(id="pia@seller", role="pricing_manager", name="Pia")


def test_the_rules_page_says_the_seeded_rules_in_words(app) -> None:
    app.config["TEST_ACTOR"], app.secret_key = PRICING, "test"  # the page carries a CSRF token
    page = app.test_client().get("/negotiate/admin/rules?sku=DEMO-120")
    words = text(page)
    table = words[words.index("What it does"):words.index("CSV")]
    assert page.status_code == 200
    assert "Floor: 20% over cost" in table and "from 3,000 units: $110.00" in table
    assert "min_margin_pct" not in table and "min_quantity" not in table and "@" not in table
    gloves = text(app.test_client().get("/negotiate/admin/rules?sku=GLOVE-50"))
    assert "Floor: at least $15.00 a unit" in gloves and "from 500 units: $18.00" in gloves


@pytest.mark.parametrize("kind, params, expected", [
    ("floor", {"min_margin_pct": "15", "min_unit_price": "95.00"},
     ["Floor: 15% over cost", "Floor: at least $95.00 a unit", "The higher of the two applies"]),
    ("price_breaks", {"breaks": [{"min_quantity": 3000, "unit_price": "110.00"},
                                 {"min_quantity": 5000, "unit_price": "105.5"}], "order_multiple": 50},
     ["from 3,000 units: $110.00", "from 5,000 units: $105.50", "Sold in multiples of 50 units"]),
    ("term_lever", {"group": "payment", "option": "net10", "label": "pay within 10 days", "value_pct": "2"},
     ["Payment terms: “pay within 10 days” (net10), worth 2% of the unit price to the seller"]),
    ("term_lever", {"group": "delivery", "option": "pickup", "label": "collect it", "value_per_unit": "1.5"},
     ["Delivery: “collect it” (pickup), worth $1.50 a unit to the seller"]),
    ("term_lever", {"group": "delivery", "option": "pickup", "label": "collect it", "value_per_unit": "1.5",
                    "bundle_levers": 3},
     ["Delivery: “collect it” (pickup), worth $1.50 a unit to the seller", "Offered with up to 3 levers in all"]),
    ("alternatives", {"skus": ["PIPE-6", "PIPE-8"]}, ["May be offered instead: PIPE-6, PIPE-8"]),
    ("concession", {"max_discount_pct": "10", "first_position_pct": "25", "exponent": "0.2", "rounds": 4},
     ["At most 10% off list", "First offer gives 25% of the room", "Over 4 rounds",
      "Curve: Boulware: holds out, concedes late"]),
    ("routing", {"auto_accept_within_pct": "2.5", "auto_approval_limit": "250000", "rep_reach_pct": "15",
                 "strategic_segments": ["key-account"], "auto_accept_limit": "900000"},
     ["Accepted automatically within 2.5% of the price for the quantity",
      "Within that band, orders over $900,000.00 go to a rep",
      "Orders over $250,000.00 go to a rep",
      "Up to 15% below the guard price goes to a rep; lower is declined",
      "Always to a rep, never declined: key-account"]),
    ("term_lever", {"group": "payment", "option": "net10", "label": "pay within 10 days", "value_pct": "1",
                    "scope": "order"},
     ["Payment terms (whole quote): “pay within 10 days” (net10), worth 1% of the order's total to the seller"]),
    ("order_tiers", {"tiers": [{"min_order_value": "25000", "discount_pct": "2"}]},
     ["Orders from $25,000.00: every line 2% off"]),
    ("order_floor", {"min_margin_pct": "22"}, ["A whole quote at least 22% over its cost"]),
])
def test_each_kind_in_words(kind, params, expected) -> None:
    assert describe(kind, params, "USD") == expected


def test_every_kind_has_words_and_odd_values_do_not_break_the_page() -> None:
    for kind in RULE_KINDS:
        assert describe(kind, {}, None)
    assert describe("floor", {"min_margin_pct": "abc"}) == ["Floor: abc% over cost"]
    assert describe("price_breaks", {"breaks": "3000@110"}) == ["breaks: 3000@110"]
    assert describe("floor", {"min_unit_price": Decimal("1200")}, None) == ["Floor: at least 1,200 a unit"]


def test_the_changes_page_says_each_side_in_words(app) -> None:
    app.config["TEST_ACTOR"], app.secret_key = PRICING, "test"
    with app.app_context():
        added = create_rule(app.extensions["counteroffer"].deps, PRICING, {
            "kind": "floor", "sku": "DEMO-120", "priority": 1, "params": {"min_unit_price": "99.50"}})
    words = text(app.test_client().get("/negotiate/admin/rules/diff?from=live&to=draft"))
    assert f"added #{added.number} Floor · SKU DEMO-120" in words
    assert "Before No such rule. After Floor: at least $99.50 a unit" in words
