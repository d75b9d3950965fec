"""Money, end to end: exact Decimal line totals, floors held against the rounded amount
actually charged, currencies with 0 (JPY) and 3 (KWD) decimals through the API, and bad
amounts refused as 4xx on every route that takes one. (Request-creation refusals of NaN,
infinity, negative, zero and surplus decimals in USD are in tests/e2e/test_api.py.)"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from counteroffer import CatalogItem
from counteroffer.demo.shop.orders import Order, OrderLine, create_tables, get_order, save_order
from counteroffer.rules import OfferKind, Policy, PriceRequest, decide, minor_unit
from tests.unit.test_rules_properties import NOW, _floor_of, cases

JITTERY = Policy(concession_jitter_pct=Decimal("5"))


@settings(max_examples=300, deadline=None)
@given(cases(), st.decimals(min_value=0, max_value=Decimal("0.999999"), places=6))
def test_with_any_jitter_no_offer_is_below_the_floor_and_each_fits_the_currency(case, jitter):
    request, context, rules = case
    quantum = Decimal(1).scaleb(-minor_unit(context.currency))
    for round_ in (1, 2, 3):
        step = PriceRequest(request.sku, request.quantity, request.target_unit_price,
                            request.currency, round_, jitter=jitter)
        for offer in decide(step, context, rules, NOW, JITTERY).offers:
            assert offer.unit_price >= _floor_of(offer.sku, context, rules)
            assert offer.unit_price == offer.unit_price.quantize(quantum)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_floors_hold_against_the_rounded_amount_charged_not_an_unrounded_one(case):
    """The floor is worked out from a 4-place cost and a percentage, so it rarely fits the
    currency. What the buyer is charged is the rounded unit price times the quantity:
    that, not some intermediate figure, must clear the exact floor."""
    request, context, rules = case
    decision = decide(request, context, rules, NOW)
    for offer in decision.offers:
        if offer.sku != "SKU":
            continue
        exact_floors = [context.cost * (1 + f.min_margin_pct / 100) for f in rules.floors
                        if f.sku is None and f.min_margin_pct is not None]
        exact_floors += [f.min_unit_price for f in rules.floors
                         if f.sku is None and f.min_unit_price is not None]
        charged = offer.unit_price * offer.quantity
        for floor in exact_floors:
            assert charged >= floor * offer.quantity


def _line(currency: str) -> st.SearchStrategy[OrderLine]:
    places = minor_unit(currency)
    price = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("99999"), places=places,
                        allow_nan=False, allow_infinity=False).filter(lambda d: d > 0)
    return st.builds(OrderLine, sku=st.just("SKU"), name=st.just("Thing"),
                     quantity=st.integers(1, 1_000_000), unit_price=price)


@pytest.fixture(scope="module")
def orders_engine(tmp_path_factory):
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('orders')}/shop.sqlite3")
    create_tables(engine)
    yield engine
    engine.dispose()


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["USD", "JPY", "KWD"]).flatmap(
    lambda currency: st.tuples(st.just(currency), st.lists(_line(currency), min_size=1, max_size=8))))
def test_line_totals_add_up_to_the_order_total_exactly_and_survive_storage(orders_engine, drawn):
    currency, lines = drawn
    order = Order(ref=uuid.uuid4().hex[:12], company_id="acme", buyer_id="ann", currency=currency,
                  lines=tuple(lines), created_at=datetime(2026, 11, 2, tzinfo=UTC))
    assert order.total == sum(line.unit_price * line.quantity for line in lines)
    assert all(line.line_total == line.unit_price * line.quantity for line in lines)
    save_order(orders_engine, order)
    stored = get_order(orders_engine, order.ref)
    assert stored is not None and stored.total == order.total
    assert [line.line_total for line in stored.lines] == [line.line_total for line in lines]


# -- 0 and 3 decimals through the API ----------------------------------------------------

YEN = CatalogItem(sku="YEN-1", name="Washer", currency="JPY", list_price=Decimal("12000"),
                  cost=Decimal("8000"))
DINAR = CatalogItem(sku="KWD-1", name="Valve", currency="KWD", list_price=Decimal("37.000"),
                    cost=Decimal("25.125"))


@pytest.fixture
def world_currencies(app):
    with app.app_context():
        extension = app.extensions["counteroffer"]
        extension.save_products([YEN, DINAR])
        extension.save_rule("floor", {"min_margin_pct": "20"}, sku="YEN-1")  # 9,600
        extension.save_rule("floor", {"min_margin_pct": "20"}, sku="KWD-1")  # 30.150
        extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 100, "unit_price": "11000"}]},
                            sku="YEN-1")
        extension.save_rule("price_breaks", {"breaks": [{"min_quantity": 100, "unit_price": "35.125"}]},
                            sku="KWD-1")
    return app


@pytest.mark.parametrize("sku, currency, target, offered", [
    ("YEN-1", "JPY", "11000", "11000"), ("KWD-1", "KWD", "35.125", "35.125")])
def test_zero_and_three_decimal_currencies_work_from_request_to_redemption(
        world_currencies, api, sku, currency, target, offered):
    created = api.post("/requests", {"sku": sku, "quantity": 40, "target_unit_price": target,
                                     "currency": currency})
    assert created.status_code == 201, created.get_json()
    [offer] = [o for o in created.get_json()["offers"] if o["kind"] == OfferKind.VOLUME.value]
    assert (offer["unit_price"], offer["quantity"], offer["currency"]) == (offered, 100, currency)
    deal = api.post(f"/offers/{offer['id']}/accept").get_json()
    assert (deal["unit_price"], deal["currency"]) == (offered, currency)
    redeemed = api.post(f"/deals/{deal['token']}/redeem", {"sku": sku, "quantity": 100})
    assert redeemed.status_code == 200 and redeemed.get_json()["unit_price"] == offered


@pytest.mark.parametrize("sku, currency, bad", [
    ("YEN-1", "JPY", "11000.5"), ("KWD-1", "KWD", "35.1255"), ("KWD-1", "JPY", "35"),
    ("YEN-1", "USD", "110.00")])
def test_surplus_decimals_and_the_wrong_currency_are_422_in_any_currency(world_currencies, api, sku,
                                                                           currency, bad):
    answer = api.post("/requests", {"sku": sku, "quantity": 40, "target_unit_price": bad,
                                    "currency": currency})
    assert answer.status_code == 422 and answer.get_json()["error"]["message"]
    assert set(answer.get_json()["error"]["fields"]) <= {"target_unit_price", "currency"}


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-Infinity", "-1", "0", "0.00", "11000.5", "1e-3"])
def test_a_counter_with_a_bad_amount_is_422_and_changes_nothing(world_currencies, api, price):
    created = api.post("/requests", {"sku": "YEN-1", "quantity": 40, "target_unit_price": "9000",
                                     "currency": "JPY"}).get_json()
    answer = api.post(f"/requests/{created['id']}/counter", {"target_unit_price": price})
    assert answer.status_code == 422, answer.get_json()
    assert "target_unit_price" in answer.get_json()["error"]["fields"]
    assert api.get(f"/requests/{created['id']}").get_json()["round"] == 1


@pytest.mark.parametrize("body", [{"quantity": 0}, {"quantity": -100}, {"quantity": 1.5},
                                  {"quantity": "100"}, {"sku": ""}])
def test_a_redemption_with_a_bad_line_is_422_and_leaves_the_deal_usable(world_currencies, api, body):
    created = api.post("/requests", {"sku": "YEN-1", "quantity": 40, "target_unit_price": "11000",
                                     "currency": "JPY"}).get_json()
    offer = [o for o in created["offers"] if o["kind"] == "volume"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    assert api.post(f"/deals/{token}/redeem", body).status_code == 422
    assert api.post(f"/deals/{token}/redeem", {"quantity": 100}).status_code == 200


def test_checkout_with_another_quantity_than_the_deal_is_refused_and_nothing_used(world_currencies, api, app):
    created = api.post("/requests", {"sku": "YEN-1", "quantity": 40, "target_unit_price": "11000",
                                     "currency": "JPY"}).get_json()
    offer = [o for o in created["offers"] if o["kind"] == "volume"][0]
    token = api.post(f"/offers/{offer['id']}/accept").get_json()["token"]
    for quantity in (40, 99, 101, 1000):  # splitting below the break, or topping up at its price
        refused = api.post(f"/deals/{token}/redeem", {"sku": "YEN-1", "quantity": quantity})
        assert refused.status_code == 409 and "100 units of YEN-1" in refused.get_json()["error"]["message"]
    with app.app_context(), pytest.raises(Exception, match="100 units"):
        app.extensions["counteroffer"].deal_price(token, sku="YEN-1", quantity=99)
    assert api.post(f"/deals/{token}/redeem", {"sku": "YEN-1", "quantity": 100}).status_code == 200


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-1", "0", "100.001", "1e-3"])
def test_a_reps_counter_with_a_bad_amount_is_422_and_decides_nothing(app, api, price):
    from tests.approvals import RITA, seed_approvals

    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
    api.post("/requests", {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "90.00",
                           "currency": "USD"})
    [escalation] = api.as_(RITA).get("/escalations").get_json()["escalations"]
    answer = api.post(f"/escalations/{escalation['id']}/decision",
                      {"action": "counter", "rationale": "r", "unit_price": price})
    assert answer.status_code == 422 and "unit_price" in answer.get_json()["error"]["fields"]
    assert api.get(f"/escalations/{escalation['id']}").get_json()["status"] == "open"
