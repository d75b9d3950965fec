"""How buyers answer offers: a logistic acceptance curve per segment, fitted from history.

Pure: no database, no Flask. Each row is one answered round (``Answer``): the buyer took
one of its offers, or let them go (countered, withdrew, let them expire). The chance of
a deal is ``1 / (1 + exp(-(b0 + b1 depth + b2 extra + b3 terms + b4 own)))`` with

- ``depth_pct``: the discount off list price, in points (10.0 = 10% off);
- ``extra_volume_pct``: the units offered beyond those asked, in percent of the asked (capped at 400);
- ``terms``: the offer asks the buyer for payment or delivery terms;
- ``own_price``: the offer is the buyer's own asked price (the rules accepted it).

Statistics in floats (a probability is not money); the fit is Newton's method on the
log-likelihood (iteratively reweighted least squares) with a weak ridge (``RIDGE``, as if
one pseudo-observation pulled each slope to zero) so that a feature every buyer took,
or none did, gets a finite slope (and a far weaker one on the intercept, for a history
where every round was taken, or none was). A feature that never varies in the history is left out
of the fit (its slope is 0) and named in ``unseen``. The covariance of the coefficients
is the inverse of the (penalised) information matrix, used for the forecast's intervals.
See docs/forecast.md.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Answer", "Curve", "ResponseModel", "FEATURES", "MIN_ANSWERED", "fit_curve", "fit_response",
           "features_of", "POOLED"]

FEATURES = ("depth_pct", "extra_volume_pct", "terms", "own_price")
#: Below this many answered rounds the forecast is not shown ("too little history"), and
#: a segment with fewer is forecast with the curve of all segments together.
MIN_ANSWERED = 200
#: The weight of the ridge penalty on each slope, and the far weaker one on the intercept
#: (it only keeps the fit finite when every buyer took the offers, or none did).
RIDGE = 1.0
INTERCEPT_RIDGE = 1e-3
#: The key of the curve fitted on every segment together.
POOLED = "*"
MAX_EXTRA_PCT = 400.0
_MAX_STEPS = 60
_TOLERANCE = 1e-7
Vector = tuple[float, ...]
Matrix = tuple[Vector, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """One answered round of offers, by the offer deepest off list (what the buyer could get at most)."""

    segment: str | None
    depth_pct: float
    extra_volume_pct: float
    terms: bool
    own_price: bool
    accepted: bool


def features_of(depth_pct: float, extra_volume_pct: float, terms: bool, own_price: bool) -> Vector:
    """The model's inputs, intercept first, clipped to the ranges the model is fitted on."""
    return (1.0, min(max(depth_pct, 0.0), 100.0), min(max(extra_volume_pct, 0.0), MAX_EXTRA_PCT),
            1.0 if terms else 0.0, 1.0 if own_price else 0.0)


def _row(answer: Answer) -> Vector:
    return features_of(answer.depth_pct, answer.extra_volume_pct, answer.terms, answer.own_price)


def _sigmoid(eta: float) -> float:
    if eta >= 0:
        return 1.0 / (1.0 + math.exp(-min(eta, 700.0)))
    z = math.exp(max(eta, -700.0))
    return z / (1.0 + z)


@dataclass(frozen=True)
class Curve:
    """A fitted acceptance curve: coefficients (intercept first), their covariance, and the
    history it rests on."""

    coefficients: Vector
    covariance: Matrix
    answered: int
    accepted: int
    unseen: tuple[str, ...] = ()

    def probability(self, x: Vector) -> float:
        return _sigmoid(sum(b * v for b, v in zip(self.coefficients, x, strict=True)))

    def acceptance_at(self, depth_pct: float) -> float:
        """The chance of a deal at a discount depth, the asked volume, no terms, not the buyer's own price."""
        return self.probability(features_of(depth_pct, 0.0, False, False))

    def describe(self) -> dict[str, Any]:
        return {"answered": self.answered, "accepted": self.accepted,
                "coefficients": dict(zip(("intercept", *FEATURES), (round(b, 6) for b in self.coefficients),
                                         strict=True)),
                "acceptance_pct_by_depth": {str(d): round(100 * self.acceptance_at(d), 1) for d in (0, 5, 10, 15, 20)},
                "unseen": list(self.unseen)}


