"""What the buyer asks for a quote, checked against the catalog before anything is written,
and turned into the engine's ``QuoteRequest``.

Every refusal is one 422 naming each line and field at fault, ``lines[2].quantity``
(lines counted from 0, as in the JSON array), so that a cart page can mark the line.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ...adapters import CatalogItem, Customer
from ...db import transaction
from ...rules import CompiledRules, has_valid_places, places_message, price_for_quantity
from ...rules.quotes import EarlierQuoteOffer, OrderTarget, QuoteCitation, QuoteLine, QuoteRequest
from ..buying.context import pricing_context
from ..shared.deps import Deps
from ..shared.errors import InvalidRequestError

__all__ = ["LineAsk", "PricedLine", "MAX_LINES", "MAX_QUANTITY", "check_shape", "price_lines",
           "engine_request", "order_target_of", "cart_currency"]

#: The most lines a quote takes (issue 14): a cart larger than this is several quotes.
MAX_LINES = 200
MAX_QUANTITY = 10_000_000
_MAX_PCT = Decimal(100)


@dataclass(frozen=True)
class LineAsk:
    """One line as the buyer (or the host's cart) hands it over."""

    sku: str
    quantity: int
    target_unit_price: Decimal | None = None


@dataclass(frozen=True)
class PricedLine:
    ask: LineAsk
    item: CatalogItem
    price_for_quantity: Decimal

    @property
    def cart_total(self) -> Decimal:
        return self.price_for_quantity * self.ask.quantity


class _Faults:
    """The fields at fault, gathered so that one answer names them all."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, key: str, message: str) -> None:
        self.fields.setdefault(key, []).append(message)

    def raise_any(self) -> None:
        if self.fields:
            key, messages = next(iter(self.fields.items()))
            raise InvalidRequestError(f"{key}: {messages[0]}", self.fields)


def check_shape(lines: Sequence[LineAsk], currency: str, target: OrderTarget | None) -> None:
    """What needs no catalog: the number of lines, one SKU per line, quantities, decimals."""
    faults = _Faults()
    if not 1 <= len(lines) <= MAX_LINES:
        faults.add("lines", f"Send from 1 to {MAX_LINES} lines; this quote has {len(lines)}.")
    first_line: dict[str, int] = {}
    for index, line in enumerate(lines):
        key = f"lines[{index}]"
        if line.sku in first_line:
            faults.add(f"{key}.sku", f"{line.sku} is already on line {first_line[line.sku] + 1}; "
                                     "put its whole quantity on one line.")
        first_line.setdefault(line.sku, index)
        if isinstance(line.quantity, bool) or not 1 <= line.quantity <= MAX_QUANTITY:
            faults.add(f"{key}.quantity", f"Enter at least 1 unit and at most {MAX_QUANTITY:,} units.")
        price = line.target_unit_price
        if price is not None and (price <= 0 or not has_valid_places(price, currency)):
            faults.add(f"{key}.target_unit_price",
                       places_message(currency) if price > 0 else "Enter a price above 0.")
    _check_target(faults, target, currency)
    faults.raise_any()


def _check_target(faults: _Faults, target: OrderTarget | None, currency: str) -> None:
    if target is None:
        return
    if (target.total is None) == (target.discount_pct is None):
        faults.add("order_target", "Give either a total or a discount_pct, not both.")
    elif target.total is not None and (target.total <= 0 or not has_valid_places(target.total, currency)):
        faults.add("order_target.total", places_message(currency) if target.total > 0 else "Enter a total above 0.")
    elif target.discount_pct is not None and not 0 < target.discount_pct < _MAX_PCT:
        faults.add("order_target.discount_pct", "Enter a percentage above 0 and below 100.")


def price_lines(deps: Deps, session: Session, rules: CompiledRules, customer: Customer,
                lines: Sequence[LineAsk], currency: str, target: OrderTarget | None) -> list[PricedLine]:
    """Each line with its product and its price for the quantity; a 422 naming every
    unknown SKU, product in another currency or quantity beyond stock, and an order
    target at or above the cart's price."""
    faults = _Faults()
    priced: list[PricedLine] = []
    for index, line in enumerate(lines):
        item = deps.catalog_item(session, line.sku)
        if item is None:
            faults.add(f"lines[{index}].sku", f"No product with the SKU {line.sku}.")
        elif item.currency != currency:
            faults.add(f"lines[{index}].sku", f"{line.sku} is priced in {item.currency}; this quote is in {currency}.")
        elif item.available is not None and line.quantity > item.available:
            faults.add(f"lines[{index}].quantity", f"Only {item.available:,} units of {line.sku} are available "
                                                   "right now.")
        else:
            resolved = rules.resolve(item.sku, item.category, customer.segment)
            priced.append(PricedLine(line, item, price_for_quantity(item.list_price, resolved.breaks, line.quantity)))
    faults.raise_any()
    cart = sum((line.cart_total for line in priced), Decimal(0))
    if target is not None and target.total is not None and target.total >= cart:
        faults.add("order_target.total", f"The cart's price for these quantities is {cart:,.2f} {currency}; "
                                         "ask for less than that.")
    faults.raise_any()
    return priced


def engine_request(deps: Deps, session: Session, rules: CompiledRules, customer: Customer,
                   priced: Sequence[PricedLine], currency: str, target: OrderTarget | None,
                   round_: int, jitter: Decimal, earlier: tuple[EarlierQuoteOffer, ...] = (),
                   citation: QuoteCitation | None = None, needed_by: date | None = None) -> QuoteRequest:
    """The engine's question: every line with the same pricing context a line request has."""
    lines = tuple(QuoteLine(sku=line.ask.sku, quantity=line.ask.quantity, target_unit_price=line.ask.target_unit_price,
                            context=pricing_context(deps, session, rules, line.item, customer))
                  for line in priced)
    return QuoteRequest(lines=lines, currency=currency, order_target=target, round=round_,
                        segment=customer.segment, jitter=jitter, earlier_offers=earlier,
                        citation=citation, needed_by=needed_by)


def order_target_of(total: Decimal | None, discount_pct: Decimal | None) -> OrderTarget | None:
    if total is None and discount_pct is None:
        return None
    return OrderTarget(total=total, discount_pct=discount_pct)


def cart_currency(deps: Deps, lines: Sequence[LineAsk]) -> str:
    """The currency of the cart's first known product: a host's cart has one currency."""
    with transaction(deps.session_factory) as session:
        for line in lines:
            item = deps.catalog_item(session, line.sku)
            if item is not None:
                return item.currency
    raise InvalidRequestError("No product of this cart is known; give the currency.",
                              {"currency": ["No product of this cart is known; give the currency."]})
