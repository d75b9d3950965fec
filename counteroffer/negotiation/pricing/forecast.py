"""The what-if's forecast: how many of one side's offers buyers would take, and what that earns.

Pure: the replay hands each request's first offer (valued as in ``offer_values.py``) to
``Forecast.add``; the response model (``results/response_model.py``) says how likely the
buyer is to take it. Summed over the requests:

- expected deals = sum of p; margin = sum of p x (offer price - cost) x units; volume = sum of p x units;
- each with a 90% interval of what these requests would bring: the buyers' own chance
  (sum of p(1 - p) v^2) plus the fit's uncertainty by the delta method (g' C g per curve,
  g the gradient of the sum in the curve's coefficients, C their covariance);
- the share needing a person: the requests the rules escalate, with a 90% Wilson interval
  for requests like these.

See docs/forecast.md for how to read it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import NormalDist
from typing import Any

from ..results.offer_values import OfferValue
from ..results.response_model import Curve, ResponseModel, features_of
from ..results.stats import wilson, z_for

__all__ = ["Forecast", "CONFIDENCE"]

CONFIDENCE = 0.90
_Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)
CENTS = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass
class _Sum:
    """An expected total over requests, with what its interval needs."""

    estimate: float = 0.0
    chance_variance: float = 0.0  # the buyers' own chance: sum of p(1-p)v^2
    gradients: dict[str, list[float]] = field(default_factory=dict)  # per curve

    def add(self, curve_key: str, x: tuple[float, ...], p: float, value: float) -> None:
        self.estimate += p * value
        weight = p * (1 - p)
        self.chance_variance += weight * value * value
        gradient = self.gradients.setdefault(curve_key, [0.0] * len(x))
        for i, v in enumerate(x):
            gradient[i] += weight * value * v

    def interval(self, curves: dict[str, Curve]) -> tuple[float, float]:
        variance = self.chance_variance
        for key, g in self.gradients.items():
            c = curves[key].covariance
            variance += sum(g[i] * c[i][j] * g[j] for i in range(len(g)) for j in range(len(g)))
        half = _Z * math.sqrt(max(variance, 0.0))
        return self.estimate - half, self.estimate + half


class Forecast:
    """What one rule set's first offers would bring, by the response model."""

    def __init__(self, model: ResponseModel) -> None:
        self._model = model
        self._curves: dict[str, Curve] = {}
        self.requests = self.escalated = 0
        self._deals, self._margin, self._volume = _Sum(), _Sum(), _Sum()
        self._margin_exact = Decimal(0)  # the estimate, in exact money

    def add(self, outcome: str, segment: str | None, kind: str | None, value: OfferValue | None) -> None:
        self.requests += 1
        self.escalated += outcome == "escalate"
        if value is None or kind is None or not self._model.enough or not value.list_value:
            return
        key, curve = self._model.curve_for(segment)
        self._curves[key] = curve
        depth = float((value.list_value - value.paid) * HUNDRED / value.list_value)
        extra = (value.units - value.asked) * 100.0 / value.asked if value.asked else 0.0
        x = features_of(depth, extra, kind == "terms", kind == "price")
        p = curve.probability(x)
        margin = value.paid - value.cost_value
        self._deals.add(key, x, p, 1.0)
        self._margin.add(key, x, p, float(margin))
        self._volume.add(key, x, p, float(value.units))
        self._margin_exact += margin * Decimal(f"{p:.6f}")

    def summary(self) -> dict[str, Any] | None:
        """None when the history is too short to forecast from."""
        if not self._model.enough:
            return None
        deals_low, deals_high = self._deals.interval(self._curves)
        margin_low, margin_high = self._margin.interval(self._curves)
        volume_low, volume_high = self._volume.interval(self._curves)
        requests = self.requests or 1
        return {
            "deals": _count(self._deals.estimate, deals_low, deals_high),
            "deal_rate_pct": _share(self._deals.estimate / requests, max(deals_low, 0.0) / requests,
                                    min(deals_high / requests, 1.0)),
            "margin": {"estimate": str(self._margin_exact.quantize(CENTS)),
                       "low": _money(margin_low), "high": _money(margin_high)},
            "volume": _count(self._volume.estimate, volume_low, volume_high),
            "person_share_pct": _person_share(self.escalated, self.requests),
            "curves": sorted(self._curves),
        }


def _count(estimate: float, low: float, high: float) -> dict[str, float]:
    return {"estimate": round(estimate, 1), "low": round(max(low, 0.0), 1), "high": round(high, 1)}


def _share(estimate: float, low: float, high: float) -> dict[str, float]:
    return {"estimate": round(100 * estimate, 1), "low": round(100 * low, 1), "high": round(100 * high, 1)}


def _money(amount: float) -> str:
    return str(Decimal(repr(amount)).quantize(CENTS))


def _person_share(escalated: int, requests: int) -> dict[str, float]:
    found = wilson(escalated, requests, z_for(Decimal(str(CONFIDENCE))))
    return _share(float(found.estimate), float(found.low), float(found.high))
