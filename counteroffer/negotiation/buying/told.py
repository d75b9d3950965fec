"""What a buyer tells with a round: a competing offer they cite, the day they need the goods.

Stored with the round (``counteroffer_told``), shown back in the negotiation's history to
its own company and to staff, and handed to the engine as information
(``rules.Citation``, ``PriceRequest.needed_by``): rules/competing.py decides what it earns.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ...db.models import Document, Negotiation, Told
from ...rules import Citation, has_valid_places, places_message, round_money
from ..shared.errors import InvalidRequestError

__all__ = ["Tell", "ToldView", "NOTHING_TOLD", "check_tell", "check_told", "store_tell", "told_views",
           "document_ref", "NOTE_LIMIT"]

NOTE_LIMIT = 500


@dataclass(frozen=True)
class Tell:
    """What the buyer sends with a request or counter; every part optional."""

    competitor: str | None = None
    unit_price: Decimal | None = None
    valid_until: date | None = None
    note: str | None = None
    needed_by: date | None = None
    #: An uploaded document (document_store.py) the citation rests on.
    document_id: str | None = None

    @property
    def cites(self) -> bool:
        return self.competitor is not None and self.unit_price is not None

    def citation(self, has_document: bool = False) -> Citation | None:
        if self.competitor is None or self.unit_price is None:
            return None
        return Citation(self.competitor, self.unit_price, self.valid_until, has_document)

    def said_anything(self) -> bool:
        return self.cites or self.needed_by is not None


NOTHING_TOLD = Tell()


@dataclass(frozen=True)
class ToldView:
    round: int
    competitor: str | None
    unit_price: Decimal | None
    currency: str
    valid_until: date | None
    note: str | None
    needed_by: date | None
    #: {"id", "filename", "content_type", "size", "deleted_at"} of the document cited, if
    #: any; ``deleted_at`` is set once its retention deleted the file (retention.py).
    document: dict[str, object] | None = None


def check_tell(tell: Tell, currency: str, today: date) -> None:
    """What the schema cannot know: the currency's places (a counter's currency is the
    negotiation's) and today's date. Raises before anything is written."""
    prices = [("competing_offer.unit_price", tell.unit_price)] if tell.unit_price is not None else []
    check_told(currency, today, prices, tell.valid_until, tell.note, tell.needed_by, tell.document_id, tell.cites)


def check_told(currency: str, today: date, prices: Sequence[tuple[str, Decimal]], valid_until: date | None,
               note: str | None, needed_by: date | None, document_id: str | None, cites: bool) -> None:
    """The checks a line's and a quote's citation share (negotiation/quotes/told.py):
    each cited price (named by its field) in the currency's places, the dates today or
    later, the note's length, a document only with a citation."""
    for field, price in prices:
        if not has_valid_places(price, currency):
            _refuse(field, places_message(currency))
    if valid_until is not None and valid_until < today:
        _refuse("competing_offer.valid_until", "This competing offer has expired; give the last day it holds, "
                                               "today or later.")
    if needed_by is not None and needed_by < today:
        _refuse("needed_by", "Give a day from today on.")
    if note is not None and len(note) > NOTE_LIMIT:
        _refuse("competing_offer.note", f"At most {NOTE_LIMIT} characters.")
    if document_id is not None and not cites:
        _refuse("competing_offer.document_id", "A document goes with a competing offer.")


def _refuse(field: str, message: str) -> None:
    raise InvalidRequestError(message, {field: [message]})


def store_tell(row: Negotiation, round_: int, tell: Tell, now: datetime, document: Document | None = None) -> None:
    """Kept with the round, through the negotiation (written in its flush)."""
    if not tell.said_anything():
        return
    if document is not None:
        document.negotiation = row  # a relationship: the new row is inserted first
    row.told.append(Told(round=round_, competitor=tell.competitor if tell.cites else None, document=document,
                         unit_price=tell.unit_price if tell.cites else None,
                         valid_until=tell.valid_until if tell.cites else None,
                         note=(tell.note or None) if tell.cites else None,
                         needed_by=tell.needed_by, created_at=now))


def told_views(row: Negotiation) -> tuple[ToldView, ...]:
    return tuple(ToldView(round=t.round, competitor=t.competitor, currency=row.currency,
                          unit_price=round_money(t.unit_price, row.currency) if t.unit_price is not None else None,
                          valid_until=t.valid_until, note=t.note, needed_by=t.needed_by,
                          document=document_ref(t.document)) for t in row.told)


def document_ref(document: Document | None) -> dict[str, object] | None:
    if document is None:
        return None
    return {"id": document.id, "filename": document.filename, "content_type": document.content_type,
            "size": document.size, "deleted_at": document.purged_at}
