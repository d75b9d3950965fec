"""What every back-office page under ``negotiation_admin`` shares: the blueprint, who may
open it, the CSRF check on writes, the security headers, the template helpers and the
problem page. The inbox, away, results and experiments views add their routes to it.
"""
from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from flask import Blueprint, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from ..access import public_static
from ..negotiation import Actor, NegotiationError
from . import display
from .csrf import FIELD as CSRF_FIELD
from .csrf import csrf_token, is_valid_csrf
from .nav import nav_links
from .security import LOGIN_URL_KEY, add_security_headers, is_staff, login_redirect_target

__all__ = ["negotiation_admin", "FILTERS", "ADMIN_ROOT", "actor", "deps", "problem"]

#: The folder of templates/ and static/, whichever subpackage defines a blueprint.
ADMIN_ROOT = os.path.dirname(os.path.abspath(__file__))

negotiation_admin = public_static(Blueprint(
    "negotiation_admin", __name__, template_folder="templates", static_folder="static", root_path=ADMIN_ROOT,
    static_url_path="/admin/static"))

#: Inbox filters, as the use case names them, with their tab labels.
FILTERS = {"open": "Open", "decided": "Decided", "void": "Void", "all": "All"}
TITLES = {400: "Bad request", 401: "Log in first", 403: "Not allowed", 404: "Not found",
           409: "Already settled", 413: "Too large", 415: "Not a form", 422: "Check the input",
           503: "Try again shortly"}
_STATIC = "negotiation_admin.static"
CSRF_HEADER = "X-CSRF-Token"


def deps() -> Any:
    return current_app.extensions["counteroffer"].deps


def actor() -> Actor:
    return g._counteroffer_admin_actor  # set by _staff_only before every view


@negotiation_admin.before_request
def _staff_only() -> Response | tuple[str, int] | None:
    if request.endpoint == _STATIC:
        return None  # the stylesheet also dresses the 401 and 403 pages
    caller = current_app.extensions["counteroffer"].current_actor()
    if caller is None:
        login_url = current_app.config.get(LOGIN_URL_KEY)
        if login_url:
            return redirect(login_redirect_target(login_url))
        return problem(401, "Log in to the shop with a sales rep or manager account to see "
                             "the approvals inbox.")
    # Pricing managers are not staff of the inbox, but read the results dashboard.
    results_page = (request.endpoint or "").startswith("negotiation_admin.results_")
    if not is_staff(caller.role) and not (results_page and caller.role == "pricing_manager"):
        return problem(403, "The approvals inbox is for the shop's sales reps and managers.",
                        actor=caller)
    g._counteroffer_admin_actor = caller
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
    return problem(400, "This form has expired or did not come from this site. Nothing "
                         "was changed: reload the page and send it again.")


@negotiation_admin.after_request
def _headers(response: Response) -> Response:
    return add_security_headers(response, cacheable=request.endpoint == _STATIC)


@negotiation_admin.context_processor
def _helpers() -> dict[str, Any]:
    now = deps().clock()
    return {**display.HELPERS, "csrf_token": csrf_token, "csrf_field": CSRF_FIELD,
            "due": lambda value: display.due(value, now),
            "audit_url": audit_url, "filters": FILTERS,
            "actor": getattr(g, "_counteroffer_admin_actor", None), "nav_links": nav_links}


@negotiation_admin.errorhandler(NegotiationError)
def _refused(error: NegotiationError) -> tuple[str, int]:
    return problem(error.status, error.message)


@negotiation_admin.errorhandler(HTTPException)
def _bad_request(error: HTTPException) -> tuple[str, int]:
    # The input guard's refusals (plugin/input_guard.py: 413, 415, 422, a 404 for a path
    # with a control character) as this back office's page, not the host's.
    return problem(error.code or 400, error.description or "")


def audit_url(negotiation_id: str) -> str:
    # The rep API's path is the contract; built from it so the page does not depend on
    # how that blueprint names its endpoints.
    prefix = current_app.extensions["counteroffer"].state.settings.url_prefix
    return f"{request.script_root}{prefix}/api/negotiations/{quote(negotiation_id, safe='')}/audit.csv"


def problem(status: int, message: str, actor: Actor | None = None) -> tuple[str, int]:
    return render_template("counteroffer_admin/problem.html", status=status,
                           title=TITLES.get(status, "Error"), message=message,
                           actor=actor), status

