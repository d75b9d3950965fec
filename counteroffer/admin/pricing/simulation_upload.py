"""An uploaded CSV of price requests to simulate: sku,quantity,target_unit_price[,segment].

Read with the catalog importer's rules (``adapters/csv_import.py``); the first bad lines
are shown next to the file input, and nothing starts unless every line is good."""
from __future__ import annotations

import io
from typing import IO, Any

from ...adapters.csv_import import CsvFormat, CsvImportError, Row, _Fields, parse_rows, read_rows

__all__ = ["read_simulation_csv", "REQUESTS", "MAX_LINES"]

MAX_LINES = 200_000
_SHOWN = 5


def _request(row: Row, line: int) -> dict[str, Any]:
    cells = _Fields(row)
    sku = cells.text("sku")
    quantity = cells.count("quantity", default=0)
    target = cells.money("target_unit_price", positive=True)
    segment = cells.text("segment", required=False)
    if quantity == 0:
        cells.problems.append("quantity is empty")
    cells.done()
    return {"line": line, "sku": sku, "quantity": quantity, "target_unit_price": str(target),
            "segment": segment}


# The key is the line: the same request may well appear twice.
REQUESTS = CsvFormat("requests", ("sku", "quantity", "target_unit_price"), ("segment",), "line", _request)


def read_simulation_csv(stream: IO[bytes]) -> tuple[list[dict[str, Any]] | None, dict[str, str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        rows = read_rows(text, REQUESTS)
        if len(rows) > MAX_LINES:
            return None, {"requests": f"At most {MAX_LINES:,} requests per file; this one has {len(rows):,}."}
        if not rows:
            return None, {"requests": "The file has no requests."}
        numbered = [type(row)(row.line, {**row.cells, "line": str(row.line)}, row.extra_values) for row in rows]
        return parse_rows(numbered, REQUESTS), {}
    except CsvImportError as error:
        shown = "; ".join(str(e) for e in error.errors[:_SHOWN])
        more = f" (and {len(error.errors) - _SHOWN} more)" if len(error.errors) > _SHOWN else ""
        return None, {"requests": f"Nothing was started: {shown}{more}."}
