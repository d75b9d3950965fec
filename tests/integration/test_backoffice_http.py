"""HttpCatalog, HttpCustomers and HttpOrders against the reference back office, a real
HTTP server on loopback that answers normally, slowly, with errors and malformed bodies."""
from __future__ import annotations

import socket
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from counteroffer.adapters import (
    BackOfficeUnavailableError,
    CatalogItem,
    CircuitBreaker,
    CircuitOpenError,
    HttpCatalog,
    HttpCustomers,
    HttpOrders,
    LastPrice,
    MalformedAnswerError,
    RetryPolicy,
)

QUICK = RetryPolicy(attempts=3, backoff_seconds=0.01)
NO_RETRY = RetryPolicy(attempts=1)


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def catalog(backoffice, **options) -> HttpCatalog:  # noqa: ANN001
    options = {"timeout": 0.3, "retry": QUICK, "cache_seconds": 0, **options}
    return HttpCatalog(backoffice.url, **options)


def test_a_product_arrives_with_exact_money_breaks_and_equivalents(backoffice):
    item = catalog(backoffice).item("DEMO-120")
    assert item == CatalogItem(
        sku="DEMO-120", name="Hydraulic fitting", currency="USD", list_price=Decimal("120.00"),
        cost=Decimal("80.00"), category="hydraulics", order_multiple=1,
        price_breaks=((3000, Decimal("110.00")),), equivalents=("DEMO-121",))
    assert (item.unit_price_for(2999), item.unit_price_for(3000)) == (Decimal("120.00"), Decimal("110.00"))
    [asked] = backoffice.hits("/products/")
    assert asked.headers["Accept"] == "application/json"


def test_json_numbers_are_read_as_exact_decimals_never_floats(backoffice):
    backoffice.products["DEMO-120"]["list_price"] = 120.1  # served as the JSON number 120.1
    assert catalog(backoffice).item("DEMO-120").list_price == Decimal("120.1")


def test_breaks_come_back_sorted_whatever_order_the_erp_uses(backoffice):
    backoffice.products["DEMO-120"]["price_breaks"] = [
        {"min_quantity": 5000, "unit_price": "105.00"}, {"min_quantity": 3000, "unit_price": "110.00"}]
    item = catalog(backoffice).item("DEMO-120")
    assert item.price_breaks == ((3000, Decimal("110.00")), (5000, Decimal("105.00")))
    assert item.unit_price_for(6000) == Decimal("105.00")


def test_an_unknown_sku_is_none_not_an_error(backoffice):
    assert catalog(backoffice).item("NOPE") is None


def test_a_sku_with_a_slash_stays_one_path_segment(backoffice):
    backoffice.products["A/B"] = {**backoffice.products["GLOVE-50"], "sku": "A/B"}
    assert catalog(backoffice).item("A/B").sku == "A/B"
    assert backoffice.hits()[-1].path == "/products/A/B"


@pytest.mark.parametrize("mode", ["error", "unavailable"])
def test_a_5xx_is_retried_and_the_retry_answers(backoffice, mode):
    backoffice.answer(mode)
    assert catalog(backoffice).item("DEMO-120").sku == "DEMO-120"
    assert len(backoffice.hits("/products/")) == 2


def test_a_back_office_that_keeps_failing_is_asked_attempts_times_then_unavailable(backoffice):
    backoffice.always("error")
    waits: list[float] = []
    adapter = catalog(backoffice, retry=RetryPolicy(attempts=3, backoff_seconds=0.05, sleep=waits.append))
    with pytest.raises(BackOfficeUnavailableError, match="500"):
        adapter.item("DEMO-120")
    assert (len(backoffice.hits("/products/")), waits) == (3, [0.05, 0.1])


