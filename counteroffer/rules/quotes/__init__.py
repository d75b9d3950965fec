"""Whole-cart quotes, purely: one decision for an order of several lines (issue 14)."""
from .engine import decide_quote
from .model import (
    EarlierQuoteLine,
    EarlierQuoteOffer,
    OrderFloor,
    OrderTarget,
    OrderTier,
    OrderTiers,
    QuoteDecision,
    QuoteLine,
    QuoteLineOffer,
    QuoteOffer,
    QuoteOfferKind,
    QuoteRequest,
)

__all__ = [
    "decide_quote", "EarlierQuoteLine", "EarlierQuoteOffer", "OrderFloor", "OrderTarget", "OrderTier",
    "OrderTiers", "QuoteDecision", "QuoteLine",
    "QuoteLineOffer", "QuoteOffer", "QuoteOfferKind", "QuoteRequest",
]
