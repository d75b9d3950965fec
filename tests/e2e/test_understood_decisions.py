"""Decisions a buyer or a rep can understand (issue 23), through the buyer and rep JSON
APIs, on SQLite and PostgreSQL: offers a buyer holds stay valid until they expire (a
counter does not take them away), every answer lists the offers that hold, and the
rep's suggestion keeps its terms as data.

The shop of issue 25's tests: DEMO-120 (list $120.00, cost $80.00, a $110.00 break at
3,000), a floor of $100.00, a concession of 15% over 6 rounds; guard on the floor, no jitter.
"""
from __future__ import annotations

from tests.approvals import ANN, MAX
from tests.e2e.test_concessions_by_quantity import SHOP_RULES, _ask, _counter, _rules


def test_a_counter_after_an_escalation_leaves_the_offers_the_buyer_holds(app, api):
    _rules(app, *SHOP_RULES)
    shop = api.as_(ANN)
    asked = _ask(shop, 2000, "90.00")
    # Round 1's concession, 2,000 at $115.50, and its price for more units (issue 19).
    [held] = [o for o in asked["offers"] if o["kind"] == "concession"]
    escalated = shop.post(f"/requests/{asked['id']}/escalate").get_json()
    # "still hold", says the widget
    assert {o["id"] for o in escalated["offers"]} == {o["id"] for o in asked["offers"]}
    countered = _counter(shop, asked["id"], 2000, "95.00")
    # The answer lists what holds: round 1's offers beside round 2's.
    assert {(o["round"], o["status"]) for o in countered["offers"]} == {(1, "open"), (2, "open")}
    accepted = shop.post(f"/offers/{held['id']}/accept")
    assert accepted.status_code in (200, 201), accepted.get_json()  # was 409 "superseded"
    assert (accepted.get_json()["quantity"], accepted.get_json()["unit_price"]) == (2000, "115.50")


def test_a_declined_counter_leaves_the_earlier_offers_to_accept(app, api):
    _rules(app, *SHOP_RULES)
    shop = api.as_(ANN)
    asked = _ask(shop, 2000, "90.00")
    [held] = [o for o in asked["offers"] if o["kind"] == "concession"]
    declined = _counter(shop, asked["id"], 2000, "10.00")  # far below: declined
    assert declined["status"] == "declined"
    assert {o["id"] for o in declined["offers"]} == {o["id"] for o in asked["offers"]}
    assert shop.post(f"/offers/{held['id']}/accept").status_code in (200, 201)


def _escalated_with_an_offer_held(app, api) -> tuple[dict, dict, dict]:
    _rules(app, *SHOP_RULES)
    asked = _ask(api.as_(ANN), 2000, "90.00")
    [held] = [o for o in asked["offers"] if o["kind"] == "concession"]
    api.as_(ANN).post(f"/requests/{asked['id']}/escalate")
    [escalation] = api.as_(MAX).get(f"/escalations?negotiation_id={asked['id']}").get_json()["escalations"]
    return asked, held, escalation


def test_a_reps_counter_is_one_more_offer_beside_those_the_buyer_holds(app, api):
    asked, held, escalation = _escalated_with_an_offer_held(app, api)
    decided = api.post(f"/escalations/{escalation['id']}/decision", {
        "action": "counter", "unit_price": "112.00", "quantity": 2000, "rationale": "meet halfway"})
    assert decided.status_code == 200, decided.get_json()
    seen = api.as_(ANN).get(f"/requests/{asked['id']}").get_json()
    assert seen["note"].endswith("The offers you held before still stand until they expire.")
    assert {o["kind"] for o in seen["offers"] if o["status"] == "open"} >= {"concession", "rep"}
    taken = api.post(f"/offers/{held['id']}/accept")  # was 409: the counter had superseded it
    assert taken.status_code in (200, 201), taken.get_json()


def test_a_reps_rejection_answers_the_ask_and_leaves_the_offers_held(app, api):
    asked, held, escalation = _escalated_with_an_offer_held(app, api)
    decided = api.post(f"/escalations/{escalation['id']}/decision", {"action": "reject", "rationale": "too low"})
    assert decided.status_code == 200, decided.get_json()
    seen = api.as_(ANN).get(f"/requests/{asked['id']}").get_json()
    # Still open for what it holds: "declined" would tell the buyer nothing is left.
    assert (seen["status"], seen["note"].endswith("still stand until they expire.")) == ("countered", True)
    taken = api.post(f"/offers/{held['id']}/accept")
    assert taken.status_code in (200, 201), taken.get_json()


def test_withdrawing_still_closes_every_offer(app, api):
    _rules(app, *SHOP_RULES)
    shop = api.as_(ANN)
    asked = _ask(shop, 2000, "90.00")
    shop.post(f"/requests/{asked['id']}/withdraw")
    assert shop.post(f"/offers/{asked['offers'][0]['id']}/accept").status_code == 409


def test_the_reps_suggestion_keeps_its_terms_as_data(app, api):
    """Pickup closes the gap of 1,000 at $118.50 (no band here); 1,000 x $118.50 is over a
    $100,000 limit, so a rep answers, and the suggestion carries the term, not only words."""
    _rules(app, SHOP_RULES[0],
           ("term_lever", {"group": "delivery", "option": "pickup", "label": "pick up at our warehouse",
                           "value_per_unit": "3.00"}, {"sku": "DEMO-120"}),
           ("routing", {"rep_reach_pct": "20", "auto_approval_limit": "100000"}, {}))
    asked = _ask(api, 1000, "118.50")
    assert asked["status"] == "escalated"
    [escalation] = api.as_(MAX).get(f"/escalations?negotiation_id={asked['id']}").get_json()["escalations"]
    suggestion = escalation["suggested_offer"]
    assert suggestion["kind"] == "terms"
    assert suggestion["terms"] == [{"group": "delivery", "option": "pickup", "label": "pick up at our warehouse"}]
    # The rep can send it back as it stands: a counter takes terms in the same shape.
    decided = api.as_(MAX).post(f"/escalations/{escalation['id']}/decision", {
        "action": "counter", "unit_price": suggestion["unit_price"], "quantity": suggestion["quantity"],
        "terms": suggestion["terms"], "rationale": "the engine's suggestion"})
    assert decided.status_code == 200, decided.get_json()


def test_a_big_order_within_the_band_is_accepted_and_far_below_is_declined(app, api):
    _rules(app, SHOP_RULES[0], SHOP_RULES[1],
           ("price_breaks", {"breaks": [{"min_quantity": 3000, "unit_price": "110.00"}]}, {"sku": "DEMO-120"}),
           ("routing", {"auto_accept_within_pct": "2", "rep_reach_pct": "10", "auto_approval_limit": "250000"}, {}))
    assert _ask(api, 5000, "109.00")["status"] == "open"  # within 2% of $110.00, $545,000
    for quantity in (1000, 4550):
        body = _ask(api, quantity, "73.77")
        assert (body["status"], body["offers"]) == ("declined", [])