def test_a_slow_answer_times_out_quickly_and_is_unavailable(backoffice):
    backoffice.always("slow")  # 1 s
    started = time.monotonic()
    with pytest.raises(BackOfficeUnavailableError, match="Timeout"):
        catalog(backoffice, timeout=0.2, retry=NO_RETRY).item("DEMO-120")
    assert time.monotonic() - started < 0.8


def test_a_timeout_is_retried_once_more_and_then_answered(backoffice):
    backoffice.answer("slow")
    assert catalog(backoffice, timeout=0.2).item("DEMO-120").sku == "DEMO-120"
    assert len(backoffice.hits("/products/")) == 2


def test_nothing_listening_is_unavailable_at_once():
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    adapter = HttpCatalog(f"http://127.0.0.1:{port}", timeout=0.5, retry=NO_RETRY)
    with pytest.raises(BackOfficeUnavailableError, match="ConnectionError"):
        adapter.item("DEMO-120")


@pytest.mark.parametrize("mode, problem", [
    ("malformed", "did not answer valid JSON"),
    ("not_an_object", "expected a JSON object"),
    ("missing_cost", "cost"),
    ("text_price", "list_price"),
    ("other_sku", "asked for sku 'DEMO-120'"),
])
def test_a_malformed_answer_is_refused_and_not_retried(backoffice, mode, problem):
    backoffice.answer(mode)
    with pytest.raises(MalformedAnswerError, match=problem):
        catalog(backoffice).item("DEMO-120")
    assert len(backoffice.hits("/products/")) == 1


@pytest.mark.parametrize("change, field", [
    ({"cost": "-1.00"}, "cost"),
    ({"list_price": "0"}, "list_price"),
    ({"list_price": "120.00001"}, "list_price"),
    ({"currency": "usd"}, "currency"),
    ({"order_multiple": "12"}, "order_multiple"),
    ({"available": -1}, "available"),
    ({"available": "25"}, "available"),
    ({"price_breaks": [{"min_quantity": 0, "unit_price": "1.00"}]}, "price_breaks"),
])
def test_values_outside_the_contract_name_the_field(backoffice, change, field):
    backoffice.products["DEMO-120"].update(change)
    with pytest.raises(MalformedAnswerError) as caught:
        catalog(backoffice).item("DEMO-120")
    assert field in caught.value.problems


@pytest.mark.parametrize("stock", [0, 25, None])
def test_stock_arrives_when_the_erp_sends_it(backoffice, stock):
    assert catalog(backoffice).item("DEMO-120").available is None  # not sent: not tracked
    backoffice.products["DEMO-120"]["available"] = stock
    assert catalog(backoffice).item("DEMO-120").available == stock


def test_prices_below_one_and_a_zero_cost_are_within_the_contract(backoffice):
    backoffice.products["DEMO-120"].update({"list_price": "0.35", "cost": "0", "price_breaks": [
        {"min_quantity": 100, "unit_price": "0.3125"}]})
    item = catalog(backoffice).item("DEMO-120")
    assert (item.list_price, item.cost, item.unit_price_for(100)) == (Decimal("0.35"), 0, Decimal("0.3125"))


def test_a_4xx_other_than_404_is_unavailable_without_retry(backoffice):
    backoffice.answer("bad_request")
    with pytest.raises(BackOfficeUnavailableError, match="400"):
        catalog(backoffice).item("DEMO-120")
    assert len(backoffice.hits("/products/")) == 1


def test_a_redirect_is_not_followed(backoffice):
    backoffice.answer("redirect")
    with pytest.raises(BackOfficeUnavailableError, match="302"):
        catalog(backoffice).item("DEMO-120")
    assert backoffice.hits("/elsewhere") == []


