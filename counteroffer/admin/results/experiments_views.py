"""Experiments: their own page (every experiment, and a form to start one), and the stop
and promote buttons the page and the results dashboard share.

    GET  <prefix>/admin/results/experiments                 every experiment, and the start form
    POST <prefix>/admin/results/experiments                 start one (CSRF-checked)
    POST <prefix>/admin/results/experiments/<id>/stop       (CSRF-checked)
    POST <prefix>/admin/results/experiments/<id>/promote    variant=A|B (CSRF-checked)

Managers and pricing managers only (the use cases say so); the dashboard shows the
section to them alone. Endpoints are named ``results_*``: the back office lets pricing
managers reach those.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from ...access import MANAGER, allow
from ...negotiation import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from ...negotiation.pricing.rulesets import list_versions
from ...negotiation.results import experiments as uc
from ...negotiation.results.experiments import ExperimentResults
from ...negotiation.shared.states import Role
from ..approvals.decision_form import field_errors
from ..base import actor, deps, negotiation_admin, problem
from ..csrf import FIELD as CSRF_FIELD
from ..csrf import is_valid_csrf

__all__ = ["recent_experiments", "results_experiments", "results_experiment_start",
           "results_experiment_stop", "results_experiment_promote", "read_start_form"]

RUNNERS = (MANAGER, Role.PRICING_MANAGER.value)
SHOWN = 3  # the most recent experiments on the dashboard
START_FIELDS = ("name", "control", "challenger", "split_pct", "note")
_LIMITS = {"name": 200, "note": 2000}  # as the experiments API's schema


def recent_experiments() -> list[ExperimentResults] | None:
    """The latest experiments with their results; None for someone who may not see them."""
    try:
        views = uc.list_experiments(deps(), actor())[:SHOWN]
    except ForbiddenError:
        return None
    return [uc.experiment_results(deps(), actor(), view.id) for view in views]


def _experiment_id(raw: str) -> int:
    if not raw.isdecimal() or len(raw) > 9:  # nine digits fit the integer column
        raise NotFoundError("No such experiment.")
    return int(raw)


def _back() -> Response:
    """Back to the page the button was pressed on: this page, or the dashboard."""
    if request.form.get("back") == "experiments":
        return redirect(url_for("negotiation_admin.results_experiments"))
    return redirect(url_for("negotiation_admin.results_dashboard", _anchor="coa-experiments-title"))


def read_start_form(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The start form as the use case's arguments, and what it cannot read, by field."""
    values = {name: (form.get(name) or "").strip() for name in START_FIELDS}
    errors = {name: f"At most {limit:,} characters." for name, limit in _LIMITS.items()
              if len(values[name]) > limit}
    split = values["split_pct"] or "50"
    if not split.isdecimal() or len(split) > 2:
        errors["split_pct"] = "A whole number of percent, 1 to 99."
    arguments: dict[str, Any] = {"name": values["name"], "control": values["control"] or "live",
                 "challenger": values["challenger"], "note": values["note"] or None,
                 "split_pct": int(split) if "split_pct" not in errors else 0}
    return arguments, errors


def _experiments_page(values: Mapping[str, str], errors: Mapping[str, str] | None = None,
                      status: int = 200) -> tuple[str, int]:
    views = uc.list_experiments(deps(), actor())
    versions = [v for v in list_versions(deps(), actor()) if v.number is not None]
    live = next((v for v in versions if v.is_live), None)
    return render_template(
        "counteroffer_admin/experiments.html", values=values, errors=errors or {},
        experiments=[uc.experiment_results(deps(), actor(), view.id) for view in views],
        running=next((view for view in views if view.status == "running"), None),
        versions=versions, cur=(live.currency if live else None) or "USD"), status


@negotiation_admin.get("/admin/results/experiments")
@allow(*RUNNERS)
def results_experiments() -> tuple[str, int]:
    return _experiments_page({"control": "live", "split_pct": "50"})


@negotiation_admin.post("/admin/results/experiments")
@allow(*RUNNERS)
def results_experiment_start() -> Response | tuple[str, int]:
    # The CSRF token was checked before any view ran (views._csrf_on_writes).
    arguments, errors = read_start_form(request.form)
    if errors:
        return _experiments_page(request.form, errors, 422)
    try:
        view = uc.start_experiment(deps(), actor(), **arguments)
    except (ConflictError, InvalidRequestError) as error:
        fields = field_errors(error.fields) if error.fields else {}
        return _experiments_page(request.form, fields or {"_form": error.message}, error.status)
    flash(f"Started {view.name!r}: {view.split_pct}% of buyers get version {view.version_b}'s rules, "
          f"the others version {view.version_a}'s.", "success")
    return redirect(url_for("negotiation_admin.results_experiments"))


@negotiation_admin.post("/admin/results/experiments/<experiment_id>/stop")
@allow(*RUNNERS)
def results_experiment_stop(experiment_id: str) -> Response | tuple[str, int]:
    if not is_valid_csrf(request.form.get(CSRF_FIELD)):
        return problem(400, "This form has expired; nothing was changed. Reload the page and try again.")
    try:
        view = uc.stop_experiment(deps(), actor(), _experiment_id(experiment_id))
    except ConflictError as error:
        flash(error.message, "error")
        return _back()
    flash(f"Stopped {view.name!r}: every buyer gets the live rules again.", "success")
    return _back()


@negotiation_admin.post("/admin/results/experiments/<experiment_id>/promote")
@allow(*RUNNERS)
def results_experiment_promote(experiment_id: str) -> Response | tuple[str, int]:
    if not is_valid_csrf(request.form.get(CSRF_FIELD)):
        return problem(400, "This form has expired; nothing was changed. Reload the page and try again.")
    try:
        view = uc.promote_winner(deps(), actor(), _experiment_id(experiment_id),
                                 request.form.get("variant", ""))
    except (ConflictError, InvalidRequestError) as error:
        flash(error.message, "error")
        return _back()
    version = view.version_b if view.promoted_variant == "B" else view.version_a
    flash(f"Promoted arm {view.promoted_variant} of {view.name!r}: version {version}'s rules are live.", "success")
    return _back()
