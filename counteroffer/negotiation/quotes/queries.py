"""Reading a company's quotes: the list, newest first, and one quote."""
from __future__ import annotations

from sqlalchemy import select

from ...db import transaction
from ...db.quotes import Quote, QuoteDeal
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import NotFoundError
from .records import view_of
from .views import QuoteDealView, QuoteView, quote_deal_view

__all__ = ["list_quotes", "get_quote", "quote_deal_for_order"]


def list_quotes(deps: Deps, actor: Actor, limit: int = 50) -> list[QuoteView]:
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        rows = session.scalars(select(Quote).where(Quote.company_id == company_id)
                               .order_by(Quote.created_at.desc(), Quote.id).limit(limit)).all()
        return [view_of(session, row, now, deps.policy.max_rounds) for row in rows]


def get_quote(deps: Deps, actor: Actor, quote_id: str) -> QuoteView:
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = session.get(Quote, quote_id)
        if row is None or row.company_id != company_id:
            raise NotFoundError("No such quote.")  # another company's is as good as none
        return view_of(session, row, now, deps.policy.max_rounds)


def quote_deal_for_order(deps: Deps, order_ref: str) -> QuoteDealView | None:
    """The quote deal redeemed for the host's order ``order_ref``, if a quote priced it:
    what a shop that keeps no token on its order finds when it shows or cancels the
    order. The host's call (no actor), as ``deals_for_order`` for line deals."""
    with transaction(deps.session_factory) as session:
        deal = session.scalars(select(QuoteDeal).where(QuoteDeal.order_ref == order_ref)
                               .order_by(QuoteDeal.redeemed_at.desc(), QuoteDeal.id).limit(1)).first()
        return quote_deal_view(deal) if deal is not None else None
