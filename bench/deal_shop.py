"""The reference shop of bench/deal_quality.py, documented: what the engine sells and by
which rules, and the settings a run can vary to see what each one earns.

The demo's DEMO-120 as ``counteroffer/demo/shop/catalog.py`` seeds it (list $120.00, cost
$80.00, floor 20% over cost = $96.00, $110.00 from 3,000 units) plus two term levers the
simulated buyers value (the demo seeds none for DEMO-120), a concession rule and a routing
rule. docs/deal-quality.md says why each is there.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench.deal_buyers import TermValues

__all__ = ["SKU", "CURRENCY", "LIST", "COST", "FLOOR", "BREAK_AT", "BREAK_PRICE", "TERMS", "ShopSettings",
           "reference_shop", "price_for"]

SKU, CURRENCY = "DEMO-120", "USD"
LIST, COST, FLOOR = Decimal("120.00"), Decimal("80.00"), Decimal("96.00")
BREAK_AT, BREAK_PRICE = 3000, Decimal("110.00")
TERMS = TermValues(prepay_pct=Decimal(2), pickup_per_unit=Decimal("2.50"))


@dataclass(frozen=True)
class ShopSettings:
    """What can be varied from the command line to see what a setting earns; the defaults
    are the reference shop (the guard band and jitter are the plugin's defaults)."""

    rounds: int = 3
    concession: tuple[str, str, str] = ("18", "20", "1")  # max discount %, first position %, exponent
    guard_pct: str = "1,5"
    jitter_pct: str = "3"
    escalations: str = "rep"
    #: Buyers left without an offer they can take after the last round ask for a person.
    ask_person: bool = False
    #: The routing rule's params (docs/rules.md#routing-who-settles-what), as JSON strings.
    routing: tuple[tuple[str, str], ...] = (("auto_accept_within_pct", "2"), ("rep_reach_pct", "20"))


def reference_shop(settings: ShopSettings) -> list[tuple[str, dict[str, Any], str | None]]:
    """(kind, params, sku) of the reference shop: the demo's DEMO-120 and four rules more."""
    most_off, first, exponent = settings.concession
    return [
        ("floor", {"min_margin_pct": "20"}, SKU),  # $96.00, as the demo
        ("price_breaks", {"breaks": [{"min_quantity": BREAK_AT, "unit_price": str(BREAK_PRICE)}]}, SKU),
        # Worth 2% of the price to the seller (cash now); costs a buyer its cost of capital
        # over 30 days, 0.3% to 1.6% here: a trade both sides gain from.
        ("term_lever", {"group": "payment", "option": "prepay", "label": "pay up front",
                        "value_pct": str(TERMS.prepay_pct)}, SKU),
        # Saves the seller $2.50 a unit of delivery; costs a buyer $0.50 to $6.00.
        ("term_lever", {"group": "delivery", "option": "pickup", "label": "pick up at our warehouse",
                        "value_per_unit": str(TERMS.pickup_per_unit)}, SKU),
        # The concession: 20% of the room at once, linear to list less 18% (Nibble's depth,
        # $98.40) or the guard price if higher, over the rounds.
        ("concession", {"max_discount_pct": most_off, "first_position_pct": first, "exponent": exponent,
                        "rounds": settings.rounds}, SKU),
        # Accept a target within 2% of the price; up to 20% under the guard price a rep
        # answers (the demo's reach), below that the request is declined.
        # (--routing replaces these params.)
        ("routing", dict(settings.routing), None),
    ]


def price_for(quantity: int) -> Decimal:
    return BREAK_PRICE if quantity >= BREAK_AT else LIST
