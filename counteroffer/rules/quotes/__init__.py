"""Whole-cart quotes, purely: one decision for an order of several lines (issue 14)."""
from .model import (
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
    "OrderFloor", "OrderTarget", "OrderTier", "OrderTiers", "QuoteDecision", "QuoteLine",
    "QuoteLineOffer", "QuoteOffer", "QuoteOfferKind", "QuoteRequest",
]
