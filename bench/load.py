#!/usr/bin/env python3
"""Load: many distinct logged-in buyers on the demo under gunicorn with PostgreSQL, then
ten times as many, to show the rate limiter sheds the excess with 429 and never a 5xx.

Every buyer is a coroutine with a session cookie of its own: it waits a think time
(``--think-ms``, uniformly drawn; the first wait spreads the arrivals), opens a
connection, sends one request, reads the answer, and thinks again. A request is a price
request (30%: POST /negotiate/api/requests, a SKU of the demo catalog at 95% of its
list price), a product's terms (40%) or the buyer's list of requests (30%).

Not wrk (as bench/http_bench.py) or locust: wrk opens a connection and then thinks on
it, and gunicorn's sync and gthread workers both sit blocked on an accepted connection
until its request comes, so the figures were wrk's, not the app's. A browser after a
pause sends at once; here each request opens its connection when it is ready to send.

The normal phase has ``--users`` buyers spread over ``--companies`` companies. The
overload phase has ``--factor`` times as many buyers in the same companies: every buyer
still calls at a human rate, but each company calls ten times as often, past its
per-company limit (``LIMITS``); what it may not call is answered 429 with Retry-After.

    .venv/bin/python bench/load.py                       # 200 buyers, then 2,000, 60 s each
    .venv/bin/python bench/load.py --duration 20 --users 100

The last line printed is one JSON object; it ends with ``users``, ``p95_ms``,
``error_rate``, ``overload_users`` and ``overload_5xx``. The run fails (exit 1) if the
normal phase has any error (non-2xx, timeout, broken connection), or the overload phase
any 5xx or no 429 at all.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from bench.http_bench import BenchError, Server, database, free_port, gunicorn, server_env  # noqa: E402
from counteroffer.demo.shop.catalog import PRODUCTS  # noqa: E402

LOAD_APP = "bench.load_app:create_app()"
REDIS_URL = "redis://127.0.0.1:6379/14"
# As bench/http_bench.py, with a backlog for 2,000 buyers arriving together.
GUNICORN_ARGS = ["--workers", "2", "--worker-class", "sync", "--backlog", "4096",
                 "--log-level", "warning"]
REQUEST_TIMEOUT_S = 10  # longer than any sane p99: slow answers are measured, not dropped
#: Per minute. A buyer at a 10-20 s think time calls about 4 times a minute; a company of
#: 10 buyers about 40 times. Ten times the buyers per company go past its limit, and what
#: the limits let through (20 companies x 60 a minute) stays within what 2 cores serve.
LIMITS = {"COUNTEROFFER_RATE_LIMIT_PER_USER": 20, "COUNTEROFFER_RATE_LIMIT_PER_COMPANY": 60,
          "COUNTEROFFER_RATE_LIMIT_WINDOW_SECONDS": 60}


@dataclass(frozen=True)
class Phase:
    users: int
    requests: int
    ok: int
    limited: int  # 429
    client_errors: int  # other 4xx
    server_errors: int  # 5xx
    p95_ms: float
    p99_ms: float
    rps: float
    socket_errors: dict[str, int]

    @property
    def errors(self) -> int:
        """Anything but a 2xx answer, timeouts and broken connections included."""
        return self.requests - self.ok


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--companies", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds per phase")
    parser.add_argument("--think-ms", default="10000-20000", help="a buyer's pause between calls")
    args = parser.parse_args(argv)
    low, _, high = args.think_ms.partition("-")
    args.think = (int(low), int(high or low))
    if args.users % args.companies or min(args.users, args.companies, args.factor, args.duration) < 1:
        parser.error("--users must be a positive multiple of --companies")
    return args


# -- the server ----------------------------------------------------------------------


def load_env(database_url: str, args: argparse.Namespace) -> dict[str, str]:
    env = server_env(database_url)
    env["COUNTEROFFER_REDIS_URL"] = REDIS_URL
    env["LOAD_RUN"] = f"r{free_port()}"  # fresh buyer ids: no rate-limit counts from a last run
    env["LOAD_COMPANIES"] = str(args.companies)
    env["LOAD_BUYERS_PER_COMPANY"] = str(args.users * args.factor // args.companies)
    env.update({key: str(value) for key, value in LIMITS.items()})
    return env


def prime(env: dict[str, str]) -> None:
    code = "import bench.load_app as load; load.seed(load.create_app())"
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise BenchError(f"the load app failed to start:\n{done.stderr[-3000:]}")


def session_cookies(env: dict[str, str], users: list[str]) -> list[str]:
    """Signed like the demo's own login would (same SECRET_KEY): no login round trips."""
    signer = Flask("signer")
    signer.secret_key = env["SECRET_KEY"]
    serializer = SecureCookieSessionInterface().get_signing_serializer(signer)
    assert serializer is not None
    return [f"session={serializer.dumps({'username': user})}" for user in users]


