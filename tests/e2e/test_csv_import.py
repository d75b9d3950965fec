"""``flask counteroffer import products|costs|customers FILE`` through Flask's CLI runner,
on SQLite and PostgreSQL: all rows checked first, every bad one named by line, all or nothing."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from counteroffer.adapters import SqlCustomers
from counteroffer.db import transaction
from counteroffer.db.models import Company, Product


def write(tmp_path: Path, text: str, name: str = "file.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(app, *args: str):  # noqa: ANN001, ANN201
    return app.test_cli_runner().invoke(args=["counteroffer", "import", *args])


def products(app) -> dict[str, Product]:  # noqa: ANN001
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return {p.sku: p for p in s.scalars(select(Product))}


def test_products_are_imported_exactly_from_an_excel_style_file(app, tmp_path):
    path = write(tmp_path, "\ufeffsku,name,currency,list_price,cost,category,order_multiple\r\n"
                           'BOLT-8,"Bolt, M8 (box)",usd,0.35,0.1234,fasteners,100\r\n'
                           "NUT-8,Nut M8,USD,0.20,0.05,,\r\n"
                           "YEN-1,Washer,JPY,100,60,,\r\n"
                           ",,,,,,\r\n")
    result = run(app, "products", str(path))
    assert result.exit_code == 0, result.output
    assert "Checking 3 products" in result.output
    assert "imported 3 product(s) from file.csv" in result.output
    saved = products(app)
    bolt = saved["BOLT-8"]
    assert (bolt.name, bolt.currency, bolt.list_price, bolt.cost, bolt.order_multiple) == (
        "Bolt, M8 (box)", "USD", Decimal("0.35"), Decimal("0.1234"), 100)
    assert (saved["NUT-8"].category, saved["NUT-8"].order_multiple) == (None, 1)


def test_stock_is_imported_when_given_and_blank_means_not_tracked(app, tmp_path):
    path = write(tmp_path, "sku,name,currency,list_price,cost,available\n"
                           "A-1,In stock,USD,10,5,25\nA-2,Sold out,USD,10,5,0\nA-3,Untracked,USD,10,5,\n"
                           "A-4,Bad,USD,10,5,-1\n")
    result = run(app, "products", str(path))
    assert result.exit_code != 0 and "line 5: available '-1' is not a whole number from 0" in result.output
    path.write_text(path.read_text().replace("A-4,Bad,USD,10,5,-1\n", ""))
    assert run(app, "products", str(path)).exit_code == 0
    assert {sku: p.available for sku, p in products(app).items() if sku.startswith("A-")} == {
        "A-1": 25, "A-2": 0, "A-3": None}


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(app, tmp_path):
    path = write(tmp_path, "sku,name,currency,list_price,cost\n"
                           "OK-1,Fine,USD,10.00,5.00\n"          # line 2: good, still not written
                           "BAD-1,Cheap,USD,free,5.00\n"         # line 3
                           "BAD-2,,XYZ,10.00,-1\n"               # line 4
                           "BAD-3,Too exact,USD,10.001,5.00\n"   # line 5
                           "OK-1,Again,USD,10.00,5.00\n"         # line 6
                           "BAD-4,Short,USD\n"                   # line 7
                           "BAD-5,Yen,JPY,100.5,NaN\n")          # line 8
    before = products(app).keys()
    result = run(app, "products", str(path))
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("line ")] == [
        "line 3: list_price 'free' is not a positive amount",
        "line 4: name is empty; currency 'XYZ' is not a currency we know; cost '-1' is not an amount of 0 or more",
        "line 5: list_price '10.001' has too many decimals for USD",
        "line 6: sku 'OK-1' repeats line 2",
        "line 7: 2 fewer value(s) than the header has columns",
        "line 8: list_price '100.5' has too many decimals for JPY; cost 'NaN' is not an amount of 0 or more",
    ]
    assert "Error: 6 bad row(s); nothing was imported." in result.output
    assert products(app).keys() == before


def test_control_characters_and_counts_beyond_the_column_are_refused_by_line(app, tmp_path):
    path = write(tmp_path, "sku,name,currency,list_price,cost,order_multiple\n"
                           "NUL\x00,Nul,USD,10.00,5.00,1\n"           # PostgreSQL refuses NUL in text
                           "BIG-1,Big,USD,10.00,5.00,2147483648\n"     # past the integer column
                           "ESC-1,\x1b[31mRed,USD,10.00,5.00,1\n")
    before = products(app).keys()
    result = run(app, "products", str(path))
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if line.startswith("line ")] == [
        "line 2: sku holds a control character",
        "line 3: order_multiple '2147483648' is not a whole number from 1 to 2,147,483,647",
        "line 4: name holds a control character",
    ]
    assert products(app).keys() == before


def test_a_quoted_cell_over_two_lines_keeps_the_line_numbers_right(app, tmp_path):
    path = write(tmp_path, 'sku,name,currency,list_price,cost\nA-1,"Two\nlines",USD,1.00,0.50\n'
                           "A-2,Bad,USD,1.00,x\n")
    result = run(app, "products", str(path))
    assert "line 4: cost 'x' is not an amount of 0 or more" in result.output


@pytest.mark.parametrize("text, message", [
    ("", "line 1: the file is empty; expected the header "
         "sku,name,currency,list_price,cost,category,order_multiple,available"),
    ("sku,name,currency,lst_price,cost\n", "line 1: missing column(s): list_price; unknown column(s): lst_price"),
    ("sku,sku,name,currency,list_price,cost\n", "line 1: repeated column(s): sku"),
    ("sku,name,currency,list_price,cost\nA,B,USD,1,1,extra\n", "line 2: 1 more value(s) than the header has columns"),
])
def test_a_file_that_is_not_a_product_list_is_refused(app, tmp_path, text, message):
    result = run(app, "products", str(write(tmp_path, text)))
    assert result.exit_code == 1
    assert message in result.output


def test_a_file_that_is_not_utf8_is_refused_with_a_line(app, tmp_path):
    path = write(tmp_path, "sku,name,currency,list_price,cost\nA,Café,USD,1,1\n", encoding="latin-1")
    result = run(app, "products", str(path))
    assert result.exit_code == 1
    assert "unreadable" in result.output and "utf-8" in result.output


def test_a_missing_file_is_a_usage_error(app, tmp_path):
    result = run(app, "products", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_costs_update_existing_products(app, tmp_path):
    result = run(app, "costs", str(write(tmp_path, "sku,cost\nDEMO-120,85.50\nGLOVE-50,12.25\n")))
    assert result.exit_code == 0, result.output
    assert "updated the cost of 2 product(s)" in result.output
    saved = products(app)
    assert (saved["DEMO-120"].cost, saved["GLOVE-50"].cost) == (Decimal("85.50"), Decimal("12.25"))


def test_costs_for_unknown_skus_are_refused_by_line_and_nothing_changes(app, tmp_path):
    path = write(tmp_path, "sku,cost\nDEMO-120,85.50\nGHOST-1,1.00\nGHOST-2,2.00\n")
    result = run(app, "costs", str(path))
    assert result.exit_code == 1
    assert "line 3: no product with sku 'GHOST-1'" in result.output
    assert "line 4: no product with sku 'GHOST-2'" in result.output
    assert products(app)["DEMO-120"].cost == Decimal("80.00")


def test_an_imported_cost_is_what_the_next_request_is_priced_with(app, tmp_path, api):
    run(app, "costs", str(write(tmp_path, "sku,cost\nDEMO-120,110.00\n")))  # floor 132.00
    request = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
    body = api.post("/requests", request).get_json()
    assert "110.00" not in [offer["unit_price"] for offer in body["offers"]]


def test_customers_are_imported_with_an_optional_segment(app, tmp_path):
    path = write(tmp_path, "company_id,name,segment\ninitech,Initech,retail\numbrella,Umbrella Corp,\n")
    result = run(app, "customers", str(path))
    assert result.exit_code == 0, result.output
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        saved = {c.id: c.segment for c in s.scalars(select(Company))}
    assert (saved["initech"], saved["umbrella"]) == ("retail", None)


def test_customers_keep_their_owner_rep_tier_and_region_for_routing(app, tmp_path):
    path = write(tmp_path, "company_id,name,owner_rep,profitability_tier,region\n"
                           "initech,Initech,rita@seller,A,west\n")
    assert run(app, "customers", str(path)).exit_code == 0
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        customer = SqlCustomers(s).customer("initech")
    assert (customer.owner_rep, customer.profitability_tier, customer.region) == ("rita@seller", "A", "west")


def test_customer_columns_the_plugins_tables_cannot_keep_are_refused(app, tmp_path):
    path = write(tmp_path, "company_id,name,credit_limit\ninitech,Initech,5000\n")
    result = run(app, "customers", str(path))
    assert result.exit_code == 1
    assert ("unknown column(s): credit_limit (known: company_id,name,segment,owner_rep,"
            "profitability_tier,region)") in result.output
