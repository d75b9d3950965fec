"""bench/rules_bench.py's comparison: the volume-and-floor rules as ``business-rules`` and
``rule-engine`` adapters must answer every request as counteroffer's engine does, or the
benchmark (and ``make bench``) stops. An engine change once made them disagree on a
quarter of the requests (volume offers capped at ``max_volume_factor`` times the ask)
with nothing to say so until a whole benchmark run."""
from __future__ import annotations

from decimal import Decimal

from bench.rules_bench_volume_engines import MOST_TIMES, margin_neutral, volume_break
from bench.rules_bench_workers import compare_worker
from counteroffer.rules import PriceBreak


def test_both_generic_engines_answer_every_request_as_the_engine_does():
    found = compare_worker(skus=300, rules_per_sku=10, count=600, seed=3)
    assert set(found["outcomes"]) == {"accept", "counter", "escalate"}  # every branch is met
    for name in ("business_rules", "rule_engine"):
        assert found[name]["n"] == 600, found[name]  # ran (not "missing") and agreed on all


def test_a_break_further_than_the_volume_cap_is_no_offer():
    breaks = (PriceBreak(min_quantity=500, unit_price=Decimal("90.00")),)
    assert MOST_TIMES == 10
    assert volume_break(breaks, Decimal(100), 50, Decimal(80), Decimal(95)) == (500, Decimal("90.00"))
    assert volume_break(breaks, Decimal(100), 49, Decimal(80), Decimal(95)) is None  # 500 > 490


def test_margin_neutral_volume_keeps_the_margin_within_the_cap():
    # 100 units at $100 over a $60 cost earn $4,000; at $90 that takes 134 units ($30 x 134).
    assert margin_neutral(100, Decimal(100), Decimal(60), Decimal(70), Decimal(90)) == (134, Decimal(90))
    assert margin_neutral(100, Decimal(100), Decimal(60), Decimal(95), Decimal(90)) is None  # under the floor
    assert margin_neutral(100, Decimal(100), Decimal(96), Decimal(70), Decimal("96.30")) is None  # 1,334 > 1,000
