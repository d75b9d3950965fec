"""The values that cross the ports, and how a host registers its own port objects."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from counteroffer import CatalogItem, Customer
from counteroffer.adapters import FunctionCustomers, LastPrice

ITEM = CatalogItem(sku="DEMO-120", name="Hydraulic fitting", currency="USD",
                   list_price=Decimal("120.00"), cost=Decimal("80.00"),
                   price_breaks=((1000, Decimal("115.00")), (3000, Decimal("110.00"))))


def test_existing_callers_keep_working_without_the_new_fields():
    item = CatalogItem("X", "X", "USD", Decimal("1.00"), Decimal("0.50"))
    assert (item.order_multiple, item.price_breaks, item.equivalents) == (1, (), ())
    customer = Customer("acme", "Acme Corp", "wholesale")
    assert (customer.owner_rep, customer.profitability_tier) == (None, None)


def test_the_catalogs_price_for_a_quantity_is_the_best_break_reached():
    assert [ITEM.unit_price_for(q) for q in (1, 999, 1000, 2999, 3000, 10_000)] == [
        Decimal("120.00"), Decimal("120.00"), Decimal("115.00"), Decimal("115.00"),
        Decimal("110.00"), Decimal("110.00")]


def test_a_function_customers_port_knows_no_last_price_unless_given_one():
    paid = LastPrice(Decimal("104.00"), 2000, datetime(2026, 9, 1, tzinfo=UTC), "USD")
    plain = FunctionCustomers(lambda company_id: None)
    assert plain.last_price_paid("acme", "DEMO-120") is None
    told = FunctionCustomers(lambda company_id: None, last_price=lambda company, sku: paid)
    assert told.last_price_paid("acme", "DEMO-120") == paid
