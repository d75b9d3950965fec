"""Experiments on the results dashboard: their figures, and the stop and promote buttons.

    POST <prefix>/admin/results/experiments/<id>/stop       (CSRF-checked)
    POST <prefix>/admin/results/experiments/<id>/promote    variant=A|B (CSRF-checked)

Managers and pricing managers only (the use cases say so); the dashboard shows the
section to them alone. Endpoints are named ``results_*``: the back office lets pricing
managers reach those.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from werkzeug.wrappers import Response  # what redirect() returns; flask's Response is one too

from ..access import MANAGER, allow
from ..negotiation import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from ..negotiation.results import experiments as uc
from ..negotiation.results.experiments import ExperimentResults
from ..negotiation.shared.states import Role
from .csrf import FIELD as CSRF_FIELD
from .csrf import is_valid_csrf
from .views import _actor, _deps, _problem, negotiation_admin

__all__ = ["recent_experiments", "results_experiment_stop", "results_experiment_promote"]

RUNNERS = (MANAGER, Role.PRICING_MANAGER.value)
SHOWN = 3  # the most recent experiments on the page


def recent_experiments() -> list[ExperimentResults] | None:
    """The latest experiments with their results; None for someone who may not see them."""
    try:
        views = uc.list_experiments(_deps(), _actor())[:SHOWN]
    except ForbiddenError:
        return None
    return [uc.experiment_results(_deps(), _actor(), view.id) for view in views]


def _experiment_id(raw: str) -> int:
    if not raw.isdecimal() or len(raw) > 9:  # nine digits fit the integer column
        raise NotFoundError("No such experiment.")
    return int(raw)


def _back() -> Response:
    return redirect(url_for("negotiation_admin.results_dashboard", _anchor="coa-experiments-title"))


@negotiation_admin.post("/admin/results/experiments/<experiment_id>/stop")
@allow(*RUNNERS)
def results_experiment_stop(experiment_id: str) -> Response | tuple[str, int]:
    if not is_valid_csrf(request.form.get(CSRF_FIELD)):
        return _problem(400, "This form has expired; nothing was changed. Reload the page and try again.")
    try:
        view = uc.stop_experiment(_deps(), _actor(), _experiment_id(experiment_id))
    except ConflictError as error:
        flash(error.message, "error")
        return _back()
    flash(f"Stopped {view.name!r}: every buyer gets the live rules again.", "success")
    return _back()


@negotiation_admin.post("/admin/results/experiments/<experiment_id>/promote")
@allow(*RUNNERS)
def results_experiment_promote(experiment_id: str) -> Response | tuple[str, int]:
    if not is_valid_csrf(request.form.get(CSRF_FIELD)):
        return _problem(400, "This form has expired; nothing was changed. Reload the page and try again.")
    try:
        view = uc.promote_winner(_deps(), _actor(), _experiment_id(experiment_id),
                                 request.form.get("variant", ""))
    except (ConflictError, InvalidRequestError) as error:
        flash(error.message, "error")
        return _back()
    version = view.version_b if view.promoted_variant == "B" else view.version_a
    flash(f"Promoted arm {view.promoted_variant} of {view.name!r}: version {version}'s rules are live.", "success")
    return _back()
