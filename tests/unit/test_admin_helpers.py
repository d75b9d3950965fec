"""The back office's own small parts: the decision form, CSRF tokens, how figures print,
and where an anonymous visitor is sent to log in."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from flask import Flask

from counteroffer.admin import display
from counteroffer.admin.approvals.decision_form import read_decision
from counteroffer.admin.csrf import csrf_token, is_valid_csrf
from counteroffer.admin.security import login_redirect_target

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


# -- the decision form ---------------------------------------------------------------


def test_an_approval_needs_only_a_choice_and_a_rationale():
    data, errors = read_decision({"action": "approve", "rationale": "  Key account  ",
                                  "unit_price": "not a price", "quantity": "3000"}, "USD")
    # The prefilled counter fields are not read for an approval, so garbage there is harmless.
    assert (data, errors) == ({"action": "approve", "rationale": "Key account"}, {})


def test_a_counter_reads_price_and_quantity_as_the_rep_typed_them():
    data, errors = read_decision({"action": "counter", "rationale": "volume", "unit_price": " $97.50 ",
                                  "quantity": "1,500", "csrf_token": "ignored"}, "USD")
    assert errors == {}
    assert data == {"action": "counter", "rationale": "volume", "unit_price": Decimal("97.50"),
                    "quantity": 1500}


def test_a_counter_may_leave_the_quantity_to_the_request():
    data, _ = read_decision({"action": "counter", "rationale": "r", "unit_price": "97"}, "USD")
    assert "quantity" not in data


@pytest.mark.parametrize("form, errors", [
    ({}, {"action": "Choose approve, counter or reject.",
          "rationale": "Say why: the rationale goes into the audit trail."}),
    ({"action": "approve", "rationale": "   "}, {"rationale": "Say why: the rationale goes into the audit trail."}),
    ({"action": "discount", "rationale": "r"}, {"action": "Choose approve, counter or reject."}),
    ({"action": "reject", "rationale": "x" * 2001}, {"rationale": "Keep the rationale under 2,000 characters."}),
    ({"action": "counter", "rationale": "r"}, {"unit_price": "Enter the unit price to offer."}),
    ({"action": "counter", "rationale": "r", "unit_price": "ninety"}, {"unit_price": "Enter a price such as 95.50."}),
    ({"action": "counter", "rationale": "r", "unit_price": "0"}, {"unit_price": "Enter a price above zero."}),
    ({"action": "counter", "rationale": "r", "unit_price": "97.505"},
     {"unit_price": "USD prices have at most 2 decimal places."}),
    ({"action": "counter", "rationale": "r", "unit_price": "97", "quantity": "2.5"},
     {"quantity": "Enter a whole number of units."}),
    ({"action": "counter", "rationale": "r", "unit_price": "97", "quantity": "0"},
     {"quantity": "Enter a quantity of at least 1."}),
])
def test_each_mistake_is_named_on_its_field(form, errors):
    assert read_decision(form, "USD") == ({}, errors)


def test_yen_prices_take_no_decimals():
    _, errors = read_decision({"action": "counter", "rationale": "r", "unit_price": "900.5"}, "JPY")
    assert errors == {"unit_price": "JPY prices have at most 0 decimal places."}


# -- CSRF ----------------------------------------------------------------------------


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.secret_key = "test"
    return app


def test_the_token_is_stable_within_a_session_and_checked_exactly(app):
    with app.test_request_context():
        token = csrf_token()
        assert csrf_token() == token and len(token) >= 40
        assert is_valid_csrf(token)
        assert not is_valid_csrf(token[:-1])
        assert not is_valid_csrf("")
        assert not is_valid_csrf(None)


def test_a_session_without_a_token_accepts_no_token(app):
    with app.test_request_context():
        assert not is_valid_csrf("anything")
    with app.test_request_context():
        other = csrf_token()
    with app.test_request_context():  # a new session: the old token means nothing here
        assert not is_valid_csrf(other)


# -- figures and times ---------------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (Decimal("96"), "$96.00"), ("1234.5", "$1,234.50"), (None, "–"), ("", "–"), ("n/a", "–"),
])
def test_money_prints_decimals_and_strings_alike(value, text):
    assert display.money(value, "USD") == text


@pytest.mark.parametrize("value, text", [
    (Decimal("11.1111"), "11.1%"), ("20", "20%"), (Decimal("-4.25"), "-4.2%"), (None, "–"),
])
def test_percent_keeps_one_decimal(value, text):
    assert display.percent(value) == text


@pytest.mark.parametrize("delta, text", [
    (timedelta(hours=3, minutes=10), "due in 3 h 10 min"),
    (timedelta(minutes=45), "due in 45 min"),
    (timedelta(days=2), "due in 2 d"),
    (-timedelta(days=1, hours=4), "overdue by 1 d 4 h"),
    (timedelta(0), "overdue by 0 min"),
])
def test_due_says_how_urgent(delta, text):
    assert display.due(NOW + delta, NOW) == text


def test_times_print_in_utc_from_datetimes_or_iso_strings():
    assert display.when(datetime(2026, 11, 2, 10, 5, tzinfo=timezone(timedelta(hours=1)))) == "02 Nov 2026, 09:05 UTC"
    assert display.when("2026-11-02T09:05:00+00:00") == "02 Nov 2026, 09:05 UTC"
    assert display.due(None, NOW) == "no due time"


# -- login redirect ------------------------------------------------------------------


@pytest.mark.parametrize("login_url, target", [
    ("/login", "/login?next=%2Fnegotiate%2Fadmin%2Fescalations%3Fstatus%3Dall"),
    ("/login?lang=en&next=/evil", "/login?lang=en&next=%2Fnegotiate%2Fadmin%2Fescalations%3Fstatus%3Dall"),
    ("https://sso.example.com/in", "https://sso.example.com/in?next=%2Fnegotiate%2Fadmin%2Fescalations%3Fstatus%3Dall"),
])
def test_the_login_link_brings_the_visitor_back(app, login_url, target):
    with app.test_request_context("/negotiate/admin/escalations?status=all"):
        assert login_redirect_target(login_url) == target
