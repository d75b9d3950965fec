"""Reading catalogs, costs and customers from CSV, all or nothing.

Every row is checked before anything is written, and every bad row is reported with its
line number (as a spreadsheet shows it: the header is line 1) and what is wrong with it.
Files are UTF-8 (a BOM, as Excel writes it, is fine); a header names the columns, in
any order. An unknown column is an error: a misspelt ``lst_price`` must not be dropped
without a word.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TextIO, TypeVar

from ..rules import has_valid_places, is_known_currency
from .ports import CatalogItem, Customer

__all__ = ["RowError", "CsvImportError", "CsvFormat", "CostLine", "PRODUCTS", "COSTS",
           "CUSTOMERS", "CsvRow", "read_rows", "parse_rows"]

T = TypeVar("T")
Row = dict[str, str]
#: No cell of ours holds a control character (PostgreSQL refuses NUL in text, and none
#: belongs in a SKU, a name or a number).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Counts end up in integer columns (order multiples) or next to them.
MAX_COUNT = 2**31 - 1


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class CsvImportError(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(error) for error in errors[:5]))
        self.errors = errors


class _RowProblem(Exception):
    pass


@dataclass(frozen=True)
class CsvRow:
    line: int  # where the row starts; a quoted cell may span lines
    cells: Row
    extra_values: int  # more (> 0) or fewer (< 0) values than the header has columns


@dataclass(frozen=True)
class CostLine:
    sku: str
    cost: Decimal
    line: int


@dataclass(frozen=True)
class CsvFormat(Generic[T]):
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: str  # the column that must not repeat
    parse: Callable[[Row, int], T]

    @property
    def columns(self) -> str:
        return ",".join(self.required + self.optional)


class _Fields:
    """Reads one row's cells, collecting every problem instead of stopping at the first."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.problems: list[str] = []

    def text(self, column: str, max_length: int = 64, required: bool = True) -> Any:
        value = (self.row.get(column) or "").strip()
        if _CONTROL.search(value):
            self.problems.append(f"{column} holds a control character")
            return None
        if not value:
            if required:
                self.problems.append(f"{column} is empty")
            return None
        if len(value) > max_length:
            self.problems.append(f"{column} is longer than {max_length} characters")
        return value

    def currency(self, column: str) -> Any:
        code = (self.text(column) or "").upper()
        if code and not is_known_currency(code):
            self.problems.append(f"{column} {code!r} is not a currency we know")
            return None
        return code or None

    def money(self, column: str, positive: bool, currency: str | None = None,
              required: bool = True) -> Any:
        raw = self.text(column, required=required)
        if raw is None:
            return None
        amount = _decimal(raw)
        if amount is None or (amount <= 0 if positive else amount < 0):
            kind = "a positive amount" if positive else "an amount of 0 or more"
            self.problems.append(f"{column} {raw!r} is not {kind}")
            return None
        return self._places(column, raw, amount, currency)

    def _places(self, column: str, raw: str, amount: Decimal, currency: str | None) -> Any:
        if currency is not None and not has_valid_places(amount, currency):
            self.problems.append(f"{column} {raw!r} has too many decimals for {currency}")
        elif -int(amount.as_tuple().exponent) > 4:
            self.problems.append(f"{column} {raw!r} has more than 4 decimals")
        return amount

    def count(self, column: str, default: int) -> Any:
        raw = self.text(column, required=False)
        if raw is None:
            return default
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_COUNT:
            self.problems.append(f"{column} {raw!r} is not a whole number from 1 to {MAX_COUNT:,}")
            return None
        return int(raw)

    def stock(self, column: str) -> int | None:
        """A count that may be 0 (sold out); blank: not tracked."""
        raw = self.text(column, required=False)
        if raw is None:
            return None
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_COUNT:
            self.problems.append(f"{column} {raw!r} is not a whole number from 0 to {MAX_COUNT:,}")
            return None
        return int(raw)

    def done(self) -> None:
        if self.problems:
            raise _RowProblem("; ".join(self.problems))


