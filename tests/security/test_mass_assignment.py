"""Mass assignment: a field a route does not take is refused with 422, naming the field,
and nothing changes; in JSON bodies, query strings and the back office's form alike."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.approvals import ANN, MAX, RITA
from tests.security.world import COUNTERED, QUOTE_CART, QUOTE_COUNTERED, World, snapshot

EXTRAS = {"unit_price": "1.00", "status": "accepted", "floor": "0.01", "approved": True,
          "company_id": "globex", "expires_at": "2099-01-01T00:00:00Z", "discount": "50",
          "buyer_id": "gus@globex", "version": 2, "cost": "0"}
API = "/negotiate/api"

# (name, caller, path with {id} of which kind, the valid body)
RULE = {"kind": "floor", "sku": "GLOVE-50", "priority": 50, "params": {"min_margin_pct": "20"}}
JSON_ROUTES = [
    ("create request", ANN, "/requests", None, COUNTERED),
    ("counter", ANN, "/requests/{id}/counter", "negotiation", {"target_unit_price": "115.00"}),
    ("withdraw", ANN, "/requests/{id}/withdraw", "negotiation", {}),
    ("escalate", ANN, "/requests/{id}/escalate", "negotiation", {}),
    ("accept", ANN, "/offers/{id}/accept", "offer", {}),
    ("redeem", ANN, "/deals/{id}/redeem", "deal", {"order_ref": "PO-1"}),
    ("create quote", ANN, "/quotes", None, QUOTE_COUNTERED),
    ("counter quote", ANN, "/quotes/{id}/counter", "quote", {"lines": QUOTE_CART}),
    ("withdraw quote", ANN, "/quotes/{id}/withdraw", "quote", {}),
    ("escalate quote", ANN, "/quotes/{id}/escalate", "quote", {}),
    ("quote why not", ANN, "/quotes/{id}/why-not", "quote", {"reason": "other"}),
    ("accept quote offer", ANN, "/quote-offers/{id}/accept", "quote_offer", {}),
    ("redeem quote deal", ANN, "/quote-deals/{id}/redeem", "quote_deal", {"lines": QUOTE_CART, "order_ref": "PO-1"}),
    ("decide", RITA, "/escalations/{id}/decision", "escalation", {"action": "approve", "rationale": "ok"}),
    ("add delegation", RITA, "/delegations", None, {"delegate_id": "pete@seller",
                                                    "starts_at": "2026-12-01T00:00:00+00:00",
                                                    "ends_at": "2026-12-05T00:00:00+00:00"}),
    ("end delegation", RITA, "/delegations/{id}/end", "delegation", {}),
    ("create rule", MAX, "/rules", None, RULE),
    ("update rule", MAX, "PUT /rules/{id}", "rule", RULE),
    ("publish", MAX, "/rules/publish", None, {"note": "x"}),
    ("rollback", MAX, "/rules/versions/{id}/rollback", "version", {"note": "x"}),
    ("simulate", MAX, "/rules/simulations", None, {"days": 30}),
    ("cancel simulation", MAX, "/rules/simulations/{id}/cancel", "simulation", {}),
    ("start experiment", MAX, "/experiments", None, {"name": "x", "control": "1", "challenger": "2"}),
    ("stop experiment", MAX, "/experiments/{id}/stop", "experiment", {}),
    ("promote experiment", MAX, "/experiments/{id}/promote", "experiment", {"variant": "B"}),
]


def _refused_and_unchanged(world: World, send: Callable[[], Any], field: str) -> None:
    before = snapshot(world.app)
    response = send()
    assert response.status_code == 422, (field, response.get_data(as_text=True)[:300])
    assert field in response.get_data(as_text=True)
    assert snapshot(world.app) == before, f"{field} changed rows"


@pytest.mark.parametrize("name, caller, path, kind, body", JSON_ROUTES, ids=[r[0] for r in JSON_ROUTES])
def test_extra_fields_in_json_bodies_are_422_and_change_nothing(world, name, caller, path, kind, body):
    method, _, path = path.rpartition(" ")
    client, url = world.app.test_client(), API + path.format(id=world.ids[kind][0] if kind else "")
    send = getattr(client, (method or "post").lower())
    world.app.config["TEST_ACTOR"] = caller
    taken = set(body) | ({"unit_price"} if name == "decide" else set())  # a rep's counter price
    for field, value in EXTRAS.items():
        if field not in taken:
            _refused_and_unchanged(world, lambda field=field, value=value: send(url, json={**body, field: value}),
                                   field)
    # A request is an object at the top: a list is refused too.
    assert send(url, json=[body]).status_code == 400


def test_extra_fields_nested_in_a_rep_counter_are_refused(world):
    world.app.config["TEST_ACTOR"] = RITA
    url = f"{API}/escalations/{world.ids['escalation'][0]}/decision"
    term = {"group": "payment", "option": "net30", "label": "Net 30", "discount": "9"}
    body = {"action": "counter", "rationale": "x", "unit_price": "95.00", "terms": [term]}
    _refused_and_unchanged(world, lambda: world.app.test_client().post(url, json=body), "discount")


@pytest.mark.parametrize("field", ["unit_price", "floor", "price_for_quantity", "company_id"])
def test_extra_fields_on_a_quote_line_are_refused_naming_the_line(world, field):
    world.app.config["TEST_ACTOR"] = ANN
    body = {**QUOTE_COUNTERED, "lines": [QUOTE_CART[0], {**QUOTE_CART[1], field: "1.00"}]}
    _refused_and_unchanged(world, lambda: world.app.test_client().post(f"{API}/quotes", json=body),
                           f"lines[1].{field}")


@pytest.mark.parametrize("cited, field", [
    ({"competitor": "Globex", "total": "100.00", "company_id": "globex"}, "competing_offer.company_id"),
    ({"competitor": "Globex", "lines": [{"sku": QUOTE_CART[0]["sku"], "unit_price": "1.00", "floor": "1"}]},
     "competing_offer.lines[0].floor"),
])
def test_extra_fields_in_a_quote_citation_are_refused_naming_them(world, cited, field):
    world.app.config["TEST_ACTOR"] = ANN
    body = {**QUOTE_COUNTERED, "competing_offer": cited}
    _refused_and_unchanged(world, lambda: world.app.test_client().post(f"{API}/quotes", json=body), field)


@pytest.mark.parametrize("caller, path", [(ANN, "/requests"), (ANN, "/quotes"), (RITA, "/escalations")])
def test_unknown_query_parameters_are_422(world, caller, path):
    world.app.config["TEST_ACTOR"] = caller
    response = world.app.test_client().get(f"{API}{path}?company_id=globex")
    assert response.status_code == 422 and "company_id" in response.get_json()["error"]["fields"]


def test_the_back_office_form_refuses_fields_it_does_not_have(world):
    world.app.config["TEST_ACTOR"] = RITA
    client = world.app.test_client()
    with client.session_transaction() as session:
        session["_counteroffer_csrf"] = "known-token"
    url = f"/negotiate/admin/escalations/{world.ids['escalation'][0]}"
    form = {"csrf_token": "known-token", "action": "approve", "rationale": "ok"}
    for field in ("status", "floor", "company_id", "expires_at", "approved"):
        before = snapshot(world.app)
        response = client.post(url, data={**form, field: "x"})
        assert response.status_code == 422 and f"no field {field}" in response.get_data(as_text=True)
        assert snapshot(world.app) == before
    assert client.post(url, data=form).status_code == 302  # the same form without them is taken
