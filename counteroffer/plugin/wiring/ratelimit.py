"""Rate limits on the JSON APIs, per user and per company: over the limit is a 429 with
``Retry-After`` and the usual JSON error.

A sliding window (``window_seconds`` long, estimated from this fixed window's count and
the last one's) counted in the configured Redis
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
from datetime import datetime
from typing import Protocol

from flask import Flask, Response, request
from redis import Redis
from redis.commands.core import Script
from redis.exceptions import RedisError

from ...negotiation import Actor
from ..errors import error_response

__all__ = ["RateLimits", "RateLimiter", "Check", "MemoryCounter", "RedisCounter", "install_rate_limits"]

log = logging.getLogger(__name__)

#: The blueprints whose calls count: the buyer API and the rep API.
LIMITED_BLUEPRINTS = frozenset({"negotiation", "negotiation_reps"})


@dataclass(frozen=True)
class RateLimits:
    per_user: int = 0  # 0: no limit
    per_company: int = 0
    window_seconds: int = 60


@dataclass(frozen=True)
class Check:
    """One limit for one call: ``scope`` (e.g. ``user:buyer:ann``) may make ``limit``
    calls per window."""

    scope: str
    limit: int


class Counter(Protocol):
    def admit(self, checks: Sequence[Check], window: int, window_seconds: int,
              elapsed: float = 0.0) -> list[tuple[int, int]] | None:
        """Count the call against every check if it fits them all (None); if not, count
        nothing and return each check's (calls this window, calls last window).
        ``elapsed``: how far into ``window`` we are, from 0 to 1."""


def _estimate(current: int, previous: int, elapsed: float) -> float:
    """Calls in the sliding window ending now: this fixed window's, plus the last one's
    weighted by how much of it the sliding window still covers. Smooth where a fixed
    window would let a flood's whole allowance through at the turn of every window."""
    return previous * (1 - elapsed) + current


class MemoryCounter:
    """Counts in this process: this window's and the last one's."""

    def __init__(self) -> None:
        self._windows: dict[int, dict[str, int]] = {}
        self._lock = threading.Lock()

    def admit(self, checks: Sequence[Check], window: int, window_seconds: int,
              elapsed: float = 0.0) -> list[tuple[int, int]] | None:
        with self._lock:
            for old in [w for w in self._windows if w < window - 1]:
                del self._windows[old]
            current = self._windows.setdefault(window, {})
            previous = self._windows.get(window - 1, {})
            counts = [(current.get(c.scope, 0), previous.get(c.scope, 0)) for c in checks]
            if any(_estimate(cur, prev, elapsed) + 1 > c.limit for (cur, prev), c in zip(counts, checks, strict=True)):
                return counts
            for check in checks:
                current[check.scope] = current.get(check.scope, 0) + 1
            return None


# Check every limit, then count the call against all of them, in one atomic step: a call
# refused is not counted (a flood must not lock a company out for good), and two
# processes cannot both take the last place.
_ADMIT = """
local elapsed, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local counts, refused = {}, false
for i = 1, #KEYS, 2 do
  local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
  local prev = tonumber(redis.call('GET', KEYS[i + 1]) or '0')
  table.insert(counts, cur)
  table.insert(counts, prev)
  if prev * (1 - elapsed) + cur + 1 > tonumber(ARGV[2 + (i + 1) / 2]) then refused = true end
end
if refused then return counts end
for i = 1, #KEYS, 2 do
  redis.call('INCR', KEYS[i])
  redis.call('EXPIRE', KEYS[i], ttl)
end
return nil
"""


class RedisCounter:
    """Counts in Redis, shared by every process; one round trip per call."""

    def __init__(self, client: Callable[[], Redis]) -> None:
        self._client = client
        self._script: Script | None = None

    def admit(self, checks: Sequence[Check], window: int, window_seconds: int,
              elapsed: float = 0.0) -> list[tuple[int, int]] | None:
        keys = [key for c in checks for key in (f"counteroffer:rate:{window}:{c.scope}",
                                                 f"counteroffer:rate:{window - 1}:{c.scope}")]
        args: list[str | int] = [repr(elapsed), 2 * window_seconds + 1, *(c.limit for c in checks)]
        client = self._client()
        if self._script is None:
            self._script = client.register_script(_ADMIT)
        # EVALSHA: the script's hash, not its 500 bytes, on every call (loaded again by
        # redis-py if the server has forgotten it).
        found = self._script(keys=keys, args=args, client=client)
        if found is None:
            return None
        return [(int(found[i]), int(found[i + 1])) for i in range(0, len(found), 2)]


class RateLimiter:
    def __init__(self, limits: RateLimits, counter: Counter,
                 clock: Callable[[], float] = time.time) -> None:
        self.limits, self._counter, self._clock = limits, counter, clock

    def wait_for(self, actor: Actor) -> int | None:
        """Seconds ``actor`` should wait before calling again, or None if the call may go."""
        checks = self._checks(actor)
        if not checks:
            return None
        size = self.limits.window_seconds
        window, into = divmod(self._clock(), size)
        try:
            refused = self._counter.admit(checks, int(window), size, elapsed=into / size)
        except RedisError as error:
            log.warning("rate limits not checked, Redis did not answer: %s", error)
            return None
        if refused is None:
            return None
        return max(_wait(cur, prev, c.limit, into / size, size) for (cur, prev), c in zip(refused, checks, strict=True))

    def _checks(self, actor: Actor) -> list[Check]:
        checks = []
        if self.limits.per_user:
            checks.append(Check(f"user:{actor.role}:{actor.id}", self.limits.per_user))
        if self.limits.per_company and actor.company_id:
            checks.append(Check(f"company:{actor.company_id}", self.limits.per_company))
        return checks


def _wait(current: int, previous: int, limit: int, elapsed: float, size: int) -> int:
    """Seconds until one more call fits under ``limit`` (1 if it fits already)."""
    room = limit - 1
    if current <= room and previous > 0:  # fits once the last window's weight has faded enough
        return max(1, math.ceil((1 - (room - current) / previous - elapsed) * size))
    if current <= room:
        return 1
    # Not in this window: in the next one this window's calls fade the same way.
    fade = max(0.0, 1 - room / current) if current else 0.0
    return max(1, math.ceil((1 - elapsed + fade) * size))


def install_rate_limits(app: Flask, current_actor: Callable[[], Actor | None], limits: RateLimits,
                        redis: Callable[[], Redis] | None,
                        clock: Callable[[], datetime] | None = None) -> RateLimiter:
    """Check every call to the plugin's APIs before its view runs. ``redis``: count in the
    app's Redis (a configured server), else (``None``) in this process. ``clock``: the
    extension's injected clock, so windows move with it like every other time."""
    counter: Counter = RedisCounter(redis) if redis is not None else MemoryCounter()
    limiter = RateLimiter(limits, counter, (lambda: clock().timestamp()) if clock is not None else time.time)

    @app.before_request
    def _counteroffer_rate_limit() -> tuple[Response, int] | None:
        if request.blueprint not in LIMITED_BLUEPRINTS:
            return None
        actor = current_actor()
        wait = limiter.wait_for(actor) if actor is not None else None
        if wait is None:
            return None  # nobody logged in is refused by the view itself (401)
        response, status = error_response(
            429, "too_many_requests", f"Too many requests; please wait {wait} seconds.")
        response.headers["Retry-After"] = str(wait)
        return response, status

    return limiter
