"""Retries with backoff and a circuit breaker, for calls to the shop's back office.

A buyer waits while the plugin asks the ERP for a price. Retries ride out a blip; the
breaker stops a dead ERP from costing every buyer a full timeout: after
``failure_threshold`` failures in a row it opens and calls fail at once, and after
``reset_seconds`` one trial call (half-open) decides whether it closes again.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from .errors import CircuitOpenError

__all__ = ["RetryPolicy", "NO_RETRY", "CircuitBreaker", "BreakerState", "TtlCache"]

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; the wait before try n+1 is ``backoff * 2**(n-1)``, capped."""

    attempts: int = 3
    backoff_seconds: float = 0.1
    max_backoff_seconds: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")

    def delay_before(self, attempt: int) -> float:
        """Seconds to wait before ``attempt`` (2, 3, ...)."""
        return min(self.backoff_seconds * 2 ** (attempt - 2), self.max_backoff_seconds)

    def run(self, call: Callable[[], T], is_retryable: Callable[[Exception], bool]) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return call()
            except Exception as error:  # noqa: BLE001 - the predicate decides
                if attempt == self.attempts or not is_retryable(error):
                    raise
            self.sleep(self.delay_before(attempt + 1))
        raise AssertionError("unreachable: the last attempt returns or raises")


NO_RETRY = RetryPolicy(attempts=1)


class BreakerState(str, Enum):
    CLOSED = "closed"  # calls go through
    OPEN = "open"  # calls fail at once
    HALF_OPEN = "half_open"  # one trial call goes through


class CircuitBreaker:
    """Thread-safe; share one per back office between the adapters that call it."""

    def __init__(self, failure_threshold: int = 5, reset_seconds: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold, self.reset_seconds, self._clock = failure_threshold, reset_seconds, clock
        self._failures, self._opened_at, self._trial_running = 0, 0.0, False
        self._lock = threading.Lock()

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    def before_call(self) -> None:
        """Raise CircuitOpenError unless a call may go out now."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return
            if state is BreakerState.HALF_OPEN and not self._trial_running:
                self._trial_running = True  # only one caller probes a sick back office
                return
        raise CircuitOpenError("The back office failed repeatedly; not calling it for now.")

    def record_success(self) -> None:
        with self._lock:
            self._failures, self._trial_running = 0, False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
            self._trial_running = False

    def _state(self) -> BreakerState:
        if self._failures < self.failure_threshold:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at >= self.reset_seconds:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN


class TtlCache:
    """Answers kept ``seconds`` (0: off). Protects the back office when the plugin's own
    per-process cache is off; misses (``None``) are not kept, so a new SKU shows at once."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds, self._clock = seconds, clock
        self._entries: dict[object, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def get_or_load(self, key: object, load: Callable[[], T | None]) -> T | None:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]  # type: ignore[return-value]
        value = load()
        if value is not None and self._seconds > 0:
            with self._lock:
                self._entries[key] = (now + self._seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
