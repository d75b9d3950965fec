"""How the shop writes money and quantities, in templates and flash messages."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["money", "quantity"]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
CENTS = Decimal("0.01")


def money(amount: Decimal, currency: str = "USD") -> str:
    """``$1,234.50``: exact Decimal in, never a float on the way."""
    text = f"{amount.quantize(CENTS, rounding=ROUND_HALF_UP):,}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def quantity(value: int) -> str:
    return f"{value:,}"
