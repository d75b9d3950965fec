"""Defences against floor probing: a cap on price requests per company and SKU, a
per-negotiation jitter that keeps price-only counters from being a fixed function of
the floor, and the draws that place each (company, SKU)'s guard price (rules/guard.py).

The cap counts the negotiations a company opened for a SKU over a window, whatever
became of them (declined, withdrawn and expired ones count: eBay counts retracted and
declined Best Offers too), across all of its buyers and sessions. It is checked in the
request's own transaction under a row lock per (company, SKU), so two requests at once
cannot both take the last place.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ...db.guards import RequestCapLock
from ...db.models import Negotiation
from ...db.quotes import Quote, QuoteLineRow
from ...rules.guard import GuardDraws
from ..shared.errors import NegotiationError

__all__ = ["Guards", "TooManyRequestsError", "enforce_request_cap", "enforce_request_caps"]

_JITTER_PLACES = Decimal("0.000001")


class TooManyRequestsError(NegotiationError):
    """Answered 429 with ``Retry-After: retry_after`` seconds."""

    status, code = 429, "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


@dataclass(frozen=True)
class Guards:
    #: Price requests a company may open per SKU within ``request_window``; 0: no cap.
    request_cap: int = 0
    request_window: timedelta = timedelta(hours=24)
    #: Keys the jitter; empty: no jitter (every negotiation draws 0).
    pricing_secret: bytes = b""

    def jitter(self, negotiation_id: str) -> Decimal:
        """A number in [0, 1), fixed for a negotiation, that a buyer cannot work out:
        an HMAC of its id under the shop's secret (the id alone is seen by the buyer)."""
        return self._fraction(negotiation_id)

    def guard_draws(self, company_id: str, sku: str) -> GuardDraws:
        """Where this company's guard price and guarded cost for ``sku`` fall in the band:
        the same on every request and in every process that shares the secret (asking
        again teaches nothing new), different between companies and SKUs, and
        independent of each other and of the jitter (each its own HMAC message)."""
        pair = f"{len(company_id)}:{company_id}|{sku}"  # the length keeps "a|b" + "c" apart from "a" + "b|c"
        return GuardDraws(floor=self._fraction("floor-guard|" + pair),
                          cost=self._fraction("cost-guard|" + pair))

    def _fraction(self, message: str) -> Decimal:
        if not self.pricing_secret:
            return Decimal(0)
        digest = hmac.new(self.pricing_secret, message.encode(), hashlib.sha256).digest()
        fraction = Decimal(int.from_bytes(digest[:8], "big")) / Decimal(2 ** 64)
        return fraction.quantize(_JITTER_PLACES)


def enforce_request_cap(guards: Guards, session: Session, company_id: str, sku: str,
                        now: datetime) -> None:
    """Raise TooManyRequestsError if ``company_id`` used up its requests for ``sku``."""
    if guards.request_cap <= 0:
        return
    _lock(session, company_id, sku)
    # Only the latest ``request_cap`` requests are read: the cost stays bounded however
    # many there were, and the oldest of them is when a place frees up again. A quote
    # that asked about the SKU counts as a request for it (issue 14): a quote is as
    # good a probe of a line's floor as a line request.
    since, cap = now - guards.request_window, guards.request_cap
    lines = (select(Negotiation.created_at)
             .where(Negotiation.company_id == company_id, Negotiation.sku == sku, Negotiation.created_at > since)
             .order_by(Negotiation.created_at.desc()).limit(cap).subquery())
    quotes = (select(Quote.created_at).join(QuoteLineRow, QuoteLineRow.quote_id == Quote.id)
              .where(Quote.company_id == company_id, QuoteLineRow.sku == sku, Quote.created_at > since)
              .order_by(Quote.created_at.desc()).limit(cap).subquery())
    both = union_all(select(lines.c.created_at), select(quotes.c.created_at)).subquery()
    latest = select(both.c.created_at).order_by(both.c.created_at.desc()).limit(cap).subquery()
    count, oldest = session.execute(select(func.count(), func.min(latest.c.created_at))).one()
    if count >= guards.request_cap:
        # Deliberately no figure in the message: like eBay, we do not tell how many.
        retry_after = math.ceil((oldest + guards.request_window - now).total_seconds())
        raise TooManyRequestsError(
            "Your company has asked about this product's price often lately. Try again "
            "later, or ask your sales rep.", retry_after)


def enforce_request_caps(guards: Guards, session: Session, company_id: str, skus: Iterable[str],
                         now: datetime) -> None:
    """``enforce_request_cap`` for every SKU of a quote at once: one statement locks them
    all (in SKU order, so two quotes cannot deadlock) and one counts them, instead of two
    per SKU (a 200-line quote took 400 ms on SQLite that way, 42 ms without the cap)."""
    wanted = sorted(set(skus))
    if guards.request_cap <= 0 or not wanted:
        return
    _lock_all(session, company_id, wanted)
    since, cap = now - guards.request_window, guards.request_cap
    asked = union_all(
        select(Negotiation.sku.label("sku"), Negotiation.created_at.label("at")).where(
            Negotiation.company_id == company_id, Negotiation.sku.in_(wanted), Negotiation.created_at > since),
        select(QuoteLineRow.sku.label("sku"), Quote.created_at.label("at"))
        .join(QuoteLineRow, QuoteLineRow.quote_id == Quote.id).where(
            Quote.company_id == company_id, QuoteLineRow.sku.in_(wanted), Quote.created_at > since)).subquery()
    # Per SKU, the latest ``cap`` asks only: the oldest of them is when a place frees up.
    ranked = select(asked.c.sku, asked.c.at, func.row_number().over(
        partition_by=asked.c.sku, order_by=asked.c.at.desc()).label("n")).subquery()
    full = session.execute(select(func.min(ranked.c.at)).where(ranked.c.n <= cap).group_by(ranked.c.sku)
                           .having(func.count() >= cap)).scalars().all()
    if full:
        retry_after = math.ceil((min(full) + guards.request_window - now).total_seconds())
        raise TooManyRequestsError(
            "Your company has asked about these products' prices often lately. Try again "
            "later, or ask your sales rep.", retry_after)


def _lock_all(session: Session, company_id: str, skus: list[str]) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(RequestCapLock).values([{"company_id": company_id, "sku": sku} for sku in skus])
    session.execute(statement.on_conflict_do_update(
        index_elements=["company_id", "sku"], set_={"sku": statement.excluded.sku}))


def _lock(session: Session, company_id: str, sku: str) -> None:
    """Hold the (company, SKU) lock row until commit, creating it if new, in one
    statement: an upsert that touches the row locks it (and on SQLite it makes this
    transaction a writer before it reads)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(RequestCapLock).values(company_id=company_id, sku=sku)
    session.execute(statement.on_conflict_do_update(
        index_elements=["company_id", "sku"], set_={"sku": statement.excluded.sku}))