def _decimal(raw: str) -> Decimal | None:
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _product(row: Row, _line: int) -> CatalogItem:
    cells = _Fields(row)
    sku, name = cells.text("sku"), cells.text("name", max_length=200)
    currency = cells.currency("currency")
    list_price = cells.money("list_price", positive=True, currency=currency)
    cost = cells.money("cost", positive=False, required=False)  # blank: the shop keeps none
    category = cells.text("category", max_length=100, required=False)
    order_multiple = cells.count("order_multiple", default=1)
    available = cells.stock("available")
    cells.done()
    return CatalogItem(sku=sku, name=name, currency=currency, list_price=list_price, cost=cost,
                       category=category, order_multiple=order_multiple, available=available)


def _cost(row: Row, line: int) -> CostLine:
    cells = _Fields(row)
    sku, cost = cells.text("sku"), cells.money("cost", positive=False)
    cells.done()
    return CostLine(sku=sku, cost=cost, line=line)


def _customer(row: Row, _line: int) -> Customer:
    cells = _Fields(row)
    company_id, name = cells.text("company_id"), cells.text("name", max_length=200)
    segment = cells.text("segment", required=False)
    owner_rep = cells.text("owner_rep", max_length=254, required=False)
    tier, region = cells.text("profitability_tier", required=False), cells.text("region", required=False)
    cells.done()
    return Customer(company_id=company_id, name=name, segment=segment, owner_rep=owner_rep,
                    profitability_tier=tier, region=region)


PRODUCTS = CsvFormat("products", ("sku", "name", "currency", "list_price"),
                     ("cost", "category", "order_multiple", "available"), "sku", _product)
COSTS = CsvFormat("costs", ("sku", "cost"), (), "sku", _cost)
CUSTOMERS = CsvFormat("customers", ("company_id", "name"),
                      ("segment", "owner_rep", "profitability_tier", "region"), "company_id", _customer)


def _check_header(header: list[str] | None, fmt: CsvFormat[Any]) -> None:
    if not header:
        raise CsvImportError([RowError(1, f"the file is empty; expected the header {fmt.columns}")])
    names = [name.strip() for name in header]
    missing = [c for c in fmt.required if c not in names]
    unknown = [c for c in names if c not in fmt.required + fmt.optional]
    repeated = sorted({c for c in names if names.count(c) > 1})
    problems = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + (
        [f"unknown column(s): {', '.join(unknown)} (known: {fmt.columns})"] if unknown else []) + (
        [f"repeated column(s): {', '.join(repeated)}"] if repeated else [])
    if problems:
        raise CsvImportError([RowError(1, "; ".join(problems))])


def read_rows(stream: TextIO, fmt: CsvFormat[Any]) -> list[CsvRow]:
    """The data rows with the line each starts on; a bad header or encoding raises.
    Blank rows (Excel leaves some at the end) are skipped."""
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
        _check_header(header, fmt)
        names, rows, start = [name.strip() for name in header or []], [], reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(CsvRow(start, dict(zip(names, cells, strict=False)), len(cells) - len(names)))
            start = reader.line_num + 1
    except (UnicodeDecodeError, csv.Error) as error:
        raise CsvImportError([RowError(reader.line_num + 1, f"unreadable: {error}")]) from None
    return rows


def parse_rows(rows: Iterable[CsvRow], fmt: CsvFormat[T]) -> list[T]:
    """Every row parsed, or CsvImportError listing every bad one (repeated keys included)."""
    values: list[T] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    for row in rows:
        try:
            values.append(_parse(row, fmt))
        except _RowProblem as problem:
            errors.append(RowError(row.line, str(problem)))
            continue
        key = row.cells[fmt.key].strip()
        if key in first_line:
            errors.append(RowError(row.line, f"{fmt.key} {key!r} repeats line {first_line[key]}"))
        first_line.setdefault(key, row.line)
    if errors:
        raise CsvImportError(errors)
    return values


def _parse(row: CsvRow, fmt: CsvFormat[T]) -> T:
    if row.extra_values:
        more_or_fewer = "more" if row.extra_values > 0 else "fewer"
        raise _RowProblem(f"{abs(row.extra_values)} {more_or_fewer} value(s) than the header has columns")
    return fmt.parse(row.cells, row.line)
