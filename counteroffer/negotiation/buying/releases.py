"""Giving a redemption back: the host's call, never the buyer's.

A deal buys one order. When that order failed or was cancelled, the shop may give the
redemption back so the deal can buy the order that replaces it. The plugin does not take
anyone's word for it: the shop's orders port (``Orders.order_status``) must confirm the
order is failed, cancelled or was never placed. And since an order may yet be placed
after its redemption was given back (a checkout that looked failed, an order restored),
a deal is not redeemed again while any order it was given back from stands.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...adapters import ORDER_CANCELLED, ORDER_FAILED, ORDER_PLACED, BackOfficeUnavailableError
from ...db import transaction
from ...db.models import Deal
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ConflictError, ServiceUnavailableError
from .deal_rows import find_deal, record_use, released_order_refs
from .views import NOT_PLACED, DealView, Release, deal_view

__all__ = ["release_deal", "release_order", "require_released_orders_gone", "require_order_gone",
           "NO_ORDERS_PORT"]

_GONE = (None, ORDER_FAILED, ORDER_CANCELLED)
NO_ORDERS_PORT = ("Giving a redemption back asks the shop's orders port whether the order "
                  "stands: register one with use_orders() or @order_status_loader.")


def release_deal(deps: Deps, token: str, order_ref: str | None = None,
                 actor: Actor | None = None) -> DealView:
    """Give back the redemption of the deal behind ``token``, once the shop confirms the
    order it served did not happen. With ``order_ref``, only if it served that order.
    ``actor`` (the shop's user, if any) goes into the audit trail."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deal = find_deal(session, token, None, lock=True)
        if deal.redeemed_at is None:
            raise ConflictError("This deal has not been used for an order.")
        if order_ref is not None and deal.order_ref != order_ref:
            raise ConflictError("This deal was used for another order.")
        status = _require_gone(deps, session, deal.order_ref)
        view = _give_back(session, deal, actor, now, status)
    deps.cache.last_prices.clear()  # the price is no longer one the company paid
    return view


def release_order(deps: Deps, order_ref: str, actor: Actor | None = None) -> list[DealView]:
    """Give back every redemption made for the order ``order_ref`` (failed or cancelled,
    as the shop's orders port confirms); an order no deal priced gives back nothing."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        deals = list(session.scalars(
            select(Deal).where(Deal.order_ref == order_ref).order_by(Deal.id).with_for_update()
            .execution_options(populate_existing=True)))
        status = _require_gone(deps, session, order_ref) if deals else None
        views = [_give_back(session, deal, actor, now, status) for deal in deals]
    if views:
        deps.cache.last_prices.clear()
    return views


def require_released_orders_gone(deps: Deps, session: Session, deal: Deal) -> None:
    """Before a deal is redeemed again: every order it was given back from still did not
    happen. Called under the deal's row lock."""
    for order_ref in released_order_refs(session, deal):
        _require_gone(deps, session, order_ref, again=True)


def _give_back(session: Session, deal: Deal, actor: Actor | None, now: datetime,
               order_status: str | None) -> DealView:
    served, because = deal.order_ref, order_status or NOT_PLACED
    deal.redeemed_at, deal.order_ref = None, None
    # What became of the order is kept with the release: the buyer's widget says it.
    record_use(session, deal, actor, "released", served, now, order_status=because)
    return deal_view(deal, Release(now, served, because))


def require_order_gone(deps: Deps, session: Session, order_ref: str | None, again: bool = False) -> str | None:
    """``_require_gone`` for the quote deals (negotiation/quotes/deals.py): the same check."""
    return _require_gone(deps, session, order_ref, again)


def _require_gone(deps: Deps, session: Session, order_ref: str | None, again: bool = False) -> str | None:
    """What the shop says became of ``order_ref`` (failed, cancelled, or None: never
    placed); a conflict while it stands."""
    if order_ref is None:
        raise ConflictError("This deal was used without an order reference, so the shop cannot "
                            "confirm that its order did not happen; it stays used.")
    if deps.orders_for is None:
        raise RuntimeError(NO_ORDERS_PORT)
    status = _status(deps, session, order_ref)
    if status == ORDER_PLACED:
        raise ConflictError(
            f"This deal was given back from order {order_ref}, which the shop shows as placed: "
            "it cannot buy another order." if again else
            f"Order {order_ref} is still placed; cancel it in the shop first. The deal stays used.")
    if status not in _GONE:
        raise ValueError(f"The orders port answered {status!r} for order {order_ref!r}; "
                         "expected 'placed', 'failed', 'cancelled' or None.")
    return status


def _status(deps: Deps, session: Session, order_ref: str) -> str | None:
    assert deps.orders_for is not None
    try:
        return deps.orders_for(session).order_status(order_ref)
    except BackOfficeUnavailableError as error:
        raise ServiceUnavailableError(f"The shop could not confirm what became of order {order_ref}; "
                                      "nothing was changed. Try again shortly.") from error
