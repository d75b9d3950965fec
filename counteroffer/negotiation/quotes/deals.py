"""The one deal of a whole-cart quote: accept a quote offer, price the cart from the deal,
redeem it once for the whole order (all or nothing), give it back when the shop confirms
the order failed or was cancelled (as for line deals, buying/releases.py)."""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.quotes import Quote, QuoteDeal, QuoteEvent, QuoteOfferLine, QuoteOfferRow
from ...jobs.outbox import add_message
from ...rules import round_money
from ..buying.releases import require_order_gone
from ..buying.views import NOT_PLACED
from ..results.quote_facts import DealtLine, record_quote_deal, record_quote_redeemed
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import ConflictError, NotFoundError
from ..shared.idempotency import Claim, remembered
from ..shared.records import new_id
from ..shared.states import OfferStatus, Status, require_move
from ..shared.stock import require_stock_now
from .approvals.escalation import void_quote_escalation
from .records import close_open_offers, lines_of, locked_quote, record_event
from .views import QuoteDealView, QuoteOfferLineView, quote_deal_view

__all__ = ["accept_quote_offer", "quote_prices", "redeem_quote", "release_quote", "release_quote_order",
           "CartLine", "QuoteCartPrices", "make_quote_deal"]

#: A cart line as the host hands it over: (SKU, quantity).
CartLine = tuple[str, int]


@dataclass(frozen=True)
class QuoteCartPrices:
    """The cart priced from a quote deal: each cart line at the quote's unit price."""

    token: str
    currency: str
    total: Decimal
    lines: tuple[QuoteOfferLineView, ...]


def accept_quote_offer(deps: Deps, actor: Actor, offer_id: str, idempotency: Claim | None = None) -> QuoteDealView:
    """One deal token for the whole quote. Expiry is checked here, under the quote's lock."""
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        quote_id = session.scalar(select(QuoteOfferRow.quote_id).where(QuoteOfferRow.id == offer_id))
        if quote_id is None:
            raise NotFoundError("No such offer.")
        row = locked_quote(session, quote_id, company_id)
        offer = session.get(QuoteOfferRow, offer_id, populate_existing=True)
        assert offer is not None  # the lock above found its quote
        refusal = _refusal(session, row, offer, now)
        if refusal is None:
            deal = make_quote_deal(deps, session, row, offer, actor, now)
            return remembered(session, idempotency, now, quote_deal_view(deal))
    raise refusal  # outside the transaction: the expiry it recorded is committed


def _refusal(session: Session, row: Quote, offer: QuoteOfferRow, now: datetime) -> ConflictError | None:
    if offer.status == OfferStatus.ACCEPTED:
        raise ConflictError("This offer has already been accepted.")
    if offer.status != OfferStatus.OPEN:
        raise ConflictError(f"This offer is {offer.status} and can no longer be accepted.")
    require_move("accept", row.status)
    if now >= offer.expires_at:
        _expire(session, row, offer, now)
        return ConflictError("This offer has expired; ask again for a new one.")
    return None


def _expire(session: Session, row: Quote, offer: QuoteOfferRow, now: datetime) -> None:
    """As the sweep would: the offer, and the quote if no offer is left on the table."""
    offer.status = OfferStatus.EXPIRED.value
    still_open = session.scalar(select(QuoteOfferRow.id).where(
        QuoteOfferRow.quote_id == row.id, QuoteOfferRow.status == OfferStatus.OPEN,
        QuoteOfferRow.expires_at > now).limit(1))
    if still_open is None and row.status in (Status.OPEN, Status.COUNTERED):
        before, row.status, row.updated_at = row.status, Status.EXPIRED.value, now
        close_open_offers(session, row.id, OfferStatus.EXPIRED)
        record_event(session, row, None, "expired", before, now, offer_id=offer.id)


