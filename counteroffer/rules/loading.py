"""Rules arrive as JSON-able data; the engine wants frozen dataclasses.

A record is ``{"kind", "sku", "category", "segment", "priority", "params"}``. Bad data
raises ``RuleDataError`` naming the field, so the admin layer can show it next to it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar, cast

from .model import (
    LEVER_GROUPS,
    Alternatives,
    CompetingOffer,
    ConcessionPolicy,
    Floor,
    PriceBreak,
    PriceBreaks,
    Routing,
    TermLever,
)
from .quotes.model import OrderFloor, OrderTier, OrderTiers
from .ruleset import RuleSet

__all__ = ["RuleDataError", "RuleRecord", "RULE_KINDS", "RULE_PARAMS", "LEVER_SCOPES", "rule_from_record",
           "rule_set_from_records"]

RuleRecord = Mapping[str, Any]
T = TypeVar("T")


class RuleDataError(ValueError):
    """Rule data the engine cannot use; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.reason = field, message


def _decimal(params: Mapping[str, Any], field: str, required: bool = False) -> Decimal | None:
    value = params.get(field)
    if value is None:
        if required:
            raise RuleDataError(field, "is required")
        return None
    if isinstance(value, (bool, float)):
        raise RuleDataError(field, "must be a number written as a string or an integer, never a float")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RuleDataError(field, f"{value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise RuleDataError(field, "must be a finite, non-negative number")
    return amount


def _int(params: Mapping[str, Any], field: str, default: int | None = None, minimum: int = 1) -> int | None:
    value = params.get(field, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise RuleDataError(field, f"must be a whole number of at least {minimum}")
    return value


def _pct(params: Mapping[str, Any], field: str, required: bool = False, top: int = 100) -> Decimal | None:
    value = _decimal(params, field, required)
    if value is not None and value > top:
        raise RuleDataError(field, f"must be at most {top}")
    return value


def _scope(record: RuleRecord) -> dict[str, Any]:
    priority = record.get("priority") or 0
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise RuleDataError("priority", "must be a whole number")
    return {"sku": record.get("sku"), "category": record.get("category"),
            "segment": record.get("segment"), "priority": priority}


def _floor(params: Mapping[str, Any], scope: dict[str, Any]) -> Floor:
    floor = Floor(min_margin_pct=_pct(params, "min_margin_pct", top=10_000),
                  min_unit_price=_decimal(params, "min_unit_price"),
                  max_discount_pct=_pct(params, "max_discount_pct", top=99), **scope)
    if floor.min_margin_pct is None and floor.min_unit_price is None and floor.max_discount_pct is None:
        raise RuleDataError("params", "a floor needs min_margin_pct, min_unit_price or max_discount_pct")
    return floor


def _item(data: Any, prefix: str, known: frozenset[str], what: str, read: Callable[[Mapping[str, Any]], T]) -> T:
    """One object of a list parameter (a price break, an order tier): errors name it
    (``breaks[1].unit_price``)."""
    if not isinstance(data, Mapping):
        raise RuleDataError(prefix, "must be an object")
    for name in sorted(set(data) - known):
        raise RuleDataError(f"{prefix}.{name}", f"is not part of {what} ({', '.join(sorted(known))})")
    try:
        return read(data)
    except RuleDataError as error:
        raise RuleDataError(f"{prefix}.{error.field}", error.reason) from None


def _step(data: Any, index: int) -> PriceBreak:
    quantity, price = _item(data, f"breaks[{index}]", _STEP_FIELDS, "a price break",
                            lambda d: (_int(d, "min_quantity"), _decimal(d, "unit_price", required=True)))
    if quantity is None or price is None:
        raise RuleDataError(f"breaks[{index}].min_quantity", "is required")
    return PriceBreak(min_quantity=quantity, unit_price=price)


def _price_breaks(params: Mapping[str, Any], scope: dict[str, Any]) -> PriceBreaks:
    steps = tuple(_step(data, i) for i, data in enumerate(params.get("breaks") or ()))
    if not steps:
        raise RuleDataError("breaks", "needs at least one step")
    quantities = [step.min_quantity for step in steps]
    if quantities != sorted(set(quantities)):
        raise RuleDataError("breaks", "quantities must be strictly increasing")
    prices = [step.unit_price for step in steps]
    if prices != sorted(prices, reverse=True):
        raise RuleDataError("breaks", "prices must not increase with quantity")
    return PriceBreaks(breaks=steps, order_multiple=_int(params, "order_multiple"), **scope)


def _lever(params: Mapping[str, Any], scope: dict[str, Any]) -> TermLever:
    group, option, label = params.get("group"), params.get("option"), params.get("label")
    if group not in LEVER_GROUPS:
        raise RuleDataError("group", f"must be one of {', '.join(LEVER_GROUPS)}")
    for name, value in (("option", option), ("label", label)):
        if not isinstance(value, str) or not value.strip():
            raise RuleDataError(name, "is required")
    pct, per_unit = _pct(params, "value_pct"), _decimal(params, "value_per_unit")
    if (pct is None) == (per_unit is None):
        raise RuleDataError("params", "a term lever needs exactly one of value_pct and value_per_unit")
    return TermLever(group=group, option=cast(str, option), label=cast(str, label), value_pct=pct,
                     value_per_unit=per_unit, bundle_levers=_int(params, "bundle_levers", default=2) or 2,
                     scope=_lever_scope(params, scope),
                     lead_days=_int(params, "lead_days", minimum=0), **scope)


def _lever_scope(params: Mapping[str, Any], scope: dict[str, Any]) -> str:
    """"line" (the default: a lever of each line's price) or "order" (of a whole quote)."""
    value = params.get("scope", "line")
    if value not in LEVER_SCOPES:
        raise RuleDataError("scope", f"must be one of {', '.join(LEVER_SCOPES)}")
    if value == "order":
        _order_scoped(scope, "an order lever")
    return cast(str, value)


def _order_scoped(scope: dict[str, Any], what: str) -> None:
    """A rule of the whole quote is scoped by segment only: a quote has many SKUs."""
    for name in ("sku", "category"):
        if scope.get(name) is not None:
            raise RuleDataError(name, f"{what} applies to a whole quote: scope it by segment only, "
                                      "never by SKU or category")


def _tier(data: Any, index: int) -> OrderTier:
    value, pct = _item(data, f"tiers[{index}]", _TIER_FIELDS, "an order tier",
                       lambda d: (_decimal(d, "min_order_value", required=True),
                                  _pct(d, "discount_pct", required=True, top=99)))
    if value is None or pct is None or not value > 0 or not pct > 0:
        raise RuleDataError(f"tiers[{index}]", "needs a min_order_value and a discount_pct above 0")
    return OrderTier(min_order_value=value, discount_pct=pct)


def _order_tiers(params: Mapping[str, Any], scope: dict[str, Any]) -> OrderTiers:
    _order_scoped(scope, "an order_tiers rule")
    raw = params.get("tiers")
    if not isinstance(raw, list) or not raw:
        raise RuleDataError("tiers", "needs at least one tier")
    tiers = tuple(_tier(data, i) for i, data in enumerate(raw))
    values = [tier.min_order_value for tier in tiers]
    if values != sorted(set(values)):
        raise RuleDataError("tiers", "order values must be strictly increasing")
    discounts = [tier.discount_pct for tier in tiers]
    if discounts != sorted(set(discounts)):
        raise RuleDataError("tiers", "discounts must be strictly increasing with the order value")
    return OrderTiers(tiers=tiers, segment=scope["segment"], priority=scope["priority"])


def _order_floor(params: Mapping[str, Any], scope: dict[str, Any]) -> OrderFloor:
    _order_scoped(scope, "an order_floor rule")
    pct = _pct(params, "min_margin_pct", required=True, top=10_000)
    return OrderFloor(min_margin_pct=pct or Decimal(0), segment=scope["segment"], priority=scope["priority"])


def _alternatives(params: Mapping[str, Any], scope: dict[str, Any]) -> Alternatives:
    skus = params.get("skus")
    if not isinstance(skus, list) or not skus or not all(isinstance(s, str) and s for s in skus):
        raise RuleDataError("skus", "must be a non-empty list of SKUs")
    return Alternatives(skus=tuple(skus), **scope)


def _concession(params: Mapping[str, Any], scope: dict[str, Any]) -> ConcessionPolicy:
    exponent = _decimal(params, "exponent")
    if exponent is None:
        exponent = Decimal(1)
    elif exponent <= 0:  # "0" must be refused, not read as "not given" and made linear
        raise RuleDataError("exponent", "must be above 0 (0.2 Boulware, 1 linear, 2 conceder)")
    return ConcessionPolicy(
        max_discount_pct=_pct(params, "max_discount_pct", required=True) or Decimal(0),
        first_position_pct=_pct(params, "first_position_pct") or Decimal(0),
        exponent=exponent, rounds=_int(params, "rounds", default=3) or 3, **scope)


def _routing(params: Mapping[str, Any], scope: dict[str, Any]) -> Routing:
    segments = params.get("strategic_segments") or []
    if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
        raise RuleDataError("strategic_segments", "must be a list of segment names")
    return Routing(auto_accept_within_pct=_pct(params, "auto_accept_within_pct") or Decimal(0),
                   auto_approval_limit=_decimal(params, "auto_approval_limit"),
                   auto_accept_limit=_decimal(params, "auto_accept_limit"),
                   strategic_segments=tuple(segments), rep_reach_pct=_pct(params, "rep_reach_pct"),
                   **scope)


def _competing_offer(params: Mapping[str, Any], scope: dict[str, Any]) -> CompetingOffer:
    names = params.get("competitors") or []
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise RuleDataError("competitors", "must be a list of competitor names (empty: any competitor)")
    amount, pct = _decimal(params, "beat_by_amount"), _pct(params, "beat_by_pct", top=50)
    if amount is not None and pct is not None:
        raise RuleDataError("beat_by_pct", "give beat_by_amount or beat_by_pct, not both")
    return CompetingOffer(competitors=tuple(n.strip() for n in names), beat_by_amount=amount,
                          beat_by_pct=pct, document_above=_decimal(params, "document_above"), **scope)


_PARSERS: dict[str, Callable[[Mapping[str, Any], dict[str, Any]], Any]] = {
    "floor": _floor, "price_breaks": _price_breaks, "term_lever": _lever,
    "alternatives": _alternatives, "concession": _concession, "routing": _routing,
    "order_tiers": _order_tiers, "order_floor": _order_floor,
    "competing_offer": _competing_offer,
}
RULE_KINDS = tuple(_PARSERS)
#: Where a term lever applies: each line's price, or a whole quote's total (rules/quotes).
LEVER_SCOPES = ("line", "order")


#: The parameters each kind reads. Anything else is refused, not stored and ignored: a
#: pricing manager's typo ("min_margin" for "min_margin_pct") must not pass silently, and
#: nobody may smuggle fields such as "approved" into rule data.
_KNOWN_PARAMS: dict[str, frozenset[str]] = {
    "floor": frozenset({"min_margin_pct", "min_unit_price", "max_discount_pct"}),
    "price_breaks": frozenset({"breaks", "order_multiple"}),
    "term_lever": frozenset({"group", "option", "label", "value_pct", "value_per_unit", "bundle_levers",
                             "scope", "lead_days"}),
    "alternatives": frozenset({"skus"}),
    "concession": frozenset({"max_discount_pct", "first_position_pct", "exponent", "rounds"}),
    "routing": frozenset({"auto_accept_within_pct", "auto_approval_limit", "auto_accept_limit",
                          "strategic_segments", "rep_reach_pct"}),
    "order_tiers": frozenset({"tiers"}),
    "order_floor": frozenset({"min_margin_pct"}),
    "competing_offer": frozenset({"competitors", "beat_by_amount", "beat_by_pct", "document_above"}),
}
_STEP_FIELDS = frozenset({"min_quantity", "unit_price"})
_TIER_FIELDS = frozenset({"min_order_value", "discount_pct"})
#: Kind -> the parameters it takes (and a price break's and an order tier's fields), for
#: documents that list them.
RULE_PARAMS: dict[str, frozenset[str]] = {**_KNOWN_PARAMS, "breaks[]": _STEP_FIELDS, "tiers[]": _TIER_FIELDS}


def rule_from_record(record: RuleRecord) -> Any:
    kind = record.get("kind", "")
    parse = _PARSERS.get(kind)
    if parse is None:
        raise RuleDataError("kind", f"unknown rule kind {record.get('kind')!r}; one of {', '.join(RULE_KINDS)}")
    params = record.get("params")
    if not isinstance(params, Mapping):
        raise RuleDataError("params", "must be an object")
    _refuse_unknown(params, _KNOWN_PARAMS[kind], kind)
    return parse(params, _scope(record))


def _refuse_unknown(params: Mapping[str, Any], known: frozenset[str], kind: str) -> None:
    for name in sorted(set(params) - known):
        raise RuleDataError(name, f"is not a parameter of a {kind} rule; it takes "
                                  f"{', '.join(sorted(known))}")


_FIELD = {Floor: "floors", PriceBreaks: "price_breaks", TermLever: "levers",
          Alternatives: "alternatives", ConcessionPolicy: "concessions", Routing: "routings",
          OrderTiers: "order_tiers", OrderFloor: "order_floors", CompetingOffer: "competing_offers"}


def rule_set_from_records(records: Iterable[RuleRecord]) -> RuleSet:
    grouped: dict[str, list[Any]] = {name: [] for name in (*_FIELD.values(), "order_levers")}
    for record in records:
        rule = rule_from_record(record)
        order_lever = isinstance(rule, TermLever) and rule.scope == "order"
        grouped["order_levers" if order_lever else _FIELD[type(rule)]].append(rule)
    return RuleSet(**{name: tuple(rules) for name, rules in grouped.items()})
