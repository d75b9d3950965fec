"""What the buyer reads about a whole quote, and what the rep reads: kept apart.

A buyer's message names totals, quantities and its own prices only: never a floor, a
cost, a guard price or a margin (docs/security.md).
"""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..messages import SYMBOLS, format_money, format_quantity
from ..money import round_money

if TYPE_CHECKING:
    from .candidates import OfferedLine, QuoteCandidate
    from .lines import Line, QuoteFrame

__all__ = ["line_explanation", "price_explanation", "accept_quote_message", "concession_quote_message",
           "mix_quote_message", "terms_quote_message",
           "tier_quote_message", "trade_offs_quote_message", "order_explanation"]

ZERO = Decimal(0)


def _currency(candidate: QuoteCandidate) -> str:
    return candidate.quote_lines[0].frame.currency


def _total(candidate: QuoteCandidate) -> str:
    return format_money(candidate.total, _currency(candidate))


def _lines(candidate: QuoteCandidate) -> str:
    count = len(candidate.quote_lines)
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


#: The per-line trade-offs named in a quote's message; the others are shown line by line.
NAMED_TRADE_OFFS = 3


def trade_offs_quote_message(candidate: QuoteCandidate) -> str:
    traded = [offered for offered in candidate.lines if offered.message]
    said = [f"{offered.line.sku}: {offered.message()}" for offered in traded[:NAMED_TRADE_OFFS]
            if offered.message]
    more = len(traded) - NAMED_TRADE_OFFS
    if more > 0:
        said.append(f"And {more} more line{'s' if more > 1 else ''} as shown.")
    return " ".join([*said, f"The whole order is then {_total(candidate)}."])


def line_explanation(offered: OfferedLine) -> str:
    """For the rep: why this line is priced so, its floor, cost, margin and headroom.
    Cheaper than a single offer's (frame.explain_priced): a quote words up to 3 x 200
    lines, so the words about the line's own floor and cost are written once per
    decision, and amounts already in the currency's minor unit are not rounded again."""
    priced, line = offered.priced, offered.line
    if priced.sku != line.sku:  # an equivalent product: its own floor and cost
        currency, price, floor = line.frame.currency, priced.unit_price, priced.floor
        return (f"{offered.why}; floor {_rounded(floor, currency)}; cost "
                f"{format_money(priced.cost, currency)}; headroom above floor {_rounded(price - floor, currency)}/unit")
    return price_explanation(line, offered.why, priced.unit_price, priced.floor, priced.cost)


def price_explanation(line: Line, why: str, price: Decimal, floor: Decimal, cost: Decimal) -> str:
    """``line_explanation`` for the line's own SKU at ``price``."""
    worded = line.worded
    if worded is None:
        worded = line.worded = _worded(line, floor, cost)
    text, rounded, symbol, currency = worded
    headroom = _amount(price - floor, symbol, currency)
    if rounded is None:
        return f"{why}; {text}; headroom above floor {headroom}/unit"
    return (f"{why}; {text}, margin after offer {_amount(price - rounded, symbol, currency)}/unit; "
            f"headroom above floor {headroom}/unit")


def _worded(line: Line, floor: Decimal, cost: Decimal) -> tuple[str, Decimal | None, str | None, str]:
    """The line's floor and cost in words, its cost rounded (None: unknown), and its
    currency's symbol (None: none) and code, for each of its explanations."""
    currency = line.frame.currency
    rounded = round_money(cost, currency) if line.frame.context.cost_known else None
    text = (f"floor {_rounded(floor, currency)}; "
            + (f"cost {_rounded(rounded, currency)}" if rounded is not None else "cost unknown"))
    return text, rounded, SYMBOLS.get(currency), currency


def _rounded(amount: Decimal, currency: str) -> str:
    """``format_money`` for an amount already in the currency's minor unit."""
    return _amount(amount, SYMBOLS.get(currency), currency)


def _amount(amount: Decimal, symbol: str | None, currency: str) -> str:
    if symbol is None:
        return f"{currency} {amount:,}"
    # Against a Decimal zero: comparing with the int 0 converts it on every call (3x slower).
    return f"-{symbol}{-amount:,}" if amount < ZERO else f"{symbol}{amount:,}"


def order_explanation(qf: QuoteFrame, candidate: QuoteCandidate) -> str:
    """For the rep: why this quote, and what it leaves the seller, for the order."""
    currency = qf.currency
    cost = candidate.cost_total
    margin = candidate.total - cost
    text = (f"{candidate.why}; order {format_money(candidate.total, currency)} against the cart's "
            f"{format_money(qf.cart_total, currency)} and the target {format_money(qf.target, currency)}; "
            f"order cost {format_money(cost, currency)}, margin {format_money(margin, currency)}")
    if candidate.terms_value:
        text += f"; terms worth {format_money(candidate.terms_value, currency)} to us"
    if qf.floor_total is not None:
        text += f"; order floor {format_money(qf.floor_total, currency)} (lines with a known cost)"
    return text
