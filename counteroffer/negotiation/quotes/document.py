"""The quote document (issue 15): what a printable quote says, for the buyer's own
purchase approval, read in one transaction.

A document is of one offer: the one asked for, else the accepted one, else the first
still open, else the latest made. Only the buyer's company and the seller's people may
read it; anyone else meets 404, as for every other object of a company. It says nothing
a buyer may not see: no floor, cost, margin or rep explanation (``explanation`` fields
are left out on purpose), only prices the buyer was offered and the catalog's price for
their quantities.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError
from ...db import transaction
from ...db.quotes import Quote, QuoteDeal, QuoteOfferLine, QuoteOfferRow
from ...rules import round_money
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ConflictError, NotFoundError
from ..shared.states import OfferStatus, Role
from .records import deal_of, lines_of, offers_of

__all__ = ["QuoteDocument", "QuoteDocumentLine", "quote_document", "quote_document_path", "DOCUMENT_FORMATS"]

DOCUMENT_FORMATS = ("html", "pdf")
_SELLERS = (Role.REP, Role.MANAGER, Role.PRICING_MANAGER)


@dataclass(frozen=True)
class QuoteDocumentLine:
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    #: The catalog's unit price for this quantity (public: the price list's own break).
    price_for_quantity: Decimal


@dataclass(frozen=True)
class QuoteDocument:
    quote_id: str
    #: The round the offer was made in: revision 1 is the first answer.
    revision: int
    offer_id: str
    #: offer (open), accepted, expired or superseded (no longer valid), as printed.
    state: str
    #: Made by the rules ("rules") or decided by one of the seller's people ("person").
    decided_by: str
    currency: str
    issued_at: datetime
    valid_until: datetime
    seller: str
    buyer_company: str
    buyer_company_id: str
    buyer_name: str | None
    buyer_email: str | None
    message: str
    terms: tuple[str, ...]
    lines: tuple[QuoteDocumentLine, ...]
    catalog_total: Decimal
    total: Decimal
    #: The deal's token, the code the buyer checks out with, once the offer is accepted.
    deal_code: str | None
    order_ref: str | None

    @property
    def savings(self) -> Decimal:
        return self.catalog_total - self.total


def quote_document_path(url_prefix: str, quote_id: str, fmt: str = "pdf") -> str:
    """The document's path under the plugin's prefix, for links in e-mails (which are
    written by the worker, outside any request: no ``url_for``). The host prepends its
    own origin. ``tests`` check it against the route Flask serves."""
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(f"fmt must be one of {DOCUMENT_FORMATS}")
    return f"{url_prefix.rstrip('/')}/api/quotes/{quote_id}/document.{fmt}"


def quote_document(deps: Deps, actor: Actor, quote_id: str, offer_id: str | None = None,
                   seller: str = "") -> QuoteDocument:
    with transaction(deps.session_factory) as session:
        row = session.get(Quote, quote_id)
        if row is None or not _may_read(actor, row):
            raise NotFoundError("No such quote.")  # another company's is as good as none
        deal, now = deal_of(session, row.id), deps.clock()
        offer, lines = _chosen_offer(session, row, deal, offer_id, now)
        names = {line.sku: line.name for line in lines_of(session, row.id)}
        deal = deal if deal and deal.offer_id == offer.id else None
        return _document(row, offer, lines, deal, names, seller, _company_name(deps, session, row.company_id),
                         _state(offer, deal, now))


def _may_read(actor: Actor, row: Quote) -> bool:
    if actor.role == Role.BUYER:
        return actor.company_id == row.company_id
    return actor.role in _SELLERS


def _chosen_offer(session: Session, row: Quote, deal: QuoteDeal | None, offer_id: str | None,
                  now: datetime) -> tuple[QuoteOfferRow, list[QuoteOfferLine]]:
    offers = offers_of(session, row.id)
    if offer_id is not None:
        for offer, lines in offers:
            if offer.id == offer_id:
                return offer, lines
        raise NotFoundError("No such offer on this quote.")
    if not offers:
        raise ConflictError("This quote has no offer to print yet.")
    for offer, lines in offers:
        if deal is not None and offer.id == deal.offer_id:
            return offer, lines
    open_now = [(o, ls) for o, ls in offers if o.status == OfferStatus.OPEN and now < o.expires_at]
    latest_round = [(o, ls) for o, ls in offers if o.round == offers[-1][0].round]
    return (open_now or latest_round)[0]


def _company_name(deps: Deps, session: Session, company_id: str) -> str:
    """The buyer company's name from the customers port; its id when it cannot say
    (a document never fails on the back office being down)."""
    try:
        customer = deps.customer(session, company_id)
    except BackOfficeUnavailableError:
        return company_id
    return customer.name if customer is not None and customer.name else company_id


def _state(offer: QuoteOfferRow, deal: QuoteDeal | None, now: datetime) -> str:
    """As printed: an open offer past its time is expired, whether or not the sweep ran."""
    if deal is not None:
        return "accepted"
    if offer.status == OfferStatus.OPEN:
        return "offer" if now < offer.expires_at else "expired"
    return offer.status


def _document(row: Quote, offer: QuoteOfferRow, lines: list[QuoteOfferLine], deal: QuoteDeal | None,
              names: dict[str, str], seller: str, company: str, state: str) -> QuoteDocument:
    currency = offer.currency
    printed = tuple(_line(line, names, currency) for line in sorted(lines, key=lambda line: line.position))
    return QuoteDocument(
        quote_id=row.id, revision=offer.round, offer_id=offer.id, state=state,
        decided_by="person" if offer.kind == "rep" else "rules", currency=currency,
        issued_at=offer.created_at, valid_until=deal.valid_until if deal is not None else offer.expires_at,
        seller=seller, buyer_company=company, buyer_company_id=row.company_id,
        buyer_name=row.buyer_name, buyer_email=row.buyer_email, message=offer.message,
        terms=tuple(term.get("label", "") for term in offer.terms or ()), lines=printed,
        catalog_total=sum((line.price_for_quantity * line.quantity for line in printed), Decimal(0)),
        total=sum((line.line_total for line in printed), Decimal(0)),
        deal_code=deal.token if deal is not None else None, order_ref=deal.order_ref if deal is not None else None)


def _line(line: QuoteOfferLine, names: dict[str, str], currency: str) -> QuoteDocumentLine:
    unit_price = round_money(line.unit_price, currency)
    return QuoteDocumentLine(
        sku=line.sku, name=names.get(line.sku, line.sku), quantity=line.quantity, unit_price=unit_price,
        line_total=unit_price * line.quantity,
        price_for_quantity=round_money(line.price_for_quantity, currency))
