#!/usr/bin/env python3
"""CPU per price request in the web process: the demo against the minimal endpoint.

Wall-clock throughput (bench/http_bench.py) moves with whatever else the machine runs;
the CPU time one request costs the web worker does not, much. This calls both apps
in-process through Flask's test client (the whole WSGI stack: session cookie, routing,
the view, the database round trip, the JSON answer), ``--requests`` times each, in
alternating blocks, and times every call with ``time.process_time`` (this process's CPU
only: PostgreSQL's and Redis's own work is not counted, their round trips' waiting is
not either).

    .venv/bin/python bench/request_cpu.py [--db postgres|sqlite] [--requests 500]
    .venv/bin/python bench/request_cpu.py --profile demo   # cProfile of the demo's calls
    .venv/bin/python bench/request_cpu.py --sections demo  # CPU per part of the request
    .venv/bin/python bench/request_cpu.py --no-gc          # without the garbage collector's pauses

cProfile (and py-spy) distort a request made of many small Python calls: their shares
did not match what removing the code saved. ``--sections`` instead times named functions
(``SECTIONS``) with ``time.process_time`` around each call, in the same run, and prints
milliseconds of CPU per request for each (nested sections include their children).

The apps, bodies, database and settings are bench/http_bench.py's (the rate limits on
but out of reach, the request cap off). The last line printed is one JSON object:
``demo_cpu_ms_p50`` etc. for the demo's countered and escalating requests, the minimal
endpoint and the guarded one (bench/guarded_app.py: the minimal plus the guarantees'
I/O, by hand), and ``cpu_ratio_vs_minimal`` (minimal's mean CPU over the demo's: the
req/s ratio a CPU-bound server would reach), ``cpu_ratio_guarded_vs_minimal`` and
``cpu_ratio_vs_guarded`` (the plugin's own Python).
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import http_bench  # noqa: E402  (the repository root must be importable first)

BLOCK = 50  # requests per turn, alternating the loads so drift falls on all alike
#: ``--sections``: (module, attribute path) of functions timed one by one. A function is
#: wrapped where the caller looks it up (``api.idempotent``, not ``idempotency.idempotent``).
SECTIONS = tuple(tuple(line.split()) for line in """
flask.app Flask.wsgi_app
flask.app Flask.preprocess_request
flask.app Flask.dispatch_request
flask.app Flask.process_response
flask.ctx RequestContext.push
flask.sessions SecureCookieSessionInterface.open_session
counteroffer.plugin.wiring.ratelimit RedisCounter.admit
counteroffer.plugin.buying.api load_body
counteroffer.plugin.buying.api idempotent
counteroffer.plugin.buying.api uc.request_price
counteroffer.negotiation.buying.requests _customer_and_item
counteroffer.negotiation.buying.requests _decide
counteroffer.negotiation.buying.requests decide
counteroffer.negotiation.buying.requests _new_negotiation
counteroffer.negotiation.buying.requests _add_negotiation
counteroffer.negotiation.buying.requests record_event
counteroffer.negotiation.buying.requests _apply
counteroffer.negotiation.buying.requests write_offers
counteroffer.negotiation.buying.requests record_decision
counteroffer.negotiation.buying.requests negotiation_view
counteroffer.negotiation.results.result_facts _move_rollups
sqlalchemy.orm.session Session.commit
sqlalchemy.orm.session Session.connection
counteroffer.db.appends write_appended
counteroffer.db.appends _write_at_once
sqlalchemy.engine.base Connection.exec_driver_sql
psycopg.cursor Cursor.execute
marshmallow.schema Schema.dump
json dumps
""".split("\n") if line.strip())

#: What each load's body must become (as bench/http_bench.py checks before its load).
OUTCOMES = {"demo": "countered", "escalating": "escalated", "guarded": "countered", "minimal": "countered"}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--requests", type=int, default=500, help="measured requests per load")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests per load first")
    parser.add_argument("--profile", choices=tuple(OUTCOMES),
                        help="print cProfile's top functions for this load's measured calls")
    parser.add_argument("--only", choices=tuple(OUTCOMES),
                        help="measure this load alone (for an outside sampling profiler, py-spy)")
    parser.add_argument("--sections", choices=tuple(OUTCOMES),
                        help="measure this load alone and print CPU per request of each of SECTIONS")
    parser.add_argument("--top", type=int, default=40, help="rows of the profile to print")
    parser.add_argument("--no-gc", action="store_true",
                        help="collect, then keep the garbage collector off while measuring: a gen-2 "
                             "collection (about 70 ms here, about once a run) otherwise lands in "
                             "whichever load or section is running and moves its mean")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup not negative")
    return args


def build_clients(env: dict[str, str]) -> dict[str, Callable[[], TestResponse]]:
    """One callable per load, each making one request and returning its answer."""
    os.environ.update(env)
    import bench.guarded_app as guarded_module
    import bench.load_app as demo_module
    import bench.minimal_app as minimal_module

    demo_app, minimal_app = demo_module.create_app(), minimal_module.create_app()
    guarded = guarded_module.create_app().test_client()
    minimal_module.prepare()
    demo = demo_app.test_client()
    answer = demo.post(http_bench.LOGIN, json=http_bench.BUYER)
    if answer.status_code >= 400:
        raise SystemExit(f"login failed: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
    cookie = demo.get_cookie("session")
    if cookie is None:
        raise SystemExit("login set no session cookie")
    minimal = minimal_app.test_client()
    for reference in (minimal, guarded):
        reference.set_cookie("session", cookie.value)

    def poster(client: FlaskClient, body: dict) -> Callable[[], TestResponse]:
        return lambda: client.post(http_bench.ENDPOINT, json=body)

    return {"demo": poster(demo, http_bench.BODY),
            "escalating": poster(demo, http_bench.ESCALATING_BODY),
            "guarded": poster(guarded, http_bench.BODY), "minimal": poster(minimal, http_bench.BODY)}


def check_outcomes(clients: dict[str, Callable[[], TestResponse]]) -> None:
    """One request each first: a change that stopped $90.00 escalating would otherwise
    compare two counters."""
    for name, call in clients.items():
        answer = call()
        outcome = (answer.get_json(silent=True) or {}).get("status")
        if answer.status_code != http_bench.EXPECTED_STATUS or outcome != OUTCOMES[name]:
            raise SystemExit(f"{name}: answered {answer.status_code} {outcome!r}, not "
                             f"{http_bench.EXPECTED_STATUS} {OUTCOMES[name]!r}")


def measure(clients: dict[str, Callable[[], TestResponse]], args: argparse.Namespace,
            profiler: cProfile.Profile | None) -> dict[str, list[float]]:
    for call in clients.values():
        for _ in range(args.warmup):
            call()
    samples: dict[str, list[float]] = {name: [] for name in clients}
    while any(len(found) < args.requests for found in samples.values()):
        for name, call in clients.items():
            profiled = profiler if args.profile == name else None
            for _ in range(min(BLOCK, args.requests - len(samples[name]))):
                if profiled:
                    profiled.enable()
                started = time.process_time()
                status = call().status_code
                spent = time.process_time() - started
                if profiled:
                    profiled.disable()
                if status != http_bench.EXPECTED_STATUS:
                    raise SystemExit(f"{name}: answered {status} under measurement")
                samples[name].append(spent * 1000)
    return samples


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(samples: dict[str, list[float]], args: argparse.Namespace) -> dict:
    result: dict = {"db": args.db, "requests": args.requests}
    row = "{:<12} {:>9} {:>9} {:>9}"
    print(row.format("load", "mean ms", "p50 ms", "p99 ms"))
    for name, values in samples.items():
        mean, p50, p99 = statistics.fmean(values), percentile(values, 0.5), percentile(values, 0.99)
        print(row.format(name, f"{mean:.3f}", f"{p50:.3f}", f"{p99:.3f}"))
        result.update({f"{name}_cpu_ms_mean": round(mean, 3), f"{name}_cpu_ms_p50": round(p50, 3),
                       f"{name}_cpu_ms_p99": round(p99, 3)})
    if len(samples) < len(OUTCOMES):
        return result
    minimal = result["minimal_cpu_ms_mean"]
    result["cpu_ratio_guarded_vs_minimal"] = round(minimal / result["guarded_cpu_ms_mean"], 4)
    result["cpu_ratio_vs_guarded"] = round(result["guarded_cpu_ms_mean"] / result["demo_cpu_ms_mean"], 4)
    result["cpu_ratio_vs_minimal"] = round(minimal / result["demo_cpu_ms_mean"], 4)
    result["cpu_ratio_escalating_vs_minimal"] = round(minimal / result["escalating_cpu_ms_mean"], 4)
    result["cpu_p99_ratio_vs_minimal"] = round(result["demo_cpu_ms_p99"] / result["minimal_cpu_ms_p99"], 3)
    return result


def time_sections(warmup: int, clients: dict[str, Callable[[], TestResponse]]) -> dict[str, list[float]]:
    """Wrap every function of SECTIONS (after a warm-up: imports and caches) so that each
    call adds its CPU time to its list; returns the lists."""
    for call in clients.values():
        for _ in range(warmup):
            call()
    spent: dict[str, list[float]] = {}
    for module_name, path in SECTIONS:
        owner = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        spent[path] = []
        setattr(owner, name, _timed(getattr(owner, name), spent[path]))
    return spent


def _timed(function: Callable[..., object], into: list[float]) -> Callable[..., object]:
    def timed(*args: object, **kwargs: object) -> object:
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            into.append(time.process_time() - started)
    return timed


def print_sections(spent: dict[str, list[float]], requests: int) -> None:
    print(f"\n{'CPU ms/request':>14} {'calls/request':>13}  section (nested: includes its children)")
    for path, calls in sorted(spent.items(), key=lambda item: -sum(item[1])):
        if calls:
            print(f"{1000 * sum(calls) / requests:14.3f} {len(calls) / requests:13.1f}  {path}")


def print_profile(profiler: cProfile.Profile, top: int) -> None:
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with http_bench.database(args.db) as database_url:
        env = http_bench.server_env(database_url)
        clients = build_clients(env)
        check_outcomes(clients)
        if args.only or args.sections:
            clients = {args.only or args.sections: clients[args.only or args.sections]}
        timed = time_sections(args.warmup, clients) if args.sections else None
        if timed is not None:
            args.warmup = 0  # warmed up before wrapping: only measured calls are timed
        # process_time: CPU only, as measured; the default clock would count waiting on sockets.
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        if args.no_gc:
            gc.collect()
            gc.disable()
        try:
            samples = measure(clients, args, profiler)
        finally:
            gc.enable()
    result = report(samples, args)
    if timed:
        print_sections(timed, args.requests)
    if profiler:
        print_profile(profiler, args.top)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
