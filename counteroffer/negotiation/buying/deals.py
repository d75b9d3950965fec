"""Use cases that make and keep deals: accept an offer, price a cart line, redeem. Giving
a redemption back is the shop's call (``releases.py``)."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Deal, Negotiation, Offer
from ...jobs.outbox import add_message
from ..approvals.routing import void_open_escalation
from ..results.result_facts import record_deal
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import ConflictError, NotFoundError
from ..shared.idempotency import Claim, remembered
from ..shared.records import close_open_offers, locked_negotiation, new_id, record_event
from ..shared.states import OfferStatus, Status, require_move
from ..shared.stock import require_stock_now
from .deal_rows import find_deal, record_use
from .releases import require_released_orders_gone
from .views import DealView, deal_view

__all__ = ["accept_offer", "deal_for_token", "redeem_deal", "make_deal"]


def accept_offer(deps: Deps, actor: Actor, offer_id: str,
                 idempotency: Claim | None = None) -> DealView:
    """Turn an open offer into a deal. Expiry is checked here, under the row lock,
    so an offer past its time is refused even if no expiry job ever ran."""
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        negotiation_id = _negotiation_of_offer(session, offer_id)
        row = locked_negotiation(session, negotiation_id, company_id)
        offer = session.get(Offer, offer_id, populate_existing=True)
        assert offer is not None  # the lock above found its negotiation
        refusal = _refusal(session, row, offer, actor, now)
        if refusal is None:
            before = row.status
            deal = make_deal(deps, session, row, offer, actor, now)
            row.buyer_note = None  # it described the offers held ("replaces the offers you held"): over now
            # Accepting an offer still on the table answers the request a rep was asked about.
            void_open_escalation(session, row, actor, before, now, "accepted an offer still on the table")
            return remembered(session, idempotency, now, deal_view(deal))
    # Outside the transaction: the expiry it recorded is committed, then we refuse.
    raise refusal


def _negotiation_of_offer(session: Session, offer_id: str) -> str:
    negotiation_id = session.scalar(select(Offer.negotiation_id).where(Offer.id == offer_id))
    if negotiation_id is None:
        raise NotFoundError("No such offer.")
    return negotiation_id


def _refusal(session: Session, row: Negotiation, offer: Offer, actor: Actor,
             now: datetime) -> ConflictError | None:
    if offer.status == OfferStatus.ACCEPTED:
        raise ConflictError("This offer has already been accepted.")
    if offer.status != OfferStatus.OPEN:
        raise ConflictError(f"This offer is {offer.status} and can no longer be accepted.")
    require_move("accept", row.status)
    if now >= offer.expires_at:
        _expire(session, row, offer, actor, now)
        return ConflictError("This offer has expired; ask again for a new one.")
    return None


def _expire(session: Session, row: Negotiation, offer: Offer, actor: Actor, now: datetime) -> None:
    offer.status = OfferStatus.EXPIRED.value
    still_open = session.scalar(select(Offer.id).where(
        Offer.negotiation_id == row.id, Offer.status == OfferStatus.OPEN,
        Offer.expires_at > now).limit(1))
    if still_open is None and row.status != Status.ESCALATED:
        before, row.status, row.updated_at = row.status, Status.EXPIRED.value, now
        close_open_offers(session, row.id, OfferStatus.EXPIRED)
        record_event(session, row, actor, "expired", before, now, offer_id=offer.id)


def make_deal(deps: Deps, session: Session, row: Negotiation, offer: Offer, actor: Actor,
              now: datetime, action: str = "accepted", **detail: Any) -> Deal:
    """Accept ``offer`` for the buyer: the deal, its audit event (``action``, with
    ``detail``) and its ``deal.created`` message. The caller holds the row lock."""
    require_stock_now(deps, session, offer.sku, offer.quantity, "offer")
    offer.status = OfferStatus.ACCEPTED.value
    close_open_offers(session, row.id, OfferStatus.SUPERSEDED)
    before, row.status, row.updated_at = row.status, Status.ACCEPTED.value, now
    deal = Deal(id=new_id(), token=secrets.token_urlsafe(24), offer_id=offer.id,
                negotiation_id=row.id, company_id=row.company_id, sku=offer.sku,
                quantity=offer.quantity, unit_price=offer.unit_price, currency=offer.currency,
                terms=offer.terms, valid_until=now + deps.deal_validity, created_at=now)
    session.add(deal)
    record_deal(deps, session, row, offer, deal)  # results (docs/results.md)
    record_event(session, row, actor, action, before, now, offer_id=offer.id, deal_id=deal.id,
                 quantity=offer.quantity, unit_price=offer.unit_price, **detail)
    add_message(session, "deal.created", f"deal.created:{deal.id}", {"deal_id": deal.id}, now)
    return deal


def deal_for_token(deps: Deps, token: str, sku: str | None = None,
                   quantity: int | None = None, company_id: str | None = None) -> DealView:
    """What a deal token entitles a cart line to; raises if it does not apply."""
    with transaction(deps.session_factory) as session:
        deal = _usable_deal(session, token, company_id, deps.clock(), lock=False)
        _require_same_line(deal, sku, quantity)
        require_stock_now(deps, session, deal.sku, deal.quantity, "deal")
        return deal_view(deal)


def redeem_deal(deps: Deps, token: str, actor: Actor | None = None, sku: str | None = None,
                quantity: int | None = None, order_ref: str | None = None,
                idempotency: Claim | None = None) -> DealView:
    """Mark the deal used by an order. A second redemption is a 409, and so is one while
    an order the deal was given back from stands after all (``releases.py``)."""
    company_id = require_buyer(actor) if actor is not None else None
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deal = _usable_deal(session, token, company_id, now, lock=True)
        _require_same_line(deal, sku, quantity)
        require_released_orders_gone(deps, session, deal)
        require_stock_now(deps, session, deal.sku, deal.quantity, "deal")
        deal.redeemed_at, deal.order_ref = now, order_ref
        record_use(session, deal, actor, "redeemed", order_ref, now)
        view = remembered(session, idempotency, now, deal_view(deal))
    deps.cache.last_prices.clear()  # this price is now the company's last one paid
    return view


def _usable_deal(session: Session, token: str, company_id: str | None, now: datetime,
                 lock: bool) -> Deal:
    deal = find_deal(session, token, company_id, lock)
    if deal.redeemed_at is not None:
        raise ConflictError("This deal has already been used for an order.")
    if now >= deal.valid_until:
        raise ConflictError("This deal has expired.")
    return deal


def _require_same_line(deal: Deal, sku: str | None, quantity: int | None) -> None:
    # A deal binds the SKU and quantity it was made for: no splitting, no topping up.
    if (sku is not None and sku != deal.sku) or (quantity is not None and quantity != deal.quantity):
        raise ConflictError(f"This deal is for {deal.quantity:,} units of {deal.sku}; "
                            "the cart line must match it.")