def make_quote_deal(deps: Deps, session: Session, row: Quote, offer: QuoteOfferRow, actor: Actor,
               now: datetime) -> QuoteDeal:
    lines = list(session.scalars(select(QuoteOfferLine).where(QuoteOfferLine.offer_id == offer.id)
                                 .order_by(QuoteOfferLine.position)))
    for line in lines:
        require_stock_now(deps, session, line.sku, line.quantity, "offer")
    offer.status = OfferStatus.ACCEPTED.value
    close_open_offers(session, row.id, OfferStatus.SUPERSEDED)
    before, row.status, row.updated_at, row.buyer_note = row.status, Status.ACCEPTED.value, now, None
    deal = QuoteDeal(id=new_id(), token=secrets.token_urlsafe(24), offer_id=offer.id, quote_id=row.id,
                     company_id=row.company_id, currency=offer.currency, total=offer.total,
                     lines=[{"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price),
                             "price_for_quantity": str(line.price_for_quantity)} for line in lines],
                     terms=offer.terms, valid_until=now + deps.deal_validity, created_at=now)
    session.add(deal)
    asked = {line.sku: line.quantity for line in lines_of(session, row.id) if line.removed_round is None}
    record_quote_deal(session, row.id, offer.kind, [DealtLine(line.sku, line.quantity, line.unit_price)
                                                    for line in lines], asked, now)  # results (docs/results.md)
    void_quote_escalation(session, row, actor, before, now, "accepted an offer still on the table")
    record_event(session, row, actor, "accepted", before, now, offer_id=offer.id, deal_id=deal.id,
                 total=offer.total)
    add_message(session, "quote_deal.created", f"quote_deal.created:{deal.id}", {"deal_id": deal.id}, now)
    return deal


def quote_prices(deps: Deps, token: str, lines: Sequence[CartLine], company_id: str | None = None) -> QuoteCartPrices:
    """Each cart line's price from the quote deal; raises if the cart no longer matches."""
    with transaction(deps.session_factory) as session:
        deal = _usable_deal(session, token, company_id, deps.clock(), lock=False)
        agreed = _require_matching_cart(deal, lines)
        for sku, quantity in lines:
            require_stock_now(deps, session, sku, quantity, "deal")
        return _cart_prices(deal, lines, agreed)


def redeem_quote(deps: Deps, token: str, lines: Sequence[CartLine], order_ref: str | None = None,
                 actor: Actor | None = None, idempotency: Claim | None = None) -> QuoteDealView:
    """Mark the quote deal used by one order, for the whole cart or not at all: a cart that
    no longer matches the quote is a 409 naming the line, and nothing is redeemed."""
    company_id = require_buyer(actor) if actor is not None else None
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deal = _usable_deal(session, token, company_id, now, lock=True)
        _require_matching_cart(deal, lines)
        for order in _released_order_refs(session, deal):
            require_order_gone(deps, session, order, again=True)
        for sku, quantity in lines:
            require_stock_now(deps, session, sku, quantity, "deal")
        deal.redeemed_at, deal.order_ref = now, order_ref
        _record_use(session, deal, actor, "redeemed", order_ref, now,
                    lines=[{"sku": sku, "quantity": quantity} for sku, quantity in lines])
        view = remembered(session, idempotency, now, quote_deal_view(deal))
    deps.cache.last_prices.clear()
    return view


def _usable_deal(session: Session, token: str, company_id: str | None, now: datetime, lock: bool) -> QuoteDeal:
    query = select(QuoteDeal).where(QuoteDeal.token == token).execution_options(populate_existing=True)
    deal = session.scalars(query.with_for_update() if lock else query).first()
    if deal is None or (company_id is not None and deal.company_id != company_id):
        raise NotFoundError("No such deal.")
    if deal.redeemed_at is not None:
        raise ConflictError("This deal has already been used for an order.")
    if now >= deal.valid_until:
        raise ConflictError("This deal has expired.")
    return deal


def _require_matching_cart(deal: QuoteDeal, lines: Sequence[CartLine]) -> dict[str, dict[str, str]]:
    """The quote's lines by SKU, if the cart holds each of them in the quantity agreed,
    and nothing else; else a 409 whose fields name the line that differs. More units than
    quoted are refused as fewer are (a line deal is not topped up either): the quote was
    routed, approved and tiered on its own quantities and order value."""
    agreed = {line["sku"]: line for line in deal.lines}
    fields: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, (sku, quantity) in enumerate(lines):
        line = agreed.get(sku)
        if sku in seen:
            fields[f"lines[{index}].sku"] = [f"{sku} is on the cart twice; the quote prices it on one line."]
        elif line is None:
            fields[f"lines[{index}].sku"] = [f"{sku} is not in this quote."]
        elif quantity != int(line["quantity"]):
            fields[f"lines[{index}].quantity"] = [f"The quote is for {int(line['quantity']):,} units of {sku}; "
                                                  f"the cart has {quantity:,}."]
        seen.add(sku)
    missing = [sku for sku in agreed if sku not in seen]
    if missing:
        fields["lines"] = [f"The quote's line {sku} ({int(agreed[sku]['quantity']):,} units) is not in the cart."
                           for sku in missing]
    if fields:
        first = next(iter(fields.items()))
        raise ConflictError(f"The cart no longer matches the quote: {first[0]}: {first[1][0]}", fields)
    return agreed


