"""The pricing manager's pages: the rule editor, versions, diff, what-if simulation, CSV.

    GET  <prefix>/admin/rules                        the rules of a version, filtered and paged
    GET  <prefix>/admin/rules/new?kind=floor         a new rule;  POST: save it to the draft
    GET  <prefix>/admin/rules/<id>                   edit a draft rule; POST: save; /delete
    POST <prefix>/admin/rules/draft | publish        start the draft | publish it
    GET  <prefix>/admin/rules/versions               history; POST .../<ref>/rollback
    GET  <prefix>/admin/rules/diff?from=&to=         what changed, rule by rule, field by field
    GET  <prefix>/admin/rules/simulate               POST: start a simulation (days or CSV)
    GET  <prefix>/admin/rules/simulations/<id>       progress (rules.js polls) and result
    POST <prefix>/admin/rules/import                 CSV upload; GET rules.csv: export

Server-rendered, CSRF-checked on every POST, the back office's CSP and no-store headers;
only ``manager`` and ``pricing_manager`` get in. The views call the use cases directly.
"""
from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from ...access import allow
from ...adapters.csv_import import CsvImportError, parse_rows, read_rows
from ...adapters.rule_csv import RULE_LINES
from ...jobs.heartbeat import START_HINT, worker_missing
from ...negotiation import Actor, InvalidRequestError, NegotiationError
from ...negotiation.pricing import rulesets as uc
from ...negotiation.pricing import simulation as sim
from ...negotiation.pricing.rule_checks import rule_warnings
from ...negotiation.pricing.rule_diff import diff_versions
from ...negotiation.pricing.rule_import import export_rule_lines, import_rule_lines
from ...negotiation.pricing.rulesets import PRICING_ROLES
from ...rules.loading import RULE_KINDS
from .. import display
from ..base import ADMIN_ROOT
from ..csrf import FIELD as CSRF_FIELD
from ..csrf import csrf_token, is_valid_csrf
from ..nav import nav_links
from ..security import LOGIN_URL_KEY, add_security_headers, login_redirect_target
from .rule_forms import KIND_LABELS, errors_by_input, form_values, new_rule_values, read_rule_form
from .rule_params import CURVES, LEVER_GROUP_LABELS
from .rule_words import describe
from .simulation_upload import read_simulation_csv

__all__ = ["rules_admin"]

rules_admin = Blueprint("rules_admin", __name__, template_folder="templates", root_path=ADMIN_ROOT)
PRICING = tuple(sorted(PRICING_ROLES))
_TITLES = {400: "Bad request", 401: "Log in first", 403: "Not allowed", 404: "Not found",
           409: "Not possible now", 413: "Too large", 422: "Check the input"}
PER_PAGE = 50
MAX_PAGE = 100_000  # as the rules API's page parameter


def _deps() -> Any:
    return current_app.extensions["counteroffer"].deps


def _actor() -> Actor:
    return g._counteroffer_rules_actor


@rules_admin.before_request
def _pricing_managers_only() -> Response | tuple[str, int] | None:
    actor = current_app.extensions["counteroffer"].current_actor()
    if actor is None:
        login_url = current_app.config.get(LOGIN_URL_KEY)
        if login_url:
            return redirect(login_redirect_target(login_url))
        return _problem(401, "Log in with a pricing manager's account to edit the rules.")
    if actor.role not in PRICING_ROLES:
        return _problem(403, "The rule editor is for the shop's pricing managers.", actor)
    g._counteroffer_rules_actor = actor
    if request.method == "POST" and not is_valid_csrf(request.form.get(CSRF_FIELD)):
        return _problem(400, "This form has expired or did not come from this site. Nothing "
                             "was changed: reload the page and send it again.", actor)
    return None


@rules_admin.after_request
def _headers(response: Response) -> Response:
    return add_security_headers(response)


@rules_admin.context_processor
def _helpers() -> dict[str, Any]:
    return {**display.HELPERS, "csrf_token": csrf_token, "csrf_field": CSRF_FIELD,
            "actor": getattr(g, "_counteroffer_rules_actor", None), "kind_labels": KIND_LABELS,
            "lever_groups": LEVER_GROUP_LABELS, "curves": CURVES, "nav_links": nav_links,
            "rule_words": describe}


@rules_admin.errorhandler(NegotiationError)
def _refused(error: NegotiationError) -> tuple[str, int]:
    return _problem(error.status, error.message, getattr(g, "_counteroffer_rules_actor", None))


