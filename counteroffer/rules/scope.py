"""Which rules apply to a SKU, its category and a segment, and which one wins."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

__all__ = ["Scoped", "matches", "specificity", "matching", "most_specific"]


class Scoped(Protocol):
    @property
    def sku(self) -> str | None: ...
    @property
    def category(self) -> str | None: ...
    @property
    def segment(self) -> str | None: ...
    @property
    def priority(self) -> int: ...


R = TypeVar("R", bound=Scoped)


def matches(rule: Scoped, sku: str, category: str | None, segment: str | None) -> bool:
    return (rule.sku in (None, sku) and rule.segment in (None, segment)
            and (rule.category is None or rule.category == category))


def specificity(rule: Scoped) -> tuple[bool, bool, bool, int]:
    # A SKU scope beats a category scope beats all products; within those a segment
    # scope beats none; priority breaks what is left.
    return (rule.sku is not None, rule.category is not None, rule.segment is not None,
            rule.priority)


def matching(rules: Iterable[R], sku: str, segment: str | None,
             category: str | None = None) -> list[R]:
    """All rules whose scope covers this SKU, category and segment, most specific first."""
    found = [rule for rule in rules if matches(rule, sku, category, segment)]
    return sorted(found, key=specificity, reverse=True)


def most_specific(rules: Iterable[R], sku: str, segment: str | None,
                  category: str | None = None) -> R | None:
    found = matching(rules, sku, segment, category)
    return found[0] if found else None
