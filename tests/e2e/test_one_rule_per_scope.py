"""One rule per kind, scope and priority, whatever the door (docs/rules.md): the host's
``save_rule`` replaces the rule of that scope, the rules API and the editor refuse a
second with a 422 naming ``priority``, the CSV import replaces; ``flask counteroffer rules
check`` reports duplicates stored before the doors checked."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import Rule
from counteroffer.negotiation.pricing.rulebook import live_version_id
from tests.conftest import BUYER_ACME, MANAGER, ApiClient

ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
BREAKS = {"kind": "price_breaks", "sku": "DEMO-120", "priority": 0}


def _rules(app, **scope: object) -> list[Rule]:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        query = select(Rule).filter_by(**scope).order_by(Rule.version_id, Rule.id)
        return list(session.scalars(query))


def _breaks(app) -> list[tuple[int, dict]]:
    return [(rule.version_id, rule.params) for rule in _rules(app, kind="price_breaks", sku="DEMO-120")]


def test_save_rule_again_replaces_the_rule_of_that_scope_and_the_engine_uses_the_new_one(app):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 2000, "unit_price": "112.00"}]},
                            sku="DEMO-120")
    [(_version, params)] = _breaks(app)
    assert params == {"breaks": [{"min_quantity": 2000, "unit_price": "112.00"}]}
    offer = ApiClient(app).as_(BUYER_ACME).post("/requests", json={**ASK, "target_unit_price": "112.00"})
    assert offer.get_json()["offers"][0]["quantity"] == 2000


def test_save_rule_with_a_draft_open_replaces_in_both_versions(app):
    manager = ApiClient(app).as_(MANAGER)
    assert manager.post("/rules/draft").status_code in (200, 201)
    with app.app_context():
        app.extensions["counteroffer"].save_rule(
            "price_breaks", {"breaks": [{"min_quantity": 2500, "unit_price": "111.00"}]}, sku="DEMO-120")
    rows = _breaks(app)
    assert len(rows) == 2 and len({version for version, _ in rows}) == 2  # live and draft, once each
    assert all(params["breaks"][0]["min_quantity"] == 2500 for _, params in rows)


def test_another_priority_is_another_rule(app):
    with app.app_context():
        app.extensions["counteroffer"].save_rule(
            "price_breaks", {"breaks": [{"min_quantity": 2000, "unit_price": "112.00"}]}, sku="DEMO-120",
            priority=5)
    assert len(_breaks(app)) == 2


def test_the_rules_api_refuses_a_second_rule_for_one_scope_naming_the_field(app):
    manager = ApiClient(app).as_(MANAGER)
    body = {**BREAKS, "params": {"breaks": [{"min_quantity": 2000, "unit_price": "112.00"}]}}
    refused = manager.post("/rules", json=body)
    assert refused.status_code == 422, refused.get_json()
    error = refused.get_json()["error"]
    assert "priority" in error["fields"] and "already a price_breaks rule" in error["fields"]["priority"][0]
    assert len(_breaks(app)) == 1  # the refusal rolled back the draft it opened, too


def test_the_editor_refuses_a_second_rule_for_one_scope_next_to_the_field(app):
    app.secret_key = "test"
    app.config["TEST_ACTOR"] = MANAGER
    client = app.test_client()
    form_page = client.get("/negotiate/admin/rules/new?kind=floor").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page).group(1)
    response = client.post("/negotiate/admin/rules/new?kind=floor",
                           data={"csrf_token": token, "sku": "DEMO-120", "min_margin_pct": "25"})
    assert response.status_code == 422
    assert "already a floor rule for this scope" in response.get_data(as_text=True)
    assert [rule.params for rule in _rules(app, kind="floor", sku="DEMO-120")] == [{"min_margin_pct": "20"}]


def test_the_csv_import_replaces_the_skus_rules_in_the_draft(app, tmp_path: Path):
    file = tmp_path / "rules.csv"
    file.write_text("sku,min_margin_pct,min_unit_price,breaks\nDEMO-120,25,,2000@112.00\n", encoding="utf-8")
    for _twice in range(2):
        result = app.test_cli_runner().invoke(args=["counteroffer", "rules", "import", str(file)])
        assert result.exit_code == 0, result.output
    draft = [params for _version, params in _breaks(app)][-1]
    assert draft == {"breaks": [{"min_quantity": 2000, "unit_price": "112.00"}]}
    assert len(_breaks(app)) == 2 and len(_rules(app, kind="floor", sku="DEMO-120")) == 2


def test_the_cli_check_reports_duplicates_stored_before_the_doors_checked(app):
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["counteroffer", "rules", "check"])
    assert clean.exit_code == 0 and "one rule per kind, scope and priority" in clean.output
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        live = live_version_id(session)  # what the old save_rule did: a second row, same scope
        session.add(Rule(version_id=live, kind="price_breaks", sku="DEMO-120", category=None, segment=None,
                         priority=0, params={"breaks": [{"min_quantity": 100, "unit_price": "119.00"}]}))
        first = session.scalar(select(func.min(Rule.id)).where(Rule.kind == "price_breaks", Rule.sku == "DEMO-120"))
    found = runner.invoke(args=["counteroffer", "rules", "check"])
    assert found.exit_code == 1, found.output
    assert re.search(rf"version 1: price_breaks rules #{first}, #\d+ share one scope \(sku DEMO-120, priority 0\)",
                     found.output), found.output
    assert "1 scope(s) hold more than one rule" in found.output
