"""The engine's inputs and outputs: frozen dataclasses, no IO.

Rules are plain data, each scoped to all SKUs, a category or one SKU (``sku`` wins over
``category``, which wins over neither), optionally to one customer segment; among rules
of one kind and equal scope, the higher ``priority`` wins.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import Any, Self

from .guard import NO_DRAWS, GuardDraws

__all__ = [
    "Floor", "PriceBreak", "PriceBreaks", "TermLever", "LEVER_GROUPS", "Alternatives",
    "ConcessionPolicy", "Routing", "CompetingOffer", "Citation", "Policy", "PriceRequest", "LastPrice",
    "AlternativeProduct",
    "EarlierOffer", "EarlierBid", "PricingContext", "Outcome", "OfferKind", "Term", "Offer", "Decision",
]


@dataclass(frozen=True, slots=True)
class Floor:
    """The lowest unit price the engine may ever offer on its own.

    ``min_margin_pct`` is a markup over cost (price >= cost * (1 + pct/100));
    ``min_unit_price`` an absolute minimum; ``max_discount_pct`` the most off the list
    price (price >= list * (1 - pct/100)), for shops that keep no cost. The strictest
    applicable floor wins.
    """

    sku: str | None = None
    segment: str | None = None
    min_margin_pct: Decimal | None = None
    min_unit_price: Decimal | None = None
    priority: int = 0
    category: str | None = None
    max_discount_pct: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PriceBreak:
    min_quantity: int
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class PriceBreaks:
    """Volume steps: from ``min_quantity`` units on, each unit costs ``unit_price``.
    ``order_multiple`` (cartons of 50) overrides the catalog's when set."""

    breaks: tuple[PriceBreak, ...]
    sku: str | None = None
    segment: str | None = None
    priority: int = 0
    category: str | None = None
    order_multiple: int | None = None


#: Lever groups; a bundle takes at most one option from each.
LEVER_GROUPS = ("payment", "delivery", "lead_time", "commitment")


@dataclass(frozen=True, slots=True)
class TermLever:
    """Something the buyer can give that is worth money to the seller.

    ``value_pct`` is a share of the unit price, ``value_per_unit`` an amount per unit;
    ``label`` is what the buyer reads ("pay within 10 days"). ``bundle_levers``: the most
    levers a bundle holding this one may have (2 unless the rule asks for more).
    ``scope`` "order": a lever of the whole quote (rules/quotes), valued once on the
    order's total (``value_pct``) or its units (``value_per_unit``); never a line's.
    """

    group: str
    option: str
    label: str
    value_pct: Decimal | None = None
    value_per_unit: Decimal | None = None
    sku: str | None = None
    segment: str | None = None
    priority: int = 0
    category: str | None = None
    bundle_levers: int = 2
    scope: str = "line"
    #: Days from today the lever needs (a delivery week, a lead time): a buyer who needs
    #: the goods sooner (``PriceRequest.needed_by``) is not offered it. None: no lead time.
    lead_days: int | None = None


@dataclass(frozen=True, slots=True)
class Alternatives:
    """Equivalent SKUs that may be offered in place of the one asked for."""

    skus: tuple[str, ...]
    sku: str | None = None
    segment: str | None = None
    priority: int = 0
    category: str | None = None


