"""What the buyer reads and what the rep reads, kept apart on purpose."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .money import round_money

__all__ = ["SYMBOLS", "format_money", "format_quantity", "accept_message", "volume_message",
           "terms_message", "alternative_message", "anchor_message", "concession_message"]

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def format_money(amount: Decimal, currency: str) -> str:
    rounded = round_money(amount, currency)
    text = f"{rounded:,}"
    symbol = SYMBOLS.get(currency)
    if symbol is None:
        return f"{currency} {text}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


def format_quantity(quantity: int) -> str:
    return f"{quantity:,}"


def _each(quantity: int, unit_price: Decimal, currency: str) -> str:
    return f"{format_quantity(quantity)} units at {format_money(unit_price, currency)} each"


def accept_message(quantity: int, unit_price: Decimal, currency: str) -> str:
    # Not "agreed": nothing is, until the buyer accepts this offer.
    return f"We can do {_each(quantity, unit_price, currency)}."


def volume_message(extra: int, total: int, unit_price: Decimal, currency: str) -> str:
    return (f"Buy {format_quantity(extra)} more units ({format_quantity(total)} in total) "
            f"and pay {format_money(unit_price, currency)} each.")


def terms_message(labels: list[str], quantity: int, unit_price: Decimal, currency: str) -> str:
    terms = " and ".join(labels)
    return (f"{terms[:1].upper()}{terms[1:]}, and pay {format_money(unit_price, currency)} each "
            f"for {format_quantity(quantity)} units.")


def alternative_message(name: str, sku: str, quantity: int, unit_price: Decimal, currency: str) -> str:
    return f"Take {name} ({sku}), an equivalent product, instead: {_each(quantity, unit_price, currency)}."


def anchor_message(paid: Decimal, paid_quantity: int, paid_at: datetime, quantity: int,
                   unit_price: Decimal, currency: str) -> str:
    return (f"You paid {format_money(paid, currency)} each for {format_quantity(paid_quantity)} units "
            f"on {paid_at:%d %b %Y}; we can do that price again: {_each(quantity, unit_price, currency)}.")


def concession_message(quantity: int, unit_price: Decimal, currency: str) -> str:
    return f"We can come down to {format_money(unit_price, currency)} each for {format_quantity(quantity)} units."
