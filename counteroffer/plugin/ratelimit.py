"""Rate limits on the JSON APIs, per user and per company: over the limit is a 429 with
``Retry-After`` and the usual JSON error.

Fixed windows (``window_seconds`` long) counted in the configured Redis
(``COUNTEROFFER_REDIS_URL``), so every process and machine shares the counts. With the
embedded default, counts are kept in the process instead: web requests never start the
embedded server (docs/architecture.md), and an embedded setup is one process anyway.
If Redis does not answer, calls are let through and a warning logged: buyers must not
stop because Redis did (the request cap in the database still holds).

Hand-written rather than Flask-Limiter: the limits key on the plugin's ``Actor`` (user and
company, from the host's ``user_loader``), cover only the plugin's blueprints, share the
plugin's Redis connection, and must not clash with a Flask-Limiter the host may run.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from flask import Flask, Response, request
from redis import Redis
from redis.exceptions import RedisError

from ..negotiation import Actor
from .errors import error_response

if TYPE_CHECKING:
    from .extension import Counteroffer

__all__ = ["RateLimits", "RateLimiter", "MemoryCounter", "RedisCounter", "install_rate_limits"]

log = logging.getLogger(__name__)

#: The blueprints whose calls count: the buyer API and the rep API.
LIMITED_BLUEPRINTS = frozenset({"negotiation", "negotiation_reps"})


@dataclass(frozen=True)
class RateLimits:
    per_user: int = 0  # 0: no limit
    per_company: int = 0
    window_seconds: int = 60


class Counter(Protocol):
    def hits(self, keys: Sequence[str], window_seconds: int) -> list[int]:
        """Count one more call on each key; the counts so far in this window."""


class MemoryCounter:
    """Counts in this process, for the current window only (keys carry their window)."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._window = ""
        self._lock = threading.Lock()

    def hits(self, keys: Sequence[str], window_seconds: int) -> list[int]:
        window = keys[0].split(":", 3)[2] if keys else ""
        with self._lock:
            if window != self._window:
                self._counts, self._window = {}, window  # a new window starts from zero
            for key in keys:
                self._counts[key] = self._counts.get(key, 0) + 1
            return [self._counts[key] for key in keys]


class RedisCounter:
    """INCR and EXPIRE per key, all in one round trip."""

    def __init__(self, client: Callable[[], Redis]) -> None:
        self._client = client

    def hits(self, keys: Sequence[str], window_seconds: int) -> list[int]:
        pipe = self._client().pipeline(transaction=False)
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, window_seconds + 1)
        return [int(count) for count in pipe.execute()[0::2]]


class RateLimiter:
    def __init__(self, limits: RateLimits, counter: Counter,
                 clock: Callable[[], float] = time.time) -> None:
        self.limits, self._counter, self._clock = limits, counter, clock

    def wait_for(self, actor: Actor) -> int | None:
        """Seconds ``actor`` must wait before calling again, or None if the call may go."""
        checks = self._checks(actor)
        if not checks:
            return None
        now = self._clock()
        window = int(now // self.limits.window_seconds)
        keys = [f"counteroffer:rate:{window}:{who}" for who, _limit in checks]
        try:
            counts = self._counter.hits(keys, self.limits.window_seconds)
        except RedisError as error:
            log.warning("rate limits not checked, Redis did not answer: %s", error)
            return None
        if all(count <= limit for count, (_who, limit) in zip(counts, checks)):
            return None
        return max(1, math.ceil((window + 1) * self.limits.window_seconds - now))

    def _checks(self, actor: Actor) -> list[tuple[str, int]]:
        checks = []
        if self.limits.per_user:
            checks.append((f"user:{actor.role}:{actor.id}", self.limits.per_user))
        if self.limits.per_company and actor.company_id:
            checks.append((f"company:{actor.company_id}", self.limits.per_company))
        return checks


def install_rate_limits(app: Flask, extension: Counteroffer, limits: RateLimits,
                        shared: bool) -> RateLimiter:
    """Check every call to the plugin's APIs before its view runs. ``shared``: count in
    the app's Redis (a configured server), else in this process."""
    counter: Counter = (RedisCounter(lambda: extension.state.redis.client()) if shared
                        else MemoryCounter())
    limiter = RateLimiter(limits, counter)

    @app.before_request
    def _counteroffer_rate_limit() -> tuple[Response, int] | None:
        if request.blueprint not in LIMITED_BLUEPRINTS:
            return None
        actor = extension.current_actor()
        wait = limiter.wait_for(actor) if actor is not None else None
        if wait is None:
            return None  # nobody logged in is refused by the view itself (401)
        response, status = error_response(
            429, "too_many_requests", f"Too many requests; please wait {wait} seconds.")
        response.headers["Retry-After"] = str(wait)
        return response, status

    return limiter