@dataclass(frozen=True, slots=True)
class ConcessionPolicy:
    """How a price-only counter moves across rounds, after GENIUS's time-dependent tactic:
    share conceded at round r of R is f(t) = k + (1 - k) * t ** (1 / e), t = (r-1)/(R-1).
    ``first_position_pct`` is k (as %), ``exponent`` e: 0.2 Boulware, 1 linear, 2 conceder.
    The concession runs from the price for the quantity down to the reservation price:
    the floor, or list less ``max_discount_pct`` if that is higher."""

    max_discount_pct: Decimal
    first_position_pct: Decimal = Decimal(0)
    exponent: Decimal = Decimal(1)
    rounds: int = 3
    sku: str | None = None
    segment: str | None = None
    priority: int = 0
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Routing:
    """Who settles what. Defaults: accept only at the price, send anything up to
    ``rep_reach_pct`` below the floor to a rep, decline below that.

    ``auto_approval_limit``: what would be sold (quantity x price) above which offers and
    accepted targets are a person's. ``auto_accept_limit``: the same for a target within
    ``auto_accept_within_pct`` of the price, on its own (None: no limit, as for a target
    at the price), since the band sits next to the shop's own price."""

    auto_accept_within_pct: Decimal = Decimal(0)
    auto_approval_limit: Decimal | None = None
    strategic_segments: tuple[str, ...] = ()
    rep_reach_pct: Decimal | None = None
    sku: str | None = None
    segment: str | None = None
    priority: int = 0
    category: str | None = None
    auto_accept_limit: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CompetingOffer:
    """What a cited competing offer earns (rules/competing.py): for ``competitors`` (names,
    any case; empty: any competitor), a price that matches the cited unit price, or beats
    it by ``beat_by_amount`` or ``beat_by_pct`` of it, never below the guard price. Above
    ``document_above`` (the order value at the matched price) a citation without a
    document goes to a person instead."""

    competitors: tuple[str, ...] = ()
    beat_by_amount: Decimal | None = None
    beat_by_pct: Decimal | None = None
    document_above: Decimal | None = None
    sku: str | None = None
    segment: str | None = None
    priority: int = 0
    category: str | None = None

    def covers(self, competitor: str) -> bool:
        wanted = competitor.strip().casefold()
        return not self.competitors or any(name.strip().casefold() == wanted for name in self.competitors)


@dataclass(frozen=True, slots=True)
class Citation:
    """A competing offer the buyer cites: information, not a target (rules/competing.py)."""

    competitor: str
    unit_price: Decimal
    #: The last day it holds (None: not said); an offer past it is not matched.
    valid_until: date | None = None
    has_document: bool = False


@dataclass(frozen=True)
class Policy:
    """App-wide settings of the exchange, used where no rule says otherwise."""

    offer_validity_hours: int = 48
    max_rounds: int = 3
    #: Below the floor by more than this share of it, a request is declined, not escalated.
    decline_below_floor_pct: Decimal = Decimal("10")
    #: The most offers a buyer sees at once, best for the seller first.
    max_offers: int = 3
    #: Volume offers (to a break, margin-neutral) ask for at most this many times the
    #: quantity asked: a buyer of 200 does not take 3,000.
    max_volume_factor: int = 10
    #: A last price paid counts as an anchor for this many days...
    anchor_days: int = 365
    #: ...and for quantities within this factor of the one paid for (0.5x to 2x).
    anchor_quantity_factor: Decimal = Decimal(2)
    #: Price-only counters stop above the reservation price by up to this share of the
    #: price for the quantity, times ``PriceRequest.jitter``: the last counter is then
    #: not a fixed function of the floor (docs/security.md).
    concession_jitter_pct: Decimal = Decimal(0)
    #: The band (low, high), in % of list price, of the secret margin above the floor
    #: where the engine's own answers stop (rules/guard.py); (0, 0): at the floor.
    floor_guard_pct: tuple[Decimal, Decimal] = (Decimal(0), Decimal(0))
    #: A term bundle is offered below the buyer's target by this share (%) of what the
    #: terms are worth to the seller, so the buyer gains by giving them; 0: at the target.
    terms_buyer_share_pct: Decimal = Decimal(0)


@dataclass(frozen=True)
class PriceRequest:
    sku: str
    quantity: int
    target_unit_price: Decimal
    currency: str
    round: int = 1
    #: A number in [0, 1) fixed per negotiation and unknown to the buyer (the caller
    #: derives it from a secret): how far above the floor concessions stop.
    jitter: Decimal = Decimal(0)
    #: A competing offer the buyer cites with this round (None: none).
    citation: Citation | None = None
    #: The day the buyer needs the goods by: levers with a longer lead time are not offered.
    needed_by: date | None = None


@dataclass(frozen=True)
class LastPrice:
    unit_price: Decimal
    quantity: int
    paid_at: datetime


@dataclass(frozen=True)
class AlternativeProduct:
    sku: str
    name: str
    list_price: Decimal
    cost: Decimal
    category: str | None = None
    order_multiple: int = 1
    #: This buyer's draws for the alternative's own guard price (rules/guard.py).
    guard_draws: GuardDraws = NO_DRAWS
    #: Units of the alternative in stock (None: not tracked).
    available: int | None = None


