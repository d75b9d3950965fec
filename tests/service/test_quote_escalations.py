"""A quote a person must answer (issue 14): routed as a line's escalation is, and the
worker's part of its message tells the assignee, on SQLite and PostgreSQL."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import OutboxMessage
from counteroffer.db.quotes import QuoteEscalation
from counteroffer.negotiation import LineAsk, escalate_quote, order_target_of, request_quote
from counteroffer.negotiation.quotes.approvals.notices import tell_quote_assigned
from tests.approvals import ANN, seed_approvals

CART = [LineAsk("DEMO-120", 1000), LineAsk("GLOVE-50", 500)]  # 129,000.00 at the cart's prices


def _escalation_and_message(deps, quote_id):
    with transaction(deps.session_factory) as session:
        escalation = session.scalars(select(QuoteEscalation).where(QuoteEscalation.quote_id == quote_id)).one()
        message = session.scalars(select(OutboxMessage).where(
            OutboxMessage.topic == "quote.escalated", OutboxMessage.payload["quote_id"].as_string() == quote_id)).one()
        return escalation, dict(message.payload)


def _queued(deps, topic):
    with transaction(deps.session_factory) as session:
        return [dict(m.payload) for m in session.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic))]


def test_the_owner_rep_gets_a_quote_within_her_authority_and_is_told(app):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        quote = request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("25")))  # 96,750.00
        assert quote.status == "escalated"
        escalation, payload = _escalation_and_message(deps, quote.id)
        assert (escalation.assignee_id, escalation.route) == ("rita@seller", "account owner")
        with transaction(deps.session_factory) as session:
            tell_quote_assigned(session, payload, deps.clock())
        [email] = _queued(deps, "send.email")
        assert email["to"] == ["rita@seller.example"] and email["subject"] == "Quote to answer: Acme Corp"
        assert "$129,000.00" in email["text"] and "$96,750.00" in email["text"]
        [hook] = _queued(deps, "send.webhook")
        assert hook["event_type"] == "quote_escalation.assigned" and hook["data"]["quote_id"] == quote.id


def test_a_quote_beyond_the_reps_limit_goes_up_the_chain_and_a_void_one_emails_nobody(app):
    extension = app.extensions["counteroffer"]
    with app.app_context():
        seed_approvals(extension)
        deps = extension.deps
        quote = request_quote(deps, ANN, CART, "USD", order_target_of(None, Decimal("6")))
        escalate_quote(deps, ANN, quote.id)  # the buyer asks for a person: 121,260.00, over Rita's 100,000.00
        escalation, payload = _escalation_and_message(deps, quote.id)
        assert (escalation.assignee_id, escalation.route) == ("max@seller", "account owner, then up the approval chain")
        with transaction(deps.session_factory) as session:
            session.get(QuoteEscalation, escalation.id).status = "void"
        with transaction(deps.session_factory) as session:
            tell_quote_assigned(session, payload, deps.clock())
        assert _queued(deps, "send.email") == [] and len(_queued(deps, "send.webhook")) == 1
