"""Sweep quote offers past their time, as buying/expiry.py does for line offers.
Correctness never depends on it: acceptance checks expiry itself."""
from __future__ import annotations

from sqlalchemy import select

from ...db import transaction
from ...db.quotes import Quote, QuoteOfferRow
from ..shared.deps import Deps
from ..shared.states import OfferStatus, Status
from .records import record_event

__all__ = ["expire_lapsed_quotes"]


def expire_lapsed_quotes(deps: Deps, limit: int = 500) -> int:
    """Mark lapsed quote offers expired, and quotes left with none; returns how many
    offers. Locks the quote before its offers (the order every use case locks in); a
    quote locked right now is skipped until the next sweep."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        lapsed_in = select(QuoteOfferRow.quote_id).where(
            QuoteOfferRow.status == OfferStatus.OPEN, QuoteOfferRow.expires_at <= now).distinct().limit(limit)
        rows = session.scalars(select(Quote).where(Quote.id.in_(lapsed_in)).with_for_update(skip_locked=True)
                               .execution_options(populate_existing=True)).all()
        expired = 0
        for row in rows:
            offers = session.scalars(select(QuoteOfferRow).where(
                QuoteOfferRow.quote_id == row.id, QuoteOfferRow.status == OfferStatus.OPEN)
                .execution_options(populate_existing=True)).all()
            lapsed = [offer for offer in offers if offer.expires_at <= now]
            for offer in lapsed:
                offer.status = OfferStatus.EXPIRED.value
            expired += len(lapsed)
            if len(lapsed) == len(offers) and row.status in (Status.OPEN, Status.COUNTERED):
                before, row.status, row.updated_at = row.status, Status.EXPIRED.value, now
                record_event(session, row, None, "expired", before, now)
        return expired
