#!/usr/bin/env python3
"""HTTP benchmark: the demo's price-request endpoint against bare Flask and against a
hand-written minimal endpoint, same run.

The apps run under gunicorn with the same settings (2 sync workers) on free ports of
127.0.0.1 and are loaded in turn by Debian's wrk. The demo is reported as ratios, so the
figures mean the same on a faster or slower machine:
- of bare Flask (``ratio_rps``, ``ratio_p99``): parsing JSON and answering, nothing else;
- of the minimal endpoint (``ratio_vs_minimal``, ``ratio_p99_vs_minimal``;
  bench/minimal_app.py): reads the session, validates, evaluates ten rules, inserts one
  row and commits, on the same database. A transactional write cannot go much faster,
  so this is the honest reference for what the plugin's guarantees cost;
- of the guarded endpoint (``ratio_vs_guarded``; bench/guarded_app.py): the minimal
  endpoint plus, by hand, the I/O the plugin's guarantees make (the rate limit's Redis
  call, the negotiation, audit event, offer, result fact and roll-up delta in one
  statement). ``ratio_guarded_vs_minimal`` is the highest ``ratio_vs_minimal`` the demo
  could reach with those guarantees kept; ``ratio_vs_guarded``, what its Python costs.
The demo is loaded twice: with requests the engine answers itself (a counter-offer) and
with requests that all escalate to a sales rep (routing, an escalation and an outbox row
each), reported as ``ratio_escalating``.

    .venv/bin/python bench/http_bench.py --duration 10 [--db postgres|sqlite]

The last line printed is one JSON object (see ``summary``, bench/http_bench_report.py).
Any non-201 answer, socket timeout or startup failure stops the run with a non-zero exit:
a broken endpoint that answers errors quickly must never look fast.

The parts live beside this script: bench/http_bench_common.py (what they share),
bench/http_bench_db.py (the throwaway database), bench/http_bench_servers.py (gunicorn),
bench/http_bench_wrk.py (wrk) and bench/http_bench_report.py (the JSON line and table);
their names are imported here too, so ``http_bench.X`` keeps working for other scripts.
"""
from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from bench.http_bench_common import (  # noqa: E402  (the repository root must be importable first)
    BODY,
    BUYER,
    ENDPOINT,
    ESCALATING_BODY,
    EXPECTED_STATUS,
    LOGIN,
    OUTCOMES,
    BenchError,
)
from bench.http_bench_db import PG_ADMIN_URL, PG_APP_URL, database, pg_execute  # noqa: E402
from bench.http_bench_report import (  # noqa: E402
    GOAL_RATIO_ESCALATING,
    GOAL_RATIO_P99,
    GOAL_RATIO_P99_VS_MINIMAL,
    GOAL_RATIO_RPS,
    GOAL_RATIO_VS_MINIMAL,
    MINIMAL_REACHES,
    print_table,
    summary,
)
from bench.http_bench_servers import (  # noqa: E402
    BARE_APP,
    DEFAULT_REDIS_URL,
    DEMO_APP,
    DEMO_MODULE,
    GUARDED_APP,
    GUNICORN_ARGS,
    LIMITS_NEVER_REACHED,
    MINIMAL_APP,
    READY_TIMEOUT_S,
    Server,
    free_port,
    gunicorn,
    login,
    prime_demo,
    server_env,
    smoke_test,
    stop,
    wait_until_ready,
)
from bench.http_bench_wrk import (  # noqa: E402
    TIME_UNITS_MS,
    WRK_TIMEOUT,
    WrkResult,
    count,
    lua_string,
    parse_wrk,
    require_clean,
    run_wrk,
    socket_errors,
    write_script,
    wrk_script,
)

#: Everything this module offered before its parts moved out: bench/request_cpu.py,
#: bench/load.py and tests/unit/test_http_bench_summary.py import from here.
__all__ = [
    "BARE_APP", "BODY", "BUYER", "DEFAULT_REDIS_URL", "DEMO_APP", "DEMO_MODULE", "ENDPOINT",
    "ESCALATING_BODY", "EXPECTED_STATUS", "GOAL_RATIO_ESCALATING", "GOAL_RATIO_P99",
    "GOAL_RATIO_P99_VS_MINIMAL", "GOAL_RATIO_RPS", "GOAL_RATIO_VS_MINIMAL", "GUARDED_APP",
    "GUNICORN_ARGS", "LIMITS_NEVER_REACHED", "LOGIN", "MINIMAL_APP", "MINIMAL_REACHES", "OUTCOMES",
    "PG_ADMIN_URL", "PG_APP_URL", "READY_TIMEOUT_S", "REPO", "TIME_UNITS_MS", "WARMUP_S",
    "WRK_TIMEOUT", "BenchError", "Server", "WrkResult", "alternate", "benchmark", "combined", "count",
    "database", "free_port", "gunicorn", "login", "lua_string", "main", "measure", "parse_args",
    "parse_wrk", "pg_execute", "prime_demo", "print_table", "require_clean", "run_wrk", "server_env",
    "smoke_test", "socket_errors", "stop", "summary", "wait_until_ready", "write_script", "wrk_script",
]

