"""The rules bench's workers (bench/rules_bench.py ``--worker engine|compare``), each run
in a fresh process: the compiled engine timed per configuration, and the volume-and-floor
comparison with the generic engines on the same requests."""
from __future__ import annotations

import gc
import os
import random
import resource
import time
from typing import Any

from bench.rules_bench_catalog import (
    ASKING_SEGMENTS,
    NOW,
    build_rule_set,
    category_of,
    make_requests,
    request_for,
    sku_name,
)
from bench.rules_bench_measure import outcome_label, rss_mb, stats_us
from bench.rules_bench_volume_engines import (
    VOLUME_POLICY,
    Answer,
    BusinessRulesVolume,
    RuleEngineVolume,
    answer_of,
    reachable,
)
from counteroffer.rules import CompiledRules, PriceRequest, PricingContext, decide


def engine_worker(skus: int, rules_per_sku: int, decisions: int, cold_sample: int, seed: int) -> dict[str, Any]:
    """One configuration, in its own process: build, compile, touch every key, time."""
    gc.collect()
    rss_start = rss_mb()
    started = time.perf_counter()
    rule_set = build_rule_set(skus, rules_per_sku)
    build_s = time.perf_counter() - started
    rule_objects = sum(1 for _ in rule_set.all_rules())
    gc.collect()
    rss_rules = rss_mb()

    started = time.perf_counter()
    compiled = CompiledRules(rule_set)
    compile_s = time.perf_counter() - started
    gc.collect()
    rss_compiled = rss_mb()

    # First touch: a full decide() on keys nobody asked for yet (resolution + decision).
    keys = [(i, segment) for i in range(skus) for segment in ASKING_SEGMENTS]
    random.Random(seed + 1).shuffle(keys)
    rng = random.Random(seed + 2)
    cold_ns: list[int] = []
    started = time.perf_counter()
    for i, segment in keys[:cold_sample]:
        request, context = request_for(i, segment, rng)
        t0 = time.perf_counter_ns()
        decide(request, context, compiled, NOW)
        cold_ns.append(time.perf_counter_ns() - t0)
    # The rest of the catalog is warmed through the same memoised resolver decide() uses.
    resolve = compiled.resolve
    for i, segment in keys[cold_sample:]:
        resolve(sku_name(i), category_of(i), segment)
    warm_all_s = time.perf_counter() - started
    gc.collect()
    rss_warm = rss_mb()
    cache_after_warm = compiled.resolve.cache_info()

    # Warm decisions on random SKUs, segments, quantities and targets.
    requests = make_requests(skus, decisions, seed)
    for _, request, context in requests[: min(2000, decisions)]:  # interpreter warm-up
        decide(request, context, compiled, NOW)
    outcomes: dict[str, int] = {}
    by_outcome: dict[str, list[int]] = {}
    warm_ns: list[int] = []
    misses_before = compiled.resolve.cache_info().misses
    started, cpu_started = time.perf_counter(), time.process_time()
    for _, request, context in requests:
        t0 = time.perf_counter_ns()
        decision = decide(request, context, compiled, NOW)
        elapsed = time.perf_counter_ns() - t0
        warm_ns.append(elapsed)
        by_outcome.setdefault(decision.outcome.value, []).append(elapsed)
        label = outcome_label(decision)
        outcomes[label] = outcomes.get(label, 0) + 1
    wall_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    warm = stats_us(warm_ns)
    sample = compiled.resolve(sku_name(1), category_of(1), ASKING_SEGMENTS[0])
    return {
        "skus": skus, "rules_per_sku": rules_per_sku, "rule_objects": rule_objects,
        "keys": len(keys), "build_s": build_s, "compile_s": compile_s, "warm_all_s": warm_all_s,
        "cold": stats_us(cold_ns), "warm": warm, "dps": len(warm_ns) / (sum(warm_ns) / 1e9),
        "dps_wall": len(warm_ns) / wall_s, "outcomes": outcomes,
        "by_outcome": {name: stats_us(ns) for name, ns in by_outcome.items()},
        # Under 1: the process waited for the CPU (another process ran): latencies inflated.
        "cpu_share": cpu_s / wall_s, "loadavg_1m": os.getloadavg()[0],
        "cache_size": cache_after_warm.maxsize, "cache_entries": cache_after_warm.currsize,
        "misses_while_timed": compiled.resolve.cache_info().misses - misses_before,
        "floors_per_resolved_sku": len(sample.floors),
        "rss_start_mb": rss_start, "rss_rules_mb": rss_rules, "rss_compiled_mb": rss_compiled,
        "rss_warm_mb": rss_warm, "catalog_mb": rss_warm - rss_start,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }

def time_calls(call: Any, requests: list[tuple[int, PriceRequest, PricingContext]]) -> tuple[list[int], list[Answer]]:
    elapsed, answers = [], []
    for i, request, context in requests:
        t0 = time.perf_counter_ns()
        answer = call(i, request, context)
        elapsed.append(time.perf_counter_ns() - t0)
        answers.append(answer)
    return elapsed, answers


def compare_worker(skus: int, rules_per_sku: int, count: int, seed: int) -> dict[str, Any]:
    """The volume-and-floor set in counteroffer and the two generic engines, same requests."""
    rule_set = build_rule_set(skus, rules_per_sku, kinds="volume")
    requests = make_requests(skus, count, seed)
    compiled = CompiledRules(rule_set)

    def ours(i: int, request: PriceRequest, context: PricingContext) -> Any:
        return decide(request, context, compiled, NOW, VOLUME_POLICY)

    cold_ns, cold_decisions = time_calls(ours, requests)  # first touch of most keys
    time_calls(ours, requests)  # warm-up
    warm_ns, decisions = time_calls(ours, requests)
    expected = [answer_of(d) for d in decisions]
    assert expected == [answer_of(d) for d in cold_decisions]
    mix: dict[str, int] = {}
    for answer in expected:
        mix[answer.outcome] = mix.get(answer.outcome, 0) + 1
    result: dict[str, Any] = {"skus": skus, "rules_per_sku": rules_per_sku, "requests": count,
                              "outcomes": mix, "counteroffer": stats_us(warm_ns),
                              "counteroffer_first_pass": stats_us(cold_ns)}
    per_sku = reachable(rule_set, skus)
    assert all(len(rules) == rules_per_sku for rules in per_sku.values())
    for name, factory in (("business_rules", BusinessRulesVolume), ("rule_engine", RuleEngineVolume)):
        try:
            engine = factory(per_sku)
        except ImportError as error:
            result[name] = {"missing": str(error)}
            continue
        time_calls(engine, requests[: max(1, count // 10)])  # warm-up
        elapsed, answers = time_calls(engine, requests)
        disagree = [(req.sku, req.quantity, req.target_unit_price, ours_, theirs)
                    for (_, req, _), ours_, theirs in zip(requests, expected, answers, strict=True)
                    if ours_ != theirs]
        if disagree:
            raise SystemExit(f"{name} disagrees with counteroffer on {len(disagree)} of {count} "
                             f"requests, e.g. {disagree[:3]}")
        result[name] = stats_us(elapsed)
    return result
