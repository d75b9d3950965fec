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
from collections import Counter
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

    def add(self, curve_key: str, x: tuple[float, ...], p: float, value: float, times: int) -> None:
        self.estimate += times * p * value
        weight = times * p * (1 - p)
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


#: An offer as the forecast sees it: segment, kind, units, asked, list value, paid, cost
#: value (None: the shop keeps no cost for the product, so it adds no margin).
_Offer = tuple[str | None, str, int, int, Decimal, Decimal, Decimal | None]


class Forecast:
    """What one rule set's first offers would bring, by the response model.

    ``add`` only counts each distinct offer (most requests repeat a few SKUs and
    quantities); the chances and sums are worked out once per distinct offer in ``summary``,
    so the replay's loop stays as fast as without a forecast."""

    def __init__(self, model: ResponseModel) -> None:
        self._model = model
        self.requests = self.escalated = 0
        self._offers: Counter[_Offer] = Counter()

    def add(self, outcome: str, segment: str | None, kind: str | None, value: OfferValue | None) -> None:
        self.requests += 1
        if outcome == "escalate":
            self.escalated += 1
        if value is not None and kind is not None and value.list_value and self._model.enough:
            self._offers[(segment, kind, value.units, value.asked, value.list_value, value.paid,
                          value.cost_value)] += 1

    def summary(self) -> dict[str, Any] | None:
        """None when the history is too short to forecast from."""
        if not self._model.enough:
            return None
        curves: dict[str, Curve] = {}
        deals, margin, volume, exact_margin = _Sum(), _Sum(), _Sum(), Decimal(0)
        for (segment, kind, units, asked, list_value, paid, cost_value), times in self._offers.items():
            key, curve = self._model.curve_for(segment)
            curves[key] = curve
            depth = float((list_value - paid) * HUNDRED / list_value)
            extra = (units - asked) * 100.0 / asked if asked else 0.0
            x = features_of(depth, extra, kind == "terms", kind == "price")
            p = curve.probability(x)
            deals.add(key, x, p, 1.0, times)
            volume.add(key, x, p, float(units), times)
            if cost_value is not None:  # margin over the offers whose cost is known, as offer_values
                margin.add(key, x, p, float(paid - cost_value), times)
                exact_margin += (paid - cost_value) * times * Decimal(f"{p:.9f}")
        deals_low, deals_high = deals.interval(curves)
        margin_low, margin_high = margin.interval(curves)
        volume_low, volume_high = volume.interval(curves)
        requests = self.requests or 1
        return {
            "deals": _count(deals.estimate, deals_low, deals_high),
            "deal_rate_pct": _share(deals.estimate / requests, max(deals_low, 0.0) / requests,
                                    min(deals_high / requests, 1.0)),
            "margin": {"estimate": str(exact_margin.quantize(CENTS)),
                       "low": _money(margin_low), "high": _money(margin_high)},
            "volume": _count(volume.estimate, volume_low, volume_high),
            "person_share_pct": _person_share(self.escalated, self.requests),
            "curves": sorted(curves),
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
