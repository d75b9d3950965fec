"""The engine's inputs and outputs: frozen dataclasses, no IO.

Rules are plain data. ``Floor`` and ``PriceBreaks`` are the first two kinds; each is
scoped to a SKU (or all SKUs when ``sku`` is None) and optionally to a customer segment.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum

__all__ = [
    "Floor", "PriceBreak", "PriceBreaks", "Policy", "PriceRequest", "PricingContext",
    "Outcome", "OfferKind", "Offer", "Decision",
]


@dataclass(frozen=True)
class Floor:
    """The lowest unit price the engine may ever offer on its own.

    ``min_margin_pct`` is a markup over cost (price >= cost * (1 + pct/100));
    ``min_unit_price`` an absolute minimum. When both are set the higher wins.
    """

    sku: str | None = None
    segment: str | None = None
    min_margin_pct: Decimal | None = None
    min_unit_price: Decimal | None = None
    priority: int = 0


@dataclass(frozen=True)
class PriceBreak:
    min_quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class PriceBreaks:
    """Volume steps: from ``min_quantity`` units on, each unit costs ``unit_price``."""

    breaks: tuple[PriceBreak, ...]
    sku: str | None = None
    segment: str | None = None
    priority: int = 0


@dataclass(frozen=True)
class Policy:
    """Settings of the exchange that are not per-SKU rules."""

    offer_validity_hours: int = 48
    max_rounds: int = 3
    #: Below the floor by more than this share of it, a request is declined, not escalated.
    decline_below_floor_pct: Decimal = Decimal("10")


@dataclass(frozen=True)
class PriceRequest:
    sku: str
    quantity: int
    target_unit_price: Decimal
    currency: str
    round: int = 1


@dataclass(frozen=True)
class PricingContext:
    """What the shop knows about the product and the buyer when the request comes in."""

    list_price: Decimal
    cost: Decimal
    currency: str
    segment: str | None = None
    order_multiple: int = 1


class Outcome(str, Enum):
    ACCEPT = "accept"
    COUNTER = "counter"
    ESCALATE = "escalate"
    DECLINE = "decline"


class OfferKind(str, Enum):
    PRICE = "price"  # the price asked for, at the quantity asked for
    VOLUME = "volume"  # the price asked for, for more units


@dataclass(frozen=True)
class Offer:
    kind: OfferKind
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str
    expires_at: datetime
    message: str
    #: For the sales rep only; never sent to the buyer.
    explanation: str


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    offers: tuple[Offer, ...] = ()
    #: Why the engine decided so, for the rep and the audit trail.
    reason: str = ""
    floor: Decimal | None = None
    price_for_quantity: Decimal | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
