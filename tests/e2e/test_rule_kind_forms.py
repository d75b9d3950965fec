"""Every rule kind has a real form in the editor: labelled inputs per parameter, the
saved parameters are what the engine reads, a stored rule comes back into the same
inputs, and each error sits next to its input (aria-invalid, aria-describedby)."""
from __future__ import annotations

import re

import pytest

from counteroffer.admin.pricing.rule_forms import form_values, new_rule_values, read_rule_form
from counteroffer.negotiation.pricing.rulesets import RuleView
from counteroffer.rules.loading import RULE_KINDS, rule_from_record
from tests.e2e.test_rules_pages import ADMIN, PRICING, _post

API = "/negotiate/api/rules"


@pytest.fixture(autouse=True)
def _sessions(app):
    app.secret_key = "test"


@pytest.fixture
def page(app):
    app.config["TEST_ACTOR"] = PRICING
    return app.test_client()


def _draft_rules(client, kind: str) -> list[dict]:
    response = client.get(f"{API}?version=draft&kind={kind}")
    if response.status_code == 404:  # no draft: nothing was ever saved
        return []
    return response.get_json()["items"]


def _labelled(html: str, name: str) -> bool:
    return f'<label for="in-{name}">' in html and f'id="in-{name}" name="{name}"' in html


@pytest.mark.parametrize("kind, inputs", [
    ("term_lever", ("group", "option", "label", "value", "bundle_levers")),
    ("alternatives", ("skus",)),
    ("concession", ("max_discount_pct", "first_position_pct", "rounds", "exponent")),
    ("routing", ("auto_accept_within_pct", "auto_accept_limit", "auto_approval_limit", "rep_reach_pct",
                 "strategic_segments")),
])
def test_each_kind_has_a_labelled_input_per_parameter(page, kind, inputs):
    html = page.get(f"{ADMIN}/new?kind={kind}").get_data(as_text=True)
    assert all(_labelled(html, name) for name in inputs), html
    assert "params_json" not in html and "JSON" not in html


def test_a_term_lever_is_saved_as_the_engine_reads_it_and_comes_back(page):
    form = {"category": "hydraulics", "priority": "0", "group": "payment", "option": "net10",
            "label": "pay within 10 days", "value_basis": "pct", "value": "2%"}
    assert _post(page, "/new?kind=term_lever", form).status_code == 302
    [rule] = _draft_rules(page, "term_lever")
    assert rule["params"] == {"group": "payment", "option": "net10", "label": "pay within 10 days",
                              "value_pct": "2"}
    html = page.get(f"{ADMIN}/{rule['id']}").get_data(as_text=True)
    assert '<option value="payment" selected>Payment terms</option>' in html
    assert 'name="value_basis" value="pct" checked' in html and 'value="pay within 10 days"' in html
    per_unit = _post(page, f"/{rule['id']}", {**form, "value_basis": "per_unit", "value": "$1.50"})
    assert per_unit.status_code == 302
    assert _draft_rules(page, "term_lever")[0]["params"]["value_per_unit"] == "1.50"


def test_a_term_lever_without_a_value_or_option_shows_the_error_next_to_it(page):
    missing = _post(page, "/new?kind=term_lever", {"group": "delivery", "option": "pickup",
                                                   "label": "collect it", "value_basis": "pct"})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert re.search(r'id="in-value" name="value"[^>]*aria-invalid="true" '
                     r'aria-describedby="err-value hint-value"', html)
    assert 'id="err-value">Enter what this option is worth to the seller' in html
    no_option = _post(page, "/new?kind=term_lever", {"group": "delivery", "option": " ", "label": "x",
                                                     "value_basis": "pct", "value": "1"})
    assert no_option.status_code == 422
    assert 'id="err-option">Is required.' in no_option.get_data(as_text=True)
    assert _draft_rules(page, "term_lever") == []


def test_a_concession_curve_is_a_preset_or_an_exponent(page):
    boulware = {"sku": "DEMO-120", "max_discount_pct": "10", "first_position_pct": "25",
                "curve": "0.2", "exponent": "", "rounds": "4"}
    assert _post(page, "/new?kind=concession", boulware).status_code == 302
    [rule] = _draft_rules(page, "concession")
    assert rule["params"] == {"max_discount_pct": "10", "first_position_pct": "25", "exponent": "0.2", "rounds": 4}
    assert 'name="curve" value="0.2" checked' in page.get(f"{ADMIN}/{rule['id']}").get_data(as_text=True)
    zero = _post(page, f"/{rule['id']}", {**boulware, "curve": "custom", "exponent": "0"})
    assert zero.status_code == 422
    assert 'id="err-exponent">Must be above 0 (0.2 Boulware, 1 linear, 2 conceder).' in zero.get_data(as_text=True)
    too_much = _post(page, f"/{rule['id']}", {**boulware, "max_discount_pct": "120"})
    assert 'id="err-max_discount_pct">Must be at most 100.' in too_much.get_data(as_text=True)
    rounds = _post(page, f"/{rule['id']}", {**boulware, "rounds": "two"})
    assert 'id="err-rounds">Enter a whole number of rounds' in rounds.get_data(as_text=True)
    assert _draft_rules(page, "concession")[0]["params"]["exponent"] == "0.2"


