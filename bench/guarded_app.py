"""The ceiling for bench/http_bench.py: the minimal endpoint plus the I/O the plugin's
guarantees make, hand-written.

bench/minimal_app.py is what a careful developer writes with no guarantees at all. This
is the same endpoint (it imports its validation and its ten rules) that also does, by
hand, what no implementation of the plugin's guarantees can skip on the wire:
- the rate limit: one ``EVALSHA`` of the plugin's own sliding-window script for the
  buyer and the company (four keys), as the plugin's limiter sends it;
- the request's rows, in the plugin's own tables and in one statement that is its own
  transaction (one round trip), as the plugin writes them: the negotiation, its audit
  event, its offer, its result fact and its roll-up delta.
There is no plugin code on the request's path: no Flask extension, no marshmallow, no
ORM session, no rules engine. Its req/s over the minimal endpoint's
(``ratio_guarded_vs_minimal``) is therefore the highest ``ratio_vs_minimal`` the demo
could reach while keeping those guarantees, however little Python the plugin ran; the
demo's req/s over this one's (``ratio_vs_guarded``) is what the plugin's own Python costs.

Its tables are the demo's (``prime_demo`` migrates them first); its rate-limit keys have
a scope of their own, so the demo's counters are not touched.
"""
from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
from flask import Flask, Response, jsonify, request, session
from redis import Redis
from sqlalchemy import create_engine

from bench.minimal_app import _decide, _validated
from counteroffer.plugin.wiring.ratelimit import _ADMIT

__all__ = ["create_app", "STATEMENT"]

#: The columns this endpoint fills, per table, in the order the plugin's one statement
#: inserts the tables (bench/request_cpu.py's echo shows the plugin's).
COLUMNS = {
    "counteroffer_negotiations": (
        "id", "company_id", "buyer_id", "sku", "currency", "quantity", "target_unit_price", "status",
        "round", "buyer_name", "buyer_email", "rule_version_id", "created_at", "updated_at"),
    "counteroffer_events": (
        "negotiation_id", "at", "actor_id", "actor_role", "action", "after_status", "detail"),
    "counteroffer_offers": (
        "id", "negotiation_id", "round", "kind", "sku", "quantity", "unit_price", "currency", "status",
        "expires_at", "message", "explanation", "created_at", "rank"),
    "counteroffer_result_facts": (
        "negotiation_id", "day", "requested_at", "company_id", "segment", "sku", "category", "currency",
        "rule_version_id", "asked_quantity", "list_price", "price_for_quantity", "cost", "floor",
        "offered", "rule", "dec_accept", "dec_counter", "dec_escalate", "dec_decline", "dec_approve",
        "dec_rep_counter", "dec_reject", "by_person", "kind"),
    "counteroffer_result_deltas": ("payload",),
}


def _insert(table: str, index: int) -> str:
    columns = ", ".join(COLUMNS[table])
    return (f"INSERT INTO {table} ({columns}) SELECT {columns} "
            f"FROM json_populate_recordset(NULL::{table}, %(rows_{index})s::json)")


def _statement() -> str:
    *first, last = COLUMNS
    parts = [f"appended_{index} AS ({_insert(table, index)})" for index, table in enumerate(first)]
    return f"WITH {', '.join(parts)} {_insert(last, len(first))}"


STATEMENT = _statement()
WINDOW_S = 60
#: The demo's seeded buyer, company and rule version (bench/http_bench.py logs in as him).
COMPANY, SEGMENT, CATEGORY, RULE_VERSION = "acme", "wholesale", "Material handling", 1
#: The demo's per-user and per-company limits are set out of reach in the benchmark.
LIMIT = int(os.environ.get("COUNTEROFFER_RATE_LIMIT_PER_USER", "1000000000"))


