"""What the buyer reads about a whole quote, and what the rep reads: kept apart.

A buyer's message names totals, quantities and its own prices only: never a floor, a
cost, a guard price or a margin (docs/security.md).
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..messages import format_money, format_quantity

if TYPE_CHECKING:
    from .lines import QuoteCandidate, QuoteFrame

__all__ = ["accept_quote_message", "concession_quote_message", "mix_quote_message", "terms_quote_message",
           "tier_quote_message", "trade_offs_quote_message", "order_explanation"]


def _currency(candidate: QuoteCandidate) -> str:
    return candidate.lines[0].line.frame.currency


def _total(candidate: QuoteCandidate) -> str:
    return format_money(candidate.total, _currency(candidate))


def _lines(candidate: QuoteCandidate) -> str:
    count = len(candidate.lines)
    return f"{count} line" if count == 1 else f"{count} lines"


def accept_quote_message(candidate: QuoteCandidate) -> str:
    # Not "agreed": nothing is, until the buyer accepts this offer.
    return f"We can do the whole order ({_lines(candidate)}) for {_total(candidate)}."


def concession_quote_message(candidate: QuoteCandidate) -> str:
    return f"We can come down to {_total(candidate)} for the whole order ({_lines(candidate)})."


def mix_quote_message(candidate: QuoteCandidate) -> str:
    return (f"We can do the whole order ({_lines(candidate)}) for {_total(candidate)}, "
            f"with the line prices shown.")


def terms_quote_message(candidate: QuoteCandidate, labels: list[str]) -> str:
    terms = " and ".join(labels)
    return f"{terms[:1].upper()}{terms[1:]}, and pay {_total(candidate)} for the whole order ({_lines(candidate)})."


def tier_quote_message(candidate: QuoteCandidate, pct: Decimal, more: Decimal,
                       adds: list[tuple[str, int, int]]) -> str:
    """``adds``: (SKU, extra units, units in total) for each line the buyer would raise."""
    currency, off = _currency(candidate), f"{pct.normalize():f}% off"
    if not adds:
        return f"Your order qualifies for {off} every line: {_total(candidate)} for the whole order."
    named = " and ".join(f"{format_quantity(extra)} more {sku} ({format_quantity(total)} in total)"
                         for sku, extra, total in adds)
    return (f"Add {format_money(more, currency)} more to this order and every line is {off}: "
            f"for example {named}. The whole order is then {_total(candidate)}.")


def trade_offs_quote_message(candidate: QuoteCandidate) -> str:
    said = [f"{offered.line.sku}: {offered.message()}" for offered in candidate.lines if offered.message]
    return " ".join([*said, f"The whole order is then {_total(candidate)}."])


def order_explanation(qf: QuoteFrame, candidate: QuoteCandidate) -> str:
    """For the rep: why this quote, and what it leaves the seller, for the order."""
    currency = qf.currency
    cost = sum((o.priced.cost * o.priced.quantity for o in candidate.lines), Decimal(0))
    margin = candidate.total - cost
    text = (f"{candidate.why}; order {format_money(candidate.total, currency)} against the cart's "
            f"{format_money(qf.cart_total, currency)} and the target {format_money(qf.target, currency)}; "
            f"order cost {format_money(cost, currency)}, margin {format_money(margin, currency)}")
    if candidate.terms_value:
        text += f"; terms worth {format_money(candidate.terms_value, currency)} to us"
    if qf.floor_total is not None:
        text += f"; order floor {format_money(qf.floor_total, currency)} (lines with a known cost)"
    return text
