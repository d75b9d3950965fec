"""The physical reference for bench/http_bench.py: a hand-written price-request endpoint.

What a careful developer would write for this one job without the plugin: read the
buyer from the signed session cookie, validate the JSON body, evaluate ten pricing
rules in ``Decimal``, insert one row and commit, answer 201 with JSON. Same path, same
body, same gunicorn settings and the same database as the demo. It has no audit trail,
no outbox, no idempotency, no rate limits, no escalation and no offers table: the
demo's distance from it is what those guarantees and the rules engine cost, and the
benchmark's ``ratio_vs_minimal`` reports it.

``prepare()`` creates its one table, once, before gunicorn starts (two workers doing
it at once would race), as ``prime_demo`` does for the demo.
"""
from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import Flask, Response, jsonify, request, session
from sqlalchemy import Column, DateTime, Integer, MetaData, Numeric, String, Table, create_engine

__all__ = ["create_app", "prepare", "RULES"]

metadata = MetaData()
requests_table = Table(
    "minimal_price_requests", metadata,
    Column("id", String(32), primary_key=True), Column("buyer", String(64), nullable=False),
    Column("sku", String(64), nullable=False), Column("quantity", Integer, nullable=False),
    Column("target_unit_price", Numeric(14, 4), nullable=False),
    Column("outcome", String(16), nullable=False), Column("unit_price", Numeric(14, 4), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False))

LIST_PRICE, COST, CENT = Decimal("120.00"), Decimal("80.00"), Decimal("0.01")
#: Ten rules, as data: the demo's DEMO-120 floor and break, and the kind of checks a
#: hand-written endpoint makes (quantity limits, multiples, a margin floor, a cap on
#: discounts, auto-accept and decline bands).
RULES: tuple[tuple[str, Decimal], ...] = (
    ("min_quantity", Decimal(1)), ("max_quantity", Decimal(10_000_000)), ("order_multiple", Decimal(1)),
    ("break_3000", Decimal("110.00")), ("break_10000", Decimal("108.00")),
    ("floor_margin_pct", Decimal(20)), ("floor_unit_price", Decimal("90.00")),
    ("max_discount_pct", Decimal(15)), ("auto_accept_within_pct", Decimal(2)),
    ("decline_below_pct_of_floor", Decimal(90)))


def _engine_url() -> str:
    return os.environ["COUNTEROFFER_DATABASE_URL"]


def create_app() -> Flask:
    flask_app = Flask(__name__)
    flask_app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # the demo's: its cookie reads here
    engine = create_engine(_engine_url(), pool_pre_ping=False)

    @flask_app.post("/negotiate/api/requests")
    def create_request() -> tuple[Response, int]:
        buyer = session.get("username")
        if not buyer:
            return jsonify({"error": "log in first"}), 401
        body = request.get_json(silent=True)
        problem, values = _validated(body)
        if problem:
            return jsonify({"error": problem}), 422
        sku, quantity, target = values
        outcome, price = _decide(quantity, target)
        row = {"id": uuid.uuid4().hex, "buyer": buyer, "sku": sku, "quantity": quantity,
               "target_unit_price": target, "outcome": outcome, "unit_price": price,
               "created_at": datetime.now(UTC)}
        with engine.begin() as connection:  # one transaction: insert and commit
            connection.execute(requests_table.insert(), row)
        return jsonify({"id": row["id"], "status": outcome, "unit_price": str(price)}), 201

    return flask_app


def _validated(body: object) -> tuple[str | None, tuple[str, int, Decimal]]:
    empty = ("", 0, Decimal(0))
    if not isinstance(body, dict):
        return "a JSON object is expected", empty
    sku, quantity, raw_price = body.get("sku"), body.get("quantity"), body.get("target_unit_price")
    if not isinstance(sku, str) or not 0 < len(sku) <= 64:
        return "sku: a product code is expected", empty
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        return "quantity: a whole number is expected", empty
    try:
        target = Decimal(str(raw_price))
    except InvalidOperation:
        return "target_unit_price: an amount is expected", empty
    if not target.is_finite() or target <= 0 or body.get("currency") != "USD":
        return "target_unit_price and currency: a positive USD amount is expected", empty
    return None, (sku, quantity, target)


def _decide(quantity: int, target: Decimal) -> tuple[str, Decimal]:
    rules = dict(RULES)
    if not rules["min_quantity"] <= quantity <= rules["max_quantity"] or quantity % int(rules["order_multiple"]):
        return "declined", LIST_PRICE
    price = LIST_PRICE
    for name, minimum in (("break_3000", 3000), ("break_10000", 10_000)):
        if quantity >= minimum:
            price = min(price, rules[name])
    floor = max(COST * (1 + rules["floor_margin_pct"] / 100), rules["floor_unit_price"],
                price * (1 - rules["max_discount_pct"] / 100)).quantize(CENT, ROUND_HALF_UP)
    if target >= price * (1 - rules["auto_accept_within_pct"] / 100):
        return "accepted", max(target, floor)
    if target < floor * rules["decline_below_pct_of_floor"] / 100:
        return "declined", price
    return "countered", max(floor, ((price + target) / 2).quantize(CENT, ROUND_HALF_UP))


def prepare() -> None:
    """Create the table in the benchmark's throwaway schema or file."""
    engine = create_engine(_engine_url())
    metadata.create_all(engine)
    engine.dispose()
