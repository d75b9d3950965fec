"""Which rules apply to a SKU and segment, and which one wins."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

__all__ = ["Scoped", "matching", "most_specific"]


class Scoped(Protocol):
    @property
    def sku(self) -> str | None: ...
    @property
    def segment(self) -> str | None: ...
    @property
    def priority(self) -> int: ...


R = TypeVar("R", bound=Scoped)


def _matches(rule: Scoped, sku: str, segment: str | None) -> bool:
    return rule.sku in (None, sku) and rule.segment in (None, segment)


def _specificity(rule: Scoped) -> tuple[int, int, int]:
    # A SKU scope is more specific than a segment scope; priority breaks ties.
    return (rule.sku is not None, rule.segment is not None, rule.priority)


def matching(rules: Iterable[R], sku: str, segment: str | None) -> list[R]:
    """All rules whose scope covers this SKU and segment, most specific first."""
    found = [rule for rule in rules if _matches(rule, sku, segment)]
    return sorted(found, key=_specificity, reverse=True)


def most_specific(rules: Iterable[R], sku: str, segment: str | None) -> R | None:
    found = matching(rules, sku, segment)
    return found[0] if found else None
