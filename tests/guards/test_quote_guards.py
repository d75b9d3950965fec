"""The line API's guards hold for quotes too (issue 14): Idempotency-Key on asking,
accepting and redeeming, the request cap per company and SKU counting quotes, and the
rate limits counting quote calls. SQLite and PostgreSQL where the fixture is ``app``."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.quotes import Quote, QuoteDeal
from tests.conftest import BUYER_ACME, BUYER_GLOBEX, ApiClient, make_app
from tests.e2e.test_quotes_api import AS_ASKED, CART
from tests.seed import seed_scenario

LINE_ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
REDEEM = {"lines": [{"sku": sku, "quantity": quantity} for sku, quantity in CART], "order_ref": "SO-1"}


def key(value: str) -> dict[str, dict[str, str]]:
    return {"headers": {"Idempotency-Key": value}}


def count(app, model, *where) -> int:
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_asking_for_a_quote_twice_with_one_key_makes_one_quote(app, api):
    answers = [api.post("/quotes", AS_ASKED, **key("quote-1")) for _ in range(3)]
    assert {a.status_code for a in answers} == {201}
    assert answers[0].get_json() == answers[1].get_json() == answers[2].get_json()
    assert [a.headers.get("Idempotent-Replayed") for a in answers] == [None, "true", "true"]
    assert count(app, Quote) == 1
    other = api.post("/quotes", {**AS_ASKED, "order_target": {"discount_pct": "2"}}, **key("quote-1"))
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert api.as_(BUYER_GLOBEX).post("/quotes", AS_ASKED, **key("quote-1")).status_code == 201  # not Acme's replay


def test_accept_and_redeem_with_a_key_replay_instead_of_refusing(app, api):
    offer = api.post("/quotes", AS_ASKED).get_json()["offers"][0]["id"]
    accepted = [api.post(f"/quote-offers/{offer}/accept", **key("accept-1")) for _ in range(2)]
    assert [a.status_code for a in accepted] == [201, 201] and accepted[0].get_json() == accepted[1].get_json()
    token = accepted[0].get_json()["token"]
    redeemed = [api.post(f"/quote-deals/{token}/redeem", REDEEM, **key("redeem-1")) for _ in range(2)]
    assert [r.status_code for r in redeemed] == [200, 200] and redeemed[1].headers["Idempotent-Replayed"] == "true"
    assert count(app, QuoteDeal) == 1
    assert api.post(f"/quote-deals/{token}/redeem", REDEEM).status_code == 409  # without the key: used


@pytest.fixture
def capped(db_url, clock, tmp_path):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_REQUEST_CAP=1)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    yield ApiClient(app).as_(BUYER_ACME)
    with app.app_context():
        app.extensions["counteroffer"].close()


def test_a_quote_takes_the_place_of_a_request_for_each_of_its_skus(capped, clock):
    assert capped.post("/quotes", AS_ASKED).status_code == 201
    refused = capped.post("/requests", LINE_ASK)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    clock.advance(hours=1)
    again = capped.post("/quotes", AS_ASKED)
    assert again.status_code == 429 and int(again.headers["Retry-After"]) == 23 * 3600  # when the first frees up
    assert count(capped.app, Quote) == 1
    clock.advance(hours=25)
    assert capped.post("/requests", LINE_ASK).status_code == 201
    assert capped.post("/quotes", {"currency": "USD", "lines": [AS_ASKED["lines"][0]]}).status_code == 429  # DEMO-120
    assert capped.as_(BUYER_GLOBEX).post("/quotes", AS_ASKED).status_code == 201  # per company


def test_a_line_a_counter_adds_counts_as_a_new_request(capped):
    quote = capped.post("/quotes", {"currency": "USD", "lines": [AS_ASKED["lines"][0]]}).get_json()
    assert capped.post(f"/quotes/{quote['id']}/counter", json={"lines": [AS_ASKED["lines"][0]]}).status_code == 200
    assert capped.post("/requests", {**LINE_ASK, "sku": "GLOVE-50", "quantity": 500,
                                     "target_unit_price": "17.00"}).status_code == 201
    added = capped.post(f"/quotes/{quote['id']}/counter", json={"lines": AS_ASKED["lines"]})
    assert added.status_code == 429


def test_quote_calls_count_against_the_rate_limit(sqlite_url, clock, tmp_path):
    app = make_app(sqlite_url, clock, tmp_path, COUNTEROFFER_RATE_LIMIT_PER_USER=2)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    api = ApiClient(app).as_(BUYER_ACME)
    assert [api.post("/quotes", AS_ASKED).status_code, api.get("/quotes").status_code] == [201, 200]
    refused = api.post("/quotes", AS_ASKED)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert count(app, Quote) == 1
    with app.app_context():
        app.extensions["counteroffer"].close()
