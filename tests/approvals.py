"""Reps, managers and customers for the approval workflow's tests, loaded through the
public API on top of tests/seed.py's catalog and rules.

DEMO-120: list 120.00, floor 96.00, cost 80.00; 1,000 at 90.00 is below the floor but
within a rep's reach, so it escalates: 25% off, a deal of 90,000.00.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from flask import Flask

from counteroffer import Actor, Counteroffer, Customer, Rep
from counteroffer.negotiation import Deps, NegotiationView, request_price

REPS = (
    Rep("max@seller", "Max Moreno", "max@seller.example", None, Decimal("40")),
    Rep("rita@seller", "Rita Reyes", "rita@seller.example", "max@seller", Decimal("26"), Decimal("100000")),
    Rep("dana@seller", "Dana Diaz", "dana@seller.example", "max@seller", Decimal("20"), Decimal("50000")),
    Rep("pete@seller", "Pete Park", "pete@seller.example", "max@seller", Decimal("30"),
        pool_categories=("hydraulics",)),
    Rep("wes@seller", "Wes Wu", "wes@seller.example", "max@seller", Decimal("30"), pool_regions=("west",)),
)
CUSTOMERS = (
    # The owner rep as the CRM knows her: by e-mail.
    Customer("acme", "Acme Corp", "wholesale", owner_rep="rita@seller.example"),
    Customer("globex", "Globex", "retail", region="west"),
    Customer("initech", "Initech", "retail"),
)

ANN = Actor("ann@acme", "buyer", "acme", name="Ann Archer", email="ann@acme.example")
GUS = Actor("gus@globex", "buyer", "globex", name="Gus Grant", email="gus@globex.example")
IDA = Actor("ida@initech", "buyer", "initech", name="Ida", email="ida@initech.example")
RITA = Actor("rita@seller", "rep", name="Rita Reyes")
DANA = Actor("dana@seller", "rep", name="Dana Diaz")
PETE = Actor("pete@seller", "rep", name="Pete Park")
WES = Actor("wes@seller", "rep", name="Wes Wu")
MAX = Actor("max@seller", "manager", name="Max Moreno")


def seed_approvals(extension: Counteroffer) -> None:
    extension.save_reps(REPS)
    extension.save_customers(CUSTOMERS)


def serve_with_approvals(app: Flask) -> Iterator[Flask]:
    """A fixture's body: the seed scenario and these reps and customers, then the app,
    closed afterwards."""
    from tests.seed import seed_scenario

    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
        seed_approvals(app.extensions["counteroffer"])
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


def escalate(deps: Deps, buyer: Actor = ANN, quantity: int = 1000, target: str = "90.00",
             sku: str = "DEMO-120") -> NegotiationView:
    view = request_price(deps, buyer, sku, quantity, Decimal(target), "USD")
    assert view.status == "escalated", view
    return view
