"""A whole quote priced but not yet worded (``QuoteCandidate``), and its sums.

Most candidates only move prices: every line at its own quantity, at a new price
(concession, margin mix, order terms, as asked). They are kept as a list of prices, and
their per-line objects (``OfferedLine``) are made only if one is chosen among the offers
(a 50-line quote has several such candidates and shows at most three). Candidates that
change quantities or products (per-line trade-offs, order tiers) carry their lines.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..frame import Priced
from ..model import OfferKind, Term
from .lines import Line
from .model import QuoteOfferKind

__all__ = ["OfferedLine", "QuoteCandidate", "Totals", "line_at"]

ZERO = Decimal(0)


@dataclass(slots=True)
class OfferedLine:
    line: Line
    priced: Priced
    why: str
    #: The catalog price for the quantity offered (what the cart would show for it).
    catalog: Decimal
    #: The buyer's words for a per-line trade-off (empty for a plain price).
    message: Callable[[], str] | None = None


def line_at(line: Line, price: Decimal, why: str) -> OfferedLine:
    """The line as asked (its SKU and quantity) at ``price``."""
    frame = line.frame
    return OfferedLine(line=line, catalog=line.price, why=why,
                       priced=Priced(OfferKind.PRICE, line.sku, line.quantity, price, frame.context.cost,
                                     frame.floor, frame.guarded_cost))


@dataclass(slots=True)
class QuoteCandidate:
    """A whole quote priced but not yet worded: ``prices`` (every line of ``quote_lines``
    at its own quantity, at these prices) or ``offered`` (one offered line per line)."""

    kind: QuoteOfferKind
    #: The quote's lines, in order (``QuoteFrame.lines``).
    quote_lines: list[Line]
    message: Callable[[QuoteCandidate], str]
    why: str
    prices: list[Decimal] | None = None
    offered: list[OfferedLine] | None = None
    #: Why each line of a price-only move is priced so, if not ``why``.
    line_why: str | None = None
    terms: tuple[Term, ...] = ()
    #: What the order's terms are worth to the seller, for the whole quote.
    terms_value: Decimal = ZERO

    #: Worked out once, on first read (a candidate is read many times, never changed after).
    _sums: Totals | None = None

    @property
    def lines(self) -> list[OfferedLine]:
        """One offered line per line of the quote (made on first read for a price-only move)."""
        if self.offered is None:
            prices = self.prices if self.prices is not None else []
            why = self.why_each_line
            self.offered = [line_at(line, price, why)
                            for line, price in zip(self.quote_lines, prices, strict=True)]
        return self.offered

    @property
    def why_each_line(self) -> str:
        return self.why if self.line_why is None else self.line_why

    def sold(self, index: int) -> tuple[Decimal, int]:
        """The unit price and quantity of the line at ``index``."""
        if self.prices is not None:
            return self.prices[index], self.quote_lines[index].quantity
        priced = self.lines[index].priced
        return priced.unit_price, priced.quantity

    def _totals(self) -> Totals:
        if self._sums is None:
            if self.prices is not None:
                self._sums = _sum_prices(self.quote_lines, self.prices, self.terms_value)
            else:
                self._sums = _sum_lines(self.lines, self.terms_value)
        return self._sums

    @property
    def total(self) -> Decimal:
        return self._totals().total

    @property
    def catalog_total(self) -> Decimal:
        return self._totals().catalog

    @property
    def seller_value(self) -> Decimal:
        """Margin plus the terms' value, for the whole quote."""
        return self._totals().value

    @property
    def rank_value(self) -> Decimal:
        """Margin over the guarded cost plus the terms: what the order offers are ranked by."""
        return self._totals().ranked

    @property
    def cost_total(self) -> Decimal:
        return self._totals().cost

    @property
    def known_totals(self) -> tuple[Decimal, Decimal]:
        """What the lines whose cost is known (and equivalent products) sell for, and
        their guarded cost: what the order floor is judged on."""
        sums = self._totals()
        return sums.known_revenue, sums.known_cost


@dataclass(slots=True)
class Totals:
    total: Decimal
    catalog: Decimal
    value: Decimal
    ranked: Decimal
    cost: Decimal
    known_revenue: Decimal
    known_cost: Decimal


def _sum_lines(lines: list[OfferedLine], terms_value: Decimal) -> Totals:
    """Every sum over a candidate's lines in one pass. A line at its own quantity and cost
    reuses its cost times quantity, worked out once per decision (``Line``): exact
    Decimal sums, so the same numbers as multiplying each time."""
    total = catalog = value = ranked = cost = known_revenue = known_cost = ZERO
    for offered in lines:
        priced, line = offered.priced, offered.line
        quantity = priced.quantity
        sold = priced.unit_price * quantity
        if quantity == line.quantity and priced.cost is line.cost and priced.rank_cost is line.rank_cost:
            cost_q, rank_q = line.cost_value, line.rank_cost_value
        else:
            cost_q, rank_q = priced.cost * quantity, priced.rank_cost * quantity
        catalog += line.cart_value if quantity == line.quantity and offered.catalog is line.price \
            else offered.catalog * quantity
        total += sold
        cost += cost_q
        if priced.terms_value:
            terms_q = priced.terms_value * quantity
            value += sold - cost_q + terms_q
            ranked += sold - rank_q + terms_q
        else:
            value += sold - cost_q
            ranked += sold - rank_q
        if line.cost_known or priced.sku != line.sku:
            known_revenue += sold
            known_cost += rank_q
    return Totals(total, catalog, value + terms_value, ranked + terms_value, cost, known_revenue, known_cost)


def _sum_prices(lines: list[Line], prices: list[Decimal], terms_value: Decimal) -> Totals:
    """``_sum_lines`` for every line at its own quantity at ``prices``: the same sums
    (``line_at`` offers the line's own cost and catalog price), without the line objects."""
    total = catalog = value = ranked = cost = known_revenue = known_cost = ZERO
    for line, price in zip(lines, prices, strict=True):
        sold = price * line.quantity
        catalog += line.cart_value
        total += sold
        cost += line.cost_value
        value += sold - line.cost_value
        ranked += sold - line.rank_cost_value
        if line.cost_known:
            known_revenue += sold
            known_cost += line.rank_cost_value
    return Totals(total, catalog, value + terms_value, ranked + terms_value, cost, known_revenue, known_cost)
