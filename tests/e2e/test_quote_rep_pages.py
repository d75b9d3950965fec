"""Escalated quotes in the back office's approvals inbox (issue 15 item 1), on the demo
shop: the inbox lists the quote beside price requests, its page shows every line's facts
and a form per line; a bad price is refused beside its input, nothing written; Rita's
approval gives the buyer a deal they check out with at the decided prices."""
from __future__ import annotations

from decimal import Decimal

from flask import Flask
from flask.testing import FlaskClient

from tests.e2e.test_demo_quote_checkout import CART, _link
from tests.e2e.test_demo_shop import checkout, login, order, shop
from tests.e2e.test_rep_inbox import text, token

__all__ = ["shop"]  # the fixture
QUOTES = "/negotiate/admin/quote-escalations"


def escalated_quote(client: FlaskClient) -> str:
    """The buyer's 3-line cart, 6% off asked, then a person asked for: the quote's id."""
    login(client, "buyer@acme")
    for sku, quantity in CART:
        client.post("/demo/cart/add", data={"sku": sku, "quantity": str(quantity)})
    asked = client.post("/negotiate/api/quotes", json={
        "currency": "USD", "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in CART],
        "order_target": {"discount_pct": "6"}}).get_json()
    escalated = client.post(f"/negotiate/api/quotes/{asked['id']}/escalate")
    assert escalated.status_code == 200, escalated.get_json()
    return asked["id"]


def test_a_rep_decides_a_quote_in_the_back_office_and_the_buyer_checks_out(shop: Flask) -> None:
    buyer, rep = shop.test_client(), shop.test_client()
    quote_id = escalated_quote(buyer)
    login(rep, "rep@seller")
    inbox = rep.get("/negotiate/admin/escalations").get_data(as_text=True)
    assert "Quotes for whole carts" in inbox and "a quote of 3 lines" in inbox
    escalation_id = inbox.split(f"{QUOTES}/")[1].split('"')[0]
    page = rep.get(f"{QUOTES}/{escalation_id}").get_data(as_text=True)
    for heading in ("Price for qty", "Floor", "Cost", "Margin", "Headroom", "Last paid"):
        assert f">{heading}</th>" in page
    form = {"csrf_token": token(page), "action": "approve", "rationale": "Good account",
            "lines[0].unit_price": "110.001", "lines[1].unit_price": "", "lines[2].unit_price": ""}
    bad = rep.post(f"{QUOTES}/{escalation_id}", data=form)
    assert bad.status_code == 422 and "USD prices have at most 2 decimal places." in text(bad)
    assert buyer.get(f"/negotiate/api/quotes/{quote_id}").get_json()["status"] == "escalated"
    form.update({"lines[0].unit_price": "112.00", "buyer_message": "Thank you"})
    decided = rep.post(f"{QUOTES}/{escalation_id}", data=form, follow_redirects=True)
    assert decided.status_code == 200 and "Approved: Acme" in text(decided)
    after = text(rep.get(f"{QUOTES}/{escalation_id}"))
    assert "Action approve" in after and "DEMO-120 1,000 at $112.00" in after and "Offer unit price" not in after
    quote = buyer.get(f"/negotiate/api/quotes/{quote_id}").get_json()
    assert quote["status"] == "accepted" and "Thank you" in quote["note"]
    deal = quote["deal"]
    assert {line["sku"]: line["unit_price"] for line in deal["lines"]}["DEMO-120"] == "112.00"
    buyer.get(_link(deal), follow_redirects=True)
    ref, messages = checkout(buyer)
    assert ref is not None, messages
    placed = order(shop, ref)
    assert {line.sku: line.unit_price for line in placed.lines} == {
        line["sku"]: Decimal(line["unit_price"]) for line in deal["lines"]}
    assert placed.total == Decimal(deal["total"])


def test_a_forged_field_or_a_price_beyond_the_reps_authority_changes_nothing(shop: Flask) -> None:
    buyer, rep = shop.test_client(), shop.test_client()
    quote_id = escalated_quote(buyer)
    login(rep, "rep@seller")
    inbox = rep.get("/negotiate/admin/escalations").get_data(as_text=True)
    escalation_id = inbox.split(f"{QUOTES}/")[1].split('"')[0]
    page = rep.get(f"{QUOTES}/{escalation_id}").get_data(as_text=True)
    form = {"csrf_token": token(page), "action": "approve", "rationale": "why not"}
    forged = rep.post(f"{QUOTES}/{escalation_id}", data={**form, "floor": "1.00"})
    assert forged.status_code == 422 and "This form has no field floor" in text(forged)
    beyond = rep.post(f"{QUOTES}/{escalation_id}", data={**form, "lines[0].unit_price": "100.00"})
    assert beyond.status_code == 403 and "Beyond your authority" in text(beyond)
    assert "can approve it" in text(beyond)
    assert buyer.get(f"/negotiate/api/quotes/{quote_id}").get_json()["status"] == "escalated"
