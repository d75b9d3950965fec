"""The buyer API with catalog and customers read over HTTP from the reference back office
(a real server on loopback), on SQLite and PostgreSQL. A price or cost that cannot be
checked never reaches the engine: the request is kept for a rep, a next round is a 503."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from counteroffer.adapters import CircuitBreaker, HttpCatalog, HttpCustomers, RetryPolicy
from counteroffer.db import transaction
from counteroffer.db.models import Escalation, Event, Negotiation, Offer, OutboxMessage
from counteroffer.negotiation.buying.requests import UNCHECKED_PRICE_NOTE
from tests.conftest import BUYER_ACME, ApiClient, make_app
from tests.seed import seed_scenario

SEED = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}


@pytest.fixture
def http_app(db_url, clock, tmp_path, backoffice):  # noqa: ANN001, ANN201
    """The seed scenario's rules, but products and customers from the back office; no
    caches, so every request really asks it."""
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_CACHE_SECONDS=0)
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_scenario(extension)
    port_options = {"timeout": 0.3, "cache_seconds": 0, "breaker": CircuitBreaker(failure_threshold=50),
                    "retry": RetryPolicy(attempts=2, backoff_seconds=0.01)}
    extension.use_catalog(HttpCatalog(backoffice.url, **port_options))
    extension.use_customers(HttpCustomers(backoffice.url, **port_options))
    yield app
    with app.app_context():
        extension.close()


@pytest.fixture
def api(http_app) -> ApiClient:  # noqa: ANN001
    return ApiClient(http_app).as_(BUYER_ACME)


def rows(app, model) -> list:  # noqa: ANN001
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return list(s.scalars(select(model)))


def count(app, model) -> int:  # noqa: ANN001
    with app.app_context(), transaction(app.extensions["counteroffer"].deps.session_factory) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_prices_from_the_back_office_get_the_same_offer_as_the_plugins_tables(api, backoffice):
    response = api.post("/requests", SEED)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "countered" and body["note"] is None
    assert [(o["kind"], o["quantity"], o["unit_price"]) for o in body["offers"]] == [("volume", 3000, "110.00")]
    assert {hit.path for hit in backoffice.hits()} >= {"/customers/acme", "/products/DEMO-120"}


def test_the_engine_prices_with_the_back_office_not_the_plugins_copy(api, backoffice):
    backoffice.products["DEMO-120"]["list_price"] = "130.00"  # the plugin's table says 120.00
    body = api.post("/requests", {**SEED, "target_unit_price": "130.00"}).get_json()
    assert [(o["kind"], o["unit_price"]) for o in body["offers"]] == [("price", "130.00")]


@pytest.mark.parametrize("mode", ["slow", "error", "unavailable", "malformed", "missing_cost",
                                  "text_price", "other_sku", "redirect", "bad_request"])
def test_a_price_that_cannot_be_checked_is_kept_for_a_rep(api, http_app, backoffice, mode):
    backoffice.always(mode)
    response = api.post("/requests", SEED)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["status"], body["offers"], body["note"]) == ("escalated", [], UNCHECKED_PRICE_NOTE)
    assert body["request"] == SEED
    [row] = rows(http_app, Negotiation)
    assert (row.status, row.buyer_note, row.round) == ("escalated", UNCHECKED_PRICE_NOTE, 1)
    event, assigned = rows(http_app, Event)
    assert (event.action, event.before_status, event.after_status) == ("requested", None, "escalated")
    assert event.detail["outcome"] == "escalate"
    assert "back office could not be asked" in event.detail["reason"]
    assert assigned.action == "assigned"
    [escalation] = rows(http_app, Escalation)
    # Nothing was checked, so the rep sees no prices from this moment: none are made up.
    assert (escalation.status, escalation.price_for_quantity, escalation.floor) == ("open", None, None)
    [message] = [m for m in rows(http_app, OutboxMessage) if m.topic == "negotiation.escalated"]
    assert message.payload["negotiation_id"] == body["id"]
    assert count(http_app, Offer) == 0


def test_a_customer_that_cannot_be_checked_is_kept_for_a_rep_too(api, backoffice):
    backoffice.answer("error", "error")  # both tries at /customers/acme
    body = api.post("/requests", SEED).get_json()
    assert (body["status"], body["note"]) == ("escalated", UNCHECKED_PRICE_NOTE)
    assert [hit.path for hit in backoffice.hits()] == ["/customers/acme", "/customers/acme"]


def test_an_open_breaker_keeps_requests_for_a_rep_without_asking(http_app, backoffice):
    extension = http_app.extensions["counteroffer"]
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=60)
    options = {"cache_seconds": 0, "breaker": breaker, "retry": RetryPolicy(attempts=1)}
    extension.use_catalog(HttpCatalog(backoffice.url, **options))
    extension.use_customers(HttpCustomers(backoffice.url, **options))
    backoffice.always("error")
    api = ApiClient(http_app).as_(BUYER_ACME)
    assert api.post("/requests", SEED).get_json()["status"] == "escalated"
    assert len(backoffice.hits()) == 1  # the breaker opened on the first failure
    assert api.post("/requests", SEED).get_json()["note"] == UNCHECKED_PRICE_NOTE
    assert len(backoffice.hits()) == 1  # the second request did not ask at all


def test_the_kept_request_reads_back_with_its_note(api, backoffice):
    backoffice.always("error")
    created = api.post("/requests", SEED).get_json()
    shown = api.get(f"/requests/{created['id']}").get_json()
    assert (shown["status"], shown["note"]) == ("escalated", UNCHECKED_PRICE_NOTE)
    assert api.get("/requests").get_json()["requests"][0]["note"] == UNCHECKED_PRICE_NOTE


def test_an_unknown_sku_is_still_a_422_not_a_back_office_failure(api, http_app):
    response = api.post("/requests", {**SEED, "sku": "NOPE"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"sku": ["No product with this SKU."]}
    assert count(http_app, Negotiation) == 0


def snapshot(app) -> tuple:  # noqa: ANN001
    [row] = rows(app, Negotiation)
    offers = sorted((o.id, o.status) for o in rows(app, Offer))
    return row.status, row.round, row.quantity, row.target_unit_price, offers, count(app, Event)


def test_a_counter_that_cannot_be_checked_is_503_and_changes_nothing(api, http_app, backoffice):
    created = api.post("/requests", SEED).get_json()
    before = snapshot(http_app)
    backoffice.always("slow")
    response = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "112.00", "quantity": 3000})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "unavailable"
    assert error["message"].startswith("We could not check this price right now; nothing has changed.")
    assert snapshot(http_app) == before
    assert count(http_app, OutboxMessage) == 0


def test_once_the_back_office_is_back_the_same_counter_goes_through(api, backoffice):
    created = api.post("/requests", SEED).get_json()
    backoffice.always("error")
    assert api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "112.00"}).status_code == 503
    backoffice.always("normal")
    again = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "112.00", "quantity": 3000})
    assert again.status_code == 200
    assert (again.get_json()["round"], again.get_json()["status"]) == (2, "open")


def test_a_kept_request_can_be_countered_later_and_loses_its_stale_note(api, backoffice):
    backoffice.always("error")
    created = api.post("/requests", SEED).get_json()
    backoffice.always("normal")
    body = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": "110.00"}).get_json()
    assert (body["round"], body["status"], body["note"]) == (2, "countered", None)


def test_product_terms_are_503_when_the_catalog_cannot_answer(api, backoffice):
    backoffice.always("error")
    response = api.get("/products/DEMO-120/terms")
    assert response.status_code == 503
    assert response.get_json()["error"]["message"] == (
        "This product's prices cannot be checked right now; please try again shortly.")


def test_the_widget_still_renders_when_the_catalog_cannot_answer(http_app, backoffice):
    backoffice.always("error")
    template = ('{% from "counteroffer/widget.html" import price_request_widget %}'
                '{{ price_request_widget("DEMO-120") }}')
    http_app.config["TEST_ACTOR"] = BUYER_ACME
    with http_app.test_request_context("/product"):
        page = http_app.jinja_env.from_string(template).render()
    assert "cannot be negotiated online" in page
