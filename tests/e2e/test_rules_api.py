"""The pricing managers' JSON API: draft edits, validation naming the field, publish (seen
by another process's next request), diff, rollback, simulations, who may call it."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from counteroffer import Actor, CatalogItem
from counteroffer.db import transaction
from counteroffer.db.models import Negotiation
from counteroffer.negotiation.pricing.simulation import run_simulation
from tests.conftest import BUYER_ACME, MANAGER, REP, ApiClient, make_app

PRICING = Actor(id="pia@seller", role="pricing_manager", name="Pia")
ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}


@pytest.fixture
def manager(app) -> ApiClient:
    return ApiClient(app).as_(MANAGER)


def _ask(app) -> dict:
    """A buyer's request (the test client's actor is per app: the manager's comes back)."""
    answer = ApiClient(app).as_(BUYER_ACME).post("/requests", json=ASK).get_json()
    app.config["TEST_ACTOR"] = MANAGER
    return answer


def _breaks_rule(client: ApiClient, version: str = "draft") -> dict:
    found = client.get(f"/rules?version={version}&sku=DEMO-120&kind=price_breaks").get_json()
    assert found["total"] == 1
    return found["items"][0]


def _move_break_to_2000(client: ApiClient) -> dict:
    client.post("/rules/draft")
    rule = _breaks_rule(client)
    body = {k: rule[k] for k in ("kind", "sku", "category", "segment", "priority")}
    body["params"] = {"breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}
    response = client.client.put(f"/negotiate/api/rules/{rule['id']}", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_only_pricing_managers_may_use_it(app):
    client = ApiClient(app)
    assert client.as_(None).get("/rules").status_code == 401
    assert client.as_(BUYER_ACME).get("/rules/versions").status_code == 403
    assert client.as_(REP).post("/rules/publish", json={}).status_code == 403
    assert client.as_(PRICING).get("/rules?version=live").status_code == 200
    assert client.as_(MANAGER).get("/rules/versions").status_code == 200


def test_a_published_break_is_what_the_next_buyer_request_gets(app, manager):
    assert _ask(app)["offers"][0]["quantity"] == 3000
    _move_break_to_2000(manager)
    # Still a draft: buyers are answered by the live version.
    assert _ask(app)["offers"][0]["quantity"] == 3000
    published = manager.post("/rules/publish", json={"note": "break from 2,000"})
    assert published.status_code == 201
    version = published.get_json()
    assert (version["number"], version["is_live"], version["published_by"]) == (2, True, "max@seller")
    answer = _ask(app)
    assert answer["offers"][0]["quantity"] == 2000
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        decided_by = session.scalar(select(Negotiation.rule_version_id).where(Negotiation.id == answer["id"]))
    assert decided_by == version["id"]


def test_another_process_uses_the_new_version_for_its_next_request(app, manager, db_url, clock, tmp_path):
    other = make_app(db_url, clock, tmp_path / "other", TEST_ACTOR=BUYER_ACME)  # its own engine and caches
    other_buyer = ApiClient(other).as_(BUYER_ACME)
    assert other_buyer.post("/requests", json=ASK).get_json()["offers"][0]["quantity"] == 3000
    _move_break_to_2000(manager)
    manager.post("/rules/publish", json={})
    assert other_buyer.post("/requests", json=ASK).get_json()["offers"][0]["quantity"] == 2000
    with other.app_context():
        other.extensions["counteroffer"].close()


@pytest.mark.parametrize("body, field", [
    ({"kind": "floor", "sku": "DEMO-120", "priority": 5, "params": {"min_unit_price": "70.00"}},
     "params.min_unit_price"),
    ({"kind": "price_breaks", "sku": "DEMO-120", "priority": 5,
      "params": {"breaks": [{"min_quantity": 500, "unit_price": "110"}, {"min_quantity": 100, "unit_price": "105"}]}},
     "params.breaks"),
    ({"kind": "price_breaks", "sku": "DEMO-120", "priority": 5,
      "params": {"breaks": [{"min_quantity": 100, "unit_price": "110"}, {"min_quantity": 500, "unit_price": "115"}]}},
     "params.breaks"),
    ({"kind": "floor", "sku": "DEMO-120", "params": {"min_margin_pct": "25"}}, "priority"),
    ({"kind": "floor", "sku": "NOPE-1", "params": {"min_margin_pct": "25"}}, "sku"),
    ({"kind": "floor", "sku": "EURO-1", "params": {"min_margin_pct": "25"}}, "sku"),
    ({"kind": "floor", "params": {"min_margin_pct": "25"}, "discount": "90"}, "discount"),
    # Unknown parameters are refused too, not stored and ignored (a typo, or smuggling).
    ({"kind": "floor", "sku": "DEMO-120", "priority": 5,
      "params": {"min_margin_pct": "25", "approved": True}}, "params.approved"),
    ({"kind": "floor", "sku": "DEMO-120", "priority": 5, "params": {"min_margin": "25"}},
     "params.min_margin"),
    ({"kind": "price_breaks", "sku": "DEMO-120", "priority": 5,
      "params": {"breaks": [{"min_quantity": 100, "unit_price": "110", "floor": "1"}]}},
     "params.breaks[0].floor"),
])
def test_a_rule_that_may_not_go_in_is_a_422_naming_the_field(app, manager, body, field):
    with app.app_context():
        app.extensions["counteroffer"].save_products([CatalogItem(
            sku="EURO-1", name="Euro part", currency="EUR", list_price=Decimal(10), cost=Decimal(5))])
    has_draft = manager.get("/rules/versions/draft").status_code == 200
    before = manager.get("/rules?version=draft").get_json()["total"] if has_draft else None
    response = manager.post("/rules", json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert field in error["fields"], error
    assert error["fields"][field][0]
    if before is not None:
        assert manager.get("/rules?version=draft").get_json()["total"] == before


def test_published_versions_are_read_only(manager):
    rule = _breaks_rule(manager, "live")
    response = manager.client.delete(f"/negotiate/api/rules/{rule['id']}")
    assert response.status_code == 409
    assert "draft" in response.get_json()["error"]["message"]


def test_diff_names_changes_field_by_field_and_rollback_makes_a_new_version(manager):
    _move_break_to_2000(manager)
    manager.post("/rules", json={"kind": "floor", "category": "safety", "params": {"min_margin_pct": "10"}})
    diff = manager.get("/rules/diff?from=live&to=draft").get_json()
    assert (diff["added"], diff["removed"], diff["changed"]) == (1, 0, 1)
    changed = next(c for c in diff["changes"] if c["change"] == "changed")
    assert changed["scope"] == "SKU DEMO-120, priority 0"
    assert changed["fields"] == [{"field": "breaks[0].min_quantity", "before": 3000, "after": 2000}]
    manager.post("/rules/publish", json={})
    rolled = manager.post("/rules/versions/1/rollback", json={"note": "back"}).get_json()
    assert (rolled["number"], rolled["is_live"], rolled["note"]) == (3, True, "back")
    assert manager.get("/rules/diff?from=1&to=3").get_json()["changes"] == []
    assert [v["number"] for v in manager.get("/rules/versions").get_json()] == [3, 2, 1]


def test_rules_page_and_filter_in_the_database(app, manager):
    with app.app_context():
        extension = app.extensions["counteroffer"]
        extension.save_products(CatalogItem(sku=f"P-{i:04d}", name="p", currency="USD", list_price=Decimal(10),
                                            cost=Decimal(5), category="bulk") for i in range(120))
        for i in range(120):
            extension.save_rule("floor", {"min_margin_pct": "10"}, sku=f"P-{i:04d}")
    page = manager.get("/rules?version=live&sku=P-&per_page=50&page=3").get_json()
    assert (page["total"], len(page["items"]), page["items"][0]["sku"]) == (120, 20, "P-0100")
    assert manager.get("/rules?version=live&kind=price_breaks").get_json()["total"] == 2
    assert manager.get("/rules?version=live&per_page=501").status_code == 422
    assert manager.get("/rules?version=draft").status_code == 404  # no draft yet


def test_simulation_through_the_api_lists_the_requests_whose_outcome_changes(app, manager):
    _move_break_to_2000(manager)
    asked = [{"sku": "DEMO-120", "quantity": 1500, "target_unit_price": "110.00", "segment": "wholesale"},
             {"sku": "DEMO-120", "quantity": 10, "target_unit_price": "120.00"},
             {"sku": "GONE-1", "quantity": 10, "target_unit_price": "1.00"}]
    started = manager.post("/rules/simulations", json={"requests": asked})
    assert started.status_code == 202
    simulation = started.get_json()
    assert manager.get(f"/rules/simulations/{simulation['id']}/result").status_code == 409
    with app.app_context():
        assert run_simulation(app.extensions["counteroffer"].deps, simulation["id"]) == "done"
    status = manager.get(f"/rules/simulations/{simulation['id']}").get_json()
    assert (status["status"], status["percent"], status["processed"]) == ("done", 100, 2)
    result = manager.get(f"/rules/simulations/{simulation['id']}/result").get_json()
    assert result["skipped"] == 1 and result["changed"] == 1
    change = result["changes"][0]
    assert change["live"]["offer"]["quantity"] == 3000 and change["draft"]["offer"]["quantity"] == 2000
    assert result["live"]["shares"]["counter"] == "50.0" and result["live"]["shares"]["accept"] == "50.0"


def test_a_queued_simulation_can_be_cancelled_and_then_never_runs(app, manager):
    manager.post("/rules/draft")
    simulation = manager.post("/rules/simulations", json={"days": 7}).get_json()
    cancelled = manager.post(f"/rules/simulations/{simulation['id']}/cancel").get_json()
    assert cancelled["status"] == "cancelled"
    with app.app_context():
        assert run_simulation(app.extensions["counteroffer"].deps, simulation["id"]) == "skipped"
    assert manager.post(f"/rules/simulations/{simulation['id']}/cancel").status_code == 409


def test_simulating_needs_a_draft_and_refuses_unknown_fields(manager):
    assert manager.post("/rules/simulations", json={"days": 7}).status_code == 404
    manager.post("/rules/draft")
    response = manager.post("/rules/simulations", json={"days": 7, "speed": "fast"})
    assert response.status_code == 422 and "speed" in response.get_json()["error"]["fields"]
