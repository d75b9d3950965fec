"""Rule data is checked field by field before it is stored."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError

from counteroffer.admin.pricing.rule_schema import RuleSchema

GOOD = {"kind": "term_lever", "category": "hydraulics",
        "params": {"group": "payment", "option": "net10", "label": "pay within 10 days", "value_pct": "2"}}


def test_a_valid_rule_loads_with_defaults():
    assert RuleSchema().load(GOOD) == {**GOOD, "sku": None, "segment": None, "priority": 0}


@pytest.mark.parametrize("change, errors", [
    ({"kind": "discount"},
     {"kind": ["Must be one of: floor, price_breaks, term_lever, alternatives, concession, routing, "
               "order_tiers, order_floor, competing_offer."]}),
    ({"sku": "A-1"}, {"category": ["Scope a rule to a SKU or a category, not both."]}),
    ({"priority": "high"}, {"priority": ["Not a valid integer."]}),
    ({"params": {"group": "payment", "option": "net10", "label": "x"}},
     {"params": ["a term lever needs exactly one of value_pct and value_per_unit"]}),
    ({"params": {"group": "karma", "option": "x", "label": "x", "value_pct": "1"}},
     {"params": ["group: must be one of payment, delivery, lead_time, commitment"]}),
    ({"params": {"group": "payment", "option": "net10", "label": "x", "value_pct": 2.5}},
     {"params": ["value_pct: must be a number written as a string or an integer, never a float"]}),
    ({"bogus": 1}, {"bogus": ["Unknown field."]}),
])
def test_bad_rule_data_names_the_field(change, errors):
    with pytest.raises(ValidationError) as caught:
        RuleSchema().load({**GOOD, **change})
    assert caught.value.messages == errors


def test_price_breaks_must_step_down_as_quantity_goes_up():
    rule = {"kind": "price_breaks", "sku": "A-1", "params": {"breaks": [
        {"min_quantity": 100, "unit_price": "9.00"}, {"min_quantity": 500, "unit_price": "9.50"}]}}
    with pytest.raises(ValidationError) as caught:
        RuleSchema().load(rule)
    assert caught.value.messages == {"params": ["breaks: prices must not increase with quantity"]}
