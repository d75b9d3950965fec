"""Probing a whole-cart quote through citations (issue 16): a buyer who cites ever lower
order totals learns no more of the lines' floors than one who bisects order targets, and
quote requests with citations count on the request cap.

As tests/guards/test_competing_probing.py for one line: each company bisects, through the
JSON API, (a) the cited order total on "a match was offered" and (b) the order target on
"declined"; the floors' total estimated by (a) is the lowest matched total, by (b) the
decline line over 0.9 (the documented default reach). The guard band is on (1% to 5% of
list). The cart: 1,000 DEMO-120 (floor $96.00) + 500 GLOVE-50 (floor $15.00), $129,000.00 at
its prices, floors $103,500.00. SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from counteroffer import Actor, Customer
from tests.conftest import ApiClient, make_app
from tests.seed import seed_scenario

LINES = [{"sku": "DEMO-120", "quantity": 1000}, {"sku": "GLOVE-50", "quantity": 500}]
CART, FLOORS = Decimal("129000.00"), Decimal("103500.00")
LIST_VALUE = Decimal("130000.00")  # 1,000 x 120.00 + 500 x 20.00: the guard band is a share of list
REACH, STEPS = Decimal("0.9"), 14
STEP = CART / 2**STEPS  # what 14 halvings leave, about $7.87
COMPANIES = [f"prober-{i}" for i in range(3)]


def _guarded(db_url, clock, tmp_path, cap: int):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_FLOOR_GUARD_PCT="1,5", COUNTEROFFER_REQUEST_CAP=cap,
                   COUNTEROFFER_PRICING_SECRET="quote-citation-probing", COUNTEROFFER_RATE_LIMIT_PER_USER=0,
                   COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0)
    with app.app_context():
        extension = app.extensions["counteroffer"]
        seed_scenario(extension)
        extension.save_customers([Customer(c, c) for c in COMPANIES])
        extension.save_rule("competing_offer", {})
    return app


def _bisect(above: Callable[[Decimal], bool]) -> Decimal:
    low, high = Decimal(0), CART
    for _ in range(STEPS):
        middle = ((low + high) / 2).quantize(Decimal("0.01"))
        if above(middle):
            high = middle
        else:
            low = middle
    return low


def _attack(api: ApiClient) -> tuple[Decimal | None, Decimal]:
    """(lowest matched total, decline line) one company learns with 14 quotes each way."""
    matched: list[Decimal] = []

    def cite(total: Decimal) -> bool:
        body = api.post("/quotes", json={"currency": "USD", "lines": LINES, "order_target": {"total": "1.00"},
                                         "competing_offer": {"competitor": "Nobody Ltd", "total": str(total)}}).json
        found = [Decimal(o["total"]) for o in body.get("offers", ()) if o["kind"] == "match"]
        matched.extend(found)
        return bool(found)

    def target(total: Decimal) -> bool:
        body = api.post("/quotes", json={"currency": "USD", "lines": LINES, "order_target": {"total": str(total)}}).json
        return body["status"] != "declined"

    _bisect(cite)
    return (min(matched) if matched else None), _bisect(target)


@pytest.fixture
def shop(db_url, clock, tmp_path):
    app = _guarded(db_url, clock, tmp_path, cap=2 * STEPS + 2)  # both attacks, per SKU
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


def test_bisecting_cited_totals_learns_no_more_of_the_floors_than_bisecting_targets(shop):
    api = ApiClient(shop)
    for company in COMPANIES:
        api.as_(Actor(id=f"buyer@{company}", role="buyer", company_id=company))
        lowest_match, decline_line = _attack(api)
        assert lowest_match is not None and lowest_match > FLOORS  # never the floors, never below them
        by_citations = lowest_match - FLOORS
        by_targets = abs(decline_line / REACH - FLOORS)
        # The lowest match is the guard prices' total; the decline line finds the same total.
        assert by_citations >= by_targets - 2 * STEP, (company, lowest_match, decline_line)
        assert by_citations >= LIST_VALUE * Decimal("0.01")  # at least the band's low end off


def test_quote_requests_with_citations_count_on_the_request_cap(db_url, clock, tmp_path):
    app = _guarded(db_url, clock, tmp_path, cap=3)
    api = ApiClient(app).as_(Actor(id="buyer@prober-0", role="buyer", company_id="prober-0"))
    cited = {"currency": "USD", "lines": LINES, "order_target": {"total": "1.00"},
             "competing_offer": {"competitor": "Nobody", "total": "50000.00"}}
    assert [api.post("/quotes", json=cited).status_code for _ in range(4)] == [201, 201, 201, 429]
    with app.app_context():
        app.extensions["counteroffer"].close()