WARMUP_S = 3


# -- command line --------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args(argv)
    if args.duration < 1 or args.connections < 1 or args.threads < 1:
        parser.error("--duration, --connections and --threads must be at least 1")
    if args.threads > args.connections:
        parser.error("wrk needs at least one connection per thread")
    return args


# -- the run -------------------------------------------------------------------------


def benchmark(args: argparse.Namespace, work: Path) -> dict:
    with database(args.db) as database_url:
        env = server_env(database_url)
        print(f"preparing the demo database ({args.db}) ...", file=sys.stderr)
        prime_demo(env)
        with gunicorn("demo", DEMO_APP, env, work) as demo, \
                gunicorn("bare", BARE_APP, env, work) as bare, \
                gunicorn("minimal", MINIMAL_APP, env, work) as minimal, \
                gunicorn("guarded", GUARDED_APP, env, work) as guarded:
            cookie = login(demo)
            for outcome, body in OUTCOMES.items():
                smoke_test(demo, cookie, body, outcome)
            smoke_test(bare, cookie)
            smoke_test(minimal, cookie, BODY, "countered")
            smoke_test(guarded, cookie, BODY, "countered")
            runs = {"bare": (bare, write_script(work, "post", cookie, BODY)),
                    "demo": (demo, write_script(work, "post", cookie, BODY)),
                    "escalating": (demo, write_script(work, "escalate", cookie, ESCALATING_BODY)),
                    "guarded": (guarded, write_script(work, "guarded", cookie, BODY)),
                    "minimal": (minimal, write_script(work, "minimal", cookie, BODY))}
            results = measure(runs, args)
    result = summary(args.db, results, args)
    print_table(result, results, args)
    return result


def measure(runs: dict[str, tuple[Server, Path]], args: argparse.Namespace) -> dict[str, WrkResult]:
    for name, (server, script) in runs.items():  # warm-up: imports, pools, caches; not measured
        print(f"warming up {name} ...", file=sys.stderr)
        run_wrk(server, script, min(WARMUP_S, args.duration), args)
    print(f"measuring bare for {args.duration} s ...", file=sys.stderr)
    results = {"bare": run_wrk(*runs["bare"], args.duration, args)}
    compared = ("demo", "escalating", "guarded", "minimal")
    results.update(alternate({name: runs[name] for name in compared}, args))
    return results


def alternate(loads: dict[str, tuple[Server, Path]], args: argparse.Namespace) -> dict[str, WrkResult]:
    """The loads compared with each other in turns, A B C C B A A B C C B A, each a
    quarter of ``--duration`` (at least 1 s), so that drift while they run (the database
    growing, a neighbour on the machine) falls on all alike; measured one after the
    other, the last always ran on the biggest database, and one burst of noise decided
    the ratio."""
    names = list(loads)
    segment = max(1, math.ceil(args.duration / 4))
    parts: dict[str, list[tuple[WrkResult, int]]] = {name: [] for name in names}
    for name in (names + names[::-1]) * 2:
        print(f"measuring {name} for {segment} s ...", file=sys.stderr)
        parts[name].append((run_wrk(*loads[name], segment, args), segment))
    return {name: combined(found) for name, found in parts.items()}


def combined(parts: list[tuple[WrkResult, int]]) -> WrkResult:
    """One result for the segments of one load: req/s over their whole time, and the
    worst segment's p99 (percentiles of separate runs cannot be merged exactly)."""
    seconds = sum(duration for _, duration in parts)
    errors: dict[str, int] = {}
    for result, _ in parts:
        for kind, value in result.socket_errors.items():
            errors[kind] = errors.get(kind, 0) + value
    return WrkResult(
        rps=sum(result.rps * duration for result, duration in parts) / seconds,
        p99_ms=max(result.p99_ms for result, _ in parts),
        requests=sum(result.requests for result, _ in parts),
        error_status=sum(result.error_status for result, _ in parts),
        unexpected_status=sum(result.unexpected_status for result, _ in parts),
        socket_errors=errors)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Turn SIGTERM into SystemExit, so the finally blocks stop gunicorn and drop the schema.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with tempfile.TemporaryDirectory(prefix="counteroffer-bench-") as work:
            result = benchmark(args, Path(work))
    except BenchError as error:
        print(f"http_bench: FAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("http_bench: interrupted; servers stopped", file=sys.stderr)
        return 130
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