def _cart_prices(deal: QuoteDeal, lines: Sequence[CartLine], agreed: dict[str, dict[str, str]]) -> QuoteCartPrices:
    priced = []
    for sku, quantity in lines:
        unit_price = round_money(Decimal(agreed[sku]["unit_price"]), deal.currency)
        priced.append(QuoteOfferLineView(
            sku=sku, quantity=quantity, unit_price=unit_price, line_total=unit_price * quantity,
            price_for_quantity=round_money(Decimal(agreed[sku]["price_for_quantity"]), deal.currency)))
    return QuoteCartPrices(deal.token, deal.currency, sum((p.line_total for p in priced), Decimal(0)), tuple(priced))


def _record_use(session: Session, deal: QuoteDeal, actor: Actor | None, action: str, order_ref: str | None,
                now: datetime, **detail: object) -> None:
    row = session.get(Quote, deal.quote_id)
    assert row is not None
    record_quote_redeemed(session, deal.quote_id, deal.redeemed_at)  # results: redeemed, or given back
    record_event(session, row, actor, action, row.status, now, deal_id=deal.id, order_ref=order_ref, **detail)
    add_message(session, f"quote_deal.{action}", f"quote_deal.{action}:{deal.id}:{new_id()}",
                {"deal_id": deal.id, "order_ref": order_ref}, now)


def _released_order_refs(session: Session, deal: QuoteDeal) -> list[str]:
    details = session.scalars(select(QuoteEvent.detail).where(
        QuoteEvent.quote_id == deal.quote_id, QuoteEvent.action == "released").order_by(QuoteEvent.id))
    return list(dict.fromkeys(d["order_ref"] for d in details if d.get("deal_id") == deal.id and d.get("order_ref")))


def release_quote(deps: Deps, token: str, order_ref: str | None = None, actor: Actor | None = None) -> QuoteDealView:
    """Give back the redemption of a quote deal once the shop's orders port confirms its
    order failed, was cancelled or was never placed (the host's call, never the buyer's)."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deal = session.scalars(select(QuoteDeal).where(QuoteDeal.token == token).with_for_update()
                               .execution_options(populate_existing=True)).first()
        if deal is None:
            raise NotFoundError("No such deal.")
        if deal.redeemed_at is None:
            raise ConflictError("This deal has not been used for an order.")
        if order_ref is not None and deal.order_ref != order_ref:
            raise ConflictError("This deal was used for another order.")
        status = require_order_gone(deps, session, deal.order_ref)
        view = _give_back(session, deal, actor, now, status)
    deps.cache.last_prices.clear()
    return view


def release_quote_order(deps: Deps, order_ref: str, actor: Actor | None = None) -> list[QuoteDealView]:
    """``release_quote`` for every quote deal redeemed for the order ``order_ref``."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deals = list(session.scalars(select(QuoteDeal).where(QuoteDeal.order_ref == order_ref)
                                     .order_by(QuoteDeal.id).with_for_update()
                                     .execution_options(populate_existing=True)))
        status = require_order_gone(deps, session, order_ref) if deals else None
        views = [_give_back(session, deal, actor, now, status) for deal in deals]
    if views:
        deps.cache.last_prices.clear()
    return views


def _give_back(session: Session, deal: QuoteDeal, actor: Actor | None, now: datetime,
               order_status: str | None) -> QuoteDealView:
    served = deal.order_ref
    deal.redeemed_at, deal.order_ref = None, None
    _record_use(session, deal, actor, "released", served, now, order_status=order_status or NOT_PLACED)
    return quote_deal_view(deal)
