"""A host registers its catalog and customers as functions or as port objects; the last
registration wins, and it counts even when made after init_app."""
from __future__ import annotations

from decimal import Decimal

from counteroffer import CatalogItem, Customer

SEED = {"sku": "HOST-1", "quantity": 10, "target_unit_price": "50.00", "currency": "USD"}


class HostCatalog:
    def __init__(self, price: str) -> None:
        self.price, self.asked = Decimal(price), []

    def item(self, sku: str) -> CatalogItem | None:
        self.asked.append(sku)
        if sku != "HOST-1":
            return None
        return CatalogItem(sku, "Host product", "USD", self.price, Decimal("10.00"))


class HostCustomers:
    def customer(self, company_id: str) -> Customer | None:
        return Customer(company_id, company_id.title(), "wholesale")

    def last_price_paid(self, company_id: str, sku: str) -> None:
        return None


def test_a_port_object_serves_price_requests(app, api):
    catalog = app.extensions["counteroffer"].use_catalog(HostCatalog("50.00"))
    app.extensions["counteroffer"].use_customers(HostCustomers())
    body = api.post("/requests", SEED).get_json()
    assert [(o["kind"], o["unit_price"]) for o in body["offers"]] == [("price", "50.00")]
    assert catalog.asked == ["HOST-1"]


def test_the_last_registration_wins(app, api):
    extension = app.extensions["counteroffer"]
    extension.use_catalog(HostCatalog("99.00"))

    @extension.catalog_loader
    def load(sku: str) -> CatalogItem | None:
        return HostCatalog("50.00").item(sku)

    assert api.post("/requests", SEED).get_json()["offers"][0]["unit_price"] == "50.00"
    extension.use_catalog(HostCatalog("45.00"))
    answer = api.post("/requests", {**SEED, "target_unit_price": "45.00"}).get_json()
    assert answer["offers"][0]["unit_price"] == "45.00"
