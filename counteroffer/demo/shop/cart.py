"""The cart, kept in the (signed) Flask session, and its prices.

Plain lines are priced live from the product's terms, so a price break applies as soon
as the quantity reaches it. Deal lines carry a token; the price they show is the deal's,
and checkout charges what ``redeem_deal`` confirms, not what the session says.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from flask import session

from counteroffer import Actor, DealView, NegotiationError

from ..plugin import negotiation
from . import catalog

__all__ = ["CartLine", "PricedLine", "lines", "save", "without_deals", "add_plain", "plain_quantity",
           "set_quantity", "add_deal", "remove", "price_lines", "unit_price_at", "check_quantity",
           "MAX_QUANTITY"]

MAX_QUANTITY = 10_000_000  # the plugin API's own limit for a quantity
SESSION_KEY = "cart"


@dataclass(frozen=True)
class CartLine:
    sku: str
    quantity: int
    deal_token: str | None = None
    deal_price: Decimal | None = None


@dataclass(frozen=True)
class PricedLine:
    line: CartLine
    name: str
    unit_price: Decimal
    order_multiple: int
    quoted: bool = False  # priced by the quote the buyer accepted for the cart (quoting.py)

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.line.quantity


def lines() -> list[CartLine]:
    return [line for line in map(_from_session, session.get(SESSION_KEY, [])) if line]


def save(cart_lines: list[CartLine]) -> None:
    session[SESSION_KEY] = [_to_session(line) for line in cart_lines]


def without_deals(cart_lines: list[CartLine]) -> list[CartLine]:
    return [line for line in cart_lines if line.deal_token is None]


def add_plain(cart_lines: list[CartLine], sku: str, quantity: int) -> list[CartLine]:
    """Adding a product already in the cart raises that line's quantity."""
    for index, line in enumerate(cart_lines):
        if line.sku == sku and line.deal_token is None:
            merged = replace(line, quantity=line.quantity + quantity)
            return cart_lines[:index] + [merged] + cart_lines[index + 1:]
    return cart_lines + [CartLine(sku=sku, quantity=quantity)]


def plain_quantity(cart_lines: list[CartLine], sku: str) -> int:
    return sum(line.quantity for line in cart_lines if line.sku == sku and line.deal_token is None)


def set_quantity(cart_lines: list[CartLine], sku: str, quantity: int) -> list[CartLine]:
    return [replace(line, quantity=quantity) if line.sku == sku and line.deal_token is None
            else line for line in cart_lines]


def add_deal(cart_lines: list[CartLine], deal: DealView) -> list[CartLine]:
    if any(line.deal_token == deal.token for line in cart_lines):
        return cart_lines
    return cart_lines + [CartLine(sku=deal.sku, quantity=deal.quantity, deal_token=deal.token,
                                  deal_price=deal.unit_price)]


def remove(cart_lines: list[CartLine], sku: str | None, deal_token: str | None) -> list[CartLine]:
    if deal_token:
        return [line for line in cart_lines if line.deal_token != deal_token]
    return [line for line in cart_lines if line.deal_token is not None or line.sku != sku]


def check_quantity(sku: str, quantity: int) -> str | None:
    """Why this quantity cannot be ordered, or None if it can."""
    item = catalog.product(sku)
    if item is None:
        return "We do not sell this product."
    if quantity < 1 or quantity > MAX_QUANTITY:
        return f"Order between 1 and {MAX_QUANTITY:,} units."
    if quantity % item.order_multiple:
        return f"{item.name} is sold in multiples of {item.order_multiple}."
    return None


def unit_price_at(list_price: Decimal, breaks: Any, quantity: int) -> Decimal:
    """The catalog price per unit at ``quantity``: the last break reached, else list."""
    reached = [step.unit_price for step in breaks if step.min_quantity <= quantity]
    return min([list_price, *reached[-1:]])


def price_lines(actor: Actor | None, cart_lines: list[CartLine]) -> list[PricedLine]:
    """Each line with its unit price; plain lines at the buyer's segment's breaks.

    A product the shop no longer sells is left out here; checkout says why.
    """
    return [priced for priced in (_priced(actor, line) for line in cart_lines) if priced]


def _priced(actor: Actor | None, line: CartLine) -> PricedLine | None:
    item = catalog.product(line.sku)
    if item is None:
        return None
    if line.deal_price is not None:
        return PricedLine(line=line, name=item.name, unit_price=line.deal_price,
                          order_multiple=item.order_multiple)
    try:
        terms = negotiation.product_terms(line.sku, actor)
    except NegotiationError:
        return None
    price = unit_price_at(terms.list_price, terms.breaks, line.quantity)
    return PricedLine(line=line, name=item.name, unit_price=price, order_multiple=item.order_multiple)


def _from_session(data: Any) -> CartLine | None:
    # The session is signed, but its shape may be from an older version of the demo.
    try:
        price = data.get("deal_price")
        return CartLine(sku=str(data["sku"]), quantity=int(data["quantity"]),
                        deal_token=data.get("deal_token"),
                        deal_price=Decimal(price) if price is not None else None)
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
        return None


def _to_session(line: CartLine) -> dict[str, Any]:
    data: dict[str, Any] = {"sku": line.sku, "quantity": line.quantity}
    if line.deal_token is not None:
        data["deal_token"] = line.deal_token
        data["deal_price"] = str(line.deal_price)
    return data
