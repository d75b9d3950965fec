"""The negotiation's state machine: statuses and the moves allowed between them."""
from __future__ import annotations

from enum import Enum

from ...rules import Outcome
from .errors import ConflictError

__all__ = ["Status", "OfferStatus", "Role", "status_for", "require_move"]


class Status(str, Enum):
    OPEN = "open"  # the engine agreed to the asked terms; an offer awaits the buyer
    COUNTERED = "countered"  # trade-off offers await the buyer
    ESCALATED = "escalated"  # a person must decide
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class OfferStatus(str, Enum):
    OPEN = "open"
    ACCEPTED = "accepted"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"


class Role(str, Enum):
    BUYER = "buyer"
    REP = "rep"
    MANAGER = "manager"
    #: Edits and publishes the trade-off rules (so does a ``manager``); no approvals inbox.
    PRICING_MANAGER = "pricing_manager"
    SYSTEM = "system"


_FROM_OUTCOME = {
    Outcome.ACCEPT: Status.OPEN, Outcome.COUNTER: Status.COUNTERED,
    Outcome.ESCALATE: Status.ESCALATED, Outcome.DECLINE: Status.DECLINED,
}

#: action -> statuses it may start from. Everything else is a 409.
_MOVES: dict[str, frozenset[Status]] = {
    "counter": frozenset({Status.OPEN, Status.COUNTERED, Status.ESCALATED, Status.DECLINED}),
    # Declined too: a counter declined leaves the offers of earlier rounds the buyer holds.
    "accept": frozenset({Status.OPEN, Status.COUNTERED, Status.ESCALATED, Status.DECLINED}),
    "withdraw": frozenset({Status.OPEN, Status.COUNTERED, Status.ESCALATED, Status.DECLINED}),
    "escalate": frozenset({Status.OPEN, Status.COUNTERED, Status.DECLINED}),
    "expire": frozenset({Status.OPEN, Status.COUNTERED}),
}


def status_for(outcome: Outcome) -> Status:
    return _FROM_OUTCOME[outcome]


def require_move(action: str, current: str) -> None:
    if Status(current) not in _MOVES[action]:
        raise ConflictError(f"This negotiation is {current}; it cannot be {_PAST[action]} now.")


_PAST = {"counter": "countered", "accept": "accepted", "withdraw": "withdrawn",
         "escalate": "escalated", "expire": "expired"}
