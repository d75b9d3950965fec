"""A person decides an escalated quote (issue 15): approve, counter or reject the whole
quote, with the rep's edits; authority judged on the order and on any line below its
floor; the buyer told; one transaction each. SQLite and PostgreSQL.

The cart: 1,000 DEMO-120 (price 120.00, floor 96.00, cost 80.00) and 500 GLOVE-50 (price
for 500: 18.00, floor 15.00, cost 12.00): 129,000.00. Asking 25% off (96,750.00) goes to
Rita, the account's owner (26% off, deals up to 100,000.00); Max, her manager, 40%.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from counteroffer.db import transaction
from counteroffer.db.models import OutboxMessage
from counteroffer.db.quotes import QuoteDeal, QuoteEscalation, QuoteEvent
from counteroffer.negotiation import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    LineAsk,
    LineEdit,
    accept_quote_offer,
    decide_quote_escalation,
    escalate_quote,
    get_quote,
    get_quote_escalation,
    list_quote_escalations,
    order_target_of,
    quote_prices,
    request_quote,
)
from counteroffer.negotiation.quotes.approvals.sla import sweep_quote_escalations
from tests.approvals import ANN, DANA, MAX, RITA, seed_approvals

CART = [LineAsk("DEMO-120", 1000), LineAsk("GLOVE-50", 500)]


@pytest.fixture
def deps(app):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        yield extension.deps


def _escalated(deps, cart=CART, pct="25"):
    quote = request_quote(deps, ANN, cart, "USD", order_target_of(None, Decimal(pct)))
    if quote.status != "escalated":  # the rules answered: the buyer asks for a person
        quote = escalate_quote(deps, ANN, quote.id)
    [escalation] = list_quote_escalations(deps, RITA)
    assert escalation.quote_id == quote.id
    return quote, escalation


def _count(deps, query) -> int:
    with transaction(deps.session_factory) as session:
        return int(session.scalar(query) or 0)


def _emails(deps):
    with transaction(deps.session_factory) as session:
        messages = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "send.email"))
        return [dict(m.payload) for m in messages]


def test_the_rep_sees_every_line_with_its_facts_and_the_buyers_ask(deps):
    _, escalation = _escalated(deps)
    view = get_quote_escalation(deps, RITA, escalation.id)
    assert (view.cart_total, view.target_total, view.discount_pct_at_target) == (
        Decimal("129000.00"), Decimal("96750.00"), Decimal("25.00"))
    demo, glove = view.lines
    assert (demo.sku, demo.list_price, demo.price_for_quantity, demo.floor, demo.cost, demo.headroom) == (
        "DEMO-120", Decimal("120.00"), Decimal("120.00"), Decimal("96.00"), Decimal("80.00"), Decimal("24.00"))
    assert (glove.price_for_quantity, glove.floor, glove.headroom, glove.order_multiple) == (
        Decimal("18.00"), Decimal("15.00"), Decimal("3.00"), 50)
    assert view.within_authority is True and view.assignee.name == "Rita Reyes"
    assert get_quote_escalation(deps, MAX, escalation.id).id == escalation.id  # her manager sees it
    with pytest.raises(Exception) as hidden:
        get_quote_escalation(deps, DANA, escalation.id)
    assert getattr(hidden.value, "status", None) == 404


def test_an_approval_with_edited_lines_makes_the_one_deal_and_tells_the_buyer(deps):
    quote, escalation = _escalated(deps)
    decided = decide_quote_escalation(
        deps, RITA, escalation.id, "approve", "Long-standing account",
        lines=[LineEdit("DEMO-120", quantity=900, unit_price=Decimal("90.00")),
               LineEdit("GLOVE-50", quantity=1000, unit_price=Decimal("16.00"))],
        terms=[{"group": "payment", "option": "net10", "label": "Pay within 10 days"}],
        buyer_message="Thanks for the order")
    assert decided.status == "decided" and decided.decision.action == "approve"
    assert decided.decision.total == Decimal("97000.00")  # 23.0% off 126,000.00, within Rita's reach
    after = get_quote(deps, ANN, quote.id)
    assert after.status == "accepted" and after.deal is not None
    assert "Rita Reyes of our sales team approved the whole order (2 lines) for $97,000.00" in after.note
    assert "Thanks for the order" in after.note and "Long-standing" not in after.note  # the rationale is internal
    priced = quote_prices(deps, after.deal.token, [("DEMO-120", 900), ("GLOVE-50", 1000)])
    assert [(p.sku, p.unit_price) for p in priced.lines] == [("DEMO-120", Decimal("90.00")),
                                                             ("GLOVE-50", Decimal("16.00"))]
    [email] = _emails(deps)
    assert email["to"] == ["ann@acme.example"] and "approved" in email["subject"]
    assert "96.00" not in email["text"] and "80.00" not in email["text"]  # no floor, no cost
    # The document the buyer's company approves it with (issue 15, item 2), under the prefix.
    assert f"The quote as a document (PDF): /negotiate/api/quotes/{quote.id}/document.pdf" in email["text"]
    assert _count(deps, select(func.count()).select_from(QuoteEvent).where(QuoteEvent.action == "approved")) == 1
    with pytest.raises(ConflictError, match="already decided by Rita Reyes"):
        decide_quote_escalation(deps, MAX, escalation.id, "reject", "no")


def test_a_counter_is_an_offer_the_buyer_accepts_at_the_reps_prices(deps):
    quote, escalation = _escalated(deps)
    decide_quote_escalation(deps, RITA, escalation.id, "counter", "Meet half-way",
                            lines=[LineEdit("DEMO-120", unit_price=Decimal("92.00"))])
    after = get_quote(deps, ANN, quote.id)
    [offer] = [o for o in after.offers if o.status == "open"]
    # GLOVE-50 keeps the buyer's ask: 25% off the order spread over the lines without a target.
    assert [(line.sku, line.unit_price) for line in offer.lines] == [("DEMO-120", Decimal("92.00")),
                                                                     ("GLOVE-50", Decimal("13.50"))]
    assert after.status == "countered" and offer.total == Decimal("98750.00")
    deal = accept_quote_offer(deps, ANN, offer.id)
    assert deal.total == Decimal("98750.00")


def test_a_rejection_declines_the_quote_and_takes_no_prices(deps):
    quote, escalation = _escalated(deps)
    with pytest.raises(InvalidRequestError) as bad:
        decide_quote_escalation(deps, RITA, escalation.id, "reject", "no",
                                lines=[LineEdit("DEMO-120", unit_price=Decimal("92.00"))])
    assert "lines" in bad.value.fields
    decide_quote_escalation(deps, RITA, escalation.id, "reject", "Below what we can do")
    after = get_quote(deps, ANN, quote.id)
    assert after.status == "declined" and "could not agree" in after.note
    assert _count(deps, select(func.count()).select_from(QuoteDeal)) == 0


def test_beyond_the_order_authority_is_403_naming_who_can_approve_and_writes_nothing(deps):
    _, escalation = _escalated(deps)
    with pytest.raises(ForbiddenError) as refused:
        decide_quote_escalation(deps, RITA, escalation.id, "approve", "big one",
                                lines=[LineEdit("DEMO-120", unit_price=Decimal("85.00"))])
    assert "Max Moreno (max@seller) can approve it" in refused.value.message
    assert "lines" in refused.value.fields
    assert get_quote_escalation(deps, RITA, escalation.id).status == "open"
    assert decide_quote_escalation(deps, MAX, escalation.id, "approve", "ok",
                                   lines=[LineEdit("DEMO-120", unit_price=Decimal("85.00"))]).status == "decided"


def test_a_line_below_its_floor_needs_the_authority_for_that_lines_own_discount(deps):
    # 500 DEMO-120 at 84.00 (30% off, below the floor of 96.00) hidden in 19.4% off the order.
    cart = [LineAsk("DEMO-120", 500), LineAsk("GLOVE-50", 2000)]
    _, escalation = _escalated(deps, cart, pct="6")
    edits = [LineEdit("DEMO-120", unit_price=Decimal("84.00")), LineEdit("GLOVE-50", unit_price=Decimal("16.50"))]
    with pytest.raises(ForbiddenError) as refused:
        decide_quote_escalation(deps, RITA, escalation.id, "counter", "try", lines=edits)
    assert list(refused.value.fields) == ["lines[0].unit_price"]
    assert "DEMO-120 at $84.00, below its floor of $96.00 (30.0% off)" in refused.value.message
    assert "Max Moreno (max@seller) can approve it" in refused.value.message


@pytest.mark.parametrize(("edit", "field"), [
    (LineEdit("NOPE-1", unit_price=Decimal("1.00")), "lines[0].sku"),
    (LineEdit("GLOVE-50", quantity=510), "lines[0].quantity"),
    (LineEdit("GLOVE-50", quantity=0), "lines[0].quantity"),
    (LineEdit("DEMO-120", unit_price=Decimal("90.001")), "lines[0].unit_price"),
    (LineEdit("DEMO-120", unit_price=Decimal("-1")), "lines[0].unit_price"),
    (LineEdit("DEMO-120", unit_price=Decimal("130.00")), "lines[0].unit_price"),
])
def test_bad_input_is_422_naming_the_line_and_field_and_writes_nothing(deps, edit, field):
    _, escalation = _escalated(deps)
    with pytest.raises(InvalidRequestError) as bad:
        decide_quote_escalation(deps, RITA, escalation.id, "counter", "why", lines=[edit])
    assert list(bad.value.fields) == [field]
    with transaction(deps.session_factory) as session:
        assert session.get(QuoteEscalation, escalation.id).status == "open"
    assert _count(deps, select(func.count()).select_from(QuoteEvent).where(
        QuoteEvent.action.in_(("approved", "rep_countered", "rejected")))) == 0


def test_an_order_below_the_order_floor_is_named_in_the_refusal(app, deps):
    # 45% over the order's cost: 1.45 x (80,000.00 + 6,000.00) = 124,700.00.
    app.extensions["counteroffer"].save_rule("order_floor", {"min_margin_pct": "45"})
    _, escalation = _escalated(deps)
    assert get_quote_escalation(deps, RITA, escalation.id).order_floor == Decimal("124700.00")
    with pytest.raises(ForbiddenError) as refused:
        decide_quote_escalation(deps, RITA, escalation.id, "approve", "deep",
                                lines=[LineEdit("DEMO-120", unit_price=Decimal("85.00"))])
    assert "(below the order floor of $124,700.00)" in refused.value.message
    # Within her limits Rita may go below it: that is why the quote came to a person.
    decided = decide_quote_escalation(deps, RITA, escalation.id, "counter", "close to the ask",
                                      lines=[LineEdit("DEMO-120", unit_price=Decimal("92.00"))])
    assert decided.decision.total == Decimal("98750.00")


def test_an_overdue_quote_moves_up_the_chain_once_and_its_new_assignee_decides(deps, clock):
    _, escalation = _escalated(deps)
    assert sweep_quote_escalations(deps) == 0  # not due yet
    clock.advance(hours=25)  # past the segment's escalate_after
    assert sweep_quote_escalations(deps) == 1 and sweep_quote_escalations(deps) == 0
    moved = get_quote_escalation(deps, MAX, escalation.id)
    assert moved.assignee.id == "max@seller" and moved.overdue
    [email] = _emails(deps)
    assert email["to"] == ["max@seller.example"] and email["subject"].startswith("Overdue quote")
    assert decide_quote_escalation(deps, MAX, escalation.id, "reject", "too deep").status == "decided"
