"""Everything the shop writes to plug Counteroffer in: who is asking (its own login), and
its own products and companies as the plugin's catalog and customers."""
# counteroffer: begin
from flask_login import current_user

from counteroffer import Actor, CatalogItem, Counteroffer, Customer, NegotiationError  # noqa: F401 - views.py imports it from here

from .models import Company, Product, cents_to_money, db

counteroffer = Counteroffer()  # NegotiationError is imported for the shop's checkout; None: no cost kept


@counteroffer.user_loader
def current_actor() -> Actor | None:
    return Actor(str(current_user.id), "buyer", current_user.company_id) if current_user.is_authenticated else None


@counteroffer.catalog_loader
def load_product(sku: str) -> CatalogItem | None:
    p = db.get(Product, sku)
    return CatalogItem(p.sku, p.name, "USD", cents_to_money(p.price_now_cents), None, p.style) if p else None


@counteroffer.customer_loader
def load_customer(company_id: str) -> Customer | None:
    c = db.get(Company, company_id)
    return Customer(c.id, c.name, c.segment) if c else None
# counteroffer: end
