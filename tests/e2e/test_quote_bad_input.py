"""Bad quote input (issue 14, item 5): each a 422 whose message and fields name the line
and the field, and nothing written, on SQLite and PostgreSQL."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import text

from counteroffer import CatalogItem
from tests.conftest import ApiClient

TABLES = ("counteroffer_quotes", "counteroffer_quote_lines", "counteroffer_quote_bids", "counteroffer_quote_offers",
          "counteroffer_quote_events", "counteroffer_quote_escalations", "counteroffer_outbox",
          "counteroffer_negotiations")
GOOD = {"sku": "DEMO-120", "quantity": 1000}


def counts(app: Flask) -> dict[str, int]:
    with app.app_context(), app.extensions["counteroffer"].state.engine.connect() as connection:
        return {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in TABLES}


@pytest.fixture
def euro(app: Flask) -> None:
    with app.app_context():
        app.extensions["counteroffer"].save_products([CatalogItem(
            sku="EURO-1", name="Euro fitting", currency="EUR", list_price=Decimal("50.00"), cost=Decimal("30.00"),
            available=None), CatalogItem(sku="FEW-1", name="Scarce part", currency="USD",
                                         list_price=Decimal("10.00"), cost=Decimal("5.00"), available=40)])


CASES = [
    ("empty lines", {"currency": "USD", "lines": []}, "lines", "Send from 1 to 200 lines."),
    ("duplicate SKU", {"currency": "USD", "lines": [GOOD, {"sku": "GLOVE-50", "quantity": 100},
                                                     {"sku": "DEMO-120", "quantity": 5}]},
     "lines[2].sku", "DEMO-120 is already on line 1; put its whole quantity on one line."),
    ("mixed currencies", {"currency": "USD", "lines": [GOOD, {"sku": "EURO-1", "quantity": 10}]},
     "lines[1].sku", "EURO-1 is priced in EUR; this quote is in USD."),
    ("more than 200 lines", {"currency": "USD", "lines": [{"sku": f"S{i}", "quantity": 1} for i in range(201)]},
     "lines", "Send from 1 to 200 lines."),
    ("unknown SKU", {"currency": "USD", "lines": [GOOD, {"sku": "NOPE-9", "quantity": 1}]},
     "lines[1].sku", "No product with the SKU NOPE-9."),
    ("zero quantity", {"currency": "USD", "lines": [GOOD, {"sku": "GLOVE-50", "quantity": 0}]},
     "lines[1].quantity", "Enter at least 1 unit and at most 10,000,000 units."),
    ("negative quantity", {"currency": "USD", "lines": [{"sku": "GLOVE-50", "quantity": -5}]},
     "lines[0].quantity", "Enter at least 1 unit and at most 10,000,000 units."),
    ("huge quantity", {"currency": "USD", "lines": [GOOD, {"sku": "GLOVE-50", "quantity": 10**12}]},
     "lines[1].quantity", "Enter at least 1 unit and at most 10,000,000 units."),
    ("quantity beyond stock", {"currency": "USD", "lines": [GOOD, {"sku": "FEW-1", "quantity": 41}]},
     "lines[1].quantity", "Only 40 units of FEW-1 are available right now."),
    ("too many decimals", {"currency": "USD", "lines": [GOOD, {"sku": "GLOVE-50", "quantity": 100,
                                                               "target_unit_price": "17.505"}]},
     "lines[1].target_unit_price", "USD prices have at most 2 decimal places."),
    ("a price as a number", {"currency": "USD", "lines": [{"sku": "GLOVE-50", "quantity": 100,
                                                           "target_unit_price": 17.5}]},
     "lines[0].target_unit_price", 'Send money as a string, such as "110.00", not as a number.'),
    ("order target above the cart", {"currency": "USD", "lines": [GOOD], "order_target": {"total": "120000.01"}},
     "order_target.total", "The cart's price for these quantities is 120,000.00 USD; ask for less than that."),
    ("order target at the cart", {"currency": "USD", "lines": [GOOD], "order_target": {"total": "120000.00"}},
     "order_target.total", "The cart's price for these quantities is 120,000.00 USD; ask for less than that."),
    ("order target of both kinds", {"currency": "USD", "lines": [GOOD],
                                    "order_target": {"total": "100.00", "discount_pct": "5"}},
     "order_target", "Give either a total or a discount_pct, not both."),
    ("discount of 100%", {"currency": "USD", "lines": [GOOD], "order_target": {"discount_pct": "100"}},
     "order_target.discount_pct", "Enter a percentage above 0 and below 100."),
    ("an unknown field on a line", {"currency": "USD", "lines": [{**GOOD, "floor": "1.00"}]},
     "lines[0].floor", "Unknown field."),
    ("unknown currency", {"currency": "XXX", "lines": [GOOD]}, "currency", "Unknown currency 'XXX'."),
]


@pytest.mark.parametrize(("body", "field", "message"), [case[1:] for case in CASES], ids=[c[0] for c in CASES])
@pytest.mark.usefixtures("euro")
def test_bad_quote_input_is_a_422_naming_the_line_and_nothing_is_written(
        app: Flask, api: ApiClient, body: dict, field: str, message: str) -> None:
    before = counts(app)
    response = api.post("/quotes", json=body)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["fields"][field] == [message], error
    assert error["message"] == f"{field}: {message}"
    assert counts(app) == before


def test_every_bad_line_is_named_in_one_answer(app: Flask, api: ApiClient) -> None:
    response = api.post("/quotes", json={"currency": "USD", "lines": [
        {"sku": "NOPE-1", "quantity": 1}, GOOD, {"sku": "NOPE-2", "quantity": 1}]})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"lines[0].sku", "lines[2].sku"}


def test_the_python_call_refuses_the_same_input_naming_the_line(app: Flask) -> None:
    from counteroffer.negotiation import InvalidRequestError
    from tests.conftest import BUYER_ACME

    extension = app.extensions["counteroffer"]
    before = counts(app)
    with app.app_context(), pytest.raises(InvalidRequestError) as refused:
        extension.quote_request_from_cart([GOOD, {"sku": "DEMO-120", "quantity": 3}], actor=BUYER_ACME)
    assert refused.value.fields == {"lines[1].sku": ["DEMO-120 is already on line 1; put its whole quantity "
                                                     "on one line."]}
    with app.app_context(), pytest.raises(InvalidRequestError) as refused:
        extension.quote_request_from_cart([{"sku": "GLOVE-50", "quantity": 0}], actor=BUYER_ACME)
    assert list(refused.value.fields) == ["lines[0].quantity"]
    assert counts(app) == before