@dataclass(frozen=True, slots=True)
class EarlierOffer:
    """A price-only counter made in an earlier round of this negotiation, for
    ``quantity`` units: by the rules (a concession) or by a person (``by_rep``)."""

    quantity: int
    unit_price: Decimal
    by_rep: bool = False


@dataclass(frozen=True, slots=True)
class EarlierBid:
    """The buyer's target in an earlier round of this negotiation, for ``quantity`` units."""

    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class PricingContext:
    """What the shop knows about the product and the buyer when the request comes in."""

    list_price: Decimal
    cost: Decimal
    currency: str
    segment: str | None = None
    order_multiple: int = 1
    category: str | None = None
    profitability_tier: str | None = None
    last_price: LastPrice | None = None
    #: The price-only counters made in earlier rounds of this negotiation: never to be
    #: gone back on, each for the quantity it was made for (rules/concession.py).
    earlier_offers: tuple[EarlierOffer, ...] = ()
    #: The buyer's targets in earlier rounds of this negotiation, oldest first: the
    #: concession moves no faster than the buyer does (rules/concession.py).
    earlier_bids: tuple[EarlierBid, ...] = ()
    alternatives: tuple[AlternativeProduct, ...] = ()
    #: Where this company's guard price for this SKU falls in the band (rules/guard.py):
    #: fixed per (company, SKU) by the caller from a secret.
    guard_draws: GuardDraws = NO_DRAWS
    #: Units the shop can deliver (None: not tracked): no offer is for more.
    available: int | None = None
    #: False when the shop keeps no cost for the product: ``cost`` is then 0, a stand-in
    #: that only ranks offers by revenue. Margin floors and margin-neutral volume do not
    #: apply, and explanations say "cost unknown" (pricing.floor_from).
    cost_known: bool = True


class Outcome(str, Enum):
    ACCEPT = "accept"
    COUNTER = "counter"
    ESCALATE = "escalate"
    DECLINE = "decline"


class OfferKind(str, Enum):
    PRICE = "price"  # the price asked for, at the quantity asked for
    VOLUME = "volume"  # a lower price for more units
    TERMS = "terms"  # at or below the price asked for, for terms worth more to the seller
    ALTERNATIVE = "alternative"  # an equivalent product at the price asked for
    ANCHOR = "anchor"  # the price the buyer paid last time
    CONCESSION = "concession"  # a step toward the buyer's price, this round
    MATCH = "match"  # the quantity asked at a cited competitor's price (or below it)


@dataclass(frozen=True)
class Term:
    group: str
    option: str
    label: str


class _Made:
    """``made(**fields)``: the engine's constructor for its frozen results.

    They stay frozen for everyone who holds one, but a frozen dataclass's ``__init__``
    sets each field through ``object.__setattr__``: about 2 microseconds per offer or
    decision, a tenth of a counter's time. The engine gives every field, so it sets
    them straight into the instance (tests check the result equals the normal build).
    """

    @classmethod
    def made(cls, **fields: Any) -> Self:
        made = object.__new__(cls)
        made.__dict__.update(fields)
        return made


@dataclass(frozen=True)
class Offer(_Made):
    kind: OfferKind
    sku: str
    quantity: int
    unit_price: Decimal
    currency: str
    expires_at: datetime
    message: str
    terms: tuple[Term, ...] = ()
    #: Margin plus the value of the terms, for the whole offer: how offers are ranked.
    seller_value: Decimal = Decimal(0)
    #: Writes the rep's explanation; called once, on first read (see ``explanation``).
    explain: Callable[[], str] = field(default=lambda: "", compare=False, repr=False)

    @cached_property
    def explanation(self) -> str:
        """For the sales rep only; never sent to the buyer. Worded on first read: most
        decisions (simulations, benchmarks, offers never stored) never need it."""
        return self.explain()


@dataclass(frozen=True)
class Decision(_Made):
    outcome: Outcome
    offers: tuple[Offer, ...] = ()
    #: Why the engine decided so, for the rep and the audit trail.
    reason: str = ""
    floor: Decimal | None = None
    #: The lowest price the engine answers on its own (rules/guard.py); for reps only.
    guard: Decimal | None = None
    price_for_quantity: Decimal | None = None
    #: For an escalation: what the engine would have offered, as a starting point for the rep.
    suggestions: tuple[Offer, ...] = ()
