"""Use cases that make and keep deals: accept an offer, price a cart line, redeem, and
give a redemption back when the order it was for did not happen."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Deal, Negotiation, Offer
from ...jobs.outbox import add_message
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import ConflictError, NotFoundError
from ..shared.idempotency import Claim, remembered
from ..results.result_facts import record_deal, record_redeemed
from ..shared.records import close_open_offers, locked_negotiation, new_id, record_event
from ..approvals.routing import void_open_escalation
from ..shared.states import OfferStatus, Status, require_move
from .views import DealView, deal_view

__all__ = ["accept_offer", "deal_for_token", "redeem_deal", "release_deal", "make_deal"]


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
        return deal_view(deal)


def redeem_deal(deps: Deps, token: str, actor: Actor | None = None, sku: str | None = None,
                quantity: int | None = None, order_ref: str | None = None,
                idempotency: Claim | None = None) -> DealView:
    """Mark the deal used by an order. A second redemption is a 409."""
    company_id = require_buyer(actor) if actor is not None else None
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deal = _usable_deal(session, token, company_id, now, lock=True)
        _require_same_line(deal, sku, quantity)
        deal.redeemed_at, deal.order_ref = now, order_ref
        _record_use(session, deal, actor, "redeemed", order_ref, now)
        view = remembered(session, idempotency, now, deal_view(deal))
    deps.cache.last_prices.clear()  # this price is now the company's last one paid
    return view


def release_deal(deps: Deps, token: str, actor: Actor | None = None,
                 order_ref: str | None = None, idempotency: Claim | None = None) -> DealView:
    """Give a redemption back: the order it was for failed or was cancelled, so the deal
    may be used again until it expires. With ``order_ref``, only that order's redemption
    is given back. A deal not redeemed is a 409."""
    company_id = require_buyer(actor) if actor is not None else None
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deal = _redeemed_deal(session, token, company_id, order_ref)
        released_from = deal.order_ref
        deal.redeemed_at, deal.order_ref = None, None
        _record_use(session, deal, actor, "released", released_from, now)
        view = remembered(session, idempotency, now, deal_view(deal))
    deps.cache.last_prices.clear()  # the price is no longer one the company paid
    return view


def _record_use(session: Session, deal: Deal, actor: Actor | None, action: str,
                order_ref: str | None, now: datetime) -> None:
    """What a redemption or a release writes beside the deal: the results, the audit
    event, and the ``deal.<action>`` message."""
    record_redeemed(session, deal)  # the result fact follows deal.redeemed_at either way
    row = session.get(Negotiation, deal.negotiation_id)
    assert row is not None
    record_event(session, row, actor, action, row.status, now, deal_id=deal.id, order_ref=order_ref)
    # One key per use: a deal released and redeemed again is redeemed twice (the deal
    # row's lock makes each use, and so its message, happen once).
    add_message(session, f"deal.{action}", f"deal.{action}:{deal.id}:{new_id()}",
                {"deal_id": deal.id, "order_ref": order_ref}, now)


def _deal(session: Session, token: str, company_id: str | None, lock: bool) -> Deal:
    """The deal behind ``token``; 404 for another company's, as for none."""
    query = select(Deal).where(Deal.token == token).execution_options(populate_existing=True)
    deal = session.scalars(query.with_for_update() if lock else query).first()
    if deal is None or (company_id is not None and deal.company_id != company_id):
        raise NotFoundError("No such deal.")
    return deal


def _redeemed_deal(session: Session, token: str, company_id: str | None,
                   order_ref: str | None) -> Deal:
    deal = _deal(session, token, company_id, lock=True)
    if deal.redeemed_at is None:
        raise ConflictError("This deal has not been used for an order.")
    if order_ref is not None and deal.order_ref != order_ref:
        raise ConflictError("This deal was used for another order.")
    return deal


def _usable_deal(session: Session, token: str, company_id: str | None, now: datetime,
                 lock: bool) -> Deal:
    deal = _deal(session, token, company_id, lock)
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
