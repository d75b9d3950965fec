"""Cycle times kept as counts per duration bucket, so p50 and p90 come from roll-ups.

Bucket k holds durations above bucket k-1's bound up to ``3600 * 2 ** ((k - 32) / 4)``
seconds, rounded to the second (bucket 0: up to 14 seconds): four buckets per doubling,
each at most 19% wider than the one before. A percentile is reported as the upper bound
of the bucket it falls in, so it is never below the true value and at most 19% above it,
and exact when the value is a bound: 15 and 30 minutes, 1, 2, 4, 8, 16, 32, 64 hours...
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from datetime import timedelta

__all__ = ["BOUNDS", "bucket_of", "bound_of", "percentile"]

#: Upper bound, in seconds, of each bucket; the last catches everything above (~1.4 years).
BOUNDS: tuple[int, ...] = tuple(round(3600 * 2 ** ((k - 32) / 4)) for k in range(0, 88))


def bucket_of(duration: timedelta) -> int:
    seconds = max(0, int(-(-duration.total_seconds() // 1)))  # whole seconds, rounded up
    return min(bisect_left(BOUNDS, seconds), len(BOUNDS) - 1)


def bound_of(bucket: int) -> int:
    return BOUNDS[bucket]


def percentile(counts: Mapping[int, int], pct: int) -> int | None:
    """Nearest rank: the bound of the bucket holding the ceil(pct% x n)-th smallest
    duration, in seconds; None when there is none."""
    total = sum(counts.values())
    if total <= 0:
        return None
    rank = max(1, -(-total * pct // 100))
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen >= rank:
            return bound_of(bucket)
    return bound_of(max(counts))
