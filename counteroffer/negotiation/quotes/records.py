"""Reading and writing a quote's rows inside a use case's transaction."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db.appends import append_row
from ...db.quotes import Quote, QuoteDeal, QuoteEvent, QuoteLineRow, QuoteOfferLine, QuoteOfferRow
from ...rules.quotes import QuoteDecision, QuoteOffer
from ..shared.actors import Actor
from ..shared.errors import NotFoundError
from ..shared.records import event_values, new_id
from ..shared.states import OfferStatus
from .told import quote_told_views
from .views import QuoteView, quote_view

__all__ = ["locked_quote", "lines_of", "offers_of", "write_offers", "close_open_offers",
           "record_event", "view_of", "deal_of", "terms_json"]

OfferWithLines = tuple[QuoteOfferRow, list[QuoteOfferLine]]


def locked_quote(session: Session, quote_id: str, company_id: str) -> Quote:
    """The quote, row-locked until commit; 404 if it is not this company's."""
    row = session.scalars(select(Quote).where(Quote.id == quote_id).with_for_update()
                          .execution_options(populate_existing=True)).first()
    if row is None or row.company_id != company_id:
        raise NotFoundError("No such quote.")
    return row


def lines_of(session: Session, quote_id: str) -> list[QuoteLineRow]:
    """Every line the quote ever had, removed ones too (``removed_round``), by position."""
    return list(session.scalars(select(QuoteLineRow).where(QuoteLineRow.quote_id == quote_id)
                                .order_by(QuoteLineRow.position)
                                .execution_options(populate_existing=True)))


def offers_of(session: Session, quote_id: str) -> list[OfferWithLines]:
    offers = list(session.scalars(select(QuoteOfferRow).where(QuoteOfferRow.quote_id == quote_id)
                                  .order_by(QuoteOfferRow.created_at, QuoteOfferRow.rank, QuoteOfferRow.id)
                                  .execution_options(populate_existing=True)))
    if not offers:
        return []
    by_offer: dict[str, list[QuoteOfferLine]] = {offer.id: [] for offer in offers}
    for line in session.scalars(select(QuoteOfferLine).where(QuoteOfferLine.offer_id.in_(by_offer))
                                .order_by(QuoteOfferLine.offer_id, QuoteOfferLine.position)):
        by_offer[line.offer_id].append(line)
    return [(offer, by_offer[offer.id]) for offer in offers]


def terms_json(offer: QuoteOffer) -> list[dict[str, str]] | None:
    return [{"group": t.group, "option": t.option, "label": t.label} for t in offer.terms] or None


def write_offers(session: Session, row: Quote, decision: QuoteDecision,
                 now: datetime) -> list[OfferWithLines]:
    """Each whole-quote offer with its lines; an acceptance's quote too, if the engine
    gave it apart from ``offers``."""
    made = list(decision.offers)
    if decision.accepted is not None and decision.accepted not in made:
        made.insert(0, decision.accepted)
    written: list[OfferWithLines] = []
    # No ORM relationships between these tables: the unit of work would not order their
    # INSERTs by foreign key, so the parents are flushed before their children are added.
    session.flush()
    for rank, offer in enumerate(made):
        offer_row = QuoteOfferRow(
            id=new_id(), quote_id=row.id, round=row.round, kind=offer.kind.value,
            status=OfferStatus.OPEN.value, currency=offer.currency, total=offer.total,
            expires_at=offer.expires_at, message=offer.message, explanation=offer.explanation,
            terms=terms_json(offer), created_at=now, rank=rank)
        lines = [QuoteOfferLine(offer_id=offer_row.id, position=index, sku=line.sku, quantity=line.quantity,
                                unit_price=line.unit_price, price_for_quantity=line.price_for_quantity,
                                explanation=line.explanation)
                 for index, line in enumerate(offer.lines)]
        session.add(offer_row)
        written.append((offer_row, lines))
    session.flush()
    for _offer, lines in written:
        session.add_all(lines)
    return written


def close_open_offers(session: Session, quote_id: str, status: OfferStatus) -> int:
    closed = 0
    for offer in session.scalars(select(QuoteOfferRow).where(
            QuoteOfferRow.quote_id == quote_id, QuoteOfferRow.status == OfferStatus.OPEN)
            .execution_options(populate_existing=True)):
        offer.status = status.value
        closed += 1
    return closed


def record_event(session: Session, row: Quote, actor: Actor | None, action: str,
                 before: str | None, now: datetime, **detail: Any) -> None:
    append_row(session, QuoteEvent.__table__, event_values(
        {"quote_id": row.id}, actor, action, before, row.status, now, detail))


def deal_of(session: Session, quote_id: str) -> QuoteDeal | None:
    return session.scalars(select(QuoteDeal).where(QuoteDeal.quote_id == quote_id)
                           .execution_options(populate_existing=True)).first()


def view_of(session: Session, row: Quote, now: datetime, max_rounds: int) -> QuoteView:
    session.flush()
    return quote_view(row, lines_of(session, row.id), offers_of(session, row.id), now, max_rounds,
                      deal_of(session, row.id), quote_told_views(session, row))
