"""Negotiation outcomes pushed to a CRM or ERP over HTTP.

``POST {url}`` with the outcome as JSON and ``Idempotency-Key: <event_id>``: the job that
pushes may run twice, and the key lets the CRM keep one record. Any 2xx is success; the
body of the answer is not used, so it is not read. The target is checked like a
webhook's (``url_safety.py``): no private addresses unless ``allow_private=True``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

import requests

from .http import Timeout, encode_json, post_bytes
from .ports import NegotiationOutcome
from .url_safety import check_target, check_url_shape, public_only_session

__all__ = ["HttpCrm"]


class HttpCrm:
    def __init__(self, url: str, session: requests.Session | None = None, timeout: Timeout = 5.0,
                 headers: Mapping[str, str] | None = None, *, allow_private: bool = False) -> None:
        check_url_shape(url)
        self.url, self.timeout = url, timeout
        self.session = session or (requests.Session() if allow_private else public_only_session())
        self.headers = dict(headers or {})  # e.g. {"Authorization": "Bearer ..."}
        self.allow_private = allow_private  # a CRM on the shop's own network says so

    def record_outcome(self, outcome: NegotiationOutcome) -> None:
        headers = {**self.headers, "Content-Type": "application/json",
                   "Idempotency-Key": outcome.event_id}
        check_target(self.url, self.allow_private)
        post_bytes(self.session, self.url, encode_json(asdict(outcome)), headers, self.timeout)
