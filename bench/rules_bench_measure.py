"""The rules bench's measuring helpers (bench/rules_bench.py): resident memory, nearest-rank
percentiles, latency statistics in microseconds, and a decision's outcome label."""
from __future__ import annotations

import resource
from typing import Any

from counteroffer.rules import Outcome


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def stats_us(ns: list[int]) -> dict[str, float]:
    values = sorted(n / 1000 for n in ns)
    return {"n": len(values), "mean_us": sum(values) / len(values), "p50_us": percentile(values, 50),
            "p99_us": percentile(values, 99), "max_us": values[-1]}


def outcome_label(decision: Any) -> str:
    kinds = sorted({offer.kind.value for offer in decision.offers})
    return decision.outcome.value + (f"({'+'.join(kinds)})" if decision.outcome is Outcome.COUNTER else "")