@rules_admin.errorhandler(HTTPException)
def _bad_request(error: HTTPException) -> tuple[str, int]:
    # The input guard's refusals (plugin/input_guard.py) as this back office's page.
    return _problem(error.code or 400, error.description or "", getattr(g, "_counteroffer_rules_actor", None))


def _problem(status: int, message: str, actor: Actor | None = None) -> tuple[str, int]:
    return render_template("counteroffer_admin/problem.html", status=status,
                           title=_TITLES.get(status, "Error"), message=message, actor=actor), status


def _versions() -> dict[str, Any]:
    versions = uc.list_versions(_deps(), _actor())
    return {"versions": versions, "draft": next((v for v in versions if v.status == "draft"), None),
            "live": next((v for v in versions if v.is_live), None)}


@rules_admin.get("/admin/rules")
@allow(*PRICING)
def rules() -> str:
    known = _versions()
    ref = request.args.get("version") or ("draft" if known["draft"] else "live")
    where = uc.RuleFilter(**{k: request.args.get(k, "").strip() or None
                             for k in ("sku", "category", "kind", "segment")})
    page_number = _page_number(request.args.get("page", "1"))
    page = (uc.list_rules(_deps(), _actor(), ref, where, page_number, PER_PAGE)
            if known["live"] or ref == "draft" and known["draft"] else None)
    return render_template("counteroffer_admin/rules_list.html", page=page, ref=ref, where=where,
                           kinds=RULE_KINDS, args=request.args, currency=_currency(known, ref), **known)


def _currency(known: dict[str, Any], ref: str) -> str:
    """The currency of the version shown, for its rules' amounts in words; the shop's
    (``COUNTEROFFER_CURRENCY``) for a set whose rules were loaded from code."""
    version = known["live"] if ref == "live" else next(
        (v for v in known["versions"] if v.ref == ref), None)
    shop: str = current_app.extensions["counteroffer"].state.settings.currency
    return (version.currency if version is not None else None) or shop


def _page_number(raw: str) -> int:
    # A page far past the end is simply empty; never an OFFSET the database cannot take.
    return min(max(1, int(raw)), MAX_PAGE) if raw.isdecimal() and len(raw) <= 9 else 1


@rules_admin.route("/admin/rules/new", methods=["GET", "POST"])
@allow(*PRICING)
def new_rule() -> Response | str | tuple[str, int]:
    kind = request.args.get("kind", "floor")
    if kind not in RULE_KINDS:
        return _problem(400, f"There is no rule kind {kind!r}.", _actor())
    if request.method == "GET":
        return _edit_page(kind, None, new_rule_values(kind), {})
    return _save(kind, None)


@rules_admin.route("/admin/rules/<int:rule_id>", methods=["GET", "POST"])
@allow(*PRICING)
def edit_rule(rule_id: int) -> Response | str | tuple[str, int]:
    rule = uc.get_rule(_deps(), _actor(), rule_id)
    if request.method == "GET":
        return _edit_page(rule.kind, rule, form_values(rule), {})
    return _save(rule.kind, rule)


def _save(kind: str, rule: uc.RuleView | None) -> Response | tuple[str, int]:
    record, errors = read_rule_form(request.form, kind)
    if not errors:
        try:
            saved = (uc.update_rule(_deps(), _actor(), rule.id, record) if rule
                     else uc.create_rule(_deps(), _actor(), record))
        except InvalidRequestError as error:
            errors = errors_by_input(error.fields, kind)
        else:
            flash(f"Saved rule #{saved.number} to the draft. Simulate it, then publish.", "success")
            for warning in rule_warnings(_deps(), record):
                flash(warning, "warning")
            return redirect(url_for(".rules", version="draft"))
    return _edit_page(kind, rule, request.form, errors), 422


def _edit_page(kind: str, rule: uc.RuleView | None, values: Any, errors: dict[str, str]) -> str:
    return render_template("counteroffer_admin/rules_edit.html", kind=kind, rule=rule,
                           values=values, errors=errors)


@rules_admin.post("/admin/rules/<int:rule_id>/delete")
@allow(*PRICING)
def delete_rule(rule_id: int) -> Response:
    deleted = uc.delete_rule(_deps(), _actor(), rule_id)
    flash(f"Deleted rule #{deleted.number} from the draft.", "success")
    return redirect(url_for(".rules", version="draft"))


@rules_admin.post("/admin/rules/draft")
@allow(*PRICING)
def start_draft() -> Response:
    uc.open_draft(_deps(), _actor())
    flash("Draft started as a copy of the live rules. Buyers see no change until you publish.", "success")
    return redirect(url_for(".rules", version="draft"))


