"""Simulated buyers and the four baseline sellers of bench/deal_quality.py (pure Python).

**Buyers.** Each buyer has private values drawn from one seeded generator: a reservation
price (the most it pays per unit), a wanted quantity and a largest useful quantity, a
cost of capital (what paying up front costs it) and a pick-up cost per unit (what
collecting the goods itself costs it). It bids with the time-dependent tactic of GENIUS
and NegMAS, from an opening bid below its reservation price up to it over the rounds::

    bid(r) = open + (reservation - open) * t ** (1 / e),   t = (r - 1) / (R - 1)

with e = 0.2 (Boulware: holds out, concedes late), 1 (linear) or 2 (conceder: gives most
early). A buyer accepts an offer it values at least as much as its own next bid (at the
last round: its reservation price). Its value of an offer is the offer's effective unit
price: the unit price plus what the offer's terms cost the buyer per unit (paying up
front: the price times its cost of capital over the payment days it gives up; picking up:
its pick-up cost). A volume offer counts only between the wanted quantity and the largest
useful quantity: the extra units are worth their price to the buyer (it would buy them
later), more than that is worth nothing to it.

The same population plays every type: buyer n of every type has the same private values,
only the exponent differs, so the types' figures compare strategies, not draws.

**Why not NegMAS itself.** NegMAS 0.16 (the package index's current release) brings in
matplotlib, plotly, kaleido, pandas, pyarrow, scipy, scikit-learn, networkx and py4j; its
mechanism drives both sides of a negotiation itself, while here one side is the engine
behind the plugin's use cases, answered a round at a time. The formulas are a few lines:
the buyers use NegMAS's time-dependent curve above, and the aspiration seller NegMAS's
``PolyAspiration`` (``aspiration(t) = 1 - t ** 4`` for its default "boulware", over a
utility scaled from the reservation value to the best price).

**Baselines** answer a bid in round r of R with ``Answer``: an acceptance of the bid, a
quote, or nothing (declined). ``price`` is the catalog price for the quantity (list, or
the published break reached), ``floor`` the shop's floor.
"""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Protocol

__all__ = ["STRATEGIES", "Buyer", "Quote", "Answer", "population", "Seller", "ListPriceSeller",
           "EbaySeller", "NibbleSeller", "AspirationSeller", "BASELINES", "TermValues", "cents_up",
           "cents_down", "time_share"]

CENT = Decimal("0.01")
#: Exponents of the time-dependent tactic (GENIUS, NegMAS).
STRATEGIES: dict[str, Decimal] = {"boulware": Decimal("0.2"), "linear": Decimal(1), "conceder": Decimal(2)}
#: Paying up front instead of on the shop's standard terms (net 30) gives up 30 days.
PAYMENT_DAYS = Decimal(30)
YEAR_DAYS = Decimal(365)


def cents_up(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_CEILING)


def cents_down(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_FLOOR)


def time_share(round_: int, rounds: int, exponent: Decimal) -> Decimal:
    """t ** (1 / e) with t = (r - 1) / (R - 1): the share of the way conceded in round r."""
    if rounds <= 1:
        return Decimal(1)
    t = Decimal(min(round_, rounds) - 1) / Decimal(rounds - 1)
    return t ** (1 / exponent) if t else Decimal(0)


@dataclass(frozen=True)
class Quote:
    """An offer as a buyer sees it: a unit price for a quantity, maybe with terms."""

    unit_price: Decimal
    quantity: int
    terms: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Buyer:
    id: str
    strategy: str
    reservation: Decimal
    opening: Decimal
    quantity: int
    largest_quantity: int
    cost_of_capital: Decimal  # a year, as a fraction
    pickup_cost: Decimal  # per unit
    rounds: int

    @property
    def exponent(self) -> Decimal:
        return STRATEGIES[self.strategy]

    def bid(self, round_: int) -> Decimal:
        share = time_share(round_, self.rounds, self.exponent)
        return cents_down(self.opening + (self.reservation - self.opening) * share)

    def next_value(self, round_: int) -> Decimal:
        """What an offer must beat in round r: its own next bid, or at the end its reservation."""
        return self.bid(round_ + 1) if round_ < self.rounds else self.reservation

    def term_cost(self, term: str, unit_price: Decimal) -> Decimal:
        if term == "prepay":
            return unit_price * self.cost_of_capital * PAYMENT_DAYS / YEAR_DAYS
        if term == "pickup":
            return self.pickup_cost
        raise ValueError(f"the buyer model has no value for the term {term!r}")

    def effective_price(self, quote: Quote) -> Decimal | None:
        """Unit price plus the terms' cost to this buyer; None if the quantity is of no use."""
        if not self.quantity <= quote.quantity <= self.largest_quantity:
            return None
        return quote.unit_price + sum((self.term_cost(t, quote.unit_price) for t in quote.terms), Decimal(0))

    def choose(self, quotes: Iterable[Quote], round_: int) -> Quote | None:
        """The quote it takes in round r: the cheapest to it that beats its next bid, if any
        (at equal cost, the one with more units)."""
        limit = self.next_value(round_)
        priced = [(cost, -quote.quantity, index, quote) for index, quote in enumerate(quotes)
                  if (cost := self.effective_price(quote)) is not None and cost <= limit]
        return min(priced)[3] if priced else None


