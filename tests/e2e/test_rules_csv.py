"""Bulk floors and price breaks: `flask counteroffer rules import/export`, all or nothing,
every bad line named; export gives the import's format back (round trip)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from counteroffer import CatalogItem
from tests.conftest import MANAGER, ApiClient


def _cli(app, *args: str):  # noqa: ANN202
    return app.test_cli_runner().invoke(args=["counteroffer", "rules", *args])


def _catalog(app, count: int) -> None:
    with app.app_context():
        app.extensions["counteroffer"].save_products(
            CatalogItem(sku=f"B-{i:05d}", name="bolt", currency="USD", list_price=Decimal("10.00"),
                        cost=Decimal("6.00"), category="bolts") for i in range(count))


def test_thousands_of_skus_import_into_the_draft_and_export_back_the_same(app, tmp_path: Path):
    _catalog(app, 2000)
    lines = ["sku,min_margin_pct,min_unit_price,breaks"] + [
        f"B-{i:05d},{10 + i % 5},,100@9.50;1000@{9 - (i % 3) / 10:.2f}" for i in range(2000)]
    file = tmp_path / "rules.csv"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _cli(app, "import", str(file))
    assert result.exit_code == 0, result.output
    assert "2000 SKU(s) into the draft" in result.output
    manager = ApiClient(app).as_(MANAGER)
    diff = manager.get("/rules/diff?from=live&to=draft").get_json()
    assert diff["added"] == 4000
    exported = _cli(app, "export", "--version", "draft").output
    assert exported.splitlines()[0] == "sku,min_margin_pct,min_unit_price,breaks"
    assert "B-00001,11,,100@9.50;1000@8.90" in exported
    assert "DEMO-120,20,,3000@110.00" in exported  # the seed's rules are there too
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    assert _cli(app, "import", str(again)).exit_code == 0
    assert manager.get("/rules/diff?from=live&to=draft").get_json()["added"] == 4000  # nothing changed


def test_every_bad_line_is_named_and_nothing_is_written(app, tmp_path: Path):
    _catalog(app, 3)
    file = tmp_path / "bad.csv"
    file.write_text("sku,min_margin_pct,min_unit_price,breaks\n"
                    "B-00000,10,,100@9.50\n"
                    "B-00001,,5.00,\n"                       # floor below the cost of 6.00
                    "B-00002,,,100@9.00;50@8.00\n"          # quantities not increasing
                    "NOPE,10,,\n"                            # no such product
                    "B-00000,12,,\n"                         # repeated
                    "B-00002,,,100@x\n", encoding="utf-8")
    result = _cli(app, "import", str(file))
    assert result.exit_code != 0
    # Parsing first: a malformed cell and a repeated SKU stop the import before any check.
    assert "line 6: sku 'B-00000' repeats line 2" in result.output
    assert "line 7: breaks step '100@x' is not quantity@price" in result.output
    file.write_text("sku,min_margin_pct,min_unit_price,breaks\n"
                    "B-00000,10,,100@9.50\n"
                    "B-00001,,5.00,\n"
                    "B-00002,,,100@9.00;50@8.00\n"
                    "NOPE,10,,\n", encoding="utf-8")
    result = _cli(app, "import", str(file))
    assert result.exit_code != 0
    assert "line 3: min_unit_price: Below the cost of B-00001" in result.output
    assert "line 4: breaks: Quantities must be strictly increasing." in result.output
    assert "line 5: sku: No product with SKU NOPE." in result.output
    assert "3 bad row(s); nothing was imported." in result.output
    assert ApiClient(app).as_(MANAGER).get("/rules/versions/draft").status_code == 404  # not even a draft