@rules_admin.post("/admin/rules/publish")
@allow(*PRICING)
def publish() -> Response:
    version = uc.publish(_deps(), _actor(), (request.form.get("note") or "").strip()[:500] or None)
    flash(f"Published version {version.number}: buyers get it from their next request.", "success")
    return redirect(url_for(".versions"))


@rules_admin.get("/admin/rules/versions")
@allow(*PRICING)
def versions() -> str:
    return render_template("counteroffer_admin/rules_versions.html", **_versions())


@rules_admin.post("/admin/rules/versions/<ref>/rollback")
@allow(*PRICING)
def rollback(ref: str) -> Response:
    version = uc.rollback(_deps(), _actor(), ref, (request.form.get("note") or "").strip()[:500] or None)
    flash(f"Version {version.number} is live: a copy of version {ref}.", "success")
    return redirect(url_for(".versions"))


@rules_admin.get("/admin/rules/diff")
@allow(*PRICING)
def diff() -> str:
    before, after = request.args.get("from", "live"), request.args.get("to", "draft")
    found, known = diff_versions(_deps(), _actor(), before, after), _versions()
    return render_template("counteroffer_admin/rules_diff.html", diff=found,
                           currency=_currency(known, str(after)), **known)


@rules_admin.route("/admin/rules/simulate", methods=["GET", "POST"])
@allow(*PRICING)
def simulate() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return render_template("counteroffer_admin/rules_simulate.html", errors={}, values={}, **_versions())
    values, asked = request.form, None
    errors: dict[str, str] = {}
    upload = request.files.get("requests")
    if upload is not None and upload.filename:
        asked, errors = read_simulation_csv(upload.stream)
    days = (values.get("days") or "30").strip()
    if not days.isdecimal() or not 1 <= int(days) <= sim.MAX_DAYS:
        errors["days"] = f"Enter a number of days from 1 to {sim.MAX_DAYS}."
    if errors:
        return render_template("counteroffer_admin/rules_simulate.html", errors=errors, values=values,
                               **_versions()), 422
    started = sim.start_simulation(_deps(), _actor(), days=int(days), requests=asked)
    return redirect(url_for(".simulation", simulation_id=started.id))


@rules_admin.get("/admin/rules/simulations/<simulation_id>")
@allow(*PRICING)
def simulation(simulation_id: str) -> str:
    found = sim.get_simulation(_deps(), _actor(), simulation_id)
    prefix = current_app.extensions["counteroffer"].state.settings.url_prefix
    status_url = f"{request.script_root}{prefix}/api/rules/simulations/{simulation_id}"
    missing = not found.finished and _worker_missing()
    return render_template("counteroffer_admin/rules_simulation.html", s=found, status_url=status_url,
                           worker_missing=missing, start_hint=START_HINT)


@rules_admin.get("/admin/rules/worker")
@allow(*PRICING)
def worker_status() -> Response:
    """Polled by the simulation page: whether a worker has been seen in the last minute."""
    return jsonify(missing=_worker_missing())


def _worker_missing() -> bool:
    deps = _deps()
    return worker_missing(deps.session_factory, deps.clock)


@rules_admin.post("/admin/rules/simulations/<simulation_id>/cancel")
@allow(*PRICING)
def cancel_simulation(simulation_id: str) -> Response:
    sim.cancel_simulation(_deps(), _actor(), simulation_id)
    flash("Cancelling: the simulation stops at its next batch.", "success")
    return redirect(url_for(".simulation", simulation_id=simulation_id))


@rules_admin.post("/admin/rules/import")
@allow(*PRICING)
def import_csv() -> Response | tuple[str, int]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Choose a CSV file to import.", "error")
        return redirect(url_for(".rules"))
    try:
        text = io.TextIOWrapper(upload.stream, encoding="utf-8-sig", newline="")
        lines = parse_rows(read_rows(text, RULE_LINES), RULE_LINES)
        count = import_rule_lines(_deps(), _actor(), lines)
    except CsvImportError as error:
        return render_template("counteroffer_admin/rules_import_errors.html", errors=error.errors,
                               filename=upload.filename), 422
    flash(f"Imported the floors and breaks of {count} SKU{'' if count == 1 else 's'} into the draft.", "success")
    return redirect(url_for(".rules", version="draft"))


@rules_admin.get("/admin/rules.csv")
@allow(*PRICING)
def export_csv() -> Response:
    ref = request.args.get("version", "live")
    body = export_rule_lines(_deps(), _actor(), ref)
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="rules-{ref}.csv"'})
