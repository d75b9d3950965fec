"""The expiry sweep keeps stored statuses true; acceptance never depends on it."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import Event, Negotiation, Offer
from counteroffer.negotiation import expire_lapsed, request_price
from tests.conftest import BUYER_ACME


def stored(app, model, **where):
    with transaction(app.extensions["counteroffer"].deps.session_factory) as session:
        return list(session.scalars(select(model).filter_by(**where)))


def test_the_sweep_expires_lapsed_offers_and_their_requests_once(app, clock):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        lapsing = request_price(deps, BUYER_ACME, "DEMO-120", 1000, Decimal("110.00"), "USD")
        clock.advance(hours=47)
        fresh = request_price(deps, BUYER_ACME, "DEMO-120", 1000, Decimal("110.00"), "USD")
        clock.advance(hours=1)
        assert expire_lapsed(deps) == 1
        assert expire_lapsed(deps) == 0
        statuses = {n.id: n.status for n in stored(app, Negotiation)}
        assert statuses == {lapsing.id: "expired", fresh.id: "countered"}
        assert [o.status for o in stored(app, Offer, negotiation_id=lapsing.id)] == ["expired"]
        events = stored(app, Event, negotiation_id=lapsing.id, action="expired")
        assert [(e.actor_role, e.before_status) for e in events] == [("system", "countered")]


def test_the_cli_runs_the_sweep(app, clock):
    with app.app_context():
        request_price(app.extensions["counteroffer"].deps, BUYER_ACME, "DEMO-120", 1000,
                      Decimal("110.00"), "USD")
    clock.advance(hours=49)
    result = app.test_cli_runner().invoke(args=["counteroffer", "expire"])
    assert result.exit_code == 0 and "expired 1 offer(s)" in result.output


def test_escalated_requests_are_not_expired_by_the_sweep(app, clock):
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        waiting = request_price(deps, BUYER_ACME, "DEMO-120", 1000, Decimal("90.00"), "USD")
        clock.advance(days=30)
        assert expire_lapsed(deps) == 0
        assert stored(app, Negotiation)[0].status == waiting.status == "escalated"
