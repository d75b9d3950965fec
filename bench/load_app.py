"""The demo shop with many buyers, for bench/load.py.

The demo knows four users; a load test needs thousands of distinct logged-in buyers, so
that per-user and per-company rate limits see what they would in production. This
wrapper adds ``LOAD_COMPANIES`` x ``LOAD_BUYERS_PER_COMPANY`` buyers to the demo's user
table (ids ``b<n>@<run>-co<c>``, company ``<run>-co<c>``) and passes the
``COUNTEROFFER_RATE_LIMIT_*`` and ``COUNTEROFFER_REQUEST_CAP`` environment variables to
the plugin. ``seed()`` saves the companies (once, before gunicorn starts).
"""
from __future__ import annotations

import os

from flask import Flask

from counteroffer import Actor, Customer
from counteroffer.demo import create_app as create_demo
from counteroffer.demo.auth import USERS
from counteroffer.demo.plugin import negotiation

__all__ = ["create_app", "seed", "buyer_ids"]

PASSED_ON = ("COUNTEROFFER_RATE_LIMIT_PER_USER", "COUNTEROFFER_RATE_LIMIT_PER_COMPANY",
             "COUNTEROFFER_RATE_LIMIT_WINDOW_SECONDS", "COUNTEROFFER_REQUEST_CAP")


def _shape() -> tuple[str, int, int]:
    return (os.environ.get("LOAD_RUN", "load"), int(os.environ.get("LOAD_COMPANIES", "20")),
            int(os.environ.get("LOAD_BUYERS_PER_COMPANY", "100")))


def company_ids() -> list[str]:
    run, companies, _ = _shape()
    return [f"{run}-co{c}" for c in range(companies)]


def buyer_ids(per_company: int | None = None) -> list[str]:
    """The first ``per_company`` buyers of every company, company by company interleaved:
    any prefix of the list spreads over all companies evenly."""
    _, _, most = _shape()
    return [f"b{n}@{company}" for n in range(per_company or most) for company in company_ids()]


def create_app() -> Flask:
    for buyer in buyer_ids():
        company = buyer.split("@", 1)[1]
        USERS[buyer] = Actor(id=buyer, role="buyer", company_id=company, name=buyer)
    config = {key: int(os.environ[key]) for key in PASSED_ON if key in os.environ}
    return create_demo(config)


def seed(app: Flask) -> None:
    with app.app_context():
        negotiation.save_customers([Customer(company_id=company, name=company, segment="wholesale",
                                             owner_rep="rep@seller") for company in company_ids()])
