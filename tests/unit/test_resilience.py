"""Retry policy, circuit breaker and TTL cache of the HTTP adapters, on an injected clock."""
from __future__ import annotations

import threading

import pytest

from counteroffer.adapters import BreakerState, CircuitBreaker, CircuitOpenError, RetryPolicy
from counteroffer.adapters.resilience import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Flaky:
    """Fails ``failures`` times with ``error``, then returns "ok"; counts calls."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(attempts=6, backoff_seconds=0.5, max_backoff_seconds=3.0)
    assert [policy.delay_before(n) for n in range(2, 7)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_retries_what_the_predicate_allows_then_succeeds():
    waits: list[float] = []
    call = Flaky(2, TimeoutError("slow"))
    policy = RetryPolicy(attempts=3, backoff_seconds=0.1, sleep=waits.append)
    assert policy.run(call, lambda e: isinstance(e, TimeoutError)) == "ok"
    assert (call.calls, waits) == (3, [0.1, 0.2])


def test_gives_up_after_the_last_attempt_with_the_last_error():
    call = Flaky(5, TimeoutError("slow"))
    policy = RetryPolicy(attempts=3, sleep=lambda _: None)
    with pytest.raises(TimeoutError):
        policy.run(call, lambda e: True)
    assert call.calls == 3


def test_an_error_the_predicate_refuses_is_not_retried():
    call = Flaky(1, ValueError("bad answer"))
    with pytest.raises(ValueError):
        RetryPolicy(attempts=3, sleep=lambda _: None).run(call, lambda e: isinstance(e, TimeoutError))
    assert call.calls == 1


def test_a_policy_needs_at_least_one_attempt():
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(attempts=0)


def trip(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.before_call()
        breaker.record_failure()


def test_breaker_opens_after_the_threshold_and_refuses_at_once():
    breaker = CircuitBreaker(failure_threshold=3, reset_seconds=30, clock=Clock())
    trip(breaker, 2)
    assert breaker.state is BreakerState.CLOSED
    trip(breaker, 1)
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError):
        breaker.before_call()


def test_a_success_resets_the_count_of_failures_in_a_row():
    breaker = CircuitBreaker(failure_threshold=2, clock=Clock())
    trip(breaker, 1)
    breaker.before_call()
    breaker.record_success()
    trip(breaker, 1)
    assert breaker.state is BreakerState.CLOSED


def test_after_the_reset_time_one_trial_call_decides():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=30, clock=clock)
    trip(breaker, 1)
    clock.now += 29.9
    assert breaker.state is BreakerState.OPEN
    clock.now += 0.1
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpenError):
        breaker.before_call()  # everyone else waits for the trial's verdict
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    breaker.before_call()


def test_a_failed_trial_opens_the_breaker_for_another_reset_time():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=10, clock=clock)
    trip(breaker, 2)
    clock.now += 10
    trip(breaker, 1)  # the trial fails
    assert breaker.state is BreakerState.OPEN
    clock.now += 9
    assert breaker.state is BreakerState.OPEN
    clock.now += 1
    assert breaker.state is BreakerState.HALF_OPEN


def test_only_one_of_many_threads_gets_the_trial_call():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=1, clock=clock)
    trip(breaker, 1)
    clock.now += 1
    allowed: list[int] = []
    start = threading.Barrier(20)

    def try_call(n: int) -> None:
        start.wait()
        try:
            breaker.before_call()
            allowed.append(n)
        except CircuitOpenError:
            pass

    threads = [threading.Thread(target=try_call, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 1


def test_ttl_cache_keeps_answers_for_their_time_but_never_misses():
    clock, loads = Clock(), []
    cache = TtlCache(60, clock)

    def load(value: str | None):  # noqa: ANN202
        loads.append(value)
        return value

    assert cache.get_or_load("a", lambda: load("A")) == "A"
    assert cache.get_or_load("a", lambda: load("other")) == "A"
    cache.get_or_load("missing", lambda: load(None))
    cache.get_or_load("missing", lambda: load(None))
    clock.now += 60
    assert cache.get_or_load("a", lambda: load("A2")) == "A2"
    assert loads == ["A", None, None, "A2"]


def test_ttl_cache_of_zero_seconds_keeps_nothing():
    cache, loads = TtlCache(0, Clock()), []
    for _ in range(3):
        cache.get_or_load("a", lambda: loads.append(1) or "A")
    assert len(loads) == 3