def test_alternatives_and_routing_take_lists(page):
    assert _post(page, "/new?kind=alternatives", {"sku": "DEMO-120", "skus": "GLOVE-50\nGLOVE-50, "}).status_code == 302
    assert _draft_rules(page, "alternatives")[0]["params"] == {"skus": ["GLOVE-50"]}
    empty = _post(page, "/new?kind=alternatives", {"sku": "GLOVE-50", "skus": ""})
    assert 'id="err-skus">Must be a non-empty list of SKUs.' in empty.get_data(as_text=True)
    routing = {"auto_accept_within_pct": "2", "auto_approval_limit": "250,000", "rep_reach_pct": "",
               "strategic_segments": "key-account, wholesale"}
    assert _post(page, "/new?kind=routing", routing).status_code == 302
    assert _draft_rules(page, "routing")[0]["params"] == {
        "auto_accept_within_pct": "2", "auto_approval_limit": "250000",
        "strategic_segments": ["key-account", "wholesale"]}
    bad = _post(page, "/new?kind=routing", {**routing, "segment": "retail", "rep_reach_pct": "abc"})
    assert bad.status_code == 422
    assert re.search(r'id="in-rep_reach_pct"[^>]*aria-invalid="true"', bad.get_data(as_text=True))


STORED = {
    "floor": {"min_margin_pct": "20", "min_unit_price": "95.00"},
    "price_breaks": {"breaks": [{"min_quantity": 3000, "unit_price": "110.00"}], "order_multiple": 50},
    "term_lever": {"group": "lead_time", "option": "plus14", "label": "+14 days", "value_per_unit": "0.75",
                   "bundle_levers": 3, "lead_days": 14},
    "alternatives": {"skus": ["DEMO-121", "DEMO-122"]},
    "concession": {"max_discount_pct": "10", "first_position_pct": "25", "exponent": "1.5", "rounds": 3},
    "routing": {"auto_accept_within_pct": "2", "auto_approval_limit": "250000", "auto_accept_limit": "900000",
                "strategic_segments": ["key-account"], "rep_reach_pct": "15"},
    "order_tiers": {"tiers": [{"min_order_value": "25000", "discount_pct": "2"},
                              {"min_order_value": "100000", "discount_pct": "3.5"}]},
    "order_floor": {"min_margin_pct": "22"},
    "competing_offer": {"competitors": ["Globex Supply", "Initech"], "beat_by_pct": "1",
                        "document_above": "250000"},
}
#: Whole-quote rules are scoped by segment only (docs/quotes.md).
ORDER_KINDS = {"order_tiers", "order_floor"}


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_a_stored_rule_survives_the_form_unchanged(kind):
    rule = RuleView(id=1, version_id=1, kind=kind, sku=None if kind in ORDER_KINDS else "DEMO-120",
                    category=None, segment=None, priority=0, params=STORED[kind])
    record, errors = read_rule_form(form_values(rule), kind)
    assert errors == {} and record["params"] == STORED[kind]
    rule_from_record(record)  # the engine reads it


def test_an_order_lever_comes_back_with_its_scope():
    params = {"group": "payment", "option": "net10", "label": "pay within 10 days", "value_pct": "1",
              "scope": "order"}
    rule = RuleView(id=1, version_id=1, kind="term_lever", sku=None, category=None, segment="wholesale",
                    priority=0, params=params)
    record, errors = read_rule_form(form_values(rule), "term_lever")
    assert errors == {} and record["params"] == params
    assert rule_from_record(record).scope == "order"


def test_order_tiers_are_saved_as_the_engine_reads_them_and_errors_name_the_tier(page):
    assert _post(page, "/new?kind=order_tiers", {"tiers": "$25,000 @ 2%\n100000 @ 3.5"}).status_code == 302
    [rule] = _draft_rules(page, "order_tiers")
    assert rule["params"] == STORED["order_tiers"]
    shuffled = _post(page, "/new?kind=order_tiers", {"segment": "retail", "tiers": "25000 @ 3\n100000 @ 2"})
    assert shuffled.status_code == 422
    assert 'id="err-tiers">Discounts must be strictly increasing' in shuffled.get_data(as_text=True)
    scoped = _post(page, "/new?kind=order_floor", {"sku": "DEMO-120", "min_margin_pct": "20"})
    assert scoped.status_code == 422
    assert 'id="err-sku">An order_floor rule applies to a whole quote' in scoped.get_data(as_text=True)


@pytest.mark.parametrize("kind", RULE_KINDS)
def test_a_new_rule_form_starts_with_the_kinds_defaults(kind):
    assert new_rule_values(kind)["priority"] == "0"