def buyers(env: dict[str, str], count: int) -> list[str]:
    import bench.load_app as load_app  # reads LOAD_* from the environment it is given

    saved = {key: value for key, value in env.items() if key.startswith("LOAD_")}
    with _environment(saved):
        return load_app.buyer_ids(count // int(env["LOAD_COMPANIES"]))


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    import os

    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def smoke_test(server: Server, cookie: str) -> None:
    body = price_request(PRODUCTS[0])
    answer = requests.post(server.base_url + "/negotiate/api/requests", json=body,
                           headers={"Cookie": cookie}, timeout=30)
    if answer.status_code != 201:
        raise BenchError(f"a buyer's price request answered {answer.status_code}: "
                         f"{answer.text[:500]}\n{server.log_tail()}")


def price_request(item) -> dict:  # noqa: ANN001
    target = (item.list_price * 95 / 100).quantize(item.list_price)
    return {"sku": item.sku, "quantity": 10 * item.order_multiple,
            "target_unit_price": str(target), "currency": item.currency}


# -- the buyers ----------------------------------------------------------------------


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0
    socket_errors: int = 0


def requests_of_a_buyer(rng: random.Random) -> tuple[str, str, bytes]:
    pick = rng.random()
    if pick < 0.3:
        return "POST", "/negotiate/api/requests", json.dumps(price_request(rng.choice(PRODUCTS))).encode()
    if pick < 0.7:
        return "GET", f"/negotiate/api/products/{rng.choice(PRODUCTS).sku}/terms", b""
    return "GET", "/negotiate/api/requests?limit=10", b""


async def call(host: str, port: int, cookie: str, method: str, path: str, body: bytes) -> int:
    """One request on a connection of its own, as a browser after a pause would open one."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        head = (f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n")
        writer.write(head.encode() + body)
        await writer.drain()
        answer = await reader.read()  # to the end: the server closes after its answer
    finally:
        writer.close()
    return int(answer.split(b" ", 2)[1])


async def buyer(server: tuple[str, int], cookie: str, think: tuple[int, int], until: float,
                tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, think[1]) / 1000)  # buyers do not all arrive at once
    while time.monotonic() < until:
        method, path, body = requests_of_a_buyer(rng)
        started = time.perf_counter()
        try:
            status = await asyncio.wait_for(call(*server, cookie, method, path, body), REQUEST_TIMEOUT_S)
        except TimeoutError:
            tally.timeouts += 1
        except (OSError, ValueError, IndexError):
            tally.socket_errors += 1
        else:
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
        await asyncio.sleep(rng.uniform(*think) / 1000)


async def crowd_run(server: tuple[str, int], cookies: list[str], think: tuple[int, int],
                    duration: int) -> Tally:
    tally, until = Tally(), time.monotonic() + duration
    await asyncio.gather(*(buyer(server, cookie, think, until, tally, seed)
                           for seed, cookie in enumerate(cookies)))
    return tally


def run_phase(server: Server, cookies: list[str], args: argparse.Namespace) -> Phase:
    address = urlsplit(server.base_url)
    started = time.monotonic()
    tally = asyncio.run(crowd_run((address.hostname or "127.0.0.1", address.port or 80), cookies,
                                  args.think, args.duration))
    return phase_of(tally, len(cookies), time.monotonic() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) if ordered else 0.0


def phase_of(tally: Tally, users: int, seconds: float) -> Phase:
    statuses = tally.statuses
    answered = sum(statuses.values())
    return Phase(
        users=users, requests=answered + tally.timeouts + tally.socket_errors,
        ok=sum(n for status, n in statuses.items() if 200 <= status < 300),
        limited=statuses.get(429, 0),
        client_errors=sum(n for status, n in statuses.items()
                          if status < 200 or 300 <= status < 500 and status != 429),
        server_errors=sum(n for status, n in statuses.items() if status >= 500),
        p95_ms=percentile(tally.latencies_ms, 0.95), p99_ms=percentile(tally.latencies_ms, 0.99),
        rps=round(answered / seconds, 2),
        socket_errors={"timeout": tally.timeouts, "other": tally.socket_errors})


# -- the run -------------------------------------------------------------------------


def benchmark(args: argparse.Namespace, work: Path) -> dict:
    with database("postgres") as database_url:
        env = load_env(database_url, args)
        print("preparing the demo database with the load's companies ...", file=sys.stderr)
        prime(env)
        with gunicorn("demo", LOAD_APP, env, work, args=GUNICORN_ARGS) as server:
            crowd = session_cookies(env, buyers(env, args.users * args.factor))
            smoke_test(server, crowd[0])
            phases = {}
            for name, users in (("normal", args.users), ("overload", args.users * args.factor)):
                print(f"{name}: {users} buyers for {args.duration} s ...", file=sys.stderr)
                phases[name] = run_phase(server, crowd[:users], args)
            require_sound(phases, server)
    return summary(phases, args)


def require_sound(phases: dict[str, Phase], server: Server) -> None:
    normal, overload = phases["normal"], phases["overload"]
    problems = []
    if normal.requests == 0 or normal.errors:
        problems.append(f"the normal phase had {normal.errors} errors: {normal}")
    if overload.server_errors:
        problems.append(f"the overload phase had {overload.server_errors} answers of 5xx")
    if not overload.limited:
        problems.append("the overload phase was never answered 429: the limits did not bite")
    if problems:
        print(json.dumps(summary_fields(phases)), file=sys.stderr)
        raise BenchError("; ".join(problems) + f"\n{server.log_tail()}")


def summary_fields(phases: dict[str, Phase]) -> dict:
    normal, overload = phases["normal"], phases["overload"]
    return {
        "normal_requests": normal.requests, "normal_rps": normal.rps, "p99_ms": normal.p99_ms,
        "overload_requests": overload.requests, "overload_rps": overload.rps,
        "overload_ok": overload.ok, "overload_429": overload.limited,
        "overload_429_share": round(overload.limited / max(overload.requests, 1), 4),
        "overload_p95_ms": overload.p95_ms, "overload_socket_errors": overload.socket_errors,
        "users": normal.users, "p95_ms": normal.p95_ms,
        "error_rate": round(normal.errors / max(normal.requests, 1), 6),
        "overload_users": overload.users, "overload_5xx": overload.server_errors,
    }


def summary(phases: dict[str, Phase], args: argparse.Namespace) -> dict:
    result = {"duration_s": args.duration, "companies": args.companies,
              "think_ms": list(args.think), **{k.lower(): v for k, v in LIMITS.items()}}
    result.update(summary_fields(phases))  # the keys the issue asks for come last
    print_table(phases)
    return result


def print_table(phases: dict[str, Phase]) -> None:
    row = "{:<10} {:>6} {:>9} {:>8} {:>7} {:>6} {:>5} {:>9} {:>9}"
    print(row.format("phase", "buyers", "requests", "req/s", "2xx", "429", "5xx", "p95 ms", "p99 ms"))
    for name, phase in phases.items():
        print(row.format(name, phase.users, phase.requests, f"{phase.rps:.1f}", phase.ok,
                         phase.limited, phase.server_errors, f"{phase.p95_ms:.1f}",
                         f"{phase.p99_ms:.1f}"))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with tempfile.TemporaryDirectory(prefix="counteroffer-load-") as work:
            result = benchmark(args, Path(work))
    except BenchError as error:
        print(f"load: FAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("load: interrupted; server stopped", file=sys.stderr)
        return 130
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
