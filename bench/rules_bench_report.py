"""The rules bench's report (bench/rules_bench.py): the goals, the JSON line (``summary``)
and the tables printed before it."""
from __future__ import annotations

from typing import Any

GOALS = {"p99_us_100k": 50.0, "scale_10_to_1000": 3.0, "speedup_vs_business_rules": 100.0,
         "rss_mb_100k": 300.0}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def fmt(value: float | None, spec: str = ",.1f") -> str:
    return "n/a" if value is None else format(value, spec)


def summary(engine: dict[tuple[int, int], dict[str, Any]], compare: dict[int, dict[str, Any]],
            sizes: tuple[int, ...], rules: tuple[int, ...], elapsed_s: float) -> dict[str, Any]:
    """The JSON line. Headline keys are for the largest catalog and the most rules."""
    big, few, many = max(sizes), min(rules), max(rules)

    def warm(n: int, r: int, key: str) -> float:
        return engine[(n, r)]["warm"][key]

    def speedup(r: int, other: str, key: str = "mean_us") -> float | None:
        theirs = compare.get(r, {}).get(other, {})
        return ratio(theirs.get(key), compare.get(r, {}).get("counteroffer", {}).get(key))

    result: dict[str, Any] = {
        "p99_us_100k": max(warm(big, r, "p99_us") for r in rules),
        "scale_10_to_1000": ratio(warm(big, many, "p99_us"), warm(big, few, "p99_us")),
        "scale_mean_10_to_1000": ratio(warm(big, many, "mean_us"), warm(big, few, "mean_us")),
        "speedup_vs_business_rules": speedup(many, "business_rules"),
        "speedup_vs_rule_engine": speedup(many, "rule_engine"),
        "rss_mb_100k": max(engine[(big, r)]["catalog_mb"] for r in rules),
        "catalog_skus": big, "rules_per_sku": list(rules),
    }
    for (n, r), found in sorted(engine.items()):
        tag = f"{n // 1000}k_r{r}"
        result[f"p50_us_{tag}"] = found["warm"]["p50_us"]
        result[f"p99_us_{tag}"] = found["warm"]["p99_us"]
        result[f"dps_{tag}"] = round(found["dps"])
        result[f"cold_p50_us_{tag}"] = found["cold"]["p50_us"]
        result[f"cold_p99_us_{tag}"] = found["cold"]["p99_us"]
        result[f"warm_all_s_{tag}"] = round(found["warm_all_s"], 2)
        result[f"catalog_mb_{tag}"] = round(found["catalog_mb"], 1)
        result[f"misses_while_timed_{tag}"] = found["misses_while_timed"]
        result[f"cpu_share_{tag}"] = round(found["cpu_share"], 2)
    for r, found in sorted(compare.items()):
        for other in ("business_rules", "rule_engine"):
            result[f"speedup_vs_{other}_r{r}"] = speedup(r, other)
            result[f"speedup_p99_vs_{other}_r{r}"] = speedup(r, other, "p99_us")
            result[f"{other}_mean_us_r{r}"] = found.get(other, {}).get("mean_us")
        result[f"counteroffer_volume_mean_us_r{r}"] = found["counteroffer"]["mean_us"]
    measured = {key: result[key] for key in GOALS}
    result["goals"] = GOALS
    result["meets_goal"] = {key: None if value is None else value >= GOALS[key] if key == "speedup_vs_business_rules"
                            else value <= GOALS[key] for key, value in measured.items()}
    result["elapsed_s"] = round(elapsed_s, 1)
    return result


def print_tables(engine: dict[tuple[int, int], dict[str, Any]], compare: dict[int, dict[str, Any]],
                 result: dict[str, Any]) -> None:
    print("\nFull decide() on the compiled catalog (warm: every (SKU, segment) touched once first)")
    print(f"{'SKUs':>8} {'rules/SKU':>9} {'rule objs':>9} {'warm dps':>9} {'p50 us':>7} {'p99 us':>7} "
          f"{'max us':>8} {'cold p50':>8} {'cold p99':>8} {'warm all':>8} {'catalog MB':>10} {'RSS MB':>7}")
    for (n, r), f in sorted(engine.items()):
        w, c = f["warm"], f["cold"]
        print(f"{n:>8,} {r:>9,} {f['rule_objects']:>9,} {f['dps']:>9,.0f} {w['p50_us']:>7.1f} {w['p99_us']:>7.1f} "
              f"{w['max_us']:>8.0f} {c['p50_us']:>8.0f} {c['p99_us']:>8.0f} {f['warm_all_s']:>7.1f}s "
              f"{f['catalog_mb']:>10.1f} {f['rss_warm_mb']:>7.0f}")
    for (n, r), f in sorted(engine.items()):
        mix = ", ".join(f"{k} {v}" for k, v in sorted(f["outcomes"].items(), key=lambda kv: -kv[1]))
        print(f"  {n:,} x {r:,}: {f['keys']:,} keys, cache {f['cache_entries']:,}/{f['cache_size']:,}, "
              f"{f['misses_while_timed']} misses while timed, {f['floors_per_resolved_sku']} floors kept per "
              f"resolved SKU; build {f['build_s']:.1f}s, compile {f['compile_s']:.2f}s")
        print(f"      catalog MB: rule objects {f['rss_rules_mb'] - f['rss_start_mb']:.0f}, index "
              f"{f['rss_compiled_mb'] - f['rss_rules_mb']:.0f}, memoised resolutions "
              f"{f['rss_warm_mb'] - f['rss_compiled_mb']:.0f}; outcomes: {mix}")
        per = ", ".join(f"{k} p50 {v['p50_us']:.0f} / p99 {v['p99_us']:.0f} us"
                        for k, v in sorted(f["by_outcome"].items()))
        print(f"      by outcome: {per}; CPU share while timed {f['cpu_share']:.2f}, load {f['loadavg_1m']:.1f}")
    if compare:
        print("\nVolume-and-floor rule set, same requests, all three engines agree on every answer")
        print(f"{'rules/SKU':>9} {'engine':<14} {'requests':>8} {'mean us':>9} {'p50 us':>9} {'p99 us':>9} "
              f"{'counteroffer faster (mean, p99)':>32}")
        for r, f in sorted(compare.items()):
            for name in ("counteroffer", "business_rules", "rule_engine"):
                s = f.get(name, {})
                if "missing" in s or not s:
                    print(f"{r:>9,} {name:<14} skipped: {s.get('missing', 'not run')}")
                    continue
                faster = "" if name == "counteroffer" else (
                    f"{fmt(result.get(f'speedup_vs_{name}_r{r}'))}x, {fmt(result.get(f'speedup_p99_vs_{name}_r{r}'))}x")
                print(f"{r:>9,} {name:<14} {s['n']:>8,} {s['mean_us']:>9.1f} {s['p50_us']:>9.1f} "
                      f"{s['p99_us']:>9.1f} {faster:>32}")
            first = f["counteroffer_first_pass"]
            mix = ", ".join(f"{k} {v}" for k, v in sorted(f["outcomes"].items()))
            print(f"{'':>9} (counteroffer first pass, most keys cold: mean {first['mean_us']:.0f} us, "
                  f"p99 {first['p99_us']:.0f} us; outcomes: {mix})")
    print("\nGoals")
    for key, goal in GOALS.items():
        sign = ">=" if key == "speedup_vs_business_rules" else "<="
        verdict = "not measured" if result[key] is None else "met" if result["meets_goal"][key] else "MISSED"
        print(f"  {key:<28} {fmt(result[key], ',.2f'):>10}  goal {sign} {goal:g}: {verdict}")
