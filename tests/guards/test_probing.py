"""Floor probing: a cap on price requests per company and SKU over a window, whatever
became of them, across buyers; price-only counters that are not a fixed function of the
floor. SQLite and PostgreSQL (the cap's race is in tests/integration/test_security_races.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from counteroffer import Actor, CatalogItem, Customer
from tests.approvals import MAX
from tests.conftest import BUYER_ACME, BUYER_ACME_2, BUYER_GLOBEX, make_app
from tests.seed import seed_scenario

ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}


@pytest.fixture
def capped(db_url, clock, tmp_path):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REQUEST_CAP=3,
                   COUNTEROFFER_REQUEST_CAP_HOURS=24)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


def test_the_cap_counts_every_request_of_the_company_for_the_sku(capped, clock):
    from tests.conftest import ApiClient

    api = ApiClient(capped).as_(BUYER_ACME)
    withdrawn = api.post("/requests", ASK).get_json()
    api.post(f"/requests/{withdrawn['id']}/withdraw")
    api.post("/requests", {**ASK, "target_unit_price": "10.00"})  # declined: counts too
    clock.advance(hours=1)
    assert api.as_(BUYER_ACME_2).post("/requests", ASK).status_code == 201  # another buyer, same company
    refused = api.post("/requests", ASK)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert "3" not in refused.get_json()["error"]["message"]  # the cap itself is not told
    assert refused.headers["Retry-After"] == str(23 * 3600)  # when the first one leaves the window
    assert api.as_(BUYER_ACME).post("/requests", ASK).status_code == 429  # any buyer of acme


def test_other_companies_and_other_skus_have_their_own_count(capped):
    from tests.conftest import ApiClient

    api = ApiClient(capped).as_(BUYER_ACME)
    for _ in range(3):
        api.post("/requests", ASK)
    gloves = {"sku": "GLOVE-50", "quantity": 500, "target_unit_price": "18.00", "currency": "USD"}
    assert api.post("/requests", gloves).status_code == 201
    assert api.as_(BUYER_GLOBEX).post("/requests", ASK).status_code == 201


def test_a_refused_request_writes_nothing_and_the_window_moves_on(capped, clock):
    from tests.conftest import ApiClient

    api = ApiClient(capped).as_(BUYER_ACME)
    for _ in range(3):
        api.post("/requests", ASK)
    assert api.post("/requests", ASK).status_code == 429
    assert len(api.get("/requests").get_json()["requests"]) == 3
    clock.advance(hours=24, seconds=1)
    assert api.post("/requests", ASK).status_code == 201


# -- counters that do not give the floor away -------------------------------------------

PROBE = CatalogItem(sku="PROBE-1", name="Probe", currency="USD", list_price=Decimal("100.00"),
                    cost=Decimal("50.00"))
FLOOR = Decimal("70.00")  # cost 50 + 40% margin


@pytest.fixture
def conceding(db_url, clock, tmp_path):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_PRICING_SECRET="probe-test-secret",
                   COUNTEROFFER_CONCESSION_JITTER_PCT="3")
    with app.app_context():
        extension = app.extensions["counteroffer"]
        seed_scenario(extension)
        extension.save_products([PROBE])
        extension.save_customers([Customer(f"co{n}", f"Company {n}", "retail") for n in range(8)])
        extension.save_rule("floor", {"min_margin_pct": "40"}, sku="PROBE-1")
        extension.save_rule("concession", {"max_discount_pct": "50", "first_position_pct": "50"},
                            sku="PROBE-1")
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


def last_counter(api, company: str) -> Decimal:
    """Ask just below the floor and keep asking it: the rules' last concession, the one
    that reaches down to the reservation price. The third round is the buyer's last, so
    a person answers (issue 19), with that concession as the suggestion the rep may send
    as it stands: what a probing buyer would get. The buyer's own counters (rounds 1 and
    2, still held, issue 23) are higher and are checked on the way."""
    buyer = Actor(id=f"buyer@{company}", role="buyer", company_id=company)
    api.as_(buyer)
    ask = {"sku": "PROBE-1", "quantity": 10, "target_unit_price": "69.00", "currency": "USD"}
    answer = api.post("/requests", ask).get_json()
    for _ in range(2):
        answer = api.post(f"/requests/{answer['id']}/counter", {"target_unit_price": "69.00"}).get_json()
    assert answer["round"] == 3 and answer["status"] == "escalated", answer
    held = [Decimal(o["unit_price"]) for o in answer["offers"] if o["kind"] == "concession"]
    assert held and all(price > FLOOR + Decimal("3.00") for price in held)  # the buyer's counters
    [escalation] = api.as_(MAX).get(f"/escalations?negotiation_id={answer['id']}").get_json()["escalations"]
    suggestion = escalation["suggested_offer"]
    assert suggestion["kind"] == "concession", escalation
    api.as_(buyer)
    return Decimal(suggestion["unit_price"])


def test_companies_asking_the_same_get_last_concessions_that_do_not_reveal_the_floor(conceding):
    from tests.conftest import ApiClient

    api = ApiClient(conceding)
    prices = [last_counter(api, f"co{n}") for n in range(8)]
    assert all(price >= FLOOR for price in prices)  # never below the floor
    assert FLOOR not in prices  # nobody is shown the floor itself...
    assert len(set(prices)) >= 4  # ...nor a fixed step above it: each negotiation differs
    assert max(prices) <= FLOOR + Decimal("3.00")  # at most 3% of the 100.00 price above it


def test_without_jitter_the_last_counter_is_the_floor_itself(db_url, clock, tmp_path, conceding):
    from tests.conftest import ApiClient

    # Another app on the database ``conceding`` seeded, with the jitter switched off.
    app = make_app(db_url, clock, tmp_path / "plain", COUNTEROFFER_CONCESSION_JITTER_PCT="0")
    try:
        assert last_counter(ApiClient(app), "co1") == FLOOR  # what the jitter exists to prevent
    finally:
        with app.app_context():
            app.extensions["counteroffer"].close()
