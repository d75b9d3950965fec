"""Whole-cart quotes, purely: one decision for an order of several lines (issue 14)."""
from .engine import decide_quote
from .model import (
    CitedLine,
    EarlierQuoteLine,
    EarlierQuoteOffer,
    OrderFloor,
    OrderTarget,
    OrderTier,
    OrderTiers,
    QuoteCitation,
    QuoteDecision,
    QuoteLine,
    QuoteLineOffer,
    QuoteOffer,
    QuoteOfferKind,
    QuoteRequest,
)

__all__ = [
    "decide_quote", "CitedLine", "QuoteCitation",
    "EarlierQuoteLine", "EarlierQuoteOffer", "OrderFloor", "OrderTarget", "OrderTier",
    "OrderTiers", "QuoteDecision", "QuoteLine",
    "QuoteLineOffer", "QuoteOffer", "QuoteOfferKind", "QuoteRequest",
]
