"""Why not, for a quote: the one optional question asked when a quote ends without a deal
(withdrawn, including declining a rep's counter, or run out of time).

The same reasons, checks and storage shape as a line request's (buying/why_not.py:
``LOST_REASONS``, ``check_why_not``; ``lost_reason`` and ``lost_note`` on the row and a
``why_not`` audit event), kept on the quote (``counteroffer_quotes``, migration 0019).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ...db import transaction
from ...db.quotes import Quote
from ..buying.why_not import check_why_not
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import ConflictError
from ..shared.states import Status
from .records import locked_quote, record_event, view_of
from .views import QuoteView

__all__ = ["tell_quote_why_not", "record_quote_why_not"]

_ENDED = (Status.WITHDRAWN.value, Status.EXPIRED.value)


def tell_quote_why_not(deps: Deps, actor: Actor, quote_id: str, reason: str, note: str | None = None) -> QuoteView:
    """The buyer's answer, for a quote of their company that was withdrawn or ran out of
    time (as the buyer sees it: the sweep need not have run); once: a second is a 409."""
    company_id = require_buyer(actor)
    check_why_not(reason, note)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_quote(session, quote_id, company_id)
        if view_of(session, row, now, deps.policy.max_rounds).status not in _ENDED:
            raise ConflictError("Ask why only once a quote is withdrawn or has run out of time.")
        if row.lost_reason is not None:
            raise ConflictError("You have already told us why; thank you.")
        record_quote_why_not(session, row, actor, reason, note, now)
        return view_of(session, row, now, deps.policy.max_rounds)


def record_quote_why_not(session: Session, row: Quote, actor: Actor, reason: str | None, note: str | None,
                         now: datetime) -> None:
    """Also used by withdraw, which may carry the answer itself."""
    if reason is None:
        return
    row.lost_reason, row.lost_note = reason, (note or None)
    record_event(session, row, actor, "why_not", row.status, now, reason=reason, note=note or None)
