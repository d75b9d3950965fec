"""The results JSON API, for pricing managers and sales leads.

    GET <prefix>/api/results?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=rule&segment=&currency=

Nobody logged in is 401, a buyer or a rep nobody reports to is 403; bad parameters are a
422 naming the parameter. Money is a string (exact), rates are fractions, cycle times
seconds; docs/results.md defines every measure.
"""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import RAISE, Schema, fields, validate

from ...access import MANAGER, REP, allow, require_role
from ...negotiation.results.reports import GROUPS, Measures, ResultsReport, results_report
from ...negotiation.results.told.report import ToldReport, told_report
from ...negotiation.shared.states import Role
from ..errors import install_error_handlers

__all__ = ["results_api", "ResultsQuerySchema", "report_json", "told_json"]

results_api = Blueprint("negotiation_results", __name__)
install_error_handlers(results_api)


class ResultsQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    group_by = fields.String(load_default="rule", validate=validate.OneOf(GROUPS))
    segment = fields.String(validate=validate.Length(min=1, max=64))
    currency = fields.String(validate=validate.Regexp(r"^[A-Z]{3}$", error="A three-letter ISO code."))


_query = ResultsQuerySchema()
#: Roles let in; the use case then admits managers, pricing managers and sales leads.
READERS = (REP, MANAGER, Role.PRICING_MANAGER.value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def measures_json(measures: Measures) -> dict[str, Any]:
    return {key: _jsonable(value) for key, value in asdict(measures).items()}


def report_json(report: ResultsReport) -> dict[str, Any]:
    return {"from": report.start.isoformat(), "to": report.end.isoformat(),
            "group_by": report.group_by, "segment": report.segment, "currency": report.currency,
            "currencies": report.currencies, "segments": report.segments,
            "total": measures_json(report.total),
            "groups": [measures_json(group) for group in report.groups]}


@results_api.get("/api/results")
@allow(*READERS)
def results() -> Response:
    actor = require_role(READERS)
    query = _query.load(request.args.to_dict())
    report = results_report(current_app.extensions["counteroffer"].deps, actor, query["start"],
                            query["end"], query["group_by"], query.get("segment"), query.get("currency"))
    told = told_report(current_app.extensions["counteroffer"].deps, actor, query["start"], query["end"])
    return jsonify({**report_json(report), **told_json(told)})


def told_json(told: ToldReport) -> dict[str, Any]:
    """What buyers told in the period (issue 16): competitors cited, lost reasons."""
    return {"competitors": [asdict(c) for c in told.competitors],
            "lost_reasons": [asdict(r) for r in told.lost_reasons]}
