"""Races on one quote and its deal, on PostgreSQL only (SQLite ignores FOR UPDATE):
simultaneous accepts make one deal, simultaneous redemptions one order."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from counteroffer.db.quotes import QuoteDeal, QuoteEvent
from tests.e2e.test_quotes_api import AS_ASKED
from tests.integration.test_races import THREADS, all_at_once, pg_app, scalar  # noqa: F401 - the fixture

CART = {"lines": [{"sku": line["sku"], "quantity": line["quantity"]} for line in AS_ASKED["lines"]]}


def _offer(app) -> str:
    response = app.test_client().post("/negotiate/api/quotes", json=AS_ASKED)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["offers"][0]["id"]


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_accepts_of_one_quote_offer_make_exactly_one_deal(pg_app, attempt):  # noqa: F811
    statuses = all_at_once(pg_app, f"/negotiate/api/quote-offers/{_offer(pg_app)}/accept")
    assert statuses == Counter({201: 1, 409: THREADS - 1})
    assert scalar(pg_app, select(func.count()).select_from(QuoteDeal)) == 1
    assert scalar(pg_app, select(func.count()).select_from(QuoteEvent).where(QuoteEvent.action == "accepted")) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_redemptions_of_one_quote_deal_make_one_order(pg_app, attempt):  # noqa: F811
    client = pg_app.test_client()
    token = client.post(f"/negotiate/api/quote-offers/{_offer(pg_app)}/accept").get_json()["token"]
    statuses = all_at_once(pg_app, f"/negotiate/api/quote-deals/{token}/redeem", {**CART, "order_ref": "SO-7"})
    assert statuses == Counter({200: 1, 409: THREADS - 1})
    assert scalar(pg_app, select(func.count()).select_from(QuoteEvent).where(QuoteEvent.action == "redeemed")) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_an_accept_and_a_withdrawal_at_once_leave_one_consistent_outcome(pg_app, attempt):  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    client = pg_app.test_client()
    quote = client.post("/negotiate/api/quotes", json=AS_ASKED).get_json()
    paths = [f"/negotiate/api/quote-offers/{quote['offers'][0]['id']}/accept",
             f"/negotiate/api/quotes/{quote['id']}/withdraw"]
    barrier = Barrier(2)

    def call(path: str) -> int:
        barrier.wait()
        return pg_app.test_client().post(path).status_code

    with ThreadPoolExecutor(2) as pool:
        accepted, withdrawn = pool.map(call, paths)
    final = client.get(f"/negotiate/api/quotes/{quote['id']}").get_json()
    deals = scalar(pg_app, select(func.count()).select_from(QuoteDeal))
    if accepted == 201:  # the accept went first: the withdrawal found an accepted quote
        assert (withdrawn, final["status"], deals) == (409, "accepted", 1)
    else:
        assert (accepted, withdrawn, final["status"], deals) == (409, 200, "withdrawn", 0)
