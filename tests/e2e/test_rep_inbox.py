"""The rep inbox pages of the back office, through the demo shop and the Flask test client.

The demo's people: Rita (rep@seller) owns Acme's and Globex's accounts and may give up
to 10% off the price for the quantity; Max (manager@seller), her manager, up to 25%. A
Globex request for 100 spools of CBL-THN-12 at $85.00 is below the $85.20 floor, 2.86%
off the $87.50 break price: it escalates to Rita, within her authority.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from counteroffer.demo import create_app
from tests.e2e.test_demo_shop import close, login, shop_config

INBOX = "/negotiate/admin/escalations"
WIRE = {"sku": "CBL-THN-12", "quantity": 100, "target_unit_price": "85.00", "currency": "USD"}


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path))
    yield app
    close(app)


def ask(client: FlaskClient, buyer: str, body: dict = WIRE) -> str:
    login(client, buyer)
    created = client.post("/negotiate/api/requests", json=body)
    assert created.status_code == 201 and created.get_json()["status"] == "escalated", created.get_json()
    return created.get_json()["id"]


def escalation_ids(page: str) -> list[str]:
    return re.findall(rf'<h2 id="coa-\w+-title"><a href="{INBOX}/(\w+)">', page)


def open_as(client: FlaskClient, user: str) -> tuple[str, str]:
    """Log ``user`` in and open the only open escalation: (its id, the detail page)."""
    login(client, user)
    [escalation_id] = escalation_ids(client.get(INBOX).get_data(as_text=True))
    return escalation_id, client.get(f"{INBOX}/{escalation_id}").get_data(as_text=True)


def token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def decide(client: FlaskClient, escalation_id: str, page: str, **form: str):  # noqa: ANN201
    return client.post(f"{INBOX}/{escalation_id}", data={"csrf_token": token(page), **form})


def text(response) -> str:  # noqa: ANN001
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    plain = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(plain))


def field_error(response, name: str) -> str:  # noqa: ANN001
    found = re.search(rf'<p class="coa-error" id="coa-{name}-error">([^<]*)</p>', response.get_data(as_text=True))
    return html.unescape(found.group(1)) if found else ""


def request_status(client: FlaskClient, buyer: str, negotiation_id: str) -> dict:
    login(client, buyer)
    return client.get(f"/negotiate/api/requests/{negotiation_id}").get_json()


# -- who gets in ------------------------------------------------------------------------------

def test_anonymous_visitors_go_to_the_hosts_login_and_come_back(shop: Flask) -> None:
    response = shop.test_client().get(f"{INBOX}?status=all")
    assert response.status_code == 302
    assert response.location == "/demo/login?next=%2Fnegotiate%2Fadmin%2Fescalations%3Fstatus%3Dall"


def test_without_a_login_url_anonymous_visitors_get_a_401_page(tmp_path: Path) -> None:
    app = create_app({**shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path),
                      "COUNTEROFFER_LOGIN_URL": None})
    response = app.test_client().get(INBOX)
    assert response.status_code == 401
    assert "Log in to the shop with a sales rep or manager account" in text(response)
    close(app)


def test_buyers_get_a_403_page_and_no_figures(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    for path in (INBOX, f"{INBOX}?status=all", f"{INBOX}/anything"):
        response = client.get(path)
        assert response.status_code == 403
        assert "for the shop's sales reps and managers." in text(response)
        assert "$85.20" not in text(response) and "$71.00" not in text(response)
    assert client.post(f"{INBOX}/anything", data={"action": "approve"}).status_code == 403


def test_pages_carry_a_content_security_policy_and_are_never_cached(shop: Flask) -> None:
    client = shop.test_client()
    login(client, "rep@seller")
    for response in (client.get(INBOX), client.get(f"{INBOX}/nope"), shop.test_client().get(INBOX)):
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    page = client.get(INBOX).get_data(as_text=True)
    assert "<script" not in page and "style=" not in page  # nothing the policy would block
    assert client.get("/negotiate/admin/static/counteroffer_admin/admin.css").status_code == 200


def test_the_demo_header_links_staff_to_the_inbox(shop: Flask) -> None:
    client = shop.test_client()
    for user, linked in (("rep@seller", True), ("manager@seller", True), ("buyer@acme", False)):
        login(client, user)
        assert (f'href="{INBOX}"' in client.get("/").get_data(as_text=True)) is linked


# -- the inbox --------------------------------------------------------------------------------

def test_the_inbox_shows_what_a_rep_needs_to_decide(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    login(client, "rep@seller")
    page = text(client.get(INBOX))
    assert "1 escalation, the most urgent first." in page
    assert "Globex: 100 × CBL-THN-12 at $85.00" in page
    for fact in ("Buyer Gus Grant · buyer@globex", "Company Globex · retail segment",
                 "Asks 100 units at $85.00 · 2.9% off", "List price $96.00 · $87.50 at this quantity",
                 "Floor $85.20", "Cost $71.00", "Margin at target $14.00 · 19.7% over cost",
                 "Last price paid no earlier order", "Assigned to Rita Reyes",
                 "target is below the floor, near enough for a person to decide"):
        assert fact in page, fact
    assert re.search(r"due in 2[34] h", page)
    assert re.search(r"Rounds so far .* 1 100 \$85.00 sent to a person", page)
    assert "Engine's suggestion" in page


def test_open_escalations_come_most_urgent_first_and_filters_switch(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    ask(client, "buyer@acme", {**WIRE, "target_unit_price": "83.00"})
    login(client, "rep@seller")
    page = client.get(INBOX).get_data(as_text=True)
    assert len(escalation_ids(page)) == 2
    assert page.index("Globex: 100") < page.index("Acme Corp: 100")  # asked first, due first
    assert escalation_ids(client.get(f"{INBOX}?status=decided").get_data(as_text=True)) == []
    assert 'aria-current="page">Decided' in client.get(f"{INBOX}?status=decided").get_data(as_text=True)
    assert client.get(f"{INBOX}?status=urgent").status_code == 400


def test_the_detail_page_has_the_form_and_the_audit_trail(shop: Flask) -> None:
    client = shop.test_client()
    negotiation_id = ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    assert '<form method="post"' in page and 'name="csrf_token"' in page
    for label in ('<label for="coa-action">Approve the target: 100 units at $85.00 each</label>',
                  '<label for="coa-action-counter">Counter-offer</label>',
                  '<label for="coa-action-reject">Reject the request</label>',
                  '<label for="coa-unit_price">Unit price (USD)</label>',
                  '<label for="coa-rationale">Rationale'):
        assert label in page, label
    audit = f"/negotiate/api/negotiations/{negotiation_id}/audit.csv"
    assert f'href="{audit}"' in page
    csv = client.get(audit)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert client.get(f"{INBOX}/no-such-id").status_code == 404


# -- deciding ---------------------------------------------------------------------------------

def test_a_rep_approves_and_the_buyer_has_a_deal(shop: Flask) -> None:
    client = shop.test_client()
    negotiation_id = ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    response = decide(client, escalation_id, page, action="approve", rationale="Globex reorders monthly.")
    assert response.status_code == 302 and response.location == INBOX
    assert "Approved: Globex, 100 x CBL-THN-12." in text(client.get(INBOX))
    decided = text(client.get(f"{INBOX}/{escalation_id}"))
    assert "Decision Action approve" in decided and "Globex reorders monthly." in decided
    assert "By Rita Reyes" in decided and "Your decision" not in decided
    negotiation = request_status(client, "buyer@globex", negotiation_id)
    assert negotiation["status"] == "accepted"
    assert (negotiation["deal"]["quantity"], negotiation["deal"]["unit_price"]) == (100, "85.00")


def test_the_success_message_names_what_was_decided(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    decide(client, escalation_id, page, action="reject", rationale="Copper is up this week.")
    page = text(client.get(INBOX))
    assert "Rejected: Globex, 100 x CBL-THN-12. The buyer sees it in the widget now." in page
    assert "Nothing is waiting for you" in page


def test_a_decision_without_a_rationale_is_refused_next_to_the_field(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    response = decide(client, escalation_id, page, action="approve", rationale="  ")
    assert response.status_code == 422
    assert field_error(response, "rationale") == "Say why: the rationale goes into the audit trail."
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert 'value="approve" id="coa-action" checked' in response.get_data(as_text=True)  # kept
    assert escalation_ids(client.get(INBOX).get_data(as_text=True)) == [escalation_id]  # still open


def test_a_bad_counter_price_is_named_on_its_field(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    response = decide(client, escalation_id, page, action="counter", unit_price="86.555",
                      quantity="100", rationale="r")
    assert response.status_code == 422
    assert field_error(response, "unit_price") == "USD prices have at most 2 decimal places."
    assert 'value="86.555"' in response.get_data(as_text=True)  # what the rep typed stays


def test_a_counter_beyond_the_reps_authority_names_who_can_approve(shop: Flask) -> None:
    client = shop.test_client()
    negotiation_id = ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    response = decide(client, escalation_id, page, action="counter", unit_price="70.00",
                      quantity="100", rationale="Clear the stock.")
    assert response.status_code == 403
    alert = text(response)
    assert "Beyond your authority" in alert and "Max Moreno" in alert
    assert request_status(client, "buyer@globex", negotiation_id)["status"] == "escalated"


def test_a_counter_within_authority_reaches_the_buyer(shop: Flask) -> None:
    client = shop.test_client()
    negotiation_id = ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    response = decide(client, escalation_id, page, action="counter", unit_price="$86.00",
                      quantity="200", rationale="Meet halfway on a bigger order.")
    assert response.status_code == 302
    offers = request_status(client, "buyer@globex", negotiation_id)["offers"]
    assert [(o["quantity"], o["unit_price"]) for o in offers if o["status"] == "open"] == [(200, "86.00")]


def test_a_second_decision_is_a_409_saying_who_decided(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    assert decide(client, escalation_id, page, action="approve", rationale="ok").status_code == 302
    again = decide(client, escalation_id, page, action="reject", rationale="changed my mind")
    assert again.status_code == 409
    assert "This escalation has changed" in text(again) and "already decided by Rita Reyes" in text(again)


def test_a_request_the_buyer_changed_is_void_for_the_rep(shop: Flask) -> None:
    client, buyer = shop.test_client(), shop.test_client()
    negotiation_id = ask(buyer, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    # While the rep reads the form, the buyer asks again with a new target.
    again = buyer.post(f"/negotiate/api/requests/{negotiation_id}/counter",
                       json={"target_unit_price": "86.00"})
    assert again.status_code == 200
    response = decide(client, escalation_id, page, action="approve", rationale="ok")
    assert response.status_code == 409
    assert "void: the buyer changed the request" in text(response)
    assert escalation_ids(client.get(f"{INBOX}?status=void").get_data(as_text=True)) == [escalation_id]


def test_a_form_without_the_sessions_token_changes_nothing(shop: Flask) -> None:
    client = shop.test_client()
    ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    for form in ({"action": "approve", "rationale": "forged"},
                 {"action": "approve", "rationale": "forged", "csrf_token": token(page)[:-2] + "xx"}):
        response = client.post(f"{INBOX}/{escalation_id}", data=form)
        assert response.status_code == 400
        assert "Nothing was changed" in text(response)
    other = shop.test_client()  # another session's token is not this one's
    login(other, "rep@seller")
    assert decide(other, escalation_id, page, action="approve", rationale="x").status_code == 400
    assert escalation_ids(client.get(INBOX).get_data(as_text=True)) == [escalation_id]
