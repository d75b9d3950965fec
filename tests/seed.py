"""The seed scenario of the issue, plus a little more, loaded through the public API."""
from __future__ import annotations

from decimal import Decimal

from counteroffer import CatalogItem, Counteroffer, Customer


def seed_scenario(extension: Counteroffer) -> None:
    extension.upgrade_database()
    extension.save_products([
        CatalogItem(sku="DEMO-120", name="Hydraulic fitting", currency="USD",
                    list_price=Decimal("120.00"), cost=Decimal("80.00"), category="hydraulics"),
        CatalogItem(sku="GLOVE-50", name="Nitrile gloves, carton of 50", currency="USD",
                    list_price=Decimal("20.00"), cost=Decimal("12.00"), category="safety",
                    order_multiple=50),
    ])
    extension.save_customers([Customer("acme", "Acme Corp", "wholesale"),
                              Customer("globex", "Globex", "retail")])
    extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 3000, "unit_price": "110.00"}]},
                        sku="DEMO-120")
    extension.save_rule("floor", {"min_margin_pct": "20"}, sku="DEMO-120")  # floor 96.00
    extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 500, "unit_price": "18.00"},
                                                    {"min_quantity": 1020, "unit_price": "16.50"}]},
                        sku="GLOVE-50")
    extension.save_rule("floor", {"min_unit_price": "15.00"}, sku="GLOVE-50")
