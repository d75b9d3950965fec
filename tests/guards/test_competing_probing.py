"""Probing through citations (issue 16): a buyer who cites ever lower competitor prices
learns no more of the floor than one who bisects targets, and the request cap still holds.

Measured as bench/probing.py measures targets: each company bisects, through the JSON
API, (a) the cited price on "a match was offered" and (b) the target on "declined"; the
floor estimate of (a) is the lowest matched price, of (b) the decline line over 0.9 (the
documented default reach). The guard band is on (1% to 5% of list). SQLite and PostgreSQL.
"""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from counteroffer import Actor, Customer
from tests.conftest import ApiClient, make_app
from tests.seed import seed_scenario

FLOOR, LIST = Decimal("96.00"), Decimal("120.00")  # DEMO-120: cost 80 + 20%
CENT, REACH = Decimal("0.01"), Decimal("0.9")
COMPANIES = [f"prober-{i}" for i in range(6)]
ASK = {"sku": "DEMO-120", "quantity": 1000, "currency": "USD"}


def _guarded(db_url, clock, tmp_path, cap: int):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_FLOOR_GUARD_PCT="1,5", COUNTEROFFER_REQUEST_CAP=cap,
                   COUNTEROFFER_PRICING_SECRET="citation-probing", COUNTEROFFER_RATE_LIMIT_PER_USER=0,
                   COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0)
    with app.app_context():
        extension = app.extensions["counteroffer"]
        seed_scenario(extension)
        extension.save_customers([Customer(c, c) for c in COMPANIES])
        extension.save_rule("competing_offer", {}, sku="DEMO-120")
    return app


@pytest.fixture
def shop(db_url, clock, tmp_path):
    # Room for both attacks by one company (20 each), so they meet the same guard price.
    app = _guarded(db_url, clock, tmp_path, cap=40)
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


def _bisect(steps: int, above: Callable[[Decimal], bool]) -> tuple[Decimal, Decimal]:
    low, high = Decimal(0), LIST
    for _ in range(steps):
        middle = ((low + high) / 2).quantize(CENT)
        if middle in (low, high):
            break
        if above(middle):
            high = middle
        else:
            low = middle
    return low, high


def _attack(api: ApiClient) -> tuple[Decimal | None, Decimal]:
    """(lowest matched price, decline line) one company learns with 20 requests each."""
    matched: list[Decimal] = []

    def cite(price: Decimal) -> bool:
        body = api.post("/requests", {**ASK, "target_unit_price": "1.00", "competing_offer": {
            "competitor": "Nobody Ltd", "unit_price": str(price)}}).get_json()
        found = [Decimal(o["unit_price"]) for o in body.get("offers", ()) if o["kind"] == "match"]
        matched.extend(found)
        return bool(found)

    def target(price: Decimal) -> bool:
        body = api.post("/requests", {**ASK, "target_unit_price": str(price)}).get_json()
        return body["status"] != "declined"

    _bisect(20, cite)
    line, _ = _bisect(20, target)
    return (min(matched) if matched else None), line


def test_bisecting_citations_learns_no_more_of_the_floor_than_bisecting_targets(shop):
    api = ApiClient(shop)
    for company in COMPANIES:
        api.as_(Actor(id=f"buyer@{company}", role="buyer", company_id=company))
        lowest_match, decline_line = _attack(api)
        assert lowest_match is not None and lowest_match > FLOOR  # never the floor, never below it
        by_citations = lowest_match - FLOOR
        by_targets = abs(decline_line / REACH - FLOOR)
        # The lowest match is the guard price; the decline line finds the same guard price.
        assert by_citations >= by_targets - 2 * CENT, (company, lowest_match, decline_line)
        assert by_citations >= LIST * Decimal("0.01")  # at least the band's low end off


def test_requests_with_citations_count_on_the_request_cap(db_url, clock, tmp_path):
    app = _guarded(db_url, clock, tmp_path, cap=3)
    api = ApiClient(app).as_(Actor(id="buyer@prober-0", role="buyer", company_id="prober-0"))
    cited = {**ASK, "target_unit_price": "1.00", "competing_offer": {"competitor": "Nobody", "unit_price": "50.00"}}
    assert [api.post("/requests", cited).status_code for _ in range(4)] == [201, 201, 201, 429]
    with app.app_context():
        app.extensions["counteroffer"].close()
