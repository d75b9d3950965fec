"""Roll-ups under concurrent use cases, on PostgreSQL: every request's transaction moves
the same roll-up rows (the day's totals), so they queue on those rows; written in key
order, they never deadlock, and the sums come out exact."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.results import ResultCycle, ResultRollup
from counteroffer.negotiation import Actor, accept_offer, redeem_deal, request_price
from counteroffer.negotiation.results.reports import fold_results
from counteroffer.negotiation.results.rollups import rebuild
from tests.integration.test_races import THREADS, pg_app  # noqa: F401  (the fixture)

BUYERS = [Actor(f"b{n}@acme", "buyer", company_id="acme") if n % 2 else
          Actor(f"b{n}@globex", "buyer", company_id="globex") for n in range(THREADS)]


def snapshot(deps):
    with transaction(deps.session_factory) as session:
        sums = {r[:5]: r[5:] for r in session.execute(select(ResultRollup.__table__)).all() if any(r[5:])}
        cycles = {r[:7]: r[7] for r in session.execute(select(ResultCycle.__table__)).all() if r[7]}
        return sums, cycles


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_requests_deals_and_orders_add_up(pg_app, attempt):  # noqa: F811
    with pg_app.app_context():
        deps = pg_app.extensions["counteroffer"].deps
    barrier = Barrier(THREADS)

    def negotiate(buyer: Actor) -> None:
        barrier.wait()
        view = request_price(deps, buyer, "DEMO-120", 1000, Decimal("110.00"), "USD")
        deal = accept_offer(deps, buyer, view.offers[0].id)
        redeem_deal(deps, deal.token, actor=buyer, order_ref=buyer.id)

    with pg_app.app_context(), ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(negotiate, BUYERS))  # a deadlock or lost update would raise here
        # Folders racing each other take disjoint deltas: none is added twice or lost.
        list(pool.map(lambda _: fold_results(deps), range(THREADS)))
        assert fold_results(deps) == 0
        incremental = snapshot(deps)
        with transaction(deps.session_factory) as session:
            rebuild(session)
        assert snapshot(deps) == incremental
        with transaction(deps.session_factory) as session:
            total = session.scalars(select(ResultRollup).where(
                ResultRollup.dimension == "all", ResultRollup.segment == "*")).one()
    assert (total.requests, total.deals, total.redeemed) == (THREADS, THREADS, THREADS)
    assert total.order_revenue == Decimal("110") * 3000 * THREADS