def population(count: int, seed: int, list_price: Decimal, rounds: int) -> dict[str, list[Buyer]]:
    """``count`` buyers per strategy; buyer n has the same private values in every strategy."""
    rng = random.Random(seed)
    base = []
    for n in range(count):
        reservation = cents_down(list_price * Decimal(rng.uniform(0.78, 1.06)))
        opening = cents_down(reservation * (1 - Decimal(rng.uniform(0.08, 0.25))))
        quantity = int(round(10 ** rng.uniform(2, 3.45), -1))  # 100 to about 2,800, log-uniform
        largest = int(round(quantity * rng.uniform(1.0, 3.0), -1))
        base.append(Buyer(id=f"b{n:05d}", strategy="linear", reservation=reservation, opening=opening,
                          quantity=quantity, largest_quantity=max(quantity, largest),
                          cost_of_capital=Decimal(rng.uniform(0.04, 0.20)).quantize(Decimal("0.0001")),
                          pickup_cost=cents_down(Decimal(rng.uniform(0.5, 6.0))), rounds=rounds))
    return {name: [replace(b, id=f"{name[0]}{b.id}", strategy=name) for b in base] for name in STRATEGIES}


@dataclass(frozen=True)
class TermValues:
    """What each term is worth to the seller per unit, at a unit price (the shop's levers)."""

    prepay_pct: Decimal
    pickup_per_unit: Decimal

    def per_unit(self, terms: Iterable[str], unit_price: Decimal) -> Decimal:
        value = Decimal(0)
        for term in terms:
            value += unit_price * self.prepay_pct / 100 if term == "prepay" else self.pickup_per_unit
        return value


@dataclass(frozen=True)
class Answer:
    accept: bool = False
    quotes: tuple[Quote, ...] = ()


class Seller(Protocol):
    """One negotiation's seller: ``answer`` is called once per round with the buyer's bid."""

    def answer(self, round_: int, bid: Decimal) -> Answer: ...


@dataclass
class _Shop:
    price: Decimal  # the catalog price for the quantity
    floor: Decimal
    quantity: int
    rounds: int

    def quote(self, unit_price: Decimal) -> Answer:
        return Answer(quotes=(Quote(cents_up(unit_price), self.quantity),))


class ListPriceSeller(_Shop):
    """No negotiation: the catalog price, take it or leave it."""

    def answer(self, round_: int, bid: Decimal) -> Answer:
        return Answer(accept=True) if bid >= self.price else self.quote(self.price)


class EbaySeller(_Shop):
    """eBay's Best Offer settings: accept at 95% of the price or more, decline below the
    floor, and otherwise counter once, halfway between the bid and the price; that counter
    stands for the rest of the negotiation."""

    standing: Decimal | None = None

    def answer(self, round_: int, bid: Decimal) -> Answer:
        if bid >= self.price * Decimal("0.95"):
            return Answer(accept=True)
        if self.standing is None and bid >= self.floor:
            self.standing = max(self.floor, cents_up((bid + self.price) / 2))
        return self.quote(self.standing) if self.standing is not None else Answer()


class NibbleSeller(_Shop):
    """Nibble-style: concedes linearly from the price to 18% off over the rounds (never
    below the floor) and accepts a bid that meets this round's price."""

    def answer(self, round_: int, bid: Decimal) -> Answer:
        t = time_share(round_, self.rounds, Decimal(1))
        asking = max(self.floor, cents_up(self.price * (1 - Decimal("0.18") * t)))
        return Answer(accept=True) if bid >= asking else self.quote(asking)


class AspirationSeller(_Shop):
    """NegMAS's AspirationNegotiator (default "boulware" curve, exponent 4) with the floor as
    its reservation value: it aspires to floor + (price - floor) * (1 - t ** 4), accepts a
    bid at or above that, and otherwise offers it."""

    def answer(self, round_: int, bid: Decimal) -> Answer:
        t = time_share(round_, self.rounds, Decimal(1))
        aspiration = self.floor + (self.price - self.floor) * (1 - t ** 4)
        return Answer(accept=True) if bid >= aspiration else self.quote(aspiration)


BASELINES: dict[str, type[_Shop]] = {"list_price": ListPriceSeller, "ebay": EbaySeller,
                                     "nibble": NibbleSeller, "aspiration": AspirationSeller}
