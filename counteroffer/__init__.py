"""Counteroffer: a B2B webshop negotiates prices with its buyers by itself.

    from counteroffer import Counteroffer, Actor

    counteroffer = Counteroffer(app)

    @counteroffer.user_loader
    def current_actor():
        return Actor(id=..., role="buyer", company_id=...)
"""
from .adapters import CatalogItem, Customer
from .jobs.connection import RedisProvider
from .negotiation import (
    Actor,
    ConflictError,
    DealView,
    InvalidRequestError,
    NegotiationError,
    NotFoundError,
    QuoteCartPrices,
    QuoteDealView,
    QuoteView,
    Rep,
)
from .plugin import Counteroffer

__all__ = ["Counteroffer", "Actor", "CatalogItem", "Customer", "DealView", "NegotiationError",
           "ConflictError", "NotFoundError", "Rep", "RedisProvider", "InvalidRequestError", "QuoteView",
           "QuoteDealView", "QuoteCartPrices"]
__version__ = "0.1.0"
