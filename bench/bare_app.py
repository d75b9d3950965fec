"""The baseline for bench/http_bench.py: bare Flask answering the same request.

Same path, same JSON body, same 201-with-JSON answer as the demo's price-request
endpoint, but no validation, rules or database. Whatever the demo spends beyond this
is the plugin's cost, so the benchmark reports the demo as a ratio of this app.
"""
from __future__ import annotations

from flask import Flask, Response, jsonify, request

app = Flask(__name__)


@app.post("/negotiate/api/requests")
def create_request() -> tuple[Response, int]:
    data = request.get_json()  # parse the body, as the real endpoint must
    return jsonify({"sku": data["sku"], "quantity": data["quantity"], "status": "received"}), 201
