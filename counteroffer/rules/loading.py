"""Rules arrive as JSON-able data; the engine wants frozen dataclasses."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .engine import RuleSet
from .model import Floor, PriceBreak, PriceBreaks

__all__ = ["RuleDataError", "RuleRecord", "rule_set_from_records"]

RuleRecord = Mapping[str, Any]  # {"kind", "sku", "segment", "priority", "params"}


class RuleDataError(ValueError):
    """Rule data the engine cannot use; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RuleDataError(field, f"{value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise RuleDataError(field, "must be a finite, non-negative number")
    return amount


def _floor(record: RuleRecord) -> Floor:
    params = record["params"]
    floor = Floor(sku=record.get("sku"), segment=record.get("segment"),
                  priority=int(record.get("priority") or 0),
                  min_margin_pct=_decimal(params.get("min_margin_pct"), "min_margin_pct"),
                  min_unit_price=_decimal(params.get("min_unit_price"), "min_unit_price"))
    if floor.min_margin_pct is None and floor.min_unit_price is None:
        raise RuleDataError("params", "a floor needs min_margin_pct or min_unit_price")
    return floor


def _step(data: Mapping[str, Any], index: int) -> PriceBreak:
    quantity = data.get("min_quantity")
    if not isinstance(quantity, int) or quantity < 1:
        raise RuleDataError(f"breaks[{index}].min_quantity", "must be a positive whole number")
    price = _decimal(data.get("unit_price"), f"breaks[{index}].unit_price")
    if price is None:
        raise RuleDataError(f"breaks[{index}].unit_price", "is required")
    return PriceBreak(min_quantity=quantity, unit_price=price)


def _price_breaks(record: RuleRecord) -> PriceBreaks:
    steps = tuple(_step(data, i) for i, data in enumerate(record["params"].get("breaks") or ()))
    quantities = [step.min_quantity for step in steps]
    if quantities != sorted(set(quantities)):
        raise RuleDataError("breaks", "quantities must be strictly increasing")
    return PriceBreaks(breaks=steps, sku=record.get("sku"), segment=record.get("segment"),
                       priority=int(record.get("priority") or 0))


def rule_set_from_records(records: Iterable[RuleRecord]) -> RuleSet:
    floors: list[Floor] = []
    breaks: list[PriceBreaks] = []
    for record in records:
        if record["kind"] == "floor":
            floors.append(_floor(record))
        elif record["kind"] == "price_breaks":
            breaks.append(_price_breaks(record))
        else:
            raise RuleDataError("kind", f"unknown rule kind {record['kind']!r}")
    return RuleSet(floors=tuple(floors), price_breaks=tuple(breaks))