def test_the_breaker_stops_calling_a_dead_back_office_and_tries_again_later(backoffice):
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=30, clock=clock)
    adapter = catalog(backoffice, retry=NO_RETRY, breaker=breaker)
    backoffice.always("error")
    for _ in range(2):
        with pytest.raises(BackOfficeUnavailableError):
            adapter.item("DEMO-120")
    with pytest.raises(CircuitOpenError):
        adapter.item("DEMO-120")
    assert len(backoffice.hits()) == 2  # the third call never left the process
    clock.now += 30
    backoffice.always("normal")
    assert adapter.item("DEMO-120").sku == "DEMO-120"  # the half-open trial closes it
    assert adapter.item("GLOVE-50").sku == "GLOVE-50"


class CrashingAdapter(requests.adapters.BaseAdapter):
    """A transport that fails with something requests does not wrap (a bug, an interrupt)."""

    def send(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise RuntimeError("transport bug")

    def close(self) -> None:
        pass


def test_a_trial_call_that_crashes_reopens_the_breaker_instead_of_wedging_it(backoffice):
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=30, clock=clock)
    crashing = requests.Session()
    crashing.mount("http://", CrashingAdapter())
    backoffice.answer("error")
    with pytest.raises(BackOfficeUnavailableError):  # opens the breaker
        catalog(backoffice, breaker=breaker, retry=NO_RETRY).item("DEMO-120")
    clock.now += 30  # half-open: the next call is the trial, and it crashes
    with pytest.raises(RuntimeError):
        catalog(backoffice, session=crashing, breaker=breaker, retry=NO_RETRY).item("DEMO-120")
    clock.now += 30  # had the crashed trial stayed "running", nobody could ever call again
    assert catalog(backoffice, breaker=breaker, retry=NO_RETRY).item("DEMO-120").sku == "DEMO-120"


def test_retries_stop_when_the_breaker_opens_mid_way(backoffice):
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=30, clock=Clock())
    backoffice.always("error")
    with pytest.raises(CircuitOpenError):
        catalog(backoffice, retry=RetryPolicy(attempts=5, backoff_seconds=0), breaker=breaker).item("DEMO-120")
    assert len(backoffice.hits()) == 2


def test_a_shared_breaker_protects_every_adapter_of_one_back_office(backoffice):
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=30, clock=Clock())
    backoffice.answer("error")
    with pytest.raises(BackOfficeUnavailableError):
        catalog(backoffice, retry=NO_RETRY, breaker=breaker).item("DEMO-120")
    with pytest.raises(CircuitOpenError):
        HttpCustomers(backoffice.url, breaker=breaker).customer("acme")


def test_malformed_answers_do_not_trip_the_breaker(backoffice):
    breaker = CircuitBreaker(failure_threshold=1, clock=Clock())
    backoffice.answer("malformed")
    with pytest.raises(MalformedAnswerError):
        catalog(backoffice, breaker=breaker).item("DEMO-120")
    assert catalog(backoffice, breaker=breaker).item("DEMO-120") is not None


def test_catalog_answers_are_cached_for_their_ttl_but_unknown_skus_are_not(backoffice):
    clock = Clock()
    adapter = catalog(backoffice, cache_seconds=60, clock=clock)
    adapter.item("DEMO-120")
    backoffice.always("error")  # a cached answer does not need the back office
    assert adapter.item("DEMO-120").sku == "DEMO-120"
    assert len(backoffice.hits("/products/")) == 1
    backoffice.always("normal")
    adapter.item("NOPE"), adapter.item("NOPE")
    clock.now += 60
    adapter.item("DEMO-120")
    assert [hit.path for hit in backoffice.hits("/products/")] == [
        "/products/DEMO-120", "/products/NOPE", "/products/NOPE", "/products/DEMO-120"]


def test_a_customer_arrives_with_segment_owner_rep_and_tier(backoffice):
    customers = HttpCustomers(backoffice.url, cache_seconds=0)
    acme = customers.customer("acme")
    assert (acme.segment, acme.owner_rep, acme.profitability_tier) == ("wholesale", "rita@seller", "A")
    globex = customers.customer("globex")
    assert (globex.owner_rep, globex.profitability_tier) == (None, None)
    assert customers.customer("initech") is None