def fit_curve(answers: Sequence[Answer]) -> Curve:
    """The maximum penalised-likelihood logistic curve through ``answers`` (at least one)."""
    rows = [(_row(a), 1.0 if a.accepted else 0.0) for a in answers]
    accepted = sum(int(y) for _, y in rows)
    active = [0] + [j for j in range(1, len(FEATURES) + 1) if _varies(rows, j)]
    unseen = tuple(FEATURES[j - 1] for j in range(1, len(FEATURES) + 1) if j not in active)
    reduced = [(tuple(x[j] for j in active), y) for x, y in rows]
    share = (accepted + 0.5) / (len(rows) + 1.0)
    beta = [math.log(share / (1 - share))] + [0.0] * (len(active) - 1)
    likelihood, gradient, information = _evaluate(reduced, beta)
    for _ in range(_MAX_STEPS):
        step, scale = _solve(information, gradient), 1.0
        while True:  # Newton's step, halved while it lowers the likelihood (it can overshoot far out)
            trial = [b + scale * s for b, s in zip(beta, step, strict=True)]
            found = _evaluate(reduced, trial)
            if found[0] >= likelihood - 1e-9 * abs(likelihood) or scale < 1e-3:
                break
            scale /= 2
        beta, (likelihood, gradient, information) = trial, found
        if max(abs(scale * s) for s in step) < _TOLERANCE:
            break
    inverse = _inverse(information)
    size = len(FEATURES) + 1
    coefficients = [0.0] * size
    covariance = [[0.0] * size for _ in range(size)]
    for a, j in enumerate(active):
        coefficients[j] = beta[a]
        for b, k in enumerate(active):
            covariance[j][k] = inverse[a][b]
    return Curve(tuple(coefficients), tuple(tuple(r) for r in covariance), len(rows), accepted, unseen)


def _varies(rows: Sequence[tuple[Vector, float]], j: int) -> bool:
    first = rows[0][0][j]
    return any(x[j] != first for x, _ in rows)


def _evaluate(rows: Sequence[tuple[Vector, float]],
              beta: Sequence[float]) -> tuple[float, list[float], list[list[float]]]:
    """The penalised log-likelihood at ``beta``, its gradient and the information matrix."""
    k = len(beta)
    likelihood, gradient, information = 0.0, [0.0] * k, [[0.0] * k for _ in range(k)]
    for x, y in rows:
        eta = 0.0
        for b, v in zip(beta, x, strict=True):
            eta += b * v
        # log(1 + e^eta), without overflow
        likelihood += y * eta - (eta + math.log1p(math.exp(-eta)) if eta > 0 else math.log1p(math.exp(eta)))
        p = _sigmoid(eta)
        residual, weight = y - p, p * (1 - p)
        for i in range(k):
            gradient[i] += residual * x[i]
            wx = weight * x[i]
            if wx:
                row = information[i]
                for j in range(i, k):
                    row[j] += wx * x[j]
    for i in range(k):
        for j in range(i):
            information[i][j] = information[j][i]
    for i in range(k):
        ridge = RIDGE if i else INTERCEPT_RIDGE
        likelihood -= ridge / 2 * beta[i] * beta[i]
        gradient[i] -= ridge * beta[i]
        information[i][i] += ridge
    return likelihood, gradient, information


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the information matrix is small and positive definite)."""
    n = len(vector)
    a = [list(row) + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, n):
            factor = a[r][col] / a[col][col]
            for c in range(col, n + 1):
                a[r][c] -= factor * a[col][c]
    solution = [0.0] * n
    for r in range(n - 1, -1, -1):
        solution[r] = (a[r][n] - sum(a[r][c] * solution[c] for c in range(r + 1, n))) / a[r][r]
    return solution


def _inverse(matrix: list[list[float]]) -> list[list[float]]:
    n = len(matrix)
    columns = [_solve(matrix, [1.0 if i == j else 0.0 for i in range(n)]) for j in range(n)]
    return [[columns[j][i] for j in range(n)] for i in range(n)]


@dataclass(frozen=True)
class ResponseModel:
    """The curves of one shop: per segment with enough history, and all segments together."""

    answered: int
    accepted: int
    pooled: Curve | None
    segments: dict[str, Curve] = field(default_factory=dict)

    @property
    def enough(self) -> bool:
        return self.answered >= MIN_ANSWERED and self.pooled is not None

    def curve_for(self, segment: str | None) -> tuple[str, Curve]:
        """The segment's own curve when it has one, else the pooled curve (with its key)."""
        if segment is not None and segment in self.segments:
            return segment, self.segments[segment]
        assert self.pooled is not None, "no curve: check ``enough`` first"
        return POOLED, self.pooled

    def describe(self) -> dict[str, Any]:
        return {"answered": self.answered, "accepted": self.accepted, "enough": self.enough,
                "threshold": MIN_ANSWERED,
                "pooled": self.pooled.describe() if self.pooled is not None else None,
                "segments": {name: curve.describe() for name, curve in sorted(self.segments.items())}}


def fit_response(answers: Sequence[Answer]) -> ResponseModel:
    """A curve over every segment, and one per segment with at least ``MIN_ANSWERED`` rounds;
    nothing is fitted below ``MIN_ANSWERED`` in all."""
    accepted = sum(1 for a in answers if a.accepted)
    if len(answers) < MIN_ANSWERED:
        return ResponseModel(len(answers), accepted, None)
    by_segment: dict[str, list[Answer]] = {}
    for answer in answers:
        if answer.segment is not None:
            by_segment.setdefault(answer.segment, []).append(answer)
    segments = {name: fit_curve(rows) for name, rows in by_segment.items() if len(rows) >= MIN_ANSWERED}
    return ResponseModel(len(answers), accepted, fit_curve(answers), segments)
