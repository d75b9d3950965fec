"""Every error leaves as JSON: {"error": {"code", "message", "fields"}}."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, default_exceptions

from ..adapters import AdapterError
from ..negotiation import NegotiationError

__all__ = ["ApiError", "error_response", "http_error_response", "install_error_handlers"]


class ApiError(HTTPException):
    """A refusal by the web layer itself, before any use case: bad JSON, a wrong content
    type, a body too large, a control character in a path or query. An HTTPException, so
    that the back office's pages render it too (as their problem page) when the input
    guard refuses one of their requests."""

    def __init__(self, status: int, code: str, message: str,
                 fields: dict[str, Any] | None = None) -> None:
        super().__init__(description=message)
        self.code, self.error_code, self.message = status, code, message
        self.fields = fields or {}


def error_response(status: int, code: str, message: str,
                   fields: dict[str, Any] | None = None) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message, "fields": fields or {}}}), status


def http_error_response(error: HTTPException) -> tuple[Response, int]:
    """A werkzeug error as the JSON error; a 405 keeps its ``Allow`` header (RFC 9110)."""
    code = (error.name or "error").lower().replace(" ", "_")
    response, status = error_response(error.code or 500, code, error.description or "")
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response, status


def _validation_fields(messages: Any) -> dict[str, Any]:
    if isinstance(messages, dict):
        return messages
    return {"_schema": messages if isinstance(messages, list) else [str(messages)]}


def install_error_handlers(blueprint: Blueprint) -> None:
    @blueprint.errorhandler(NegotiationError)
    def _negotiation(error: NegotiationError) -> tuple[Response, int]:
        response, status = error_response(error.status, error.code, error.message, error.fields)
        retry_after = getattr(error, "retry_after", None)
        if retry_after:  # a 429: when to come back
            response.headers["Retry-After"] = str(retry_after)
        return response, status

    @blueprint.errorhandler(ValidationError)
    def _invalid(error: ValidationError) -> tuple[Response, int]:
        return error_response(422, "invalid", "The request has invalid fields.",
                              _validation_fields(error.messages))

    @blueprint.errorhandler(AdapterError)
    def _back_office(_error: AdapterError) -> tuple[Response, int]:
        # A safety net: the use cases turn these into their own answers. The details
        # (URLs, status codes of the shop's systems) are for the logs, not the buyer.
        return error_response(503, "unavailable", "A system this answer depends on is not "
                              "available right now; please try again shortly.")

    @blueprint.errorhandler(ApiError)
    def _api(error: ApiError) -> tuple[Response, int]:
        return error_response(error.code or 400, error.error_code, error.message, error.fields)

    @blueprint.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[Response, int]:
        return http_error_response(error)

    # Flask looks for a handler by status code before it looks by class, and an app-level
    # handler for a code (a host's ``errorhandler(404)``, registered before or after
    # ``init_app``) would win over the class handler above: registering each code on the
    # blueprint keeps the API's answers JSON whatever the host registers.
    for status in default_exceptions:
        blueprint.register_error_handler(status, _http)

    @blueprint.errorhandler(Exception)
    def _unexpected(error: Exception) -> tuple[Response, int]:
        # A bug, not a refusal: logged with its traceback as Flask logs an unhandled one,
        # answered as the API's JSON 500 even when the host handles ``Exception`` with an
        # HTML page. When the app propagates exceptions (testing, debug), so does this.
        if current_app.config.get("PROPAGATE_EXCEPTIONS") or current_app.testing or current_app.debug:
            raise error
        current_app.logger.error("Exception on the counteroffer API", exc_info=error)
        return error_response(500, "internal_server_error", "Something went wrong on our side; "
                              "nothing was changed by this request. Please try again.")
