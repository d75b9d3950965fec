"""A small world for authorization tests: objects owned by Ann of Acme, and everyone else.

Ann asks twice for each kind of object, so a colleague can act on one copy and the owner
on the other. ``snapshot`` reads every plugin table, to prove a refused call changed nothing.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select

from counteroffer import Actor
from counteroffer.db.models import metadata
from tests.approvals import ANN, DANA, GUS, MAX, RITA, seed_approvals

BOB = Actor("bob@acme", "buyer", "acme", name="Bob Baker", email="bob@acme.example")
PIA = Actor("pia@seller", "pricing_manager", name="Pia Price")
#: Who calls, by the name the matrix uses.
CALLERS: dict[str, Actor | None] = {
    "owner": ANN, "colleague": BOB, "other_company": GUS, "rep": RITA, "other_rep": DANA,
    "manager": MAX, "pricing_manager": PIA, "anonymous": None,
}
COUNTERED = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
AGREED = {"sku": "DEMO-120", "quantity": 3000, "target_unit_price": "110.00", "currency": "USD"}
ESCALATING = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00", "currency": "USD"}
QUOTE_CART = [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}]
#: A whole cart at 6% off (countered), and one at the cart's prices (agreed as asked).
QUOTE_COUNTERED = {"currency": "USD", "lines": QUOTE_CART, "order_target": {"discount_pct": "6"}}
QUOTE_AGREED = {"currency": "USD", "lines": [{**QUOTE_CART[0], "target_unit_price": "120.00"},
                                             {**QUOTE_CART[1], "target_unit_price": "18.00"}]}


@dataclass
class World:
    """Ids of Ann's objects, two of each: ``ids[kind][0]`` and ``ids[kind][1]``."""

    app: Flask
    ids: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, value: str) -> None:
        self.ids.setdefault(kind, []).append(value)


def build_world(app: Flask) -> World:
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    client, world = app.test_client(), World(app)
    for _copy in range(2):
        countered = _ask(app, client, COUNTERED)
        world.add("negotiation", countered["id"])
        world.add("offer", countered["offers"][0]["id"])
        agreed = _ask(app, client, AGREED)
        deal = client.post(f"/negotiate/api/offers/{agreed['offers'][0]['id']}/accept")
        world.add("deal", deal.get_json()["token"])
        escalated = _ask(app, client, ESCALATING)
        world.add("escalated_negotiation", escalated["id"])
        world.add("document", _cited_document(app, client))
    _quote_objects(app, client, world)
    app.config["TEST_ACTOR"] = RITA
    escalations = client.get("/negotiate/api/escalations").get_json()["escalations"]
    for escalation in sorted(escalations, key=lambda e: world.ids["escalated_negotiation"].index(
            e["negotiation_id"])):
        world.add("escalation", escalation["id"])
    for days in (10, 20):  # Rita's weeks away (Pete stands in), ahead, so routing is unchanged
        world.add("delegation", str(_away(app, client, days)))
    _pricing_objects(app, client, world)
    return world


def _quote_objects(app: Flask, client: Any, world: World) -> None:
    """Ann's whole-cart quotes (issue 14): two countered, two offers to accept, two deals."""
    app.config["TEST_ACTOR"] = ANN
    for _copy in range(2):
        world.add("quote", _expect(client.post("/negotiate/api/quotes", json=QUOTE_COUNTERED), 201)["id"])
        world.add("quote_offer", _expect(client.post("/negotiate/api/quotes", json=QUOTE_AGREED), 201)
                  ["offers"][0]["id"])
        agreed = _expect(client.post("/negotiate/api/quotes", json=QUOTE_AGREED), 201)
        deal = client.post(f"/negotiate/api/quote-offers/{agreed['offers'][0]['id']}/accept")
        world.add("quote_deal", _expect(deal, 201)["token"])


def _away(app: Flask, client: Any, days: int) -> int:
    from datetime import timedelta

    app.config["TEST_ACTOR"] = RITA
    with app.app_context():
        start = app.extensions["counteroffer"].deps.clock() + timedelta(days=days)
    body = {"delegate_id": "pete@seller", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(days=2)).isoformat()}
    return _expect(client.post("/negotiate/api/delegations", json=body), 201)["id"]


def _pricing_objects(app: Flask, client: Any, world: World) -> None:
    """Version 2 published, two experiments of version 1 against 2 (the first stopped), a
    draft with two new rules and two what-if simulations, all made by the manager."""
    app.config["TEST_ACTOR"] = MAX
    _expect(client.post("/negotiate/api/rules/draft", json={}), 201)
    _expect(client.post("/negotiate/api/rules", json={
        "kind": "floor", "sku": "GLOVE-50", "priority": 9, "params": {"min_margin_pct": "20"}}), 201)
    _expect(client.post("/negotiate/api/rules/publish", json={}), 201)
    for name in ("second", "first"):
        experiment = _expect(client.post("/negotiate/api/experiments", json={
            "name": name, "control": "1", "challenger": "2"}), 201)
        world.ids.setdefault("experiment", []).insert(0, str(experiment["id"]))
        if name == "second":
            _expect(client.post(f"/negotiate/api/experiments/{experiment['id']}/stop", json={}), 200)
    _expect(client.post("/negotiate/api/rules/draft", json={}), 201)
    for copy in range(2):
        rule = client.post("/negotiate/api/rules", json={
            "kind": "floor", "sku": "GLOVE-50", "priority": 10 + copy, "params": {"min_margin_pct": "20"}})
        assert rule.status_code == 201, rule.get_json()
        world.add("rule", str(rule.get_json()["id"]))
        world.add("version", "1")
        simulation = client.post("/negotiate/api/rules/simulations", json={"days": 30})
        assert simulation.status_code == 202, simulation.get_json()
        world.add("simulation", simulation.get_json()["id"])


def _cited_document(app: Flask, client: Any) -> str:
    """A competitor's quote Ann uploads and cites (issue 16): staff may download it."""
    app.config["TEST_ACTOR"] = ANN
    quote = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    uploaded = client.post("/negotiate/api/documents", json={
        "filename": "quote.pdf", "content_base64": base64.b64encode(quote).decode()})
    document_id = _expect(uploaded, 201)["id"]
    _ask(app, client, {**COUNTERED, "competing_offer": {
        "competitor": "Globex Supply", "unit_price": "112.00", "document_id": document_id}})
    return str(document_id)


def _ask(app: Flask, client: Any, body: dict[str, Any]) -> dict[str, Any]:
    app.config["TEST_ACTOR"] = ANN
    response = client.post("/negotiate/api/requests", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every plugin table, in a stable order."""
    with app.app_context():
        engine = app.extensions["counteroffer"].deps.session_factory.kw["bind"]
    with engine.connect() as connection:
        return {table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
                for table in metadata.sorted_tables}


def csrf_from(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF field on the page"
    return match.group(1)


def _expect(response: Any, status: int) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_json()
