"""Confidence intervals for comparing two experiment arms (95% unless told otherwise).

- A proportion: the Wilson score interval (sound near 0 and 1 and for small n).
- A difference of proportions (B - A): Newcombe's hybrid score interval, built from the
  two Wilson intervals (Newcombe 1998, method 10).
- A difference of means (B - A): Welch's interval, unequal variances, with the normal
  quantile in place of Student's t (the standard library has no t distribution): close
  for 30 or more negotiations an arm, too narrow below that, which the views flag.

Amounts stay ``Decimal``; only the quantile comes from ``statistics.NormalDist``.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from statistics import NormalDist

__all__ = ["Interval", "Moments", "z_for", "wilson", "newcombe_difference", "welch_difference",
           "SMALL_SAMPLE"]

#: Below this many negotiations in an arm, Welch's normal approximation is too narrow.
SMALL_SAMPLE = 30


@dataclass(frozen=True)
class Interval:
    estimate: Decimal
    low: Decimal
    high: Decimal

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Moments:
    """n values summed and summed squared: enough for a mean and a sample variance."""

    n: int
    total: Decimal
    squares: Decimal

    @property
    def mean(self) -> Decimal:
        return self.total / self.n if self.n else Decimal(0)

    @property
    def variance(self) -> Decimal:
        if self.n < 2:
            return Decimal(0)
        return max(Decimal(0), (self.squares - self.total * self.total / self.n) / (self.n - 1))


def z_for(confidence: Decimal = Decimal("0.95")) -> Decimal:
    # A quantile of the normal distribution, not money: the standard library computes it
    # in floats only, and 1.959963984540054 is exact enough for an interval's width.
    return Decimal(str(NormalDist().inv_cdf(float(1 - (1 - confidence) / 2))))


def wilson(successes: int, n: int, z: Decimal) -> Interval:
    if n == 0:
        return Interval(Decimal(0), Decimal(0), Decimal(1))
    p, nd, z2 = Decimal(successes) / n, Decimal(n), z * z
    centre = (p + z2 / (2 * nd)) / (1 + z2 / nd)
    half = z * (p * (1 - p) / nd + z2 / (4 * nd * nd)).sqrt() / (1 + z2 / nd)
    return Interval(p, max(Decimal(0), centre - half), min(Decimal(1), centre + half))


def newcombe_difference(a: Interval, b: Interval) -> Interval:
    """B - A from the two arms' Wilson intervals."""
    d = b.estimate - a.estimate
    low = d - ((b.estimate - b.low) ** 2 + (a.high - a.estimate) ** 2).sqrt()
    high = d + ((b.high - b.estimate) ** 2 + (a.estimate - a.low) ** 2).sqrt()
    return Interval(d, low, high)


def welch_difference(a: Moments, b: Moments, z: Decimal) -> Interval:
    """Mean of B - mean of A, with Welch's standard error."""
    d = b.mean - a.mean
    if a.n < 2 or b.n < 2:
        return Interval(d, Decimal("-Infinity"), Decimal("Infinity"))
    error = (a.variance / a.n + b.variance / b.n).sqrt()
    return Interval(d, d - z * error, d + z * error)
