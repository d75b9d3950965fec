"""The simulation's money and volume figures, with the results dashboard's definitions.

The simulation asks "what if every first offer were taken?", so each first offer is
valued exactly as the dashboard values a deal (docs/results.md, "The measures"): the
same words mean the same sums, against list price, never against the price a volume
break already gives. A test holds the two to the same numbers for the same deal.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...rules import Decision, PricingContext

__all__ = ["OfferValue", "OfferTotals", "offer_value"]

CENTS = Decimal("0.01")
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class OfferValue:
    """One first offer, as a deal: its units, what was asked, and its sums at list, paid,
    floor (None when unknown: an equivalent product's floor is not worked out) and cost."""

    units: int
    asked: int
    list_value: Decimal
    paid: Decimal
    floor_value: Decimal | None
    cost_value: Decimal | None  # None: the shop keeps no cost for it, so no margin


def offer_value(context: PricingContext, sku: str, asked: int, decision: Decision) -> OfferValue | None:
    if not decision.offers:
        return None
    offer = decision.offers[0]
    cost: Decimal | None = context.cost if context.cost_known else None
    list_price, floor = context.list_price, decision.floor
    if offer.sku != sku:  # an equivalent product: its own list price and cost
        other = next((a for a in context.alternatives if a.sku == offer.sku), None)
        list_price, cost, floor = (other.list_price, other.cost, None) if other else (list_price, cost, None)
    units = offer.quantity
    return OfferValue(units=units, asked=asked, list_value=list_price * units, paid=offer.unit_price * units,
                      floor_value=None if floor is None else floor * units,
                      cost_value=None if cost is None else cost * units)


@dataclass
class OfferTotals:
    offers: int = 0
    units: int = 0
    asked: int = 0
    list_value: Decimal = _ZERO
    paid: Decimal = _ZERO
    headroom_kept: Decimal = _ZERO
    margin: Decimal = _ZERO

    def add(self, value: OfferValue) -> None:
        self.offers += 1
        self.units += value.units
        self.asked += value.asked
        self.list_value += value.list_value
        self.paid += value.paid
        if value.cost_value is not None:  # margin over the offers whose cost is known
            self.margin += value.paid - value.cost_value
        if value.floor_value is not None:
            self.headroom_kept += value.paid - value.floor_value

    def summary(self) -> dict[str, Any]:
        """The dashboard's names and definitions, over first offers instead of deals."""
        given = self.list_value - self.paid
        discount = (given / self.list_value * 100).quantize(CENTS) if self.list_value else _ZERO
        return {"average_discount_pct": str(discount),
                "margin_given_away": _money(given), "headroom_kept": _money(self.headroom_kept),
                "revenue": _money(self.paid), "margin": _money(self.margin),
                "volume": self.units, "extra_volume": self.units - self.asked}


def _money(amount: Decimal) -> str:
    return str(amount.quantize(CENTS))
