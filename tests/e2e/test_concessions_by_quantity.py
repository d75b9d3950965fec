"""Concessions belong to the quantity they were made for (issue 25), through the buyer and
rep JSON APIs, on SQLite and PostgreSQL.

The shop of the issue: DEMO-120 (list $120.00, cost $80.00, a $110.00 break at 3,000), a
floor of $100.00, a concession of 15% at most over 6 rounds (first position 25%, linear)
and, where a test says so, an automatic approval limit of $250,000. Test apps put the guard
price on the floor and switch the jitter off (tests/conftest.py), so the figures are exact:
the reservation price is $100.00 at 3,000 units (the floor) and $102.00 below (list less 15%),
so round 1 concedes 25% of the room and round 2 40%.
"""
from __future__ import annotations

import pytest

from tests.approvals import ANN, MAX, seed_approvals

SHOP_RULES = (
    ("floor", {"min_unit_price": "100.00"}, {"sku": "DEMO-120"}),
    ("concession", {"max_discount_pct": "15", "first_position_pct": "25", "exponent": "1", "rounds": 6},
     {"sku": "DEMO-120"}),
    ("routing", {"rep_reach_pct": "20"}, {}),
)
LIMIT = ("routing", {"rep_reach_pct": "20", "auto_approval_limit": "250000"}, {})


def _rules(app, *rules) -> None:
    with app.app_context():
        extension = app.extensions["counteroffer"]
        seed_approvals(extension)
        for kind, params, scope in rules:
            extension.save_rule(kind, params, **scope)


@pytest.fixture
def shop(app, api):
    _rules(app, *SHOP_RULES)
    return api.as_(ANN)


@pytest.fixture
def limited_shop(app, api):
    _rules(app, *SHOP_RULES[:2], LIMIT)
    return api.as_(ANN)


def _ask(api, quantity: int, target: str) -> dict:
    body = {"sku": "DEMO-120", "quantity": quantity, "target_unit_price": target, "currency": "USD"}
    return api.as_(ANN).post("/requests", body).get_json()


def _counter(api, negotiation_id: str, quantity: int, target: str) -> dict:
    return api.as_(ANN).post(f"/requests/{negotiation_id}/counter",
                             {"target_unit_price": target, "quantity": quantity}).get_json()


def _offers(body: dict, kind: str = "concession") -> list[tuple[int, str]]:
    """This round's offers (those of earlier rounds the buyer still holds are listed too)."""
    return [(o["quantity"], o["unit_price"]) for o in body["offers"]
            if o["kind"] == kind and o["round"] == body["round"]]


def test_a_smaller_quantity_does_not_keep_a_larger_quantitys_concession(shop):
    """Case 1: 3,000 at $80.00 gets $107.50; countering with 200 units kept $107.50, below
    the $110.00 that needs 3,000 units. Now 200 units get what a fresh ask gets in round 2."""
    first = _ask(shop, 3000, "80.00")
    assert _offers(first) == [(3000, "107.50")]  # 110.00 - 25% of (110.00 - 100.00)
    smaller = _counter(shop, first["id"], 200, "80.00")
    assert smaller["status"] == "countered"
    assert _offers(smaller) == [(200, "112.80")]  # 120.00 - 40% of (120.00 - 102.00)
    # ...the price a buyer who asked 200 units in both rounds gets, moving at least as far
    # as the curve (a buyer who holds out is met at its own pace: rules/concession.py):
    fresh = _ask(shop, 200, "80.00")
    assert _offers(_counter(shop, fresh["id"], 200, "95.00")) == [(200, "112.80")]


def test_the_same_quantity_never_goes_back_and_a_larger_one_keeps_the_share_conceded(shop):
    first = _ask(shop, 200, "80.00")
    assert _offers(first) == [(200, "115.50")]
    same = _counter(shop, first["id"], 200, "95.00")  # up $15.00: the curve's $2.70 step stands
    assert _offers(same) == [(200, "112.80")]
    # Round 3 is the buyer's last (the test apps allow 3): a target within a rep's reach
    # goes to a person (issue 19), with the rules' concession for 3,000 as the suggestion
    # (one below the decline line, $80.00, is declined with no offer: issue 23).
    larger = _counter(shop, first["id"], 3000, "95.00")
    assert (larger["status"], _offers(larger)) == ("escalated", [])
    [escalation] = shop.as_(MAX).get(f"/escalations?negotiation_id={first['id']}").get_json()["escalations"]
    suggestion = escalation["suggested_offer"]  # the round-3 curve: 110.00 - 55% of 10.00
    assert (suggestion["kind"], suggestion["quantity"], suggestion["unit_price"]) == ("concession", 3000, "104.50")


