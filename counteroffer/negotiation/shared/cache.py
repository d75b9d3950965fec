"""Per-process caches of what every price request reads but rarely changes: products,
customers, last prices, staff. (Rules are cached by version instead: ``rulebook.py``.)

Entries live ``seconds`` (``COUNTEROFFER_CACHE_SECONDS``); 0 turns caching off. A change
made through this process clears its cache at once; other processes see it within the
TTL. Misses (an unknown SKU) are not cached, so a new product can be asked for at once.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from ...adapters import CatalogItem, Customer, LastPrice

__all__ = ["TtlCache", "LookupCache"]

V = TypeVar("V")


class TtlCache(Generic[V]):
    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._seconds, self._clock = seconds, clock
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get_or_load(self, key: Hashable, load: Callable[[], V | None]) -> V | None:
        if self._seconds <= 0:
            return load()
        now = self._clock()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        if value is not None:
            with self._lock:
                self._entries[key] = (now + self._seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class LookupCache:
    """The caches one app keeps; cleared together when this process writes."""

    def __init__(self, seconds: float) -> None:
        self.items: TtlCache[CatalogItem] = TtlCache(seconds)
        self.customers: TtlCache[Customer] = TtlCache(seconds)
        #: A 1-tuple, so "never bought it" is cached too.
        self.last_prices: TtlCache[tuple[LastPrice | None]] = TtlCache(seconds)
        #: approvals.reps.RepDirectory (named here would be an import cycle through Deps).
        self.staff: TtlCache[Any] = TtlCache(seconds)

    def clear(self) -> None:
        for cache in (self.items, self.customers, self.last_prices, self.staff):
            cache.clear()