def create_app() -> Flask:
    flask_app = Flask(__name__)
    flask_app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # the demo's: its cookie reads here
    # One statement with no BEGIN or COMMIT around it is one atomic transaction, one round
    # trip: how the plugin sends a request whose rows are its transaction's only statement.
    engine = create_engine(os.environ["COUNTEROFFER_DATABASE_URL"], pool_pre_ping=False,
                           isolation_level="AUTOCOMMIT")
    admit = Redis.from_url(os.environ["COUNTEROFFER_REDIS_URL"]).register_script(_ADMIT)

    @flask_app.post("/negotiate/api/requests")
    def create_request() -> tuple[Response, int]:
        buyer = session.get("username")
        if not buyer:
            return jsonify({"error": "log in first"}), 401
        if not _admitted(admit, buyer):
            return jsonify({"error": "too many requests"}), 429
        problem, values = _validated(request.get_json(silent=True))
        if problem:
            return jsonify({"error": problem}), 422
        sku, quantity, target = values
        outcome, price = _decide(quantity, target)
        rows = _rows(buyer, sku, quantity, target, outcome, price, datetime.now(UTC).replace(tzinfo=None))
        params = {f"rows_{index}": orjson.dumps([row]).decode() for index, row in enumerate(rows)}
        with engine.connect() as connection:
            connection.exec_driver_sql(STATEMENT, params)
        negotiation, offer = rows[0], rows[2]
        return jsonify({"id": negotiation["id"], "status": outcome, "offers": [
            {key: offer[key] for key in ("id", "kind", "quantity", "unit_price", "message")}
            | {"expires_at": offer["expires_at"].isoformat()}]}), 201

    return flask_app


def _admitted(admit: Any, buyer: str) -> bool:
    window, into = divmod(time.time(), WINDOW_S)
    keys = [f"counteroffer:guarded:{window_at}:{scope}" for scope in (f"user:{buyer}", f"company:{COMPANY}")
            for window_at in (int(window), int(window) - 1)]
    return admit(keys=keys, args=[repr(into / WINDOW_S), 2 * WINDOW_S + 1, LIMIT, LIMIT]) is None


def _rows(buyer: str, sku: str, quantity: int, target: Decimal, outcome: str, price: Decimal,
          now: datetime) -> list[dict[str, Any]]:
    """The negotiation, its audit event, its offer, its result fact and its roll-up delta."""
    negotiation_id = uuid.uuid4().hex
    negotiation = {"id": negotiation_id, "company_id": COMPANY, "buyer_id": buyer, "sku": sku,
                   "currency": "USD", "quantity": quantity, "target_unit_price": str(target),
                   "status": outcome, "round": 1, "buyer_name": "Alice Archer",
                   "buyer_email": "alice@acme.example", "rule_version_id": RULE_VERSION,
                   "created_at": now, "updated_at": now}
    event = {"negotiation_id": negotiation_id, "at": now, "actor_id": buyer, "actor_role": "buyer",
             "action": "requested", "after_status": outcome,
             "detail": {"quantity": quantity, "target_unit_price": str(target), "outcome": outcome}}
    offer = {"id": uuid.uuid4().hex, "negotiation_id": negotiation_id, "round": 1, "kind": "volume",
             "sku": sku, "quantity": quantity, "unit_price": str(price), "currency": "USD",
             "status": "open", "expires_at": now + timedelta(days=2),
             "message": f"Pay ${price} each.", "explanation": "hand-written ceiling",
             "created_at": now, "rank": 0}
    fact = {"negotiation_id": negotiation_id, "day": now.date(), "requested_at": now,
            "company_id": COMPANY, "segment": SEGMENT, "sku": sku, "category": CATEGORY,
            "currency": "USD", "rule_version_id": str(RULE_VERSION), "asked_quantity": quantity,
            "list_price": "120.0000", "price_for_quantity": "120.0000", "cost": "80.0000",
            "floor": "96.0000", "offered": True, "rule": "volume_break", "dec_accept": 0,
            "dec_counter": 1, "dec_escalate": 0, "dec_decline": 0, "dec_approve": 0,
            "dec_rep_counter": 0, "dec_reject": 0, "by_person": False, "kind": "line"}
    return [negotiation, event, offer, fact, {"payload": _delta(now, sku)}]


def _delta(now: datetime, sku: str) -> dict[str, Any]:
    """The roll-up delta the plugin writes for a countered request: one count per
    dimension, for all segments and for the buyer's."""
    day, counts = now.date().isoformat(), {"requests": 1, "offered": 1, "dec_counter": 1}
    dimensions = (("all", "*"), ("rule", "volume_break"), ("segment", SEGMENT), ("rep", "-"),
                  ("sku", sku), ("category", CATEGORY), ("version", str(RULE_VERSION)), ("kind", "line"))
    return {"sums": [[day, "USD", segment, dimension, key, counts]
                     for segment in ("*", SEGMENT) for dimension, key in dimensions],
            "cycles": []}
