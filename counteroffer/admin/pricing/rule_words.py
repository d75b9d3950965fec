"""A rule's parameters in plain words, for the rules pages: ``min_margin_pct: 15`` reads
"Floor: 15% over cost", a price break "from 3,000 units: $110.00".

What each parameter means is docs/rules.md's; this only says it. Values arrive as the
engine loader stores them (strings for money and percentages); a value that is not a
number is shown as it is rather than failing the page. Money is in the rule set's
currency; a set with none yet (no money rule) shows plain amounts.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from ...rules.loading import RULE_KINDS
from ...rules.messages import format_money, format_quantity
from .rule_params import CURVES, LEVER_GROUP_LABELS

__all__ = ["describe", "WORDS"]

Params = Mapping[str, Any]


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _pct(value: Any) -> str:
    number = _decimal(value)
    return f"{value}%" if number is None else f"{number.normalize():f}%"


def _money(value: Any, currency: str | None) -> str:
    number = _decimal(value)
    if number is None or not number.is_finite():
        return str(value)
    return format_money(number, currency) if currency else f"{number:,}"


def _units(value: Any) -> str:
    return format_quantity(value) if isinstance(value, int) else str(value)


def _floor(params: Params, currency: str | None) -> list[str]:
    words = []
    if params.get("min_margin_pct") is not None:
        words.append(f"Floor: {_pct(params['min_margin_pct'])} over cost")
    if params.get("min_unit_price") is not None:
        words.append(f"Floor: at least {_money(params['min_unit_price'], currency)} a unit")
    if params.get("max_discount_pct") is not None:
        words.append(f"Floor: at most {_pct(params['max_discount_pct'])} off list")
    if len(words) > 1:
        words.append("The higher of the two applies" if len(words) == 2 else "The highest applies")
    return words or ["No floor set"]


def _breaks(params: Params, currency: str | None) -> list[str]:
    words = [f"from {_units(step.get('min_quantity'))} units: {_money(step.get('unit_price'), currency)}"
             for step in params.get("breaks") or []]
    if params.get("order_multiple"):
        words.append(f"Sold in multiples of {_units(params['order_multiple'])} units")
    return words or ["No breaks"]


def _lever(params: Params, currency: str | None) -> list[str]:
    group = LEVER_GROUP_LABELS.get(str(params.get("group")), str(params.get("group")))
    label = params.get("label") or params.get("option")
    if params.get("value_per_unit") is not None:
        worth = f"{_money(params['value_per_unit'], currency)} a unit"
    else:
        worth = f"{_pct(params.get('value_pct'))} of the unit price"
    if params.get("scope") == "order":
        worth = worth.replace("a unit", "a unit of the order").replace("of the unit price", "of the order's total")
        group = f"{group} (whole quote)"
    words = [f"{group}: “{label}” ({params.get('option')}), worth {worth} to the seller"]
    if params.get("bundle_levers") is not None:
        words.append(f"Offered with up to {params['bundle_levers']} levers in all")
    return words


def _alternatives(params: Params, currency: str | None) -> list[str]:
    skus = [str(sku) for sku in params.get("skus") or []]
    return [f"May be offered instead: {', '.join(skus)}" if skus else "No equivalent products"]


def _curve(exponent: Any) -> str:
    number = _decimal(exponent)
    name = next((label for key, label in CURVES.items() if number is not None and Decimal(key) == number), None)
    return f"Curve: {name}" if name else f"Curve: exponent {exponent}"


def _concession(params: Params, currency: str | None) -> list[str]:
    words = []
    if params.get("max_discount_pct") is not None:
        words.append(f"At most {_pct(params['max_discount_pct'])} off list")
    if params.get("first_position_pct") is not None:
        words.append(f"First offer gives {_pct(params['first_position_pct'])} of the room")
    words.append(f"Over {params.get('rounds') or 3} rounds")
    words.append(_curve(params.get("exponent", "1")))
    return words


def _routing(params: Params, currency: str | None) -> list[str]:
    words = []
    if params.get("auto_accept_within_pct") is not None:
        words.append(f"Accepted automatically within {_pct(params['auto_accept_within_pct'])} "
                     "of the price for the quantity")
    if params.get("auto_accept_limit") is not None:
        words.append(f"Within that band, orders over {_money(params['auto_accept_limit'], currency)} go to a rep")
    if params.get("auto_approval_limit") is not None:
        words.append(f"Orders over {_money(params['auto_approval_limit'], currency)} go to a rep")
    if params.get("rep_reach_pct") is not None:
        words.append(f"Up to {_pct(params['rep_reach_pct'])} below the guard price goes to a rep; "
                     "lower is declined")
    if params.get("strategic_segments"):
        segments = ", ".join(str(s) for s in params["strategic_segments"])
        words.append(f"Always to a rep, never declined: {segments}")
    return words or ["The shop's defaults"]


def _order_tiers(params: Params, currency: str | None) -> list[str]:
    words = [f"Orders from {_money(tier.get('min_order_value'), currency)}: every line "
             f"{_pct(tier.get('discount_pct'))} off" for tier in params.get("tiers") or []]
    return words or ["No tiers"]


def _order_floor(params: Params, currency: str | None) -> list[str]:
    if params.get("min_margin_pct") is None:
        return ["No order floor set"]
    return [f"A whole quote at least {_pct(params['min_margin_pct'])} over its cost"]


def _competing(params: Params, currency: str | None) -> list[str]:
    names = [str(n) for n in params.get("competitors") or []]
    words = [f"Cited offers from {', '.join(names)}" if names else "Cited offers from any competitor"]
    if params.get("beat_by_pct") is not None:
        words.append(f"Beaten by {_pct(params['beat_by_pct'])}, never below the guard price")
    elif params.get("beat_by_amount") is not None:
        words.append(f"Beaten by {_money(params['beat_by_amount'], currency)}, never below the guard price")
    else:
        words.append("Matched, never below the guard price")
    if params.get("document_above") is not None:
        words.append(f"Orders over {_money(params['document_above'], currency)} need a document, "
                     "else a rep checks")
    return words


WORDS: dict[str, Callable[[Params, str | None], list[str]]] = {
    "floor": _floor, "price_breaks": _breaks, "term_lever": _lever, "alternatives": _alternatives,
    "concession": _concession, "routing": _routing, "order_tiers": _order_tiers, "order_floor": _order_floor,
    "competing_offer": _competing,
}
assert set(WORDS) == set(RULE_KINDS)


def describe(kind: str, params: Params, currency: str | None = None) -> list[str]:
    """The rule's parameters as short phrases, one per line on the page."""
    words = WORDS.get(kind)
    if words is None:
        return [f"{key}: {value}" for key, value in params.items()]
    try:
        return words(params, currency)
    except (AttributeError, TypeError):  # a stored shape the words do not know: say it as it is
        return [f"{key}: {value}" for key, value in params.items()]
