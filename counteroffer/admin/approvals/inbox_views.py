"""The rep inbox: escalations a person must decide, as server-rendered pages.

    GET  <prefix>/admin/escalations?status=open|decided|void|all   the inbox
    GET  <prefix>/admin/escalations/<id>                           one escalation and its form
    POST <prefix>/admin/escalations/<id>                           the decision (CSRF-checked)

The views call the use cases in ``negotiation.approvals.escalations`` directly, as the JSON API
does; the use cases decide who may see and decide what, the page shows their answer.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from ...access import STAFF, allow
from ...negotiation import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NegotiationError,
    ServiceUnavailableError,
)
from ...negotiation.approvals import escalations as uc
from ...negotiation.approvals.escalations import EscalationView
from ...negotiation.approvals.held_offers import authority_of, held_offers
from ...negotiation.quotes.approvals.view import list_quote_escalations
from .. import display
from ..base import FILTERS, actor, deps, negotiation_admin, problem
from .decision_form import field_errors, read_decision

#: Titles for a decision the use case refused, over the rep's form.
_REFUSALS = {403: "Beyond your authority", 404: "Not found", 409: "This escalation has changed",
             422: "Check the decision", 503: "Try again shortly"}


@negotiation_admin.get("/admin/")
@allow(*STAFF)
def home() -> Response:
    return redirect(url_for(".inbox"))


@negotiation_admin.get("/admin/escalations")
@allow(*STAFF)
def inbox() -> str | tuple[str, int]:
    status = request.args.get("status", "open")
    if status not in FILTERS:
        return problem(400, f"There is no {status!r} filter; use one of "
                             f"{', '.join(FILTERS)}.")
    # The use case orders them soonest due first.
    items = uc.list_escalations(deps(), actor(), status)
    quotes = list_quote_escalations(deps(), actor(), status)  # whole-cart quotes, beside the lines
    return render_template("counteroffer_admin/inbox.html", escalations=items, quotes=quotes, status=status)


@negotiation_admin.get("/admin/escalations/<escalation_id>")
@allow(*STAFF)
def detail(escalation_id: str) -> str:
    escalation = uc.get_escalation(deps(), actor(), escalation_id)
    return _detail_page(escalation, _suggested_values(escalation))


@negotiation_admin.post("/admin/escalations/<escalation_id>")
@allow(*STAFF)
def decide(escalation_id: str) -> Response | str | tuple[str, int]:
    # The CSRF token was checked before any view ran (_csrf_on_writes).
    escalation = uc.get_escalation(deps(), actor(), escalation_id)
    arguments, errors = read_decision(request.form, escalation.currency)
    if not errors and arguments.get("action") == "counter" and request.form.get("with_suggested_terms"):
        arguments["terms"] = _suggested_terms(escalation)
    if not errors and any(told.competitor for told in escalation.told):  # a citation to check: ticked or not
        arguments["citation_checked"] = request.form.get("citation_checked") == "yes"
    if errors:
        return _detail_page(escalation, request.form, errors), 422
    try:
        decided = uc.decide_escalation(deps(), actor(), escalation_id, **arguments)
    except (ForbiddenError, ConflictError, InvalidRequestError, ServiceUnavailableError) as error:
        return _refused_decision(escalation_id, error)
    flash(_decided_message(decided), "success")
    return redirect(url_for(".inbox"))


def _refused_decision(escalation_id: str, error: NegotiationError) -> tuple[str, int]:
    """The page again, as it is now (a 409 means someone else changed it), with the
    use case's message on top and its field errors next to the fields."""
    escalation = uc.get_escalation(deps(), actor(), escalation_id)
    errors = field_errors(error.fields) if error.fields else {}
    return _detail_page(escalation, request.form, errors, refusal=error), error.status


def _detail_page(escalation: EscalationView, values: Mapping[str, str],
                 errors: Mapping[str, str] | None = None,
                 refusal: NegotiationError | None = None) -> str:
    # What the buyer sees, beside what the rep may do (get_escalation let the caller see it).
    held = held_offers(deps(), escalation.negotiation_id) if escalation.status == "open" else []
    return render_template("counteroffer_admin/escalation.html", e=escalation, values=values,
                           errors=errors or {}, refusal=refusal, held=held,
                           authority=authority_of(deps(), actor()),
                           refusal_title=_REFUSALS.get(refusal.status, "") if refusal else "")


def _suggested_values(escalation: EscalationView) -> dict[str, str]:
    """The counter-offer fields start from the engine's suggestion, if it made one."""
    offer = escalation.suggested_offer
    if offer is None:
        return {"quantity": str(escalation.quantity)}
    values = {"quantity": str(offer.quantity), "unit_price": str(offer.unit_price)}
    if offer.terms:  # a price the terms pay for: offered without them, it gives them away
        values["with_suggested_terms"] = "yes"
    return values


def _suggested_terms(escalation: EscalationView) -> list[dict[str, str]]:
    """The terms of the engine's suggestion, read from the stored suggestion, never from
    the form: a rep ticks them, the page cannot forge others."""
    offer = escalation.suggested_offer
    return [dict(term) for term in offer.terms] if offer is not None else []


def _decided_message(escalation: EscalationView) -> str:
    decision = escalation.decision
    assert decision is not None  # the use case returns it decided
    verb = {"approve": "Approved", "counter": "Counter-offer sent", "reject": "Rejected"}
    what = f"{escalation.company.name}, {display.quantity(escalation.quantity)} x {escalation.sku}"
    return f"{verb.get(decision.action, 'Decided')}: {what}. The buyer sees it in the widget now."
