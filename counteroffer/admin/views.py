"""The rep inbox: escalations a person must decide, as server-rendered pages.

    GET  <prefix>/admin/escalations?status=open|decided|void|all   the inbox
    GET  <prefix>/admin/escalations/<id>                           one escalation and its form
    POST <prefix>/admin/escalations/<id>                           the decision (CSRF-checked)

The views call the use cases in ``negotiation.approvals.escalations`` directly, as the JSON API
does; the use cases decide who may see and decide what, the page shows their answer.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from ..access import STAFF, allow, public_static
from ..negotiation import (
    Actor,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NegotiationError,
    ServiceUnavailableError,
)
from ..negotiation.approvals import escalations as uc
from ..negotiation.approvals.escalations import EscalationView
from ..negotiation.approvals.held_offers import authority_of, held_offers
from . import display
from .csrf import FIELD as CSRF_FIELD
from .csrf import csrf_token, is_valid_csrf
from .forms import field_errors, read_decision
from .nav import nav_links
from .security import LOGIN_URL_KEY, add_security_headers, is_staff, login_redirect_target

__all__ = ["negotiation_admin", "FILTERS"]

negotiation_admin = public_static(Blueprint(
    "negotiation_admin", __name__, template_folder="templates", static_folder="static",
    static_url_path="/admin/static"))

#: Inbox filters, as the use case names them, with their tab labels.
FILTERS = {"open": "Open", "decided": "Decided", "void": "Void", "all": "All"}
_TITLES = {400: "Bad request", 401: "Log in first", 403: "Not allowed", 404: "Not found",
           409: "Already settled", 413: "Too large", 415: "Not a form", 422: "Check the input",
           503: "Try again shortly"}
#: Titles for a decision the use case refused, over the rep's form.
_REFUSALS = {403: "Beyond your authority", 404: "Not found", 409: "This escalation has changed",
             422: "Check the decision", 503: "Try again shortly"}
_STATIC = "negotiation_admin.static"
CSRF_HEADER = "X-CSRF-Token"


def _deps() -> Any:
    return current_app.extensions["counteroffer"].deps


def _actor() -> Actor:
    return g._counteroffer_admin_actor  # set by _staff_only before every view


@negotiation_admin.before_request
def _staff_only() -> Response | tuple[str, int] | None:
    if request.endpoint == _STATIC:
        return None  # the stylesheet also dresses the 401 and 403 pages
    actor = current_app.extensions["counteroffer"].current_actor()
    if actor is None:
        login_url = current_app.config.get(LOGIN_URL_KEY)
        if login_url:
            return redirect(login_redirect_target(login_url))
        return _problem(401, "Log in to the shop with a sales rep or manager account to see "
                             "the approvals inbox.")
    # Pricing managers are not staff of the inbox, but read the results dashboard.
    results_page = (request.endpoint or "").startswith("negotiation_admin.results_")
    if not is_staff(actor.role) and not (results_page and actor.role == "pricing_manager"):
        return _problem(403, "The approvals inbox is for the shop's sales reps and managers.",
                        actor=actor)
    g._counteroffer_admin_actor = actor
    return None


@negotiation_admin.before_request
def _csrf_on_writes() -> tuple[str, int] | None:
    """Every write to the back office carries the session's token, whichever view takes
    it: a form field, or the ``X-CSRF-Token`` header for a script. Runs after
    ``_staff_only``, so nobody is still 401 and a buyer 403."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if is_valid_csrf(request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)):
        return None
    return _problem(400, "This form has expired or did not come from this site. Nothing "
                         "was changed: reload the page and send it again.")


@negotiation_admin.after_request
def _headers(response: Response) -> Response:
    return add_security_headers(response, cacheable=request.endpoint == _STATIC)


@negotiation_admin.context_processor
def _helpers() -> dict[str, Any]:
    now = _deps().clock()
    return {**display.HELPERS, "csrf_token": csrf_token, "csrf_field": CSRF_FIELD,
            "due": lambda value: display.due(value, now),
            "audit_url": _audit_url, "filters": FILTERS,
            "actor": getattr(g, "_counteroffer_admin_actor", None), "nav_links": nav_links}


@negotiation_admin.errorhandler(NegotiationError)
def _refused(error: NegotiationError) -> tuple[str, int]:
    return _problem(error.status, error.message)


