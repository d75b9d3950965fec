"""The experiments JSON API, for managers and pricing managers.

    GET  <prefix>/api/experiments                     every experiment, newest first
    POST <prefix>/api/experiments                     start: {name, control, challenger, split_pct, note}
    GET  <prefix>/api/experiments/<id>                the experiment and its results by arm
    POST <prefix>/api/experiments/<id>/stop           every buyer gets the live version again
    POST <prefix>/api/experiments/<id>/promote        {variant: "A"|"B"}: publish the winner

``control`` and ``challenger`` are "live" or a published version number. Intervals are 95%
(Wilson, Newcombe, Welch: negotiation/results/stats.py); an unbounded end is null.
"""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from marshmallow import RAISE, Schema, fields, validate

from ...access import MANAGER, allow, require_role
from ...negotiation import NotFoundError
from ...negotiation.results import experiments as uc
from ...negotiation.shared.states import Role
from ..buying.schemas import EmptySchema, NonBlank
from ..errors import install_error_handlers
from ..json_body import load_body

__all__ = ["experiments_api", "StartExperimentSchema", "PromoteSchema", "ExperimentSchema",
           "ExperimentListSchema", "ExperimentResultsSchema"]

experiments_api = Blueprint("negotiation_experiments", __name__)
install_error_handlers(experiments_api)
RUNNERS = (MANAGER, Role.PRICING_MANAGER.value)
_VERSION = validate.Regexp(r"^(live|[1-9][0-9]{0,8})$", error='"live" or a published version number.')


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class StartExperimentSchema(_Strict):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=200), NonBlank()])
    control = fields.String(required=True, validate=_VERSION)
    challenger = fields.String(required=True, validate=_VERSION)
    split_pct = fields.Integer(load_default=50, validate=validate.Range(min=1, max=99))
    note = fields.String(validate=validate.Length(max=2000))


class PromoteSchema(_Strict):
    variant = fields.String(required=True, validate=validate.OneOf(["A", "B"]))


class ExperimentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    version_a = fields.Integer(required=True)
    version_b = fields.Integer(required=True)
    split_pct = fields.Integer(required=True)
    status = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    stopped_at = fields.DateTime(allow_none=True, required=True)
    promoted_variant = fields.String(allow_none=True, required=True)
    note = fields.String(allow_none=True, required=True)


class IntervalSchema(Schema):
    estimate, low, high = (fields.Decimal(as_string=True, allow_none=True, required=True) for _ in range(3))


class QuoteArmSchema(Schema):
    """An arm's whole-cart quotes, per quote (docs/results.md#experiments)."""

    requested, offered, accepted = (fields.Integer(required=True) for _ in range(3))
    acceptance, margin_per_quote = (fields.Nested(IntervalSchema, required=True) for _ in range(2))
    order_value, margin_kept, discount_given = (fields.Decimal(as_string=True, required=True) for _ in range(3))


class QuoteDifferencesSchema(Schema):
    acceptance, margin = (fields.Nested(IntervalSchema, required=True) for _ in range(2))


class ArmSchema(Schema):
    arm = fields.String(required=True)
    version = fields.Integer(required=True)
    requests, offered, deals = (fields.Integer(required=True) for _ in range(3))
    acceptance, margin_per_request, volume_per_request = (
        fields.Nested(IntervalSchema, required=True) for _ in range(3))
    quotes = fields.Nested(QuoteArmSchema, required=True)


class ExperimentResultsSchema(Schema):
    experiment = fields.Nested(ExperimentSchema, required=True)
    arms = fields.List(fields.Nested(ArmSchema), required=True)
    acceptance_difference, margin_difference, volume_difference = (
        fields.Nested(IntervalSchema, required=True) for _ in range(3))
    small_sample = fields.Boolean(required=True)
    quote_differences = fields.Nested(QuoteDifferencesSchema, required=True)


ExperimentListSchema = Schema.from_dict(
    {"experiments": fields.List(fields.Nested(ExperimentSchema), required=True)},
    name="ExperimentListSchema")

_start, _promote, _empty = StartExperimentSchema(), PromoteSchema(), EmptySchema()
_experiment, _results, _list = ExperimentSchema(), ExperimentResultsSchema(), ExperimentListSchema()
PLACES = Decimal("0.0001")


def _deps() -> Any:
    return current_app.extensions["counteroffer"].deps


def _id(experiment_id: str) -> int:
    if not experiment_id.isdecimal() or len(experiment_id) > 9:  # fits the integer column
        raise NotFoundError("No such experiment.")
    return int(experiment_id)


def _finite(value: Any) -> Any:
    """Decimals rounded for reading; an unbounded interval end becomes null."""
    if isinstance(value, Decimal):
        return value.quantize(PLACES) if value.is_finite() else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


@experiments_api.get("/api/experiments")
@allow(*RUNNERS)
def list_experiments() -> Response:
    views = uc.list_experiments(_deps(), require_role(RUNNERS))
    return jsonify(_list.dump({"experiments": views}))


@experiments_api.post("/api/experiments")
@allow(*RUNNERS)
def start_experiment() -> tuple[Response, int]:
    actor = require_role(RUNNERS)
    data = load_body(_start)
    view = uc.start_experiment(_deps(), actor, data["name"], data["control"], data["challenger"],
                               data["split_pct"], data.get("note"))
    return jsonify(_experiment.dump(view)), 201


@experiments_api.get("/api/experiments/<experiment_id>")
@allow(*RUNNERS)
def show_experiment(experiment_id: str) -> Response:
    results = uc.experiment_results(_deps(), require_role(RUNNERS), _id(experiment_id))
    return jsonify(_results.dump(_finite(asdict(results))))


@experiments_api.post("/api/experiments/<experiment_id>/stop")
@allow(*RUNNERS)
def stop_experiment(experiment_id: str) -> Response:
    actor = require_role(RUNNERS)
    load_body(_empty)
    return jsonify(_experiment.dump(uc.stop_experiment(_deps(), actor, _id(experiment_id))))


@experiments_api.post("/api/experiments/<experiment_id>/promote")
@allow(*RUNNERS)
def promote_experiment(experiment_id: str) -> Response:
    actor = require_role(RUNNERS)
    data = load_body(_promote)
    view = uc.promote_winner(_deps(), actor, _id(experiment_id), data["variant"])
    return jsonify(_experiment.dump(view))
