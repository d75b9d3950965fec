"""The rule editor's form: what a pricing manager typed, as a rule record, and the use
case's errors put back next to the inputs they are about.

Floors and price breaks have an input per value (breaks one ``quantity @ price`` per
line); the other kinds (term levers, alternatives, concession policy, routing) are
edited as the JSON of their parameters (docs/rules.md lists them).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..rules.loading import RULE_KINDS

__all__ = ["KIND_LABELS", "read_rule_form", "form_values", "errors_by_input", "breaks_text"]

KIND_LABELS = {"floor": "Floor", "price_breaks": "Price breaks", "term_lever": "Term lever",
               "alternatives": "Equivalent products", "concession": "Concession policy",
               "routing": "Routing"}
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
    record["params"] = _PARAMS.get(kind, _json_params)(form, errors)
    return ({}, errors) if errors else (record, {})


def _priority(raw: str, errors: dict[str, str]) -> int:
    raw = raw.strip() or "0"
    if not raw.lstrip("-").isdigit():
        errors["priority"] = "Enter a whole number, such as 0 or 10."
        return 0
    return int(raw)


def _floor_params(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, str]:
    params = {}
    for name in ("min_margin_pct", "min_unit_price"):
        value = (form.get(name) or "").strip().lstrip("$").replace(",", "")
        if value:
            params[name] = value
    return params


def _breaks_params(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    steps = []
    for number, line in enumerate((form.get("breaks") or "").splitlines(), start=1):
        if not line.strip():
            continue
        quantity, _, price = line.replace(",", "").partition("@")
        if not quantity.strip().isdigit() or not price.strip():
            errors["breaks"] = f"Line {number}: write quantity @ unit price, such as 3000 @ 110.00."
            return {}
        steps.append({"min_quantity": int(quantity), "unit_price": price.strip().lstrip("$")})
    params: dict[str, Any] = {"breaks": steps}
    multiple = (form.get("order_multiple") or "").strip()
    if multiple:
        if not multiple.isdigit():
            errors["order_multiple"] = "Enter a whole number of units, or leave it empty."
        else:
            params["order_multiple"] = int(multiple)
    return params


def _json_params(form: Mapping[str, str], errors: dict[str, str]) -> dict[str, Any]:
    try:
        params = json.loads(form.get("params_json") or "{}", parse_float=Decimal)
    except ValueError as error:
        errors["params_json"] = f"This is not JSON: {error}."
        return {}
    if not isinstance(params, dict):
        errors["params_json"] = "Write the parameters as one JSON object: { ... }."
        return {}
    return params


_PARAMS = {"floor": _floor_params, "price_breaks": _breaks_params}


def breaks_text(params: Mapping[str, Any]) -> str:
    return "\n".join(f"{step.get('min_quantity')} @ {step.get('unit_price')}"
                     for step in params.get("breaks") or [])


def form_values(rule: Any) -> dict[str, str]:
    """A stored rule as the form's inputs."""
    params = dict(rule.params)
    values = {"sku": rule.sku or "", "category": rule.category or "", "segment": rule.segment or "",
              "priority": str(rule.priority), "params_json": json.dumps(params, indent=2, default=str)}
    values.update({name: str(params.get(name) or "") for name in ("min_margin_pct", "min_unit_price")})
    values["breaks"] = breaks_text(params)
    values["order_multiple"] = str(params.get("order_multiple") or "")
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
    if kind == "floor":
        return name if name in ("min_margin_pct", "min_unit_price") else "min_margin_pct"
    if kind == "price_breaks":
        return name if name == "order_multiple" else "breaks"
    return "params_json"