@negotiation_admin.errorhandler(HTTPException)
def _bad_request(error: HTTPException) -> tuple[str, int]:
    # The input guard's refusals (plugin/input_guard.py: 413, 415, 422, a 404 for a path
    # with a control character) as this back office's page, not the host's.
    return _problem(error.code or 400, error.description or "")


@negotiation_admin.get("/admin/")
@allow(*STAFF)
def home() -> Response:
    return redirect(url_for(".inbox"))


@negotiation_admin.get("/admin/escalations")
@allow(*STAFF)
def inbox() -> str | tuple[str, int]:
    status = request.args.get("status", "open")
    if status not in FILTERS:
        return _problem(400, f"There is no {status!r} filter; use one of "
                             f"{', '.join(FILTERS)}.")
    # The use case orders them soonest due first.
    items = uc.list_escalations(_deps(), _actor(), status)
    return render_template("counteroffer_admin/inbox.html", escalations=items, status=status)


@negotiation_admin.get("/admin/escalations/<escalation_id>")
@allow(*STAFF)
def detail(escalation_id: str) -> str:
    escalation = uc.get_escalation(_deps(), _actor(), escalation_id)
    return _detail_page(escalation, _suggested_values(escalation))


@negotiation_admin.post("/admin/escalations/<escalation_id>")
@allow(*STAFF)
def decide(escalation_id: str) -> Response | str | tuple[str, int]:
    # The CSRF token was checked before any view ran (_csrf_on_writes).
    escalation = uc.get_escalation(_deps(), _actor(), escalation_id)
    arguments, errors = read_decision(request.form, escalation.currency)
    if errors:
        return _detail_page(escalation, request.form, errors), 422
    try:
        decided = uc.decide_escalation(_deps(), _actor(), escalation_id, **arguments)
    except (ForbiddenError, ConflictError, InvalidRequestError, ServiceUnavailableError) as error:
        return _refused_decision(escalation_id, error)
    flash(_decided_message(decided), "success")
    return redirect(url_for(".inbox"))


def _refused_decision(escalation_id: str, error: NegotiationError) -> tuple[str, int]:
    """The page again, as it is now (a 409 means someone else changed it), with the
    use case's message on top and its field errors next to the fields."""
    escalation = uc.get_escalation(_deps(), _actor(), escalation_id)
    errors = field_errors(error.fields) if error.fields else {}
    return _detail_page(escalation, request.form, errors, refusal=error), error.status


def _detail_page(escalation: EscalationView, values: Mapping[str, str],
                 errors: Mapping[str, str] | None = None,
                 refusal: NegotiationError | None = None) -> str:
    # What the buyer sees, beside what the rep may do (get_escalation let the caller see it).
    held = held_offers(_deps(), escalation.negotiation_id) if escalation.status == "open" else []
    return render_template("counteroffer_admin/escalation.html", e=escalation, values=values,
                           errors=errors or {}, refusal=refusal, held=held,
                           authority=authority_of(_deps(), _actor()),
                           refusal_title=_REFUSALS.get(refusal.status, "") if refusal else "")


def _suggested_values(escalation: EscalationView) -> dict[str, str]:
    """The counter-offer fields start from the engine's suggestion, if it made one."""
    offer = escalation.suggested_offer
    if offer is None:
        return {"quantity": str(escalation.quantity)}
    return {"quantity": str(offer.quantity), "unit_price": str(offer.unit_price)}


def _decided_message(escalation: EscalationView) -> str:
    decision = escalation.decision
    assert decision is not None  # the use case returns it decided
    verb = {"approve": "Approved", "counter": "Counter-offer sent", "reject": "Rejected"}
    what = f"{escalation.company.name}, {display.quantity(escalation.quantity)} x {escalation.sku}"
    return f"{verb.get(decision.action, 'Decided')}: {what}. The buyer sees it in the widget now."


def _audit_url(negotiation_id: str) -> str:
    # The rep API's path is the contract; built from it so the page does not depend on
    # how that blueprint names its endpoints.
    prefix = current_app.extensions["counteroffer"].state.settings.url_prefix
    return f"{request.script_root}{prefix}/api/negotiations/{quote(negotiation_id, safe='')}/audit.csv"


def _problem(status: int, message: str, actor: Actor | None = None) -> tuple[str, int]:
    return render_template("counteroffer_admin/problem.html", status=status,
                           title=_TITLES.get(status, "Error"), message=message,
                           actor=actor), status

