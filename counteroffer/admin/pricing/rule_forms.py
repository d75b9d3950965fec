"""The rule editor's form: what a pricing manager typed, as a rule record, and the use
case's errors put back next to the inputs they are about.

The scope inputs (SKU, category, segment, priority) are common to every kind; each
kind's own inputs are in ``rule_params.py``. Only those inputs are read: any other field
sent with the form is ignored (docs/security.md).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...rules.loading import RULE_KINDS
from .rule_params import KIND_FORMS, breaks_text

__all__ = ["KIND_LABELS", "read_rule_form", "form_values", "new_rule_values", "errors_by_input",
           "breaks_text"]

KIND_LABELS = {"floor": "Floor", "price_breaks": "Price breaks", "term_lever": "Term lever",
               "alternatives": "Equivalent products", "concession": "Concession policy",
               "routing": "Routing", "order_tiers": "Order-value tiers (quotes)",
               "order_floor": "Order floor (quotes)", "competing_offer": "Competing offers"}
assert set(KIND_LABELS) == set(RULE_KINDS)
_SCOPE_TEXT = (("sku", 64), ("category", 100), ("segment", 64))


def read_rule_form(form: Mapping[str, str], kind: str) -> tuple[dict[str, Any], dict[str, str]]:
    """``(record, {})`` or ``({}, {input: message})`` for what the form itself can tell."""
    errors: dict[str, str] = {}
    record: dict[str, Any] = {"kind": kind}
    for name, limit in _SCOPE_TEXT:
        value = (form.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = f"Keep it under {limit} characters."
        record[name] = value or None
    record["priority"] = _priority(form.get("priority", ""), errors)
    record["params"] = KIND_FORMS[kind].read(form, errors)
    return ({}, errors) if errors else (record, {})


def _priority(raw: str, errors: dict[str, str]) -> int:
    raw = raw.strip() or "0"
    # isdecimal, not isdigit: "²" is a digit but no number int() reads.
    if not raw.removeprefix("-").isdecimal() or not -1000 <= int(raw) <= 1000:
        errors["priority"] = "Enter a whole number from -1000 to 1000, such as 0 or 10."
        return 0
    return int(raw)


def new_rule_values(kind: str) -> dict[str, str]:
    """A new rule's form: priority 0 and the kind's defaults (a lever valued as a share
    of the price, a linear concession over the engine's default 3 rounds)."""
    return {"priority": "0", **KIND_FORMS[kind].values({})}


def form_values(rule: Any) -> dict[str, str]:
    """A stored rule as the form's inputs."""
    values = {"sku": rule.sku or "", "category": rule.category or "", "segment": rule.segment or "",
              "priority": str(rule.priority)}
    values.update(KIND_FORMS[rule.kind].values(dict(rule.params)))
    return values


def errors_by_input(fields: Mapping[str, list[str]], kind: str) -> dict[str, str]:
    """The use case's ``{field: [messages]}`` keyed by the input that shows them."""
    found: dict[str, str] = {}
    for field, messages in fields.items():
        found.setdefault(_input_for(field, kind), messages[0] if messages else "Check this value.")
    return found


def _input_for(field: str, kind: str) -> str:
    if not field.startswith("params"):
        return field
    name = field.removeprefix("params").lstrip(".").split("[")[0].split(".")[0]
    return KIND_FORMS[kind].input_for(name)
