"""The quote's data: what the buyer asks for an order, and what the engine answers.

The contract between ``rules/quotes`` (the pure decision, ``decide_quote``) and the use
cases that store quotes (``negotiation/quotes``). A quote line carries the same
``PricingContext`` as a single-line request, so every per-line guarantee (floor, guard
price, breaks, multiples, stock, earlier offers) is judged exactly as for one line.

    decide_quote(request: QuoteRequest, rules: RuleSet | CompiledRules, now: datetime,
                 policy: Policy = Policy()) -> QuoteDecision
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from ..model import Outcome, PricingContext, Term

__all__ = ["OrderTarget", "QuoteLine", "QuoteRequest", "QuoteOfferKind", "QuoteLineOffer", "QuoteOffer",
           "QuoteDecision", "OrderTier", "OrderTiers", "OrderFloor", "EarlierQuoteLine", "EarlierQuoteOffer",
           "CitedLine", "QuoteCitation"]


@dataclass(frozen=True)
class OrderTarget:
    """What the buyer wants to pay for the whole order: a total, or a share off the
    cart's price for those quantities (exactly one of the two)."""

    total: Decimal | None = None
    discount_pct: Decimal | None = None


@dataclass(frozen=True)
class QuoteLine:
    sku: str
    quantity: int
    context: PricingContext
    #: The buyer's own target for this line, if it gave one.
    target_unit_price: Decimal | None = None


@dataclass(frozen=True)
class EarlierQuoteLine:
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class EarlierQuoteOffer:
    """A whole-quote offer made in an earlier round of this quote: never gone back on.
    Only price-only moves (``concession``, ``margin_mix``) bind later rounds, line by
    line for the same SKU and quantity, as ``PricingContext.earlier_offers`` does for
    one line; ``by_rep``: a person's counter (binds its quantity and larger ones)."""

    lines: tuple[EarlierQuoteLine, ...]
    kind: QuoteOfferKind
    by_rep: bool = False


@dataclass(frozen=True)
class CitedLine:
    """A competitor's unit price for one SKU of the quote."""

    sku: str
    unit_price: Decimal


@dataclass(frozen=True)
class QuoteCitation:
    """A competing offer cited for the whole quote (rules/quotes/citations.py): the
    competitor's order ``total`` for the quote's lines, or its unit price for some of
    them (``lines``; exactly one of the two). Information, never a target."""

    competitor: str
    total: Decimal | None = None
    lines: tuple[CitedLine, ...] = ()
    #: The last day it holds (None: not said); an offer past it is not matched.
    valid_until: date | None = None
    has_document: bool = False


@dataclass(frozen=True)
class QuoteRequest:
    lines: tuple[QuoteLine, ...]
    currency: str
    #: None when the buyer gave per-line targets only.
    order_target: OrderTarget | None = None
    round: int = 1
    #: The company's segment (the same on every line's context).
    segment: str | None = None
    #: This negotiation's concession jitter draw, in [0, 1), as for one line.
    jitter: Decimal = Decimal(0)
    #: The whole-quote offers of earlier rounds, oldest first (added for rounds).
    earlier_offers: tuple[EarlierQuoteOffer, ...] = ()
    #: A competing offer the buyer cites with this round (None: none).
    citation: QuoteCitation | None = None
    #: The day the buyer needs the goods by: levers with a longer lead time are not offered.
    needed_by: date | None = None


class QuoteOfferKind(str, Enum):
    AS_ASKED = "as_asked"  # every line at the buyer's targets (or the order target met)
    LINE_TRADE_OFFS = "line_trade_offs"  # per-line trade-offs: volume to a break, margin-neutral volume
    ORDER_TIER = "order_tier"  # add to the order and every line is n% off
    MARGIN_MIX = "margin_mix"  # the order target spread over lines by headroom above floors
    ORDER_TERMS = "order_terms"  # payment, delivery, lead time, commitment for the whole order
    CONCESSION = "concession"  # a step toward the order target, this round
    MATCH = "match"  # a cited competing offer matched (rules/quotes/citations.py)


@dataclass(frozen=True)
class QuoteLineOffer:
    sku: str
    quantity: int
    unit_price: Decimal
    #: The catalog price for this quantity (what the cart shows), for "what changed".
    price_for_quantity: Decimal
    #: For the rep only: why this line is priced so. Never sent to the buyer.
    explanation: str = ""


@dataclass(frozen=True)
class QuoteOffer:
    kind: QuoteOfferKind
    lines: tuple[QuoteLineOffer, ...]
    currency: str
    expires_at: datetime
    #: For the buyer: what to do to get this quote, in one or two sentences.
    message: str
    terms: tuple[Term, ...] = ()
    #: Margin plus the value of the terms, for the whole quote: how offers are ranked.
    seller_value: Decimal = Decimal(0)
    #: For the rep only: why this quote, for the order.
    explanation: str = ""

    @property
    def total(self) -> Decimal:
        return sum((line.unit_price * line.quantity for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class QuoteDecision:
    outcome: Outcome
    #: At most ``Policy.max_offers`` whole quotes, best for the seller first.
    offers: tuple[QuoteOffer, ...] = ()
    #: Why, for the rep and the audit trail.
    reason: str = ""
    #: The cart's price for these quantities (sum of price for quantity x quantity).
    cart_total: Decimal = Decimal(0)
    #: For an acceptance: the lines at the prices agreed.
    accepted: QuoteOffer | None = None
    #: For an escalation: what the engine would have offered, as a starting point.
    suggestions: tuple[QuoteOffer, ...] = ()
    #: For reps only: per SKU, the line's floor and guard price.
    floors: dict[str, Decimal] = field(default_factory=dict)
    #: For reps only: per SKU, the guard price (where automatic answers stop).
    guards: dict[str, Decimal] = field(default_factory=dict)
    #: For reps only: the order floor (minimum total for the lines asked), if a rule sets one.
    order_floor: Decimal | None = None


@dataclass(frozen=True)
class OrderTier:
    min_order_value: Decimal
    discount_pct: Decimal


@dataclass(frozen=True)
class OrderTiers:
    """Rule kind ``order_tiers``: from an order value on, every line is n% off its price
    for the quantity (never below a line's floor). Scoped by segment only."""

    tiers: tuple[OrderTier, ...]
    segment: str | None = None
    priority: int = 0


@dataclass(frozen=True)
class OrderFloor:
    """Rule kind ``order_floor``: a minimum margin for the whole order, as a markup over
    its cost (as line floors measure margin), on top of every line's own floor."""

    min_margin_pct: Decimal
    segment: str | None = None
    priority: int = 0
