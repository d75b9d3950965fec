"""Errors the use cases raise; the web layer maps each to its HTTP status."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ...adapters.errors import BackOfficeUnavailableError

__all__ = ["NegotiationError", "NotFoundError", "ConflictError", "ForbiddenError",
           "UnauthenticatedError", "InvalidRequestError", "GoneError", "ServiceUnavailableError",
           "unavailable_as_503"]


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


class GoneError(NegotiationError):
    """It existed and was deleted on purpose (a document past its retention)."""

    status, code = 410, "gone"


class InvalidRequestError(NegotiationError):
    """Well-formed input that the business cannot take (unknown SKU, wrong currency)."""

    status, code = 422, "invalid"


class ServiceUnavailableError(NegotiationError):
    """Something the answer depends on (the shop's back office) cannot be asked now;
    nothing was changed, and the same call may work in a minute."""

    status, code = 503, "unavailable"


@contextmanager
def unavailable_as_503(message: str) -> Iterator[None]:
    """Inside the block, a back office that cannot answer becomes a 503 with ``message``
    (the enclosing transaction then rolls back: nothing changes)."""
    try:
        yield
    except BackOfficeUnavailableError as error:
        raise ServiceUnavailableError(message) from error
