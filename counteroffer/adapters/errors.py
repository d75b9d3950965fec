"""What can go wrong at a port. The tree:

    AdapterError
    +-- BackOfficeUnavailableError   no trustworthy answer: the caller must not price with it
    |   +-- CircuitOpenError         not even asked: the back office failed too often lately
    |   +-- MalformedAnswerError     it answered, but not in the agreed shape
    +-- DeliveryError                an outbound message (email, webhook, CRM) was not taken

The use cases treat every ``BackOfficeUnavailableError`` alike: a price or cost they could
not check is never used, the request goes to a person instead.
"""
from __future__ import annotations

__all__ = ["AdapterError", "BackOfficeUnavailableError", "CircuitOpenError",
           "MalformedAnswerError", "DeliveryError"]


class AdapterError(Exception):
    """Base of every error a port raises."""


class BackOfficeUnavailableError(AdapterError):
    """The catalog, customers or orders system gave no usable answer (timeout, connection
    refused, 5xx, open circuit, malformed body)."""


class CircuitOpenError(BackOfficeUnavailableError):
    """Refused without calling: the circuit breaker is open after repeated failures."""


class MalformedAnswerError(BackOfficeUnavailableError):
    """The back office answered with a body that breaks the JSON contract."""

    def __init__(self, message: str, problems: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}


class DeliveryError(AdapterError):
    """An email, webhook or CRM push was not accepted by the other side."""
