"""How the back office writes money, quantities, percentages and times.

Pure functions, given to the admin templates only (a blueprint context processor), so
they never shadow a host's own template filters. Values may arrive as ``Decimal`` or as
the strings the JSON views use; both print the same.
"""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ..rules.messages import format_money, format_quantity

__all__ = ["money", "quantity", "percent", "rate", "when", "due", "outcome", "HELPERS"]

MISSING = "–"  # an en dash: "not known", distinct from zero


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def money(amount: Any, currency: str) -> str:
    number = _decimal(amount)
    return MISSING if number is None else format_money(number, currency)


def quantity(value: Any) -> str:
    return MISSING if value is None else format_quantity(int(value))


def percent(value: Any) -> str:
    """``12.5%`` from a percentage number (12.5), one decimal at most."""
    number = _decimal(value)
    if number is None:
        return MISSING
    text = f"{number.quantize(Decimal('0.1')):f}".removesuffix(".0")
    return f"{text}%"


def rate(value: Any) -> str:
    """A fraction (0.75) as a percentage (75%)."""
    return percent(value * 100) if value is not None else MISSING


def _aware(value: Any) -> datetime | None:
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def when(value: Any) -> str:
    """``23 Nov 2026, 14:05 UTC``: one zone for every rep, as the audit trail has it."""
    moment = _aware(value)
    return MISSING if moment is None else moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


def due(value: Any, now: datetime) -> str:
    """``due in 3 h 10 min`` or ``overdue by 2 d 4 h``: how urgent, at a glance."""
    moment = _aware(value)
    if moment is None:
        return "no due time"
    span = _span(abs(moment - now).total_seconds())
    return f"overdue by {span}" if moment <= now else f"due in {span}"


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


_OUTCOMES = {"accept": "agreed", "counter": "counter-offer", "escalate": "sent to a person",
             "decline": "declined"}


def outcome(value: str | None) -> str:
    """A round's outcome as the engine names it, in words for the rounds table."""
    return MISSING if not value else _OUTCOMES.get(value, value)


#: What the admin templates can call.
HELPERS = {"money": money, "qty": quantity, "percent": percent, "rate": rate, "when": when, "outcome": outcome}
