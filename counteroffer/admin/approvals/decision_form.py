"""The decision form of an escalation: what a rep typed, checked before the use case runs.

Checking here gives each field its own message next to it, in the rep's words; the use
case checks again (it is the authority), and its 422 fields are shown the same way.
The counter-offer fields are read only for a counter: they come prefilled with the
engine's suggestion, and an approval or a rejection must not fail on them.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from ...negotiation import places_message
from ...negotiation.approvals.decisions import MAX_BUYER_MESSAGE
from ...rules import has_valid_places

__all__ = ["ACTIONS", "MAX_RATIONALE", "read_decision", "field_errors"]

ACTIONS = ("approve", "counter", "reject")
MAX_RATIONALE = 2000
_MAX_PRICE, _MAX_QUANTITY = Decimal("100000000"), 10_000_000
_SYMBOLS = "$€£¥"


class _Form(Schema):
    class Meta:
        unknown = EXCLUDE  # each schema reads its part; read_decision refuses strangers

    @pre_load
    def _drop_blanks(self, data: Mapping[str, Any], **_: Any) -> dict[str, Any]:
        # An empty input means "not given", so "required" says so instead of "invalid".
        cleaned = {key: value.strip() if isinstance(value, str) else value
                   for key, value in data.items()}
        return {key: value for key, value in cleaned.items() if value != ""}


class _ChoiceSchema(_Form):
    action = fields.String(required=True, validate=validate.OneOf(
        ACTIONS, error="Choose approve, counter or reject."),
        error_messages={"required": "Choose approve, counter or reject."})
    rationale = fields.String(required=True, validate=validate.Length(
        max=MAX_RATIONALE, error=f"Keep the rationale under {MAX_RATIONALE:,} characters."),
        error_messages={"required": "Say why: the rationale goes into the audit trail."})
    buyer_message = fields.String(validate=validate.Length(
        max=MAX_BUYER_MESSAGE, error=f"Keep the message to the buyer under {MAX_BUYER_MESSAGE:,} characters."))


class _CounterSchema(_Form):
    unit_price = fields.Decimal(required=True, allow_nan=False, validate=validate.Range(
        min=Decimal(0), min_inclusive=False, max=_MAX_PRICE, error="Enter a price above zero."),
        error_messages={"required": "Enter the unit price to offer.",
                        "invalid": "Enter a price such as 95.50."})
    quantity = fields.Integer(validate=validate.Range(
        min=1, max=_MAX_QUANTITY, error="Enter a quantity of at least 1."),
        error_messages={"invalid": "Enter a whole number of units."})

    @pre_load
    def _plain_numbers(self, data: Mapping[str, Any], **_: Any) -> dict[str, Any]:
        # Reps type what they read on the page: "$95.50", "1,000".
        cleaned = dict(data)
        for key in ("unit_price", "quantity"):
            if isinstance(cleaned.get(key), str):
                cleaned[key] = cleaned[key].lstrip(_SYMBOLS).replace(",", "").strip()
        return cleaned


_CHOICE, _COUNTER = _ChoiceSchema(), _CounterSchema()
#: Every field the decision form has. Anything else (``status``, ``floor``...) is refused,
#: not ignored: a forged field must not pass silently (mass assignment, docs/security.md).
FORM_FIELDS = frozenset({"action", "rationale", "buyer_message", "unit_price", "quantity", "csrf_token",
                         "with_suggested_terms", "citation_checked"})


def read_decision(form: Mapping[str, str], currency: str) -> tuple[dict[str, Any], dict[str, str]]:
    """``(arguments for decide_escalation, {})`` or ``({}, {field: message})``."""
    unexpected = sorted(set(form) - FORM_FIELDS)
    if unexpected:
        return {}, {"_form": f"This form has no field {', '.join(unexpected)}; nothing was "
                             "changed. Reload the page and decide again."}
    data, errors = _load(_CHOICE, form)
    if form.get("action", "").strip() == "counter":
        counter, counter_errors = _load(_COUNTER, form)
        price = counter.get("unit_price")
        if price is not None and not has_valid_places(price, currency):
            counter_errors["unit_price"] = places_message(currency)
        data, errors = {**data, **counter}, {**errors, **counter_errors}
    return ({}, errors) if errors else (data, {})


def field_errors(messages: Any) -> dict[str, str]:
    """The first message per field, from marshmallow's or the use case's error fields."""
    if not isinstance(messages, Mapping):
        return {"_form": str(messages)}
    found = {}
    for name, value in messages.items():
        while isinstance(value, (list, tuple)) and value:
            value = value[0]
        found["_form" if name == "_schema" else str(name)] = str(value)
    return found


def _load(schema: Schema, form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    try:
        return schema.load(dict(form)), {}
    except ValidationError as error:
        return {}, field_errors(error.messages)
