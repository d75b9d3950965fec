"""What bench/http_bench.py's parts share: the endpoint, the buyer and the bodies it sends,
the status every answer must have, and the error that stops a run."""
from __future__ import annotations

ENDPOINT, LOGIN = "/negotiate/api/requests", "/demo/login"
BUYER = {"username": "buyer@acme"}
BODY = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
# Below DEMO-120's $96.00 floor but within 10 % of it: the engine hands it to a person.
ESCALATING_BODY = {**BODY, "target_unit_price": "90.00"}
#: What each body must become, checked once before the load: a change in the demo's
#: rules that stopped $90.00 escalating would otherwise compare two counters.
OUTCOMES = {"countered": BODY, "escalated": ESCALATING_BODY}
EXPECTED_STATUS = 201


class BenchError(Exception):
    """A run that cannot be trusted: reported on stderr with a non-zero exit."""

