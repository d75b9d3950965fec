"""Errors the use cases raise; the web layer maps each to its HTTP status."""
from __future__ import annotations

__all__ = ["NegotiationError", "NotFoundError", "ConflictError", "ForbiddenError",
           "UnauthenticatedError", "InvalidRequestError"]


class NegotiationError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class UnauthenticatedError(NegotiationError):
    status, code = 401, "unauthenticated"


class ForbiddenError(NegotiationError):
    status, code = 403, "forbidden"


class NotFoundError(NegotiationError):
    status, code = 404, "not_found"


class ConflictError(NegotiationError):
    status, code = 409, "conflict"


class InvalidRequestError(NegotiationError):
    """Well-formed input that the business cannot take (unknown SKU, wrong currency)."""

    status, code = 422, "invalid"
