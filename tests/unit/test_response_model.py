"""The buyer response model (negotiation/results/response_model.py) against synthetic
histories whose true acceptance curve is known: the fit must find it."""
from __future__ import annotations

import math
import random

import pytest

from counteroffer.negotiation.results.response_model import (
    MIN_ANSWERED,
    POOLED,
    Answer,
    fit_curve,
    fit_response,
)

DEPTHS = range(0, 31)  # every whole discount depth from list price to 30% off


def _true(intercept: float, depth_slope: float, extra_slope: float, terms: float, own: float):
    def chance(depth: float, extra: float = 0.0, has_terms: bool = False, own_price: bool = False) -> float:
        eta = intercept + depth_slope * depth + extra_slope * extra + terms * has_terms + own * own_price
        return 1 / (1 + math.exp(-eta))
    return chance


def _history(chance, n: int, seed: int, segment: str | None = "wholesale") -> list[Answer]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        depth = rng.uniform(0, 30)
        extra = rng.choice((0.0, 0.0, 50.0, 100.0, 200.0))
        terms, own = rng.random() < 0.3, rng.random() < 0.1
        accepted = rng.random() < chance(depth, extra, terms, own)
        rows.append(Answer(segment, depth, extra, terms, own, accepted))
    return rows


TRUTHS = [
    (0.5, -0.18, -0.004, 0.4, 2.0),    # a price-sensitive segment: 62% at list, 1% at 30% off... reversed below
    (-2.0, 0.15, -0.01, -0.3, 1.5),   # more take deeper discounts: 12% at list, 92% at 30% off
    (-1.0, 0.08, 0.0, 0.0, 0.0),      # a gentle curve, volume and terms make no difference
]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("truth", TRUTHS)
def test_the_fitted_curve_is_within_5_points_of_the_truth_at_every_depth(truth, seed):
    chance = _true(*truth)
    curve = fit_curve(_history(chance, 5_000, seed))
    worst = max(abs(curve.acceptance_at(d) - chance(d)) for d in DEPTHS)
    assert worst < 0.05, f"fitted curve is {worst:.3f} off the truth"
    # The other features are found too: at 100% extra volume with terms.
    with_terms = max(abs(curve.probability((1.0, d, 100.0, 1.0, 0.0)) - chance(d, 100.0, True)) for d in DEPTHS)
    assert with_terms < 0.05


def test_a_fit_on_the_wrong_answers_is_caught():
    """The check above can fail: a curve fitted on another truth's history is far off."""
    chance, other = _true(*TRUTHS[1]), _true(*TRUTHS[0])
    curve = fit_curve(_history(other, 5_000, 1))
    assert max(abs(curve.acceptance_at(d) - chance(d)) for d in DEPTHS) > 0.05


def test_the_covariance_matches_the_spread_of_refits():
    """The standard error of the depth slope (used for the forecast's intervals) is what
    refits on fresh histories actually scatter by, within 30%."""
    chance = _true(*TRUTHS[2])
    curves = [fit_curve(_history(chance, 2_000, 100 + seed)) for seed in range(30)]
    slopes = [c.coefficients[1] for c in curves]
    mean = sum(slopes) / len(slopes)
    spread = math.sqrt(sum((s - mean) ** 2 for s in slopes) / (len(slopes) - 1))
    claimed = math.sqrt(sum(c.covariance[1][1] for c in curves) / len(curves))
    assert 0.7 < spread / claimed < 1.3


def test_a_feature_never_seen_is_left_out_and_named():
    chance = _true(*TRUTHS[2])
    rows = [Answer(a.segment, a.depth_pct, 0.0, False, False, a.accepted) for a in _history(chance, 1_000, 3)]
    curve = fit_curve(rows)
    assert curve.unseen == ("extra_volume_pct", "terms", "own_price")
    assert curve.coefficients[2:] == (0.0, 0.0, 0.0) and curve.covariance[3][3] == 0.0


def test_a_feature_every_buyer_took_gets_a_finite_slope():
    rows = [Answer("x", d % 30, 0.0, False, d % 2 == 0, d % 2 == 0 or d % 3 == 0) for d in range(600)]
    curve = fit_curve(rows)
    assert all(math.isfinite(b) for b in curve.coefficients)
    assert curve.probability((1.0, 10.0, 0.0, 0.0, 1.0)) > 0.95


def test_too_little_history_fits_nothing_and_small_segments_use_the_pooled_curve():
    chance = _true(*TRUTHS[2])
    few = fit_response(_history(chance, MIN_ANSWERED - 1, 1))
    assert not few.enough and few.pooled is None
    rows = _history(chance, 600, 2, "wholesale") + _history(chance, 50, 3, "retail")
    model = fit_response(rows)
    assert model.enough and model.answered == 650 and set(model.segments) == {"wholesale"}
    assert model.curve_for("retail")[0] == POOLED and model.curve_for("wholesale")[0] == "wholesale"
    assert model.curve_for(None)[0] == POOLED
    assert model.describe()["threshold"] == MIN_ANSWERED


@pytest.mark.parametrize("taken", [True, False])
def test_a_history_where_every_round_was_taken_or_none_was_still_fits(taken):
    curve = fit_curve([Answer("x", d % 20, 0.0, False, False, taken) for d in range(300)])
    assert all(math.isfinite(b) for b in curve.coefficients)
    assert (curve.acceptance_at(5) > 0.99) if taken else (curve.acceptance_at(5) < 0.01)
