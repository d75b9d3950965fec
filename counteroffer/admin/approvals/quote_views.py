"""Escalated quotes in the back office, beside the lines' inbox (issue 15):

    GET  <prefix>/admin/quote-escalations/<id>   one quote, every line, and the decision form
    POST <prefix>/admin/quote-escalations/<id>   the decision (CSRF-checked)

The form has a row per line (quantity and unit price, prefilled with the engine's
suggested quote; a blank price keeps the buyer's ask), the suggested order terms to keep,
the action, the rationale and a message to the buyer. The use case decides who may do
what; its 403, 409 and 422 come back on the page, each field's message beside its input.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ...access import STAFF, allow
from ...negotiation import ConflictError, ForbiddenError, InvalidRequestError, NegotiationError, ServiceUnavailableError
from ...negotiation.approvals.held_offers import authority_of
from ...negotiation.quotes.approvals import decision as rep_decision
from ...negotiation.quotes.approvals import view as rep_view
from ...negotiation.quotes.approvals.proposal import LineEdit
from ...negotiation.quotes.approvals.view import QuoteEscalationView
from ..base import actor, deps, negotiation_admin
from ..csrf import FIELD as CSRF_FIELD
from .decision_form import ACTIONS, MAX_RATIONALE, field_errors

__all__ = ["quote_detail", "decide_quote"]

_REFUSALS = {403: "Beyond your authority", 404: "Not found", 409: "This quote has changed",
             422: "Check the decision", 503: "Try again shortly"}


@negotiation_admin.get("/admin/quote-escalations/<escalation_id>")
@allow(*STAFF)
def quote_detail(escalation_id: str) -> str:
    escalation = rep_view.get_quote_escalation(deps(), actor(), escalation_id)
    return _page(escalation, _suggested_values(escalation))


@negotiation_admin.post("/admin/quote-escalations/<escalation_id>")
@allow(*STAFF)
def decide_quote(escalation_id: str) -> Response | tuple[str, int]:
    escalation = rep_view.get_quote_escalation(deps(), actor(), escalation_id)
    arguments, errors = read_quote_decision(request.form, escalation)
    if errors:
        return _page(escalation, request.form, errors), 422
    try:
        decided = rep_decision.decide_quote_escalation(deps(), actor(), escalation_id, **arguments)
    except (ForbiddenError, ConflictError, InvalidRequestError, ServiceUnavailableError) as error:
        now = rep_view.get_quote_escalation(deps(), actor(), escalation_id)
        return _page(now, request.form, field_errors(error.fields) if error.fields else {}, error), error.status
    verb = {"approve": "Approved", "counter": "Counter-offer sent", "reject": "Rejected"}[arguments["action"]]
    flash(f"{verb}: {decided.company.name}'s quote of {len(decided.lines)} lines. "
          "The buyer sees it in the quote panel now.", "success")
    return redirect(url_for(".inbox"))


def read_quote_decision(form: Mapping[str, str], e: QuoteEscalationView) -> tuple[dict[str, Any], dict[str, str]]:
    """``(arguments for decide_quote_escalation, {})`` or ``({}, {field: message})``."""
    known = {"action", "rationale", "buyer_message", "citation_checked", CSRF_FIELD} | {
        f"lines[{index}].{name}" for index in range(len(e.lines)) for name in ("quantity", "unit_price")} | {
        f"term-{index}" for index in range(len(e.suggested_quote.terms) if e.suggested_quote else 0)}
    unexpected = sorted(set(form) - known)
    if unexpected:  # a forged field must not pass silently (mass assignment, docs/security.md)
        return {}, {"_form": f"This form has no field {', '.join(unexpected)}; nothing was changed. "
                             "Reload the page and decide again."}
    errors: dict[str, str] = {}
    action = form.get("action", "").strip()
    rationale = form.get("rationale", "").strip()
    if action not in ACTIONS:
        errors["action"] = "Choose approve, counter or reject."
    if not rationale:
        errors["rationale"] = "Say why: the rationale goes into the audit trail."
    elif len(rationale) > MAX_RATIONALE:
        errors["rationale"] = f"Keep the rationale under {MAX_RATIONALE:,} characters."
    edits = [] if action == "reject" else [_edit(form, index, line.sku, errors) for index, line in enumerate(e.lines)]
    terms = [] if action == "reject" or e.suggested_quote is None else [
        dict(term) for index, term in enumerate(e.suggested_quote.terms) if form.get(f"term-{index}")]
    if errors:
        return {}, errors
    arguments: dict[str, Any] = {"action": action, "rationale": rationale, "lines": edits, "terms": terms,
                                 "buyer_message": form.get("buyer_message", "").strip() or None}
    if any(told.competitor for told in e.told):  # a citation to check: ticked or not, it is recorded
        arguments["citation_checked"] = form.get("citation_checked") == "yes"
    return arguments, {}


def _edit(form: Mapping[str, str], index: int, sku: str, errors: dict[str, str]) -> LineEdit:
    # Reps type what they read on the page: "$95.50", "1,000".
    price_text = form.get(f"lines[{index}].unit_price", "").strip().lstrip("$€£¥").replace(",", "")
    quantity_text = form.get(f"lines[{index}].quantity", "").strip().replace(",", "")
    price: Decimal | None = None
    quantity: int | None = None
    try:
        price = Decimal(price_text) if price_text else None
        if price is not None and not price.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        errors[f"lines[{index}].unit_price"] = f"{sku}: enter a price such as 95.50."
    if quantity_text:
        if quantity_text.isdigit():
            quantity = int(quantity_text)
        else:
            errors[f"lines[{index}].quantity"] = f"{sku}: enter a whole number of units."
    return LineEdit(sku, quantity, price)


def _suggested_values(e: QuoteEscalationView) -> dict[str, str]:
    """Each line starts from the engine's suggested quote, else the buyer's own target."""
    suggested = {line["sku"]: line for line in e.suggested_quote.lines} if e.suggested_quote else {}
    values: dict[str, str] = {}
    for index, line in enumerate(e.lines):
        offer = suggested.get(line.sku)
        values[f"lines[{index}].quantity"] = str(offer["quantity"] if offer else line.quantity)
        price = offer["unit_price"] if offer else line.target_unit_price
        values[f"lines[{index}].unit_price"] = "" if price is None else str(price)
    if e.suggested_quote:
        values.update({f"term-{index}": "on" for index in range(len(e.suggested_quote.terms))})
    return values


def _page(e: QuoteEscalationView, values: Mapping[str, str], errors: Mapping[str, str] | None = None,
          refusal: NegotiationError | None = None) -> str:
    return render_template("counteroffer_admin/quote_escalation.html", e=e, values=values, errors=errors or {},
                           refusal=refusal, authority=authority_of(deps(), actor()),
                           refusal_title=_REFUSALS.get(refusal.status, "") if refusal else "")
