"""What the buyer reads and what the rep reads, kept apart on purpose."""
from __future__ import annotations

from decimal import Decimal

from .money import round_money

__all__ = ["format_money", "format_quantity", "accept_message", "volume_message"]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def format_money(amount: Decimal, currency: str) -> str:
    rounded = round_money(amount, currency)
    text = f"{rounded:,}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def format_quantity(quantity: int) -> str:
    return f"{quantity:,}"


def accept_message(quantity: int, unit_price: Decimal, currency: str) -> str:
    return (f"Agreed: {format_quantity(quantity)} units at "
            f"{format_money(unit_price, currency)} each.")


def volume_message(extra: int, total: int, unit_price: Decimal, currency: str) -> str:
    return (f"Buy {format_quantity(extra)} more units ({format_quantity(total)} in total) "
            f"and pay {format_money(unit_price, currency)} each.")
