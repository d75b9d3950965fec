"""Telling the person a quote's escalation is routed to: the worker's part of a
``quote.escalated`` message, as approvals/notices.py tells the assignee of a line's."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ....db.quotes import Quote, QuoteEscalation
from ....jobs.notifications import queue_email, queue_webhook
from ....rules.messages import format_money
from ...approvals.reps import find_rep

__all__ = ["tell_quote_assigned", "tell_quote_reminder", "QUOTE_ASSIGNED_EVENT"]

QUOTE_ASSIGNED_EVENT = "quote_escalation.assigned"


def tell_quote_assigned(session: Session, payload: dict[str, Any], now: datetime) -> None:
    """The assignee's e-mail and the ``quote_escalation.assigned`` webhook, as outbox rows
    written in the transaction that marks the message handled. Locked: a void committing
    meanwhile is seen, and then nobody is e-mailed."""
    escalation = session.get(QuoteEscalation, payload["escalation_id"], with_for_update=True)
    row = session.get(Quote, payload["quote_id"])
    if escalation is None or row is None:
        return
    assignee = find_rep(session, escalation.assignee_id) if escalation.status == "open" else None
    company = payload.get("company_name") or row.company_id
    if assignee is not None:
        asked = format_money(escalation.target_total, row.currency) if escalation.target_total else "its targets"
        text = (f"{company} asks for a quote for its cart of {format_money(row.cart_total, row.currency)}: "
                f"{asked}.\nWhy it needs a person: {escalation.reason}.\n"
                f"Please answer by {escalation.due_at.strftime('%Y-%m-%d %H:%M UTC')}.")
        queue_email(session, f"quote-assigned:{escalation.id}", [assignee.email or ""],
                    f"Quote to answer: {company}", text, now)
    queue_webhook(session, f"{QUOTE_ASSIGNED_EVENT}:{escalation.id}", QUOTE_ASSIGNED_EVENT, {
        "escalation_id": escalation.id, "quote_id": row.id, "company_id": row.company_id,
        "currency": row.currency, "cart_total": str(row.cart_total),
        "target_total": str(escalation.target_total) if escalation.target_total is not None else None,
        "assignee_id": escalation.assignee_id, "on_behalf_of_id": escalation.on_behalf_of_id,
        "due_at": escalation.due_at.isoformat()}, now)


def tell_quote_reminder(session: Session, row: Quote, escalation: QuoteEscalation, company: str,
                        email: str | None, now: datetime) -> None:
    """The service-level sweep's reminder, before the quote is due (sla.py), sent once."""
    asked = format_money(escalation.target_total, row.currency) if escalation.target_total else "its targets"
    text = (f"Still waiting for your answer: {company} asks for a quote for its cart of "
            f"{format_money(row.cart_total, row.currency)}: {asked}.\n"
            f"Please answer by {escalation.due_at.strftime('%Y-%m-%d %H:%M UTC')}, or it goes to your manager.")
    queue_email(session, f"quote-reminder:{escalation.id}", [email or ""],
                f"Reminder: quote to answer for {company}", text, now)
