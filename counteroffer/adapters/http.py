"""JSON over HTTP with ``requests``: the transport under the HTTP adapters.

Every call has a timeout and never follows a redirect (a redirect from a back office is
a misconfiguration, and following one could send a signed body somewhere else). Only
GETs are retried, and only for what a retry can fix: connection errors, timeouts, 5xx.
Bodies are parsed with ``parse_float=Decimal``, so a price never passes through a float.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import requests

from .errors import BackOfficeUnavailableError, DeliveryError, MalformedAnswerError
from .resilience import CircuitBreaker, RetryPolicy

__all__ = ["JsonClient", "segment", "decode_json", "encode_json", "post_bytes", "USER_AGENT", "Timeout"]

log = logging.getLogger("counteroffer.adapters")
USER_AGENT = "counteroffer/0.1"
#: Seconds, or (connect, read) seconds, as ``requests`` takes them.
Timeout = float | tuple[float, float]
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class _TransientError(BackOfficeUnavailableError):
    """A failure a retry may fix; the only kind RetryPolicy retries."""


def segment(value: str) -> str:
    """One URL path segment: a SKU like ``A/B`` must not become two segments."""
    return quote(value, safe="")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def decode_json(content: bytes, where: str) -> Any:
    try:
        return json.loads(content, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedAnswerError(f"{where} did not answer valid JSON: {error}") from None


def _exact(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)  # money leaves as a string, exactly as it is
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode_json(document: Mapping[str, Any]) -> bytes:
    """Compact, key-sorted JSON (stable bytes to sign); Decimal and datetime as strings."""
    return json.dumps(document, default=_exact, separators=(",", ":"), sort_keys=True).encode()


class JsonClient:
    """GETs JSON documents under ``base_url`` through a retry policy and a circuit breaker."""

    def __init__(self, base_url: str, session: requests.Session | None = None,
                 timeout: Timeout = 3.0, retry: RetryPolicy | None = None,
                 breaker: CircuitBreaker | None = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout, self.retry = timeout, retry or RetryPolicy()
        self.breaker = breaker or CircuitBreaker()
        self.headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any | None:
        """The decoded JSON body; None on 404; BackOfficeUnavailableError otherwise."""
        url = self.base_url + path
        try:
            response = self.retry.run(lambda: self._attempt(url, params),
                                      lambda error: isinstance(error, _TransientError))
        except BackOfficeUnavailableError as error:
            log.warning("back office call failed: %s", error)
            raise
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise BackOfficeUnavailableError(f"GET {url} answered {response.status_code}")
        return decode_json(response.content, f"GET {url}")

    def _attempt(self, url: str, params: Mapping[str, str] | None) -> requests.Response:
        self.breaker.before_call()
        try:
            response = self.session.get(url, params=params, timeout=self.timeout,
                                        allow_redirects=False, headers=self.headers)
        except _TRANSIENT as error:
            self.breaker.record_failure()
            raise _TransientError(f"GET {url} failed: {type(error).__name__}") from error
        except requests.RequestException as error:
            self.breaker.record_failure()
            raise BackOfficeUnavailableError(f"GET {url} failed: {error}") from error
        except BaseException:
            self.breaker.record_failure()  # a half-open trial must never stay unresolved
            raise
        if response.status_code >= 500:
            self.breaker.record_failure()
            raise _TransientError(f"GET {url} answered {response.status_code}")
        # The back office is up, even if this answer is a 404 or malformed.
        self.breaker.record_success()
        return response


def post_bytes(session: requests.Session, url: str, body: bytes, headers: Mapping[str, str],
               timeout: Timeout) -> requests.Response:
    """One POST, never retried here (the caller's job queue retries with the same event
    id); anything but a 2xx is a DeliveryError, redirects included."""
    try:
        response = session.post(url, data=body, timeout=timeout, allow_redirects=False,
                                headers={"User-Agent": USER_AGENT, **headers})
    except requests.RequestException as error:
        raise DeliveryError(f"POST {url} failed: {type(error).__name__}") from error
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"POST {url} answered {response.status_code}")
    return response
