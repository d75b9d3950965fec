#!/usr/bin/env python3
"""Rules-engine benchmark: compiled per-SKU resolution against two generic rule engines.

    .venv/bin/python bench/rules_bench.py            # the full run (about 2-3 minutes)
    .venv/bin/python bench/rules_bench.py --quick    # a smoke run (about 30 seconds)

For catalogs of 1,000 and 100,000 SKUs, each with 10 and 1,000 rules reachable per SKU,
a fresh subprocess per configuration builds a synthetic ``RuleSet``, compiles it with
``CompiledRules``, touches every (SKU, segment) once (the first 2,000 with a timed full
``decide()``: the cold, first-touch cost; the rest through the memoised resolver), then
times warm decisions on random SKUs, segments, quantities and targets. RSS is read from
/proc/self/status before building the rule set, after building, compiling and warming.

In the same run, the volume-and-floor subset of the rules (floors and price breaks:
price for the quantity, floor, accept / counter with the next break / escalate) is
evaluated by ``counteroffer``, ``business-rules`` and ``rule-engine`` on the same
requests, and the three must agree on every answer.

The last line printed is one JSON object (see ``summary``, bench/rules_bench_report.py). See bench/README.md.

The parts live beside this script: bench/rules_bench_catalog.py (the synthetic catalog and
requests), bench/rules_bench_measure.py (memory and latency statistics),
bench/rules_bench_volume_engines.py (the generic engines' adapters),
bench/rules_bench_workers.py (what each worker process times) and bench/rules_bench_report.py
(the JSON line and tables); their names are imported here too, so ``rules_bench.X`` keeps
working for bench/quote_bench.py.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from bench.rules_bench_catalog import (  # noqa: E402  (the repository root must be importable first)
    ASKING_SEGMENTS,
    CATEGORIES,
    CENT,
    CURRENCY,
    HUNDRED,
    LEVER_OPTIONS,
    NOW,
    OWN_RULES,
    QUANTITIES,
    RULE_SEGMENTS,
    build_rule_set,
    category_base,
    category_of,
    context_of,
    cost_of,
    list_price_of,
    make_requests,
    own_rules,
    request_for,
    shared_rule,
    sku_name,
    split_shared,
)
from bench.rules_bench_measure import outcome_label, percentile, rss_mb, stats_us  # noqa: E402
from bench.rules_bench_report import GOALS, fmt, print_tables, ratio, summary  # noqa: E402
from bench.rules_bench_volume_engines import (  # noqa: E402
    VOLUME_POLICY,
    Answer,
    BusinessRulesVolume,
    RuleEngineVolume,
    answer_of,
    floor_of,
    price_at_quantity,
    rank_of,
    reachable,
    volume_break,
)
from bench.rules_bench_workers import compare_worker, engine_worker, time_calls  # noqa: E402

#: Everything this module offered before its parts moved out: bench/quote_bench.py imports
#: it as ``rb`` and uses the catalog's names and ``stats_us``.
__all__ = [
    "ASKING_SEGMENTS", "CATEGORIES", "CENT", "CURRENCY", "GOALS", "HUNDRED", "LEVER_OPTIONS", "NOW",
    "OWN_RULES", "QUANTITIES", "REPO", "RULES", "RULE_SEGMENTS", "SIZES", "VOLUME_POLICY", "Answer",
    "BusinessRulesVolume", "RuleEngineVolume", "answer_of", "build_rule_set", "category_base",
    "category_of", "compare_worker", "context_of", "cost_of", "engine_worker", "floor_of", "fmt",
    "list_price_of", "main", "make_requests", "missing_packages", "outcome_label", "own_rules",
    "percentile", "price_at_quantity", "print_tables", "rank_of", "ratio", "reachable", "request_for",
    "rss_mb", "run_worker", "shared_rule", "sku_name", "split_shared", "stats_us", "summary",
    "time_calls", "volume_break",
]

SIZES, RULES = (1_000, 100_000), (10, 1_000)


# --------------------------------------------------------------------------- the run

def run_worker(args: list[str], timeout: float) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter; its last stdout line is JSON."""
    command = [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"worker {' '.join(args)} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def missing_packages() -> list[str]:
    missing = []
    for module, package in (("business_rules", "business-rules"), ("rule_engine", "rule-engine")):
        try:
            __import__(module)
        except ImportError:
            missing.append(package)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small catalogs, few decisions (a smoke run)")
    parser.add_argument("--decisions", type=int, help="warm decisions timed per configuration (20000)")
    parser.add_argument("--cold-sample", type=int, default=2000,
                        help="first-touch decide() calls timed per configuration (2000)")
    parser.add_argument("--seed", type=int, default=20261102)
    parser.add_argument("--worker", choices=("engine", "compare", "quote"), help=argparse.SUPPRESS)
    parser.add_argument("--skus", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rules", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker == "engine":
        print(json.dumps(engine_worker(args.skus, args.rules, args.count, args.cold_sample, args.seed)))
        return 0
    if args.worker == "compare":
        print(json.dumps(compare_worker(args.skus, args.rules, args.count, args.seed), default=str))
        return 0
    if args.worker == "quote":
        from bench.quote_bench import quote_worker

        print(json.dumps(quote_worker(args.skus, args.rules, args.count, args.seed)))
        return 0

    started = time.perf_counter()
    sizes = (1_000, 10_000) if args.quick else SIZES
    decisions = args.decisions or (3_000 if args.quick else 20_000)
    compare_skus = 1_000
    compare_count = {min(RULES): 300 if args.quick else 3_000, max(RULES): 30 if args.quick else 300}
    print(f"rules_bench: catalogs {', '.join(f'{n:,}' for n in sizes)} SKUs x "
          f"{', '.join(f'{r:,}' for r in RULES)} rules per SKU; {decisions:,} warm decisions each; "
          f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    engine: dict[tuple[int, int], dict[str, Any]] = {}
    for n in sizes:
        for r in RULES:
            t0 = time.perf_counter()
            engine[(n, r)] = run_worker(["--worker", "engine", "--skus", str(n), "--rules", str(r),
                                         "--count", str(decisions), "--cold-sample", str(args.cold_sample),
                                         "--seed", str(args.seed)], timeout=600)
            print(f"  engine {n:>7,} SKUs x {r:>5,} rules: {time.perf_counter() - t0:5.1f}s", flush=True)
    compare: dict[int, dict[str, Any]] = {}
    missing = missing_packages()
    if missing:
        print(f"  {' and '.join(missing)} not installed (.venv/bin/pip install business-rules "
              f"rule-engine): {'the comparison is' if len(missing) == 2 else 'that engine is'} skipped "
              f"and its keys are null", flush=True)
    if len(missing) < 2:
        for r in RULES:
            t0 = time.perf_counter()
            compare[r] = run_worker(["--worker", "compare", "--skus", str(compare_skus), "--rules", str(r),
                                     "--count", str(compare_count[r]), "--seed", str(args.seed)], timeout=600)
            print(f"  volume-and-floor comparison, {r:>5,} rules: {time.perf_counter() - t0:5.1f}s", flush=True)
    from bench.quote_bench import print_table, summary_keys

    t0 = time.perf_counter()
    quotes = run_worker(["--worker", "quote", "--skus", "10000", "--rules", "10",
                         "--count", str(300 if args.quick else 3_000), "--seed", str(args.seed)], timeout=600)
    print(f"  whole quotes of 10 and 50 lines: {time.perf_counter() - t0:5.1f}s", flush=True)
    result = summary(engine, compare, sizes, RULES, time.perf_counter() - started)
    result.update(summary_keys(quotes))
    print_tables(engine, compare, result)
    print_table(quotes)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
