"""What pricing managers learn from what buyers told (issue 16), as JSON: a route of the
results blueprint, beside ``GET <prefix>/api/results``, with the same readers and filters.

    GET <prefix>/api/results/told?from=YYYY-MM-DD&to=YYYY-MM-DD&segment=&currency=&kind=

Line requests and whole-cart quotes together, or one of them (``kind=line`` or ``quote``).

Money is a string in the report's currency, rates are fractions, a gap in percent is a
percentage; docs/competing-offers.md#what-pricing-managers-learn defines every figure.
"""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from flask import Response, current_app, jsonify, request
from marshmallow import Schema, fields, validate

from ...access import allow, require_role
from ...negotiation.buying.why_not import LOST_REASONS
from ...negotiation.results.told.insights import ToldInsights, told_insights
from ...negotiation.results.told.rows import KINDS
from .results_api import READERS, ResultsQuerySchema, results_api

__all__ = ["ToldQuerySchema", "ToldInsightsSchema", "insights_json"]


class ToldQuerySchema(ResultsQuerySchema):
    """The results' filters but ``group_by`` (each table has its own grouping), and ``kind``."""

    class Meta(ResultsQuerySchema.Meta):
        exclude = ("group_by",)

    kind = fields.String(validate=validate.OneOf(KINDS, error="Choose line or quote, or leave it out for both."))


_query = ToldQuerySchema()


@results_api.get("/api/results/told")
@allow(*READERS)
def told_results() -> Response:
    actor = require_role(READERS)
    query = _query.load(request.args.to_dict())
    insights = told_insights(current_app.extensions["counteroffer"].deps, actor, query["start"], query["end"],
                             query.get("segment"), query.get("currency"), query.get("kind"))
    return jsonify(insights_json(insights))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


def _rows(rows: Any) -> list[dict[str, Any]]:
    return [{key: _jsonable(value) for key, value in asdict(row).items()} for row in rows]


def insights_json(insights: ToldInsights) -> dict[str, Any]:
    return {"from": insights.start.isoformat(), "to": insights.end.isoformat(), "segment": insights.segment,
            "currency": insights.currency, "kind": insights.kind, "total": _rows([insights.total])[0],
            **{name: _rows(getattr(insights, name)) for name in (
                "competitors", "skus", "categories", "win_rates", "lost_by_rule", "lost_by_segment", "lost_by_sku")}}


# The response's shape, for the OpenAPI document (plugin/wiring/openapi_operations.py).


def _decimal() -> fields.Decimal:
    """A decimal string, or null when nothing was there to measure."""
    return fields.Decimal(as_string=True, allow_none=True, required=True)


CitedGroupSchema = Schema.from_dict({
    "key": fields.String(required=True),
    **{name: fields.Integer(required=True) for name in (
        "citations", "negotiations", "matched", "deals", "ordered", "compared")},
    "median_gap": _decimal(), "median_gap_pct": _decimal()}, name="CitedGroupSchema")
WinRateSchema = Schema.from_dict({
    "key": fields.String(required=True),
    **{name: fields.Integer(required=True) for name in ("negotiations", "deals", "ordered")},
    "win_rate": _decimal(), "order_rate": _decimal()}, name="WinRateSchema")
LostGroupSchema = Schema.from_dict({
    "key": fields.String(required=True), "negotiations": fields.Integer(required=True),
    "reasons": fields.Nested(Schema.from_dict({reason: fields.Integer(required=True) for reason in LOST_REASONS},
                                              name="LostReasonsSchema"), required=True)}, name="LostGroupSchema")


class ToldInsightsSchema(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    segment = fields.String(allow_none=True, required=True)
    currency = fields.String(allow_none=True, required=True)
    kind = fields.String(allow_none=True, required=True)
    total = fields.Nested(CitedGroupSchema, required=True)
    competitors, skus, categories = (fields.List(fields.Nested(CitedGroupSchema), required=True) for _ in range(3))
    win_rates = fields.List(fields.Nested(WinRateSchema), required=True)
    lost_by_rule, lost_by_segment, lost_by_sku = (
        fields.List(fields.Nested(LostGroupSchema), required=True) for _ in range(3))
