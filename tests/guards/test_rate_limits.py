"""Rate limits per user and per company on the JSON APIs: 429 with Retry-After and a JSON
error, nothing written; shared between processes through a real Redis; let through when
Redis is down."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import Negotiation
from tests.conftest import BUYER_ACME, BUYER_ACME_2, BUYER_GLOBEX, REDIS_URL, ApiClient, _need, make_app
from tests.seed import seed_scenario

ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}


def limited_app(sqlite_url, clock, tmp_path, **config):
    app = make_app(sqlite_url, clock, tmp_path, **config)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    return app


@pytest.fixture
def close_apps():
    apps = []
    yield apps
    for app in apps:
        with app.app_context():
            app.extensions["counteroffer"].close()


def test_a_user_over_the_limit_gets_429_with_retry_after_and_nothing_is_written(
        sqlite_url, clock, tmp_path, close_apps):
    app = limited_app(sqlite_url, clock, tmp_path, COUNTEROFFER_RATE_LIMIT_PER_USER=3,
                      COUNTEROFFER_RATE_LIMIT_WINDOW_SECONDS=60)
    close_apps.append(app)
    api = ApiClient(app).as_(BUYER_ACME)
    assert [api.get("/requests").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.post("/requests", ASK)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 120  # into the next window at most
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        assert s.scalar(select(func.count()).select_from(Negotiation)) == 0
    assert api.as_(BUYER_ACME_2).get("/requests").status_code == 200  # per user


def test_a_company_over_its_limit_gets_429_whichever_buyer_calls(sqlite_url, clock, tmp_path, close_apps):
    app = limited_app(sqlite_url, clock, tmp_path, COUNTEROFFER_RATE_LIMIT_PER_USER=100,
                      COUNTEROFFER_RATE_LIMIT_PER_COMPANY=4)
    close_apps.append(app)
    api = ApiClient(app)
    calls = [api.as_(buyer).get("/requests").status_code
             for buyer in (BUYER_ACME, BUYER_ACME_2, BUYER_ACME, BUYER_ACME_2, BUYER_ACME_2)]
    assert calls == [200, 200, 200, 200, 429]
    assert api.as_(BUYER_GLOBEX).get("/requests").status_code == 200


def test_the_windows_move_with_the_apps_injected_clock(sqlite_url, clock, tmp_path, close_apps):
    app = limited_app(sqlite_url, clock, tmp_path, COUNTEROFFER_RATE_LIMIT_PER_USER=2,
                      COUNTEROFFER_RATE_LIMIT_WINDOW_SECONDS=60)
    close_apps.append(app)
    api = ApiClient(app).as_(BUYER_ACME)
    assert [api.get("/requests").status_code for _ in range(3)] == [200, 200, 429]
    clock.advance(seconds=59)  # the clock the rest of the plugin reads, not the wall's
    assert api.get("/requests").status_code == 429
    clock.advance(seconds=61)  # two windows on: the calls have faded
    assert [api.get("/requests").status_code for _ in range(3)] == [200, 200, 429]


def test_nobody_logged_in_is_still_401_not_counted(sqlite_url, clock, tmp_path, close_apps):
    app = limited_app(sqlite_url, clock, tmp_path, COUNTEROFFER_RATE_LIMIT_PER_USER=1)
    close_apps.append(app)
    api = ApiClient(app).as_(None)
    assert [api.get("/requests").status_code for _ in range(3)] == [401, 401, 401]


def test_processes_share_the_counts_in_redis(sqlite_url, clock, tmp_path, close_apps):
    _need(6379, "Redis")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    config = {"COUNTEROFFER_REDIS_URL": REDIS_URL, "COUNTEROFFER_RATE_LIMIT_PER_USER": 3}
    first = limited_app(sqlite_url, clock, tmp_path / "one", **config)
    second = make_app(sqlite_url, clock, tmp_path / "two", **config)  # another "process"
    close_apps.extend([first, second])
    one, two = ApiClient(first).as_(BUYER_ACME), ApiClient(second).as_(BUYER_ACME)
    statuses = [one.get("/requests").status_code, two.get("/requests").status_code,
                one.get("/requests").status_code, two.get("/requests").status_code]
    assert statuses == [200, 200, 200, 429]


def test_calls_go_through_when_redis_does_not_answer(sqlite_url, clock, tmp_path, close_apps):
    app = limited_app(sqlite_url, clock, tmp_path, COUNTEROFFER_REDIS_URL="redis://127.0.0.1:1/0",
                      COUNTEROFFER_RATE_LIMIT_PER_USER=1)
    close_apps.append(app)
    api = ApiClient(app).as_(BUYER_ACME)
    assert [api.get("/requests").status_code for _ in range(3)] == [200, 200, 200]


def test_the_host_pages_are_not_limited(sqlite_url, clock, tmp_path, close_apps):
    app = limited_app(sqlite_url, clock, tmp_path, COUNTEROFFER_RATE_LIMIT_PER_USER=1,
                      TEST_ACTOR=BUYER_ACME)
    close_apps.append(app)
    app.add_url_rule("/shop", "shop", lambda: "a host page")
    client = app.test_client()
    assert [client.get("/shop").status_code for _ in range(3)] == [200, 200, 200]


class Clock:
    def __init__(self) -> None:
        self.now = 6000.0  # a window boundary for 60 s windows

    def __call__(self) -> float:
        return self.now


def limiter_pair():  # noqa: ANN201 - the counter in this process, and the one in Redis
    from counteroffer.plugin.wiring.ratelimit import MemoryCounter, RedisCounter

    yield "memory", MemoryCounter()
    _need(6379, "Redis")
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield "redis", RedisCounter(lambda: client)


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_the_window_slides_and_refused_calls_do_not_count(kind):
    from counteroffer.plugin.wiring.ratelimit import RateLimiter, RateLimits

    counter = dict(limiter_pair())[kind]
    clock = Clock()
    limiter = RateLimiter(RateLimits(per_user=10, window_seconds=60), counter, clock)
    assert [limiter.wait_for(BUYER_ACME) for _ in range(10)] == [None] * 10
    # Full: into the next window, until 10% of this one's calls have faded.
    assert limiter.wait_for(BUYER_ACME) == 66
    clock.now += 30
    for _ in range(50):  # a flood, refused: not counted, so it does not lock the buyer out
        assert limiter.wait_for(BUYER_ACME) is not None
    clock.now += 30  # a new fixed window: the last one still weighs fully, so no burst
    assert limiter.wait_for(BUYER_ACME) == 6  # room for one more when 10% has faded
    clock.now += 30  # half of the last window's calls still count: room for 5 more
    assert [limiter.wait_for(BUYER_ACME) for _ in range(6)] == [None] * 5 + [6]


def test_a_redis_that_forgot_the_script_still_counts():
    """The script goes by its hash (EVALSHA); a Redis restarted or flushed is sent it again."""
    from counteroffer.plugin.wiring.ratelimit import RateLimiter, RateLimits

    counter = dict(limiter_pair())["redis"]
    limiter = RateLimiter(RateLimits(per_user=2, window_seconds=60), counter, Clock())
    assert limiter.wait_for(BUYER_ACME) is None
    import redis

    redis.Redis.from_url(REDIS_URL).script_flush()
    assert limiter.wait_for(BUYER_ACME) is None
    assert limiter.wait_for(BUYER_ACME) is not None  # both calls were counted
