"""Floors and price breaks per SKU as CSV: the pricing manager's bulk format.

    sku,min_margin_pct,min_unit_price,breaks
    DEMO-120,20,,3000@110.00;5000@105.00
    GLOVE-50,,15.00,500@18.00;1020@16.50

A row states the SKU's whole floor and price breaks (for all segments, priority 0): an
empty floor or breaks cell means "none", so a file exported and imported again changes
nothing. ``breaks`` is ``quantity@unit price`` steps separated by ``;``. Read with the
catalog importer's rules (``csv_import.py``): header checked, every bad row reported
with its line, a SKU may appear once.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .csv_import import CsvFormat, Row, _decimal, _Fields

__all__ = ["RuleLine", "RULE_LINES", "write_rule_lines", "format_breaks"]


@dataclass(frozen=True)
class RuleLine:
    line: int
    sku: str
    min_margin_pct: Decimal | None
    min_unit_price: Decimal | None
    breaks: tuple[tuple[int, Decimal], ...]

    def floor_params(self) -> dict[str, str] | None:
        params = {name: str(value) for name, value in (("min_margin_pct", self.min_margin_pct),
                                                        ("min_unit_price", self.min_unit_price))
                  if value is not None}
        return params or None

    def breaks_params(self) -> dict[str, Any] | None:
        if not self.breaks:
            return None
        return {"breaks": [{"min_quantity": q, "unit_price": str(p)} for q, p in self.breaks]}


def _breaks(cells: _Fields, column: str) -> tuple[tuple[int, Decimal], ...]:
    raw = cells.text(column, max_length=2000, required=False)
    steps = []
    for step in (raw or "").split(";"):
        if not step.strip():
            continue
        quantity, _, price = step.strip().partition("@")
        amount = _decimal(price.strip())
        if not (quantity.strip().isascii() and quantity.strip().isdigit()) or amount is None or amount < 0:
            cells.problems.append(f"{column} step {step.strip()!r} is not quantity@price (e.g. 3000@110.00)")
            return ()
        steps.append((int(quantity), amount))
    return tuple(steps)


def _percent(cells: _Fields, column: str) -> Decimal | None:
    raw = cells.text(column, required=False)
    if raw is None:
        return None
    amount = _decimal(raw)
    if amount is None or amount < 0:
        cells.problems.append(f"{column} {raw!r} is not a percentage of 0 or more")
    return amount


def _rule_line(row: Row, line: int) -> RuleLine:
    cells = _Fields(row)
    sku = cells.text("sku")
    margin = _percent(cells, "min_margin_pct")
    minimum = cells.money("min_unit_price", positive=False) if (row.get("min_unit_price") or "").strip() else None
    breaks = _breaks(cells, "breaks")
    cells.done()
    return RuleLine(line=line, sku=sku, min_margin_pct=margin, min_unit_price=minimum, breaks=breaks)


RULE_LINES = CsvFormat("SKU rules", ("sku",), ("min_margin_pct", "min_unit_price", "breaks"), "sku", _rule_line)
HEADER = ("sku", "min_margin_pct", "min_unit_price", "breaks")


def format_breaks(breaks: Iterable[dict[str, Any]]) -> str:
    return ";".join(f"{step['min_quantity']}@{step['unit_price']}" for step in breaks)


def write_rule_lines(rows: Iterable[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]) -> str:
    """CSV text from (sku, floor params, breaks params), in the import's format."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for sku, floor, breaks in rows:
        floor = floor or {}
        writer.writerow([sku, floor.get("min_margin_pct", ""), floor.get("min_unit_price", ""),
                         format_breaks((breaks or {}).get("breaks", []))])
    return out.getvalue()
