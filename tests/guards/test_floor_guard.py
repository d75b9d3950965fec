"""The guard price through the buyer API: the attacks that read DEMO-120's floor ($96.00)
and cost ($80.00) to the cent now learn the guard price, a secret margin of 1% to 5% of
list above the floor, drawn per company and SKU. SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from counteroffer import Actor
from counteroffer.negotiation import get_escalation, list_escalations
from counteroffer.rules.guard import guard_price
from tests.approvals import MAX, serve_with_approvals
from tests.conftest import BUYER_ACME, BUYER_GLOBEX, ApiClient, make_app

LIST, FLOOR, COST = Decimal("120.00"), Decimal("96.00"), Decimal("80.00")
ONE_PCT_OF_LIST = Decimal("1.20")
CENT = Decimal("0.01")


@pytest.fixture
def guarded(db_url, clock, tmp_path):
    app = make_app(db_url, clock, tmp_path, COUNTEROFFER_PRICING_SECRET="guard-test-secret",
                   COUNTEROFFER_FLOOR_GUARD_PCT="1,5")
    yield from serve_with_approvals(app)


def draws_of(app, company: str):
    with app.app_context():
        return app.extensions["counteroffer"].deps.guards.guard_draws(company, "DEMO-120")


def guard_of(app, company: str) -> Decimal:
    draws = draws_of(app, company)
    return guard_price(FLOOR, LIST, (Decimal(1), Decimal(5)), draws.floor, "USD")


def asker(app, buyer: Actor, quantity: int = 1000) -> Callable[[Decimal], dict]:
    api = ApiClient(app)

    def ask(target: Decimal) -> dict:
        response = api.as_(buyer).post("/requests", {"sku": "DEMO-120", "quantity": quantity,
                                          "target_unit_price": str(target), "currency": "USD"})
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return ask


def bisect(ask: Callable[[Decimal], dict], low: Decimal, high: Decimal, steps: int,
           above: Callable[[dict], bool]) -> tuple[Decimal, Decimal]:
    for _ in range(steps):
        middle = ((low + high) / 2).quantize(CENT)
        if middle in (low, high):
            break
        if above(ask(middle)):
            high = middle
        else:
            low = middle
    return low, high


def test_bisecting_on_the_status_finds_the_guard_price_not_the_floor(guarded):
    # The attack, countered against escalated at 1,000 units, run to the cent.
    _, lowest_countered = bisect(asker(guarded, BUYER_ACME), Decimal("86.00"), Decimal("120.00"), 14,
                                 lambda answer: answer["status"] == "countered")
    assert lowest_countered == guard_of(guarded, "acme")
    assert FLOOR + ONE_PCT_OF_LIST <= lowest_countered <= FLOOR + 5 * ONE_PCT_OF_LIST


def test_solving_a_margin_neutral_quantity_gives_a_guarded_cost_not_the_cost(guarded):
    target = guard_of(guarded, "acme") + 2
    [offer] = asker(guarded, BUYER_ACME)(target)["offers"]
    assert (offer["kind"], Decimal(offer["unit_price"])) == ("volume", target)
    total = offer["quantity"]
    solved = (target * total - LIST * 1000) / (total - 1000)  # the issue's $80.01, unguarded
    assert solved - COST >= ONE_PCT_OF_LIST


def test_bisecting_on_declined_finds_a_line_below_the_guard_price_not_the_floor(guarded):
    last_declined, _ = bisect(asker(guarded, BUYER_GLOBEX), Decimal("0.00"), Decimal("96.00"), 14,
                              lambda answer: answer["status"] != "declined")
    # The documented reach is 10%: the attacker divides by 0.9 and gets the guard price.
    estimate = last_declined / Decimal("0.9")
    assert abs(estimate - guard_of(guarded, "globex")) <= CENT * 2
    assert estimate - FLOOR >= ONE_PCT_OF_LIST - CENT


def test_the_guard_is_the_same_on_every_request_and_differs_between_companies(guarded):
    acme, globex = guard_of(guarded, "acme"), guard_of(guarded, "globex")
    assert acme != globex
    ask_acme, ask_globex = asker(guarded, BUYER_ACME), asker(guarded, BUYER_GLOBEX)
    for _ in range(3):  # new negotiations each time: nothing new is learnt by asking again
        assert ask_acme(acme)["status"] == "countered"
        assert ask_acme(acme - CENT)["status"] == "escalated"
    assert ask_globex(globex)["status"] == "countered"
    assert ask_globex(globex - CENT)["status"] == "escalated"


def test_between_the_floor_and_the_guard_the_buyer_sees_what_below_the_floor_shows(guarded):
    ask = asker(guarded, BUYER_ACME)
    in_band, below = ask(guard_of(guarded, "acme") - CENT), ask(FLOOR - CENT)
    shown = ("status", "offers", "note", "round", "deal")
    assert {key: in_band[key] for key in shown} == {key: below[key] for key in shown}
    assert in_band["status"] == "escalated" and in_band["offers"] == []
    assert set(in_band) == set(below)


def test_reps_still_see_the_true_floor_and_why_it_came_to_them(guarded):
    in_band = asker(guarded, BUYER_ACME)(guard_of(guarded, "acme") - CENT)
    with guarded.app_context():
        deps = guarded.extensions["counteroffer"].deps
        [escalation] = [e for e in list_escalations(deps, MAX) if e.negotiation_id == in_band["id"]]
        view = get_escalation(deps, MAX, escalation.id)
    assert view.floor == FLOOR and view.cost == COST
    assert "below the guard price" in view.reason


def test_the_seed_sentence_still_gets_its_volume_offer(guarded):
    [offer] = asker(guarded, BUYER_ACME)(Decimal("110.00"))["offers"]
    assert (offer["kind"], offer["quantity"], offer["unit_price"]) == ("volume", 3000, "110.00")


def test_without_a_configured_secret_processes_sharing_an_instance_folder_draw_alike(db_url, clock, tmp_path):
    first = make_app(db_url, clock, tmp_path / "one", COUNTEROFFER_FLOOR_GUARD_PCT="1,5")
    second = make_app(db_url, clock, tmp_path / "one", COUNTEROFFER_FLOOR_GUARD_PCT="1,5")
    other = make_app(db_url, clock, tmp_path / "two", COUNTEROFFER_FLOOR_GUARD_PCT="1,5")
    draws = [draws_of(app, "acme") for app in (first, second, other)]
    assert draws[0] == draws[1] != draws[2]
    secret = tmp_path / "one" / "instance" / "counteroffer-pricing-secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    for app in (first, second, other):
        with app.app_context():
            app.extensions["counteroffer"].close()


@pytest.mark.parametrize("band", ["5,1", "-1,2", "1", "one,two", "1,60"])
def test_a_band_that_makes_no_sense_stops_the_app_at_start(db_url, clock, tmp_path, band):
    with pytest.raises(ValueError, match="COUNTEROFFER_FLOOR_GUARD_PCT"):
        make_app(db_url, clock, tmp_path, COUNTEROFFER_FLOOR_GUARD_PCT=band)
