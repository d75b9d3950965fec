"""The decision engine: pure functions over frozen dataclasses.

It imports no Flask, SQLAlchemy, Redis or requests, and takes the clock as an argument,
so it can be tested exhaustively and run anywhere (a web process, a worker, a simulation).
"""
from .engine import RuleSet, decide
from .model import (Decision, Floor, Offer, OfferKind, Outcome, Policy, PriceBreak, PriceBreaks,
                    PriceRequest, PricingContext)
from .money import has_valid_places, is_known_currency, minor_unit, round_money
from .pricing import breaks_for, floor_price, next_break, price_for_quantity

__all__ = [
    "RuleSet", "decide", "Decision", "Floor", "Offer", "OfferKind", "Outcome", "Policy",
    "PriceBreak", "PriceBreaks", "PriceRequest", "PricingContext", "is_known_currency",
    "minor_unit", "round_money", "has_valid_places", "breaks_for", "floor_price", "next_break", "price_for_quantity",
]
