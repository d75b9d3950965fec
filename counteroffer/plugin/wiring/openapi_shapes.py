"""How fields look in the OpenAPI document, so that it says exactly what the server takes.

- Money sent to the API matches ``MONEY_PATTERN`` (above 0, at most 8 digits and 3
  decimals); in a price request, whose body names the currency, the pattern is the
  currency's own (``anyOf`` one branch per number of decimal places).
- Text in a request body has no control character but tab, line feed and carriage return
  (``json_body.TEXT_CONTROLS``); a path segment or query value has none at all; text
  that must not be blank (a rationale, a name) has a character besides spaces.
- A rep's decision: approve and reject take the action, the rationale and an optional
  ``buyer_message``, never a price, quantity or terms; a counter needs a ``unit_price``
  (``anyOf`` on ``action``).
Figures the API sends back (margins may be negative) have the signed decimal pattern.
"""
from __future__ import annotations

from typing import Any

from marshmallow import RAISE, fields, validate

from ...rules.money import MINOR_UNITS
from ..buying.schemas import MONEY_PATTERN, Money, NonBlank, money_pattern

__all__ = ["field_shape", "finish_document", "TEXT_PATTERN", "STRICT_PATTERN"]

_TEXT = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
_STRICT = r"[^\x00-\x1F\x7F-\x9F]"
#: Body text: no control character but tab, LF and CR. Paths and queries: none at all.
TEXT_PATTERN, STRICT_PATTERN = f"^{_TEXT}*$", f"^{_STRICT}*$"
_NON_BLANK = rf"^{_TEXT}*[^\s\x00-\x1F\x7F-\x9F]{_TEXT}*$"
_SIGNED_PATTERN = r"^-?\d+(\.\d+)?$"


def field_shape(self: Any, field: fields.Field, **_: Any) -> dict[str, Any]:
    """An apispec attribute function: the pattern of a decimal string or of input text."""
    if isinstance(field, Money):
        return {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN}
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal", "pattern": _SIGNED_PATTERN}
    if type(field) is fields.String and _is_input(field) and not _has_own_shape(field):
        blank_refused = any(isinstance(rule, NonBlank) for rule in field.validators)
        return {"pattern": _NON_BLANK if blank_refused else TEXT_PATTERN}
    return {}


def _is_input(field: fields.Field) -> bool:
    # The schemas the views load refuse unknown fields; the ones they dump do not.
    parent = getattr(field, "parent", None)
    return getattr(getattr(parent, "opts", None), "unknown", None) == RAISE


def _has_own_shape(field: fields.Field) -> bool:
    return any(isinstance(rule, (validate.Regexp, validate.OneOf)) for rule in field.validators)


def finish_document(document: dict[str, Any]) -> dict[str, Any]:
    """What apispec cannot generate: strict text in paths and queries, the price
    request's places per currency, the decision's fields per action."""
    schemas = document["components"]["schemas"]
    _price_by_currency(schemas["PriceRequest"])
    _known_currency(schemas["QuoteRequest"]["properties"]["currency"])
    _decision_by_action(schemas["Decision"])
    for item in document["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                _strict_parameter(parameter["schema"])
    return _drop_numeric_bounds(document)


def _strict_parameter(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and schema.get("pattern") in (None, TEXT_PATTERN) \
            and "enum" not in schema and "format" not in schema:
        schema["pattern"] = STRICT_PATTERN


def _price_by_currency(schema: dict[str, Any]) -> None:
    places: dict[int, list[str]] = {}
    for code, count in MINOR_UNITS.items():
        places.setdefault(count, []).append(code)
    _known_currency(schema["properties"]["currency"])
    schema["anyOf"] = [{"properties": {"currency": {"enum": sorted(codes)},
                                       "target_unit_price": {"pattern": money_pattern(count)}}}
                       for count, codes in sorted(places.items())]


def _known_currency(currency: dict[str, Any]) -> None:
    currency.pop("pattern", None), currency.pop("minLength", None), currency.pop("maxLength", None)
    currency["enum"] = sorted(MINOR_UNITS)


def _decision_by_action(schema: dict[str, Any]) -> None:
    # Approve and reject take the buyer's own terms: no price, quantity or terms of their own
    # (the rationale and the optional buyer_message only).
    counter_only = [{"required": [name]} for name in ("unit_price", "quantity", "terms")]
    schema["anyOf"] = [{"properties": {"action": {"enum": ["approve", "reject"]}}, "not": {"anyOf": counter_only}},
                       {"properties": {"action": {"enum": ["counter"]}}, "required": ["unit_price"]}]


def _drop_numeric_bounds(node: Any) -> Any:
    """A decimal string has a pattern, not ``minimum``/``maximum`` (apispec set them from
    a Range validator before the type became a string)."""
    if isinstance(node, dict):
        if node.get("format") == "decimal":
            node.pop("minimum", None), node.pop("maximum", None)
        for value in node.values():
            _drop_numeric_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _drop_numeric_bounds(value)
    return node
