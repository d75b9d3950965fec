"""A reference back office: the shop's ERP as the tests need it, a real HTTP server on
loopback that speaks the contract of docs/integration.md.

It answers normally, slowly, with errors and with malformed bodies, as the test says
(``answer("error", "error")`` scripts the next two requests; ``always("slow")`` every
one), and records what it was asked, so tests assert on real traffic.
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, jsonify, redirect, request
from werkzeug.serving import make_server

__all__ = ["ReferenceBackOffice", "Recorded", "SEED_PRODUCTS", "SEED_CUSTOMERS"]

SEED_PRODUCTS: dict[str, dict[str, Any]] = {
    "DEMO-120": {"sku": "DEMO-120", "name": "Hydraulic fitting", "currency": "USD",
                 "list_price": "120.00", "cost": "80.00", "category": "hydraulics",
                 "order_multiple": 1, "price_breaks": [{"min_quantity": 3000, "unit_price": "110.00"}],
                 "equivalents": ["DEMO-121"], "erp_only_field": "ignored"},
    "GLOVE-50": {"sku": "GLOVE-50", "name": "Nitrile gloves, carton of 50", "currency": "USD",
                 "list_price": "20.00", "cost": "12.00", "category": "safety", "order_multiple": 50},
}
SEED_CUSTOMERS: dict[str, dict[str, Any]] = {
    "acme": {"company_id": "acme", "name": "Acme Corp", "segment": "wholesale",
             "owner_rep": "rita@seller", "profitability_tier": "A"},
    "globex": {"company_id": "globex", "name": "Globex", "segment": "retail"},
}

#: Behaviours a test can ask for; "normal" serves the stored documents.
MODES = ("normal", "slow", "error", "unavailable", "malformed", "not_an_object", "missing_cost",
         "text_price", "other_sku", "redirect", "bad_request")


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class ReferenceBackOffice:
    def __init__(self, slow_seconds: float = 1.0) -> None:
        self.products = {sku: dict(doc) for sku, doc in SEED_PRODUCTS.items()}
        self.customers = {cid: dict(doc) for cid, doc in SEED_CUSTOMERS.items()}
        self.last_prices: dict[tuple[str, str], dict[str, Any]] = {}
        self.order_lines: list[dict[str, Any]] = []
        self.order_statuses: dict[str, str] = {}  # order_ref -> placed, failed, cancelled
        self.slow_seconds = slow_seconds
        self.requests: list[Recorded] = []
        self._script: deque[str] = deque()
        self._default = "normal"
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = make_server("127.0.0.1", 0, self._app(), threaded=True)
        # A short poll interval: shutdown() waits for one poll, once per test.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> ReferenceBackOffice:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def answer(self, *modes: str) -> None:
        """The next requests get these behaviours, in order; then the default again."""
        assert all(mode in MODES for mode in modes), modes
        with self._lock:
            self._script.extend(modes)

    def always(self, mode: str) -> None:
        assert mode in MODES, mode
        with self._lock:
            self._script.clear()
            self._default = mode

    def hits(self, path_start: str = "/") -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_start)]

    # -- the server side -----------------------------------------------------------------

    def _next_mode(self) -> str:
        with self._lock:
            self.requests.append(Recorded(request.method, request.path, request.args.to_dict(),
                                          dict(request.headers), request.get_data()))
            return self._script.popleft() if self._script else self._default

    def _app(self) -> Flask:
        app = Flask("reference-back-office")

        @app.get("/products/<path:sku>")
        def product(sku: str) -> Any:
            return self._serve(self.products.get(sku), sku_field="sku")

        @app.get("/customers/<company_id>")
        def customer(company_id: str) -> Any:
            return self._serve(self.customers.get(company_id), sku_field="company_id")

        @app.get("/customers/<company_id>/last-prices/<path:sku>")
        def last_price(company_id: str, sku: str) -> Any:
            return self._serve(self.last_prices.get((company_id, sku)))

        @app.get("/orders")
        def orders() -> Any:
            args = request.args
            lines = [dict(line) for line in self.order_lines
                     if line["company_id"] == args.get("company_id") and line["sku"] == args.get("sku")
                     and line["placed_at"] >= args.get("since", "")]
            return self._serve({"lines": [{k: v for k, v in line.items() if k != "company_id"}
                                          for line in lines]})

        @app.get("/orders/<path:ref>")
        def order_status(ref: str) -> Any:
            status = self.order_statuses.get(ref)
            return self._serve(None if status is None else {"order_ref": ref, "status": status})

        @app.post("/hooks/<name>")
        def hook(name: str) -> Any:
            return self._serve({"received": name}, post=True)

        @app.route("/elsewhere", methods=["GET", "POST"])
        def elsewhere() -> Any:
            self._next_mode()
            return jsonify({"you": "followed a redirect"})

        return app

    def _serve(self, document: dict[str, Any] | None, sku_field: str | None = None,
               post: bool = False) -> Any:
        mode = self._next_mode()
        if mode == "slow":
            self._stopping.wait(self.slow_seconds)
            mode = "normal"
        if mode in _FAILURES:
            return _FAILURES[mode]()
        if document is None:
            return jsonify({"error": "not found"}), 404
        return jsonify(_bend(document, mode, sku_field))


def _bend(document: dict[str, Any], mode: str, key_field: str | None) -> Any:
    """The stored document, broken the way ``mode`` says."""
    if mode == "not_an_object":
        return [document]
    bent = dict(document)
    if mode == "missing_cost":
        bent.pop("cost", None)
    elif mode == "text_price":
        bent["list_price"] = "about a hundred"
    elif mode == "other_sku" and key_field:
        bent[key_field] = "SOMETHING-ELSE"
    return bent


_FAILURES = {
    "error": lambda: (jsonify({"error": "internal"}), 500),
    "unavailable": lambda: (Response("upstream down", 503, mimetype="text/plain")),
    "malformed": lambda: Response('{"sku": "DEMO-120", "list_price": ', 200, mimetype="application/json"),
    "redirect": lambda: redirect("/elsewhere", code=302),
    "bad_request": lambda: (jsonify({"error": "bad"}), 400),
}
