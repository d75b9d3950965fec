"""Why not: the one optional question a buyer is asked when a negotiation ends without a
deal (withdrawn, including declining a rep's counter, or run out of time).

The answer is stored with the negotiation (``lost_reason``, ``lost_note``), once, with an
audit event; the results report counts them (results/told/report.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Negotiation
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import ConflictError, InvalidRequestError
from ..shared.records import locked_negotiation, offers_of, record_event
from ..shared.states import Status
from .told import NOTE_LIMIT
from .views import NegotiationView, negotiation_view

__all__ = ["LOST_REASONS", "tell_why_not", "check_why_not", "record_why_not"]

#: What the buyer may answer, in the order the widget asks.
LOST_REASONS = ("price_too_high", "found_cheaper", "quantity_too_large", "terms_do_not_fit",
                "no_longer_needed", "other")
_ENDED = (Status.WITHDRAWN.value, Status.EXPIRED.value)


def check_why_not(reason: str | None, note: str | None) -> None:
    if reason is not None and reason not in LOST_REASONS:
        message = f"One of {', '.join(LOST_REASONS)}."
        raise InvalidRequestError(message, {"reason": [message]})
    if note is not None and len(note) > NOTE_LIMIT:
        message = f"At most {NOTE_LIMIT} characters."
        raise InvalidRequestError(message, {"note": [message]})
    if note and reason is None:
        message = "Choose a reason for the note, such as other."
        raise InvalidRequestError(message, {"reason": [message]})


def tell_why_not(deps: Deps, actor: Actor, negotiation_id: str, reason: str,
                 note: str | None = None) -> NegotiationView:
    """The buyer's answer, for a negotiation of their company that was withdrawn or ran
    out of time; asked once: a second answer is a 409, the first stands."""
    company_id = require_buyer(actor)
    check_why_not(reason, note)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_negotiation(session, negotiation_id, company_id)
        offers = offers_of(session, row.id)
        # Expiry is read as the buyer sees it: the sweep may not have run yet.
        if negotiation_view(row, offers, now).status not in _ENDED:
            raise ConflictError("Ask why only once a request is withdrawn or has run out of time.")
        if row.lost_reason is not None:
            raise ConflictError("You have already told us why; thank you.")
        record_why_not(session, row, actor, reason, note, now)
        return negotiation_view(row, offers, now)


def record_why_not(session: Session, row: Negotiation, actor: Actor, reason: str | None, note: str | None,
                   now: datetime) -> None:
    """Also used by withdraw, which may carry the answer itself."""
    if reason is None:
        return
    row.lost_reason, row.lost_note = reason, (note or None)
    record_event(session, row, actor, "why_not", row.status, now, reason=reason, note=note or None)
