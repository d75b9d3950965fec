"""The OpenAPI 3 document of the plugin's JSON APIs, generated from their marshmallow schemas.

    GET <prefix>/api/openapi.json      public: the contract, not data

Each operation below names the schemas its view loads and dumps, so the document says
what the code checks: request bodies refuse unknown fields (``additionalProperties:
false``, marshmallow's ``unknown=RAISE``), money travels as decimal strings, and every
error has the one JSON shape of ``plugin/errors.py``. The paths come from the host's URL
map (its prefix included); the roles from each view's ``@allow`` (``x-roles``). A test
fails if a JSON route of the plugin is missing here (tests/security/test_openapi.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify
from marshmallow import INCLUDE, Schema, fields, validate
from werkzeug.routing import IntegerConverter, Rule

from ..access import PUBLIC, declared_roles, public
from .results_api import ResultsQuerySchema
from .experiments_api import (ExperimentListSchema, ExperimentResultsSchema, ExperimentSchema,
                              PromoteSchema, StartExperimentSchema)
from .rules_schemas import (DiffQuerySchema, NoteSchema, RuleInputSchema, RuleOutputSchema,
                            RuleQuerySchema, SimulationInputSchema, SimulationOutputSchema,
                            VersionOutputSchema)
from .rep_schemas import (AuditEventSchema, DecisionSchema, DelegationInputSchema, DelegationSchema,
                          EscalationQuerySchema, EscalationSchema)
from .schemas import (CounterSchema, DealSchema, EmptySchema, ListQuerySchema, NegotiationSchema,
                      PriceRequestSchema, RedeemSchema, TermsSchema)

__all__ = ["openapi_blueprint", "Operation", "OPERATIONS", "openapi_document"]

openapi_blueprint = Blueprint("counteroffer_openapi", __name__)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    # "fields" is a Schema attribute of marshmallow's own, so the field is named apart.
    field_messages = fields.Dict(required=True, data_key="fields",
                                 metadata={"description": "field -> its messages"})


class ErrorSchema(Schema):
    """Every 4xx and 5xx of the JSON APIs."""

    error = fields.Nested(ErrorDetailSchema, required=True)


NegotiationListSchema = Schema.from_dict(
    {"requests": fields.List(fields.Nested(NegotiationSchema), required=True)},
    name="NegotiationListSchema")
DelegationListSchema = Schema.from_dict(
    {"delegations": fields.List(fields.Nested(DelegationSchema), required=True)},
    name="DelegationListSchema")
EscalationListSchema = Schema.from_dict(
    {"escalations": fields.List(fields.Nested(EscalationSchema), required=True)},
    name="EscalationListSchema")
AuditTrailSchema = Schema.from_dict(
    {"events": fields.List(fields.Nested(AuditEventSchema), required=True)},
    name="AuditTrailSchema")



class MeasuresSchema(Schema):
    """One row of the results report (``results_api.measures_json``; docs/results.md)."""

    key = fields.String(required=True)
    requests, offered, deals, redeemed = (fields.Integer(required=True) for _ in range(4))
    decisions = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    acceptance_rate, conversion_rate, avg_discount_pct, automated_share, sla_compliance = (
        fields.Decimal(as_string=True, allow_none=True, required=True) for _ in range(5))
    margin_given_away, headroom_kept, order_revenue, order_margin = (
        fields.Decimal(as_string=True, required=True) for _ in range(4))
    extra_volume = fields.Integer(required=True)
    deal_cycle_p50_s, deal_cycle_p90_s, decision_cycle_p50_s, decision_cycle_p90_s = (
        fields.Integer(allow_none=True, required=True) for _ in range(4))


class ResultsReportSchema(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")
    group_by = fields.String(required=True)
    segment = fields.String(allow_none=True, required=True)
    currency = fields.String(allow_none=True, required=True)
    currencies = fields.List(fields.String(), required=True)
    segments = fields.List(fields.String(), required=True)
    total = fields.Nested(MeasuresSchema, required=True)
    groups = fields.List(fields.Nested(MeasuresSchema), required=True)


RulePageSchema = Schema.from_dict(
    {"version": fields.String(required=True), "total": fields.Integer(required=True),
     "page": fields.Integer(required=True), "per_page": fields.Integer(required=True),
     "items": fields.List(fields.Nested(RuleOutputSchema), required=True)}, name="RulePageSchema")


class OpenObjectSchema(Schema):
    """A JSON object whose keys are not fixed here (a diff, a simulation's result)."""

    class Meta:
        unknown = INCLUDE


CSV = "text/csv"


@dataclass(frozen=True)
class Operation:
    summary: str
    response: type[Schema] | str | None  # a schema for JSON, a media type, or no body
    status: int = 200
    many: bool = False  # a JSON array of ``response``
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    #: Error statuses beyond the ones every operation has (400, 401, 403, 422, 429, 503).
    errors: tuple[int, ...] = ()


#: endpoint -> what its view takes and answers.
OPERATIONS: dict[str, Operation] = {
    "negotiation.create_request": Operation(
        "Ask for a better price", NegotiationSchema, 201, body=PriceRequestSchema, errors=(404, 409)),
    "negotiation.list_requests": Operation(
        "The company's price requests, newest first", NegotiationListSchema, query=ListQuerySchema),
    "negotiation.show_request": Operation("One price request", NegotiationSchema, errors=(404,)),
    "negotiation.counter_request": Operation(
        "Answer with another target price", NegotiationSchema, body=CounterSchema, errors=(404, 409)),
    "negotiation.withdraw_request": Operation(
        "Withdraw a request", NegotiationSchema, body=EmptySchema, errors=(404, 409)),
    "negotiation.escalate_request": Operation(
        "Ask a sales rep instead", NegotiationSchema, body=EmptySchema, errors=(404, 409)),
    "negotiation.accept_offer": Operation(
        "Accept an offer: a deal", DealSchema, 201, body=EmptySchema, errors=(404, 409)),
    "negotiation.redeem_deal": Operation(
        "Use a deal for an order", DealSchema, body=RedeemSchema, errors=(404, 409)),
    "negotiation.product_terms": Operation("A product's public terms", TermsSchema, errors=(404,)),
    "negotiation_reps.list_escalations": Operation(
        "The rep's escalation inbox", EscalationListSchema, query=EscalationQuerySchema),
    "negotiation_reps.show_escalation": Operation("One escalation", EscalationSchema, errors=(404,)),
    "negotiation_reps.decide": Operation(
        "Approve, counter or reject", EscalationSchema, body=DecisionSchema, errors=(404, 409)),
    "negotiation_reps.audit": Operation("A negotiation's audit trail", AuditTrailSchema, errors=(404,)),
    "negotiation_reps.audit_csv": Operation("The audit trail as CSV", CSV, errors=(404,)),
    "negotiation_reps.list_delegations": Operation(
        "Out of office not yet over: one's own, one's reports', and where one stands in",
        DelegationListSchema),
    "negotiation_reps.add_delegation": Operation(
        "Say who stands in, from when until when", DelegationSchema, 201, body=DelegationInputSchema,
        errors=(403, 409)),
    "negotiation_reps.end_delegation": Operation(
        "End it now, or cancel it if it has not started", DelegationSchema, body=EmptySchema,
        errors=(403, 404, 409)),
    "negotiation_results.results": Operation(
        "Results for pricing managers and sales leads", ResultsReportSchema, query=ResultsQuerySchema),
    "negotiation_experiments.list_experiments": Operation("Rule-set experiments, newest first", ExperimentListSchema),
    "negotiation_experiments.start_experiment": Operation(
        "Try two published versions on buyers", ExperimentSchema, 201, body=StartExperimentSchema, errors=(409,)),
    "negotiation_experiments.show_experiment": Operation(
        "An experiment and its results by arm, with 95% intervals", ExperimentResultsSchema, errors=(404,)),
    "negotiation_experiments.stop_experiment": Operation(
        "Stop an experiment", ExperimentSchema, body=EmptySchema, errors=(404, 409)),
    "negotiation_experiments.promote_experiment": Operation(
        "Publish the winning arm's rules", ExperimentSchema, body=PromoteSchema, errors=(404, 409)),
    **{f"negotiation_rules.{name}": Operation(*args, **{"errors": (404, 409), **options})
       for name, args, options in (
        ("list_rules", ("Rules of a version", RulePageSchema), {"query": RuleQuerySchema}),
        ("create_rule", ("Add a rule to the draft", RuleOutputSchema, 201), {"body": RuleInputSchema}),
        ("show_rule", ("One rule", RuleOutputSchema), {}),
        ("update_rule", ("Change a rule of the draft", RuleOutputSchema), {"body": RuleInputSchema}),
        ("delete_rule", ("Remove a rule from the draft", None, 204), {}),
        ("list_versions", ("Rule versions", VersionOutputSchema), {"many": True}),
        ("show_version", ("One version: draft, live or a number", VersionOutputSchema), {}),
        ("open_draft", ("Open a draft from the live rules", VersionOutputSchema, 201), {"body": NoteSchema}),
        ("discard_draft", ("Discard the draft", None, 204), {}),
        ("publish", ("Publish the draft", VersionOutputSchema, 201), {"body": NoteSchema}),
        ("rollback", ("Publish an earlier version again", VersionOutputSchema, 201), {"body": NoteSchema}),
        ("diff", ("What changed between two versions", OpenObjectSchema), {"query": DiffQuerySchema}),
        ("start_simulation", ("What if the draft were live", SimulationOutputSchema, 202),
         {"body": SimulationInputSchema}),
        ("show_simulation", ("A simulation's progress", SimulationOutputSchema), {}),
        ("cancel_simulation", ("Stop a simulation", SimulationOutputSchema), {"body": NoteSchema}),
        ("simulation_result", ("A finished simulation's figures", OpenObjectSchema), {}),
    )},
}
_COMMON_ERRORS = (400, 401, 403, 422, 429, 503)
_ERROR_TEXT = {400: "Not JSON, or not an object", 401: "Nobody is logged in",
               403: "The caller's role may not do this", 404: "No such object (or not the caller's)",
               409: "The object's state does not allow it", 422: "Invalid or unknown fields",
               429: "Too many requests", 503: "A system the answer depends on is down"}
_MONEY_PATTERN = r"^\d{1,9}(\.\d{1,3})?$"
_SIGNED_PATTERN = r"^-?\d+(\.\d+)?$"


@openapi_blueprint.get("/api/openapi.json")
@public
def document() -> Response:
    return jsonify(openapi_document(current_app))


def openapi_document(app: Flask) -> dict[str, Any]:
    spec = _new_spec()
    spec.components.schema("Error", schema=ErrorSchema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        operation = OPERATIONS.get(rule.endpoint)
        if operation is not None:
            path, method = _openapi_path(rule), _method(rule)
            spec.path(path=path, operations={method: _operation(app, rule, operation)})
    return _drop_numeric_bounds(spec.to_dict())


def _new_spec() -> APISpec:
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(title="Counteroffer", version="1", openapi_version="3.0.3", plugins=[plugin],
                   info={"description": "Price negotiation: the buyer and rep JSON APIs. Who "
                                        "calls is the host shop's login (its session cookie)."})
    plugin.converter.add_attribute_function(_money_as_string)
    return spec


#: Where two schemas would get one name: the rep's decision as sent, and as recorded.
_NAMES = {"_DecisionSchema": "RecordedDecision"}


def _schema_name(schema: Any) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return _NAMES.get(cls.__name__) or cls.__name__.removesuffix("Schema").lstrip("_")


def _money_as_string(self: Any, field: fields.Field, **_: Any) -> dict[str, Any]:
    """Decimals travel as strings ("110.00"), never as JSON numbers (floats)."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal",
                "pattern": _MONEY_PATTERN if _never_negative(field) else _SIGNED_PATTERN}
    return {}


def _never_negative(field: fields.Field) -> bool:
    # Prices sent to the API are validated positive; figures sent back (a margin at the
    # buyer's target) may be negative.
    return any(isinstance(rule, validate.Range) and rule.min is not None and rule.min >= 0
               for rule in field.validators)


def _drop_numeric_bounds(node: Any) -> Any:
    """A decimal string has a pattern, not ``minimum``/``maximum`` (apispec set them from
    the Range validator before ``_money_as_string`` made the type a string)."""
    if isinstance(node, dict):
        if node.get("format") == "decimal":
            node.pop("minimum", None), node.pop("maximum", None)
        for value in node.values():
            _drop_numeric_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _drop_numeric_bounds(value)
    return node


def _openapi_path(rule: Rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def _method(rule: Rule) -> str:
    [method] = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return method.lower()


def _operation(app: Flask, rule: Rule, operation: Operation) -> dict[str, Any]:
    roles = declared_roles(app, rule.endpoint) or frozenset()
    result: dict[str, Any] = {
        "operationId": rule.endpoint.replace(".", "_"), "summary": operation.summary,
        "x-roles": sorted(roles) if roles != PUBLIC else ["public"],
        "parameters": _path_parameters(rule), "responses": _responses(operation, rule)}
    if operation.query is not None:
        result["parameters"].append({"in": "query", "schema": operation.query})
    if operation.body is not None:
        result["requestBody"] = {"required": False, "content": {
            "application/json": {"schema": operation.body}}}
    return result


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [{"in": "path", "name": name, "required": True, "schema": _converter_schema(rule, name)}
            for name in sorted(rule.arguments)]


def _converter_schema(rule: Rule, name: str) -> dict[str, Any]:
    if isinstance(rule._converters.get(name), IntegerConverter):  # noqa: SLF001 - werkzeug's own map
        return {"type": "integer", "minimum": 0}
    return {"type": "string", "minLength": 1}


def _responses(operation: Operation, rule: Rule) -> dict[str, Any]:
    if operation.response is None:
        success: dict[str, Any] = {}
    elif isinstance(operation.response, str):
        success = {"content": {operation.response: {"schema": {"type": "string"}}}}
    elif operation.many:
        success = {"content": {"application/json": {"schema": {
            "type": "array", "items": operation.response}}}}
    else:
        success = {"content": {"application/json": {"schema": operation.response}}}
    responses: dict[Any, Any] = {str(operation.status): {"description": "Done", **success}}
    for status in sorted({*_COMMON_ERRORS, *operation.errors, *_extra_errors(rule)}):
        responses[str(status)] = {"description": _ERROR_TEXT.get(status, "Error"), "content": {
            "application/json": {"schema": ErrorSchema}}}
    return responses


def _extra_errors(rule: Rule) -> tuple[int, ...]:
    # An id in the path can always name nothing.
    return (404,) if rule.arguments else ()
