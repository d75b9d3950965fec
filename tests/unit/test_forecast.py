"""The what-if's forecast (negotiation/pricing/forecast.py): its 90% intervals hold what the
requests then bring about 90% of the time, and it says nothing without enough history."""
from __future__ import annotations

import random
from decimal import Decimal

from counteroffer.negotiation.pricing.forecast import Forecast
from counteroffer.negotiation.results.offer_values import OfferValue
from counteroffer.negotiation.results.response_model import Answer, fit_response
from tests.forecast_history import true_chance

LIST, COST, UNITS = Decimal("120.00"), Decimal("80.00"), 100


def _offer(depth: int) -> OfferValue:
    price = LIST * (100 - depth) / 100
    return OfferValue(units=UNITS, asked=UNITS, list_value=LIST * UNITS, paid=price * UNITS, floor_value=None,
                      cost_value=COST * UNITS)


def _history(rng: random.Random, n: int) -> list[Answer]:
    rows = []
    for _ in range(n):
        depth = rng.uniform(0, 20)
        rows.append(Answer("wholesale", depth, 0.0, False, False, rng.random() < true_chance(depth)))
    return rows


def test_the_90_percent_intervals_hold_what_the_requests_bring_about_90_percent_of_the_time():
    rng, held_deals, held_margin, runs = random.Random(11), 0, 0, 120
    depths = [d % 21 for d in range(300)]  # 300 requests, first offers 0-20% off list
    for _ in range(runs):
        forecast = Forecast(fit_response(_history(rng, 1_000)))
        for depth in depths:
            forecast.add("counter", "wholesale", "concession", _offer(depth))
        figures = forecast.summary()
        taken = [depth for depth in depths if rng.random() < true_chance(depth)]  # what buyers then do
        margin = sum((_offer(d).paid - _offer(d).cost_value for d in taken), Decimal(0))
        held_deals += figures["deals"]["low"] <= len(taken) <= figures["deals"]["high"]
        held_margin += Decimal(figures["margin"]["low"]) <= margin <= Decimal(figures["margin"]["high"])
    assert 0.82 <= held_deals / runs <= 0.97, held_deals
    assert 0.82 <= held_margin / runs <= 0.97, held_margin


def test_without_the_fits_uncertainty_the_interval_would_be_too_narrow():
    """The delta-method part matters: on a short history it widens the interval."""
    rng = random.Random(5)
    small, large = Forecast(fit_response(_history(rng, 250))), Forecast(fit_response(_history(rng, 20_000)))
    for forecast in (small, large):
        for depth in range(21):
            for _ in range(100):
                forecast.add("counter", "wholesale", "concession", _offer(depth))
    width = {name: f.summary()["deals"]["high"] - f.summary()["deals"]["low"]
             for name, f in (("small", small), ("large", large))}
    assert width["small"] > 1.5 * width["large"]


def test_escalations_count_as_needing_a_person_and_no_offer_is_no_deal():
    forecast = Forecast(fit_response(_history(random.Random(2), 400)))
    for _ in range(30):
        forecast.add("escalate", "wholesale", None, None)
    for _ in range(70):
        forecast.add("decline", "retail", None, None)
    figures = forecast.summary()
    assert figures["deals"] == {"estimate": 0.0, "low": 0.0, "high": 0.0}
    assert figures["margin"]["estimate"] == "0.00"
    share = figures["person_share_pct"]
    assert share["estimate"] == 30.0 and share["low"] < 30.0 < share["high"]


def test_too_little_history_gives_no_figures():
    forecast = Forecast(fit_response(_history(random.Random(3), 199)))
    forecast.add("counter", "wholesale", "concession", _offer(5))
    assert forecast.summary() is None
