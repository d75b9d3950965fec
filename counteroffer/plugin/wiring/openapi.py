"""The OpenAPI 3 document of the plugin's JSON APIs, generated from their marshmallow schemas.

    GET <prefix>/api/openapi.json      public: the contract, not data

Each operation (``openapi_operations.OPERATIONS``) names the schemas its view loads and
dumps, so the document says what the code checks: request bodies refuse unknown fields
(``additionalProperties: false``, marshmallow's ``unknown=RAISE``), a body is required
where it has required fields, money travels as decimal strings with the pattern the
server holds them to (``openapi_shapes.py``), text has no control characters, and every
error has the one JSON shape of ``plugin/errors.py``. What JSON Schema cannot say (a
rule across fields, or against what the server holds) is in each operation's
description and its ``x-refusals``. The paths come from the host's URL map (its prefix
included); the roles from each view's ``@allow`` (``x-roles``). A test fails if a JSON
route of the plugin is missing here (tests/security/test_openapi.py), and schemathesis
holds the server to the document (tests/security/test_fuzz_api.py).
"""
from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify
from werkzeug.routing import IntegerConverter, Rule

from ...access import PUBLIC, declared_roles, public
from ..input_guard import MAX_ID
from .openapi_operations import OPERATIONS, ErrorSchema, Operation
from .openapi_shapes import STRICT_PATTERN, field_shape, finish_document

__all__ = ["openapi_blueprint", "Operation", "OPERATIONS", "openapi_document"]

openapi_blueprint = Blueprint("counteroffer_openapi", __name__)
_COMMON_ERRORS = (400, 401, 403, 413, 422, 429, 503)
_ERROR_TEXT = {400: "Not JSON, or not an object", 401: "Nobody is logged in",
               403: "The caller's role may not do this", 404: "No such object (or not the caller's)",
               409: "The object's state does not allow it", 410: "Deleted on purpose (a document past its retention)",
               413: "The body is larger than the limit",
               415: "Not UTF-8 JSON", 422: "Invalid or unknown fields (see the description)",
               429: "Too many requests", 503: "A system the answer depends on is down"}
_INFO = ("Price negotiation: the buyer and rep JSON APIs. Who calls is the host shop's login "
         "(its session cookie). Bodies are UTF-8 JSON objects of at most 1 MiB (simulations "
         "32 MiB; COUNTEROFFER_MAX_BODY_BYTES, COUNTEROFFER_MAX_UPLOAD_BYTES), nested at most "
         "20 deep, each key once; strings hold no control characters (tab, line feed and "
         "carriage return aside) and no unpaired surrogates; money is a string, never a number.")


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
    return finish_document(spec.to_dict())


def _new_spec() -> APISpec:
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(title="Counteroffer", version="1", openapi_version="3.0.3", plugins=[plugin],
                   info={"description": _INFO})
    assert plugin.converter is not None  # set by APISpec when it takes the plugin
    plugin.converter.add_attribute_function(field_shape)
    return spec


#: Where two schemas would get one name: the rep's decision as sent, and as recorded.
_NAMES = {"_DecisionSchema": "RecordedDecision"}


def _schema_name(schema: Any) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return _NAMES.get(cls.__name__) or cls.__name__.removesuffix("Schema").lstrip("_")


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
        result["requestBody"] = {"required": _has_required_fields(operation.body), "content": {
            "application/json": {"schema": operation.body}}}
    if operation.refusals:
        result["description"] = "Also refused with a 422 naming the field, where " + "; ".join(
            refusal.when for refusal in operation.refusals) + "."
        result["x-refusals"] = [refusal.as_json() for refusal in operation.refusals]
    return result


def _has_required_fields(schema: Any) -> bool:
    # An empty body reads as {}: optional where every field is (accept, a note), required
    # where one is (a price request, a decision).
    return any(field.required for field in schema._declared_fields.values())  # noqa: SLF001


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    return [{"in": "path", "name": name, "required": True, "schema": _converter_schema(rule, name)}
            for name in sorted(rule.arguments)]


def _converter_schema(rule: Rule, name: str) -> dict[str, Any]:
    if isinstance(rule._converters.get(name), IntegerConverter):  # noqa: SLF001 - werkzeug's own map
        return {"type": "integer", "minimum": 0, "maximum": MAX_ID}  # the column's; above: 404
    return {"type": "string", "minLength": 1, "pattern": STRICT_PATTERN}


def _responses(operation: Operation, rule: Rule) -> dict[str, Any]:
    if operation.response is None:
        success: dict[str, Any] = {}
    elif isinstance(operation.response, str):  # media types, ", " between them (a document: one of three)
        success = {"content": {media: {"schema": {"type": "string"}} for media in operation.response.split(", ")}}
    elif operation.many:
        success = {"content": {"application/json": {"schema": {
            "type": "array", "items": operation.response}}}}
    else:
        success = {"content": {"application/json": {"schema": operation.response}}}
    responses: dict[Any, Any] = {str(operation.status): {"description": "Done", **success}}
    for status in sorted({*_COMMON_ERRORS, *operation.errors, *_extra_errors(rule, operation)}):
        responses[str(status)] = {"description": _ERROR_TEXT.get(status, "Error"), "content": {
            "application/json": {"schema": ErrorSchema}}}
    return responses


def _extra_errors(rule: Rule, operation: Operation) -> tuple[int, ...]:
    # An id in the path can always name nothing; a body can be other than UTF-8 JSON.
    return ((404,) if rule.arguments else ()) + ((415,) if operation.body is not None else ())