def test_a_customer_document_for_another_company_is_refused(backoffice):
    backoffice.answer("other_sku")
    with pytest.raises(MalformedAnswerError, match="company_id"):
        HttpCustomers(backoffice.url).customer("acme")


def test_last_price_paid_is_exact_and_in_utc(backoffice):
    backoffice.last_prices[("acme", "DEMO-120")] = {
        "unit_price": "104.50", "quantity": 2000, "paid_at": "2026-09-01T12:00:00+02:00", "currency": "USD"}
    customers = HttpCustomers(backoffice.url)
    assert customers.last_price_paid("acme", "DEMO-120") == LastPrice(
        unit_price=Decimal("104.50"), quantity=2000,
        paid_at=datetime(2026, 9, 1, 10, 0, tzinfo=UTC), currency="USD")
    assert customers.last_price_paid("acme", "GLOVE-50") is None


def test_a_last_price_without_a_time_zone_is_malformed(backoffice):
    backoffice.last_prices[("acme", "DEMO-120")] = {
        "unit_price": "104.50", "quantity": 2000, "paid_at": "2026-09-01T12:00:00", "currency": "USD"}
    with pytest.raises(MalformedAnswerError, match="paid_at"):
        HttpCustomers(backoffice.url).last_price_paid("acme", "DEMO-120")


def test_order_lines_are_asked_for_by_company_sku_and_time_and_come_back_oldest_first(backoffice):
    line = {"company_id": "acme", "sku": "DEMO-120", "quantity": 3000, "unit_price": "110.00",
            "currency": "USD"}
    backoffice.order_lines += [
        {**line, "order_ref": "SO-2", "placed_at": "2026-11-03T08:00:00+00:00", "deal_token": "tok"},
        {**line, "order_ref": "SO-1", "placed_at": "2026-11-02T10:00:00+00:00"},
        {**line, "order_ref": "SO-0", "placed_at": "2026-10-01T10:00:00+00:00"},
        {**line, "company_id": "globex", "order_ref": "SO-9", "placed_at": "2026-11-02T10:00:00+00:00"},
    ]
    since = datetime(2026, 11, 1, tzinfo=UTC)
    lines = HttpOrders(backoffice.url).order_lines("acme", "DEMO-120", since)
    assert [(o.order_ref, o.deal_token, o.company_id) for o in lines] == [
        ("SO-1", None, "acme"), ("SO-2", "tok", "acme")]
    assert backoffice.hits("/orders")[0].query == {
        "company_id": "acme", "sku": "DEMO-120", "since": "2026-11-01T00:00:00+00:00"}


def test_orders_at_a_wrong_url_are_unavailable_not_empty(backoffice):
    with pytest.raises(BackOfficeUnavailableError, match="404"):
        HttpOrders(backoffice.url + "/nowhere").order_lines("acme", "DEMO-120", datetime.now(UTC))


def test_an_orders_status_is_asked_by_its_reference_and_an_unknown_order_is_none(backoffice):
    backoffice.order_statuses.update({"SO-1": "placed", "SO/2": "cancelled"})
    orders = HttpOrders(backoffice.url)
    assert [orders.order_status(ref) for ref in ("SO-1", "SO/2", "SO-3")] == ["placed", "cancelled", None]
    assert [hit.path for hit in backoffice.hits("/orders/")] == ["/orders/SO-1", "/orders/SO/2", "/orders/SO-3"]


def test_an_order_status_outside_the_contract_or_for_another_order_is_malformed(backoffice):
    backoffice.order_statuses["SO-1"] = "shipped"
    with pytest.raises(MalformedAnswerError, match="status"):
        HttpOrders(backoffice.url).order_status("SO-1")
    backoffice.answer("error")
    with pytest.raises(BackOfficeUnavailableError):
        HttpOrders(backoffice.url).order_status("SO-1")
