"""The ``Idempotency-Key`` header on the calls that change something for good: creating a
request, accepting an offer, redeeming a deal, a rep's decision.

Views parse and validate their body first (an invalid body is a 4xx and claims no key),
then hand the use case to ``idempotent``. See negotiation/shared/idempotency.py for the states.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from flask import Response, current_app, jsonify, request

from ..negotiation import Actor
from ..negotiation.shared.idempotency import MAX_KEY_LENGTH, Claim, Render, Replay, claim_key, release_key, scope_of
from .errors import ApiError

__all__ = ["HEADER", "REPLAYED_HEADER", "idempotent"]

HEADER = "Idempotency-Key"
#: Set on a replayed answer, as Stripe does, so a client can tell.
REPLAYED_HEADER = "Idempotent-Replayed"

V = TypeVar("V")


def idempotent(actor: Actor, body: Mapping[str, Any], work: Callable[[Claim | None], V],
               render: Render) -> Response:
    """Run ``work`` once per key: ``work(claim)`` must pass the claim to its use case.
    ``body`` is the request's validated body, part of what the key remembers."""
    key = _key()
    if key is None:
        return _respond(*render(work(None)))
    deps = current_app.extensions["counteroffer"].deps
    outcome = claim_key(deps, scope_of(actor), key, _fingerprint(body), render)
    if isinstance(outcome, Replay):
        response = _respond(outcome.status, outcome.body)
        response.headers[REPLAYED_HEADER] = "true"
        return response
    try:
        view = work(outcome)
    except BaseException:
        release_key(deps, outcome)
        raise
    return _respond(*render(view))


def _key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ApiError(400, "bad_request", f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable "
                       "ASCII characters.")
    return key


def _fingerprint(body: Mapping[str, Any]) -> str:
    """The request as the key remembers it: method, path and the parsed body, whatever
    the spacing or key order of its JSON."""
    canonical = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def _respond(status: int, body: Any) -> Response:
    response = jsonify(body)
    response.status_code = status
    return response
