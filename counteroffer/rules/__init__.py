"""The decision engine: pure functions over frozen dataclasses.

It imports no Flask, SQLAlchemy, Redis or requests, and takes the clock as an argument,
so it can be tested exhaustively and run anywhere (a web process, a worker, a simulation).
"""
from .engine import decide
from .guard import GuardDraws
from .model import (
                    AlternativeProduct,
                    Alternatives,
                    Citation,
                    CompetingOffer,
                    ConcessionPolicy,
                    Decision,
                    EarlierBid,
                    EarlierOffer,
                    Floor,
                    LastPrice,
                    Offer,
                    OfferKind,
                    Outcome,
                    Policy,
                    PriceBreak,
                    PriceBreaks,
                    PriceRequest,
                    PricingContext,
                    Routing,
                    Term,
                    TermLever,
)
from .money import has_valid_places, is_known_currency, minor_unit, places_message, round_money
from .pricing import effective_breaks, floor_price, next_break, price_for_quantity
from .quotes import decide_quote
from .ruleset import CompiledRules, RuleSet, SkuRules

__all__ = [
    "decide", "RuleSet", "CompiledRules", "SkuRules", "Decision", "Floor", "PriceBreak",
    "PriceBreaks", "TermLever", "Alternatives", "ConcessionPolicy", "Routing", "Offer",
    "OfferKind", "Outcome", "Policy", "PriceRequest", "PricingContext", "LastPrice",
    "AlternativeProduct", "Term", "is_known_currency", "minor_unit", "round_money",
    "has_valid_places", "places_message", "floor_price", "next_break", "price_for_quantity", "effective_breaks",
    "GuardDraws", "EarlierOffer", "EarlierBid", "decide_quote", "Citation", "CompetingOffer",
]
