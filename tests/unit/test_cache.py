"""The per-process lookup cache: bounded staleness, no cached misses, local writes clear it."""
from __future__ import annotations

from decimal import Decimal

from counteroffer.negotiation.shared.cache import TtlCache
from tests.conftest import BUYER_ACME


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_entries_live_for_the_ttl_then_reload():
    ticker, loads = Ticker(), []
    cache = TtlCache(5, clock=ticker)
    load = lambda: loads.append(1) or len(loads)  # noqa: E731 - counts its calls
    assert [cache.get_or_load("k", load) for _ in range(3)] == [1, 1, 1]
    ticker.now += 5
    assert cache.get_or_load("k", load) == 2


def test_misses_are_not_cached_and_zero_seconds_turns_caching_off():
    cache, off = TtlCache(60), TtlCache(0)
    assert cache.get_or_load("new-sku", lambda: None) is None
    assert cache.get_or_load("new-sku", lambda: "now it exists") == "now it exists"
    values = iter([1, 2])
    assert (off.get_or_load("k", lambda: next(values)), off.get_or_load("k", lambda: next(values))) == (1, 2)


def test_a_rule_saved_through_this_process_counts_for_the_next_request(app):
    from counteroffer.negotiation import request_price

    with app.app_context():
        extension = app.extensions["counteroffer"]
        assert extension.state.settings.cache_seconds == 5
        first = request_price(extension.deps, BUYER_ACME, "DEMO-120", 1000, Decimal("115.00"), "USD")
        extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 2000, "unit_price": "115.00"}]},
                            sku="DEMO-120", priority=9)
        second = request_price(extension.deps, BUYER_ACME, "DEMO-120", 1000, Decimal("115.00"), "USD")
    assert first.offers[0].quantity == 3000
    assert second.offers[0].quantity == 2000
