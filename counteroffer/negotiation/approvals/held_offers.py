"""What the buyer holds while a person decides: the decision page shows it (issue 22).

A rep who cannot see the offers the buyer already has decides blind: the engine's
suggestion may look like "nothing", or a counter may take away a better offer. Call
these only after ``get_escalation`` has let the caller see the escalation.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from ...db import transaction
from ...db.models import Offer
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.states import OfferStatus
from .reps import find_rep

__all__ = ["HeldOffer", "Authority", "held_offers", "authority_of"]


@dataclass(frozen=True)
class HeldOffer:
    message: str
    kind: str
    quantity: int
    unit_price: Decimal
    expires_at: datetime


@dataclass(frozen=True)
class Authority:
    max_discount_pct: Decimal
    max_deal_value: Decimal | None

    @property
    def discount_text(self) -> str:
        """``10``, ``12.5``: as a person writes it (no ``1E+1``)."""
        return f"{self.max_discount_pct.normalize():f}"


def held_offers(deps: Deps, negotiation_id: str) -> list[HeldOffer]:
    """The buyer's open offers not yet past their time, as the widget shows them."""
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        rows = session.scalars(select(Offer).where(
            Offer.negotiation_id == negotiation_id, Offer.status == OfferStatus.OPEN.value,
            Offer.expires_at > now).order_by(Offer.created_at, Offer.rank, Offer.id)).all()
        return [HeldOffer(message=row.message, kind=row.kind, quantity=row.quantity,
                          unit_price=row.unit_price, expires_at=row.expires_at) for row in rows]


def authority_of(deps: Deps, actor: Actor) -> Authority | None:
    """The caller's own limits, if they are a rep the shop knows."""
    with transaction(deps.session_factory) as session:
        rep = find_rep(session, actor.id)
    return None if rep is None else Authority(rep.max_discount_pct, rep.max_deal_value)
