"""Offers come back in the engine's order (first: what the engine ranks first), in the
answer to a request and when the buyer reads it again, for lines and for whole-cart
quotes, on SQLite and PostgreSQL. A round's offers share their creation time and their
ids are random, so before each offer kept its rank they came back in no particular order.

The engine's own answer is read by wrapping it (the real function is called), so the
test compares against what the engine decided, not against a hard-coded list."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from counteroffer import CatalogItem
from counteroffer.negotiation.buying import requests as line_requests
from counteroffer.negotiation.quotes import requests as quote_requests
from tests.conftest import ApiClient

REQUESTS = 8  # three offers in random order come back right by chance 1 time in 6


def _recording(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    decisions: list[Any] = []
    engine = getattr(module, name)

    def recorded(*args: Any, **kwargs: Any) -> Any:
        decisions.append(engine(*args, **kwargs))
        return decisions[-1]
    monkeypatch.setattr(module, name, recorded)
    return decisions


def _save(app: Flask, *rules: tuple[str, dict[str, Any], dict[str, Any]]) -> None:
    with app.app_context():
        for kind, params, scope in rules:
            app.extensions["counteroffer"].save_rule(kind, params, **scope)


def _line_offers(body: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(o["kind"], o["quantity"], o["unit_price"]) for o in body["offers"] if o["round"] == body["round"]]


def test_a_line_requests_offers_keep_the_engines_order(api: ApiClient, app: Flask,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # An equivalent product, pick-up and the 3,000 break: two or three offers per request.
    with app.app_context():
        app.extensions["counteroffer"].save_products([CatalogItem(
            sku="DEMO-121", name="Hydraulic fitting, brass", currency="USD", list_price=Decimal("118.00"),
            cost=Decimal("60.00"))])
    _save(app, ("term_lever", {"group": "delivery", "option": "pickup", "label": "pick up at our warehouse",
                               "value_per_unit": "3.00"}, {"sku": "DEMO-120"}),
          ("alternatives", {"skus": ["DEMO-121"]}, {"sku": "DEMO-120"}),
          ("floor", {"min_margin_pct": "50"}, {"sku": "DEMO-121"}),
          ("routing", {"auto_accept_within_pct": "0"}, {}))
    decisions = _recording(monkeypatch, line_requests, "decide")
    several = 0
    for quantity in range(1000, 1000 + 10 * REQUESTS, 10):
        body = api.post("/requests", {"sku": "DEMO-120", "quantity": quantity, "currency": "USD",
                                      "target_unit_price": "117.75"}).get_json()
        engine = [(o.kind.value, o.quantity, f"{o.unit_price:.2f}") for o in decisions[-1].offers]
        assert _line_offers(body) == engine
        assert _line_offers(api.get(f"/requests/{body['id']}").get_json()) == engine
        several += len(engine) >= 2
    assert several == REQUESTS  # every request had offers to put in order


def _quote_offers(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(o["kind"], o["total"]) for o in body["offers"] if o["round"] == body["round"]]


def test_a_quotes_offers_keep_the_engines_order(api: ApiClient, app: Flask,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _save(app, ("order_tiers", {"tiers": [{"min_order_value": "50000", "discount_pct": "3"},
                                          {"min_order_value": "150000", "discount_pct": "6"}]}, {}))
    decisions = _recording(monkeypatch, quote_requests, "decide_quote")
    several = 0
    for step in range(REQUESTS):
        body = api.post("/quotes", {"currency": "USD", "order_target": {"discount_pct": "8"}, "lines": [
            {"sku": "DEMO-120", "quantity": 1000 + 10 * step}, {"sku": "GLOVE-50", "quantity": 500}]}).get_json()
        engine = [(o.kind.value, f"{o.total:.2f}") for o in decisions[-1].offers]
        assert _quote_offers(body) == engine
        assert _quote_offers(api.get(f"/quotes/{body['id']}").get_json()) == engine
        several += len(engine) >= 2
    assert several == REQUESTS
