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

The apps, bodies, database and settings are bench/http_bench.py's (the rate limits on
but out of reach, the request cap off). The last line printed is one JSON object:
``demo_cpu_ms_p50`` etc. for the demo's countered and escalating requests and the minimal
endpoint, and ``cpu_ratio_vs_minimal`` (minimal's mean CPU over the demo's: the
req/s ratio a CPU-bound server would reach).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import http_bench  # noqa: E402  (the repository root must be importable first)

BLOCK = 50  # requests per turn, alternating the loads so drift falls on all alike


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--requests", type=int, default=500, help="measured requests per load")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests per load first")
    parser.add_argument("--profile", choices=("demo", "escalating", "minimal"),
                        help="print cProfile's top functions for this load's measured calls")
    parser.add_argument("--only", choices=("demo", "escalating", "minimal"),
                        help="measure this load alone (for an outside sampling profiler, py-spy)")
    parser.add_argument("--top", type=int, default=40, help="rows of the profile to print")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1 and --warmup not negative")
    return args


def build_clients(env: dict[str, str]) -> dict[str, Callable[[], int]]:
    """One callable per load, each making one request and returning its status."""
    os.environ.update(env)
    import bench.load_app as demo_module
    import bench.minimal_app as minimal_module

    demo_app, minimal_app = demo_module.create_app(), minimal_module.create_app()
    minimal_module.prepare()
    demo = demo_app.test_client()
    answer = demo.post(http_bench.LOGIN, json=http_bench.BUYER)
    if answer.status_code >= 400:
        raise SystemExit(f"login failed: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
    cookie = demo.get_cookie("session")
    if cookie is None:
        raise SystemExit("login set no session cookie")
    minimal = minimal_app.test_client()
    minimal.set_cookie("session", cookie.value)

    def poster(client, body: dict) -> Callable[[], int]:  # type: ignore[no-untyped-def]
        return lambda: client.post(http_bench.ENDPOINT, json=body).status_code

    return {"demo": poster(demo, http_bench.BODY),
            "escalating": poster(demo, http_bench.ESCALATING_BODY),
            "minimal": poster(minimal, http_bench.BODY)}


def check_outcomes(clients: dict[str, Callable[[], int]], env: dict[str, str]) -> None:
    for name, call in clients.items():
        status = call()
        if status != http_bench.EXPECTED_STATUS:
            raise SystemExit(f"{name}: answered {status}, not {http_bench.EXPECTED_STATUS}")


def measure(clients: dict[str, Callable[[], int]], args: argparse.Namespace,
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
                status = call()
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
    if len(samples) < 3:
        return result
    minimal = result["minimal_cpu_ms_mean"]
    result["cpu_ratio_vs_minimal"] = round(minimal / result["demo_cpu_ms_mean"], 4)
    result["cpu_ratio_escalating_vs_minimal"] = round(minimal / result["escalating_cpu_ms_mean"], 4)
    result["cpu_p99_ratio_vs_minimal"] = round(result["demo_cpu_ms_p99"] / result["minimal_cpu_ms_p99"], 3)
    return result


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
        check_outcomes(clients, env)
        if args.only:
            clients = {args.only: clients[args.only]}
        # process_time: CPU only, as measured; the default clock would count waiting on sockets.
        profiler = cProfile.Profile(time.process_time) if args.profile else None
        samples = measure(clients, args, profiler)
    result = report(samples, args)
    if profiler:
        print_profile(profiler, args.top)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
