"""The default adapters over the plugin's own tables, on SQLite and PostgreSQL: the last
price a company paid and its order lines come from the deals it redeemed."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from counteroffer.adapters import Customer, LastPrice, SqlCatalog, SqlCustomers, SqlOrders
from counteroffer.db import transaction
from tests.conftest import BUYER_GLOBEX

SEED = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}


def redeemed_deal(api, clock, order_ref: str, target: str = "110.00") -> dict:  # noqa: ANN001
    offer = api.post("/requests", {**SEED, "target_unit_price": target}).get_json()["offers"][0]
    deal = api.post(f"/offers/{offer['id']}/accept").get_json()
    clock.advance(hours=1)
    api.post(f"/deals/{deal['token']}/redeem", {"order_ref": order_ref})
    return deal


def in_session(app, read):  # noqa: ANN001, ANN201
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return read(session)


def test_last_price_paid_is_the_latest_redeemed_deal_of_that_company_and_sku(app, api, clock):
    redeemed_deal(api, clock, "SO-1")
    clock.advance(days=1)
    latest = redeemed_deal(api, clock, "SO-2", target="125.00")
    api.post("/requests", SEED)  # accepted but never redeemed: not a price paid
    paid = in_session(app, lambda s: SqlCustomers(s).last_price_paid("acme", "DEMO-120"))
    assert paid == LastPrice(unit_price=Decimal(latest["unit_price"]), quantity=latest["quantity"],
                             paid_at=clock.now, currency="USD")
    assert in_session(app, lambda s: SqlCustomers(s).last_price_paid("globex", "DEMO-120")) is None
    assert in_session(app, lambda s: SqlCustomers(s).last_price_paid("acme", "GLOVE-50")) is None


def test_order_lines_are_the_redeemed_deals_since_a_moment(app, api, clock):
    start = clock.now
    first = redeemed_deal(api, clock, "SO-1")
    clock.advance(days=2)
    second = redeemed_deal(api, clock, "SO-2")
    api.as_(BUYER_GLOBEX).post("/requests", SEED)
    lines = in_session(app, lambda s: SqlOrders(s).order_lines("acme", "DEMO-120", start))
    assert [(line.order_ref, line.deal_token, line.unit_price) for line in lines] == [
        ("SO-1", first["token"], Decimal("110.00")), ("SO-2", second["token"], Decimal("110.00"))]
    later = in_session(app, lambda s: SqlOrders(s).order_lines("acme", "DEMO-120", start + timedelta(days=1)))
    assert [line.order_ref for line in later] == ["SO-2"]


def test_the_sql_ports_leave_what_the_tables_do_not_hold_empty(app):
    item = in_session(app, lambda s: SqlCatalog(s).item("DEMO-120"))
    assert (item.price_breaks, item.equivalents) == ((), ())
    customer = in_session(app, lambda s: SqlCustomers(s).customer("acme"))
    assert customer == Customer("acme", "Acme Corp", "wholesale", owner_rep=None, profitability_tier=None)