def test_a_reps_volume_counter_does_not_lower_the_price_for_another_quantity(limited_shop, app):
    """Case 2: the rep counters 5,051 at $102.57 (the margin-neutral volume); the buyer then
    asks 2,000 at $90.00 and was offered $102.57. Now: the rules' own round-2 price for
    2,000 units, as after a rep's reject."""
    api = limited_shop
    asked = _ask(api, 2850, "102.57")
    assert asked["status"] == "escalated"  # 2,850 at $115.50 or 5,051 at $102.57: over $250,000
    [escalation] = [e for e in api.as_(MAX).get("/escalations").get_json()["escalations"]
                    if e["negotiation_id"] == asked["id"]]
    decided = api.as_(MAX).post(f"/escalations/{escalation['id']}/decision", {
        "action": "counter", "unit_price": "102.57", "quantity": 5051, "rationale": "volume for price"})
    assert decided.status_code == 200, decided.get_json()
    countered = _counter(api, asked["id"], 2000, "90.00")
    assert (countered["status"], _offers(countered)) == ("countered", [(2000, "112.80")])


def test_a_reps_counter_still_holds_for_its_own_quantity(limited_shop):
    api = limited_shop
    asked = _ask(api, 2000, "90.00")  # 2,000 at $115.50 is $231,000: within the limit
    assert _offers(asked) == [(2000, "115.50")]
    api.as_(ANN).post(f"/requests/{asked['id']}/escalate")
    [escalation] = api.as_(MAX).get(f"/escalations?negotiation_id={asked['id']}").get_json()["escalations"]
    decided = api.as_(MAX).post(f"/escalations/{escalation['id']}/decision", {
        "action": "counter", "unit_price": "110.00", "quantity": 2000, "rationale": "meet halfway"})
    assert decided.status_code == 200, decided.get_json()
    again = _counter(api, asked["id"], 2000, "95.00")
    assert _offers(again) == [(2000, "110.00")]  # the round-2 curve (112.80) would go back on it


@pytest.mark.parametrize("target", ["73.00", "74.00"])
def test_the_order_value_is_what_would_be_sold_not_the_bid(limited_shop, target):
    """Case 3: 3,400 at $73.00 (a bid worth $248,200) got an automatic counter of $107.50
    (worth $365,500, over the $250,000 limit), and $74.00 ($251,600) went to a person.
    Now both are routed on what would be sold: 3,400 x $107.50, and raising the bid changes
    nothing. Both are under the decline line ($80.00, 20% under the $100.00 guard price):
    no person could accept them, so both are declined whatever the order value (issue 23)."""
    body = _ask(limited_shop, 3400, target)
    assert (body["status"], body["offers"]) == ("declined", [])


@pytest.mark.parametrize("target", ["81.00", "82.00"])
def test_over_the_limit_a_person_answers_both_bids(limited_shop, target):
    body = _ask(limited_shop, 3400, target)
    assert (body["status"], body["offers"]) == ("escalated", [])


@pytest.mark.parametrize("target", ["81.00", "82.00"])
def test_within_the_limit_both_bids_get_the_same_automatic_counter(app, api, target):
    """Issue 25 asked this at $73.00 and $74.00; under issue 23 those are below the $80.00
    decline line and declined, so the same is shown just above it."""
    _rules(app, *SHOP_RULES[:2], ("routing", {"rep_reach_pct": "20", "auto_approval_limit": "365500"}, {}))
    body = _ask(api, 3400, target)
    assert (body["status"], _offers(body)) == ("countered", [(3400, "107.50")])


@pytest.mark.parametrize("target", ["73.00", "74.00"])
def test_the_issues_bids_get_the_same_automatic_counter_where_a_person_could_not_decline(app, api, target):
    """Case 3 as the issue wrote it: with the decline line moved down to $70.00 (a rep's
    reach of 30%) and a limit that covers what would be sold (3,400 x $107.50 = $365,500),
    $74.00 gets the automatic counter $73.00 gets. Under the $250,000 limit the sale is over
    it, so both bids go to a person (the tests above); what no longer happens is the bid
    ($251,600 against $248,200) deciding between the two."""
    _rules(app, *SHOP_RULES[:2], ("routing", {"rep_reach_pct": "30", "auto_approval_limit": "365500"}, {}))
    body = _ask(api, 3400, target)
    assert (body["status"], _offers(body)) == ("countered", [(3400, "107.50")])


def test_a_term_offer_leaves_the_buyer_a_share_of_what_the_terms_are_worth(app, api):
    """Case 4: a term offer was priced at exactly the bid. Pickup is worth $3.00 a unit to
    the seller; the buyer's share (COUNTEROFFER_TERMS_BUYER_SHARE_PCT, 25% by default) comes
    off the target: $117.75 - $0.75 = $117.00, and the seller keeps $2.25 a unit, the gap.
    (No concession rule here: its $115.50 would accept $117.75 outright.)"""
    _rules(app, SHOP_RULES[0], ("term_lever", {"group": "delivery", "option": "pickup",
                                               "label": "pick up at our warehouse", "value_per_unit": "3.00"},
                                {"sku": "DEMO-120"}))
    shop = api.as_(ANN)
    body = _ask(shop, 1000, "117.75")
    assert _offers(body, "terms") == [(1000, "117.00")]
    [terms] = [o for o in body["offers"] if o["kind"] == "terms"]
    assert terms["message"] == "Pick up at our warehouse, and pay $117.00 each for 1,000 units."
    too_far = _ask(shop, 1000, "117.74")  # the seller's $2.25 no longer closes a $2.26 gap
    assert _offers(too_far, "terms") == []
