"""Each rule kind's inputs in the editor: read the form into the kind's ``params``, turn
stored ``params`` back into the form's values, and say which input shows an error about
a parameter.

Every kind has real inputs (no JSON textarea): what a value means is in the label, and
the engine's loader (``rules/loading.py``) stays the one judge of what is valid, so the
form only reshapes what was typed (``$1,200.00`` -> ``"1200.00"``, one SKU a line -> a
list) and reports what it cannot reshape. docs/rules.md says what each parameter does.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ...rules.loading import RULE_KINDS
from ...rules.model import LEVER_GROUPS

__all__ = ["KindForm", "KIND_FORMS", "LEVER_GROUP_LABELS", "CURVES", "breaks_text"]

Form = Mapping[str, str]
Errors = dict[str, str]

LEVER_GROUP_LABELS = {"payment": "Payment terms", "delivery": "Delivery",
                      "lead_time": "Lead time", "commitment": "Volume commitment"}
assert set(LEVER_GROUP_LABELS) == set(LEVER_GROUPS)
#: The concession curve's presets (docs/rules.md): exponent -> name.
CURVES = {"0.2": "Boulware: holds out, concedes late", "1": "Linear",
          "2": "Conceder: gives most early"}
_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class KindForm:
    inputs: tuple[str, ...]  # the first shows errors about the parameters as a whole
    read: Callable[[Form, Errors], dict[str, Any]]
    values: Callable[[Mapping[str, Any]], dict[str, str]]
    aliases: Mapping[str, str]  # a parameter shown by an input of another name

    def input_for(self, param: str) -> str:
        name = self.aliases.get(param, param)
        return name if name in self.inputs else self.inputs[0]


def _text(form: Form, name: str) -> str:
    return (form.get(name) or "").strip()


def _number(form: Form, name: str) -> str | None:
    """A typed amount or percentage as the loader wants it: a string, no $ , % or spaces."""
    value = re.sub(r"[\s$,%]", "", form.get(name) or "")
    return value or None


def _whole(form: Form, name: str, errors: Errors, what: str) -> int | None:
    value = _text(form, name).replace(",", "")
    if not value:
        return None
    if not value.isdecimal():  # not isdigit: "²" is a digit int() cannot read
        errors[name] = f"Enter a whole number of {what}, or leave it empty."
        return None
    return int(value)


def _put(params: dict[str, Any], form: Form, names: tuple[str, ...]) -> dict[str, Any]:
    for name in names:
        value = _number(form, name)
        if value is not None:
            params[name] = value
    return params


def _shown(params: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: "" if params.get(name) is None else str(params[name]) for name in names}


def _words(raw: str) -> list[str]:
    """SKUs or segments typed one a line or separated by commas; each kept once, in order."""
    return list(dict.fromkeys(word for word in _SPLIT.split(raw) if word))


# Floors -------------------------------------------------------------------------------
_FLOOR = ("min_margin_pct", "min_unit_price", "max_discount_pct")


def _read_floor(form: Form, errors: Errors) -> dict[str, Any]:
    return _put({}, form, _FLOOR)


# Price breaks -------------------------------------------------------------------------
def _read_breaks(form: Form, errors: Errors) -> dict[str, Any]:
    steps = []
    for number, line in enumerate((form.get("breaks") or "").splitlines(), start=1):
        if not line.strip():
            continue
        quantity, _, price = line.replace(",", "").partition("@")
        if not quantity.strip().isdecimal() or not price.strip():
            errors["breaks"] = f"Line {number}: write quantity @ unit price, such as 3000 @ 110.00."
            return {}
        steps.append({"min_quantity": int(quantity), "unit_price": price.strip().lstrip("$")})
    params: dict[str, Any] = {"breaks": steps}
    multiple = _whole(form, "order_multiple", errors, "units")
    if multiple is not None:
        params["order_multiple"] = multiple
    return params


def breaks_text(params: Mapping[str, Any]) -> str:
    return "\n".join(f"{step.get('min_quantity')} @ {step.get('unit_price')}"
                     for step in params.get("breaks") or [])


def _breaks_values(params: Mapping[str, Any]) -> dict[str, str]:
    return {"breaks": breaks_text(params), "order_multiple": str(params.get("order_multiple") or "")}


# Term levers --------------------------------------------------------------------------
_VALUE_PARAM = {"pct": "value_pct", "per_unit": "value_per_unit"}


def _read_lever(form: Form, errors: Errors) -> dict[str, Any]:
    params: dict[str, Any] = {"group": _text(form, "group"), "option": _text(form, "option"),
                              "label": _text(form, "label")}
    basis, value = _text(form, "value_basis"), _number(form, "value")
    if basis not in _VALUE_PARAM:
        errors["value_basis"] = "Choose whether the value is a share of the price or an amount per unit."
    elif value is None:
        errors["value"] = "Enter what this option is worth to the seller, such as 2."
    else:
        params[_VALUE_PARAM[basis]] = value
    for name, what in (("bundle_levers", "levers"), ("lead_days", "days")):
        number = _whole(form, name, errors, what)
        if number is not None:
            params[name] = number
    if _text(form, "scope") == "order":  # "line" is the default: not stored
        params["scope"] = "order"
    return params


def _lever_values(params: Mapping[str, Any]) -> dict[str, str]:
    per_unit = params.get("value_per_unit") is not None
    value = params.get("value_per_unit") if per_unit else params.get("value_pct")
    return {**_shown(params, ("group", "option", "label")),
            "value_basis": "per_unit" if per_unit else "pct", "value": "" if value is None else str(value),
            "bundle_levers": str(params.get("bundle_levers") or ""), "scope": str(params.get("scope") or "line"),
            "lead_days": "" if params.get("lead_days") is None else str(params["lead_days"])}


# Equivalent products ------------------------------------------------------------------
def _read_alternatives(form: Form, errors: Errors) -> dict[str, Any]:
    return {"skus": _words(form.get("skus") or "")}


def _alternatives_values(params: Mapping[str, Any]) -> dict[str, str]:
    return {"skus": "\n".join(str(sku) for sku in params.get("skus") or [])}


# Concession policy --------------------------------------------------------------------
_CONCESSION = ("max_discount_pct", "first_position_pct")


def _read_concession(form: Form, errors: Errors) -> dict[str, Any]:
    params = _put({}, form, _CONCESSION)
    curve = _text(form, "curve")
    exponent = curve if curve in CURVES else _number(form, "exponent")
    if curve not in CURVES and curve != "custom":
        errors["curve"] = "Choose a concession curve."
    elif exponent is None:
        errors["exponent"] = "Enter an exponent above 0, or choose one of the curves."
    else:
        params["exponent"] = exponent
    rounds = _whole(form, "rounds", errors, "rounds")
    if rounds is not None:
        params["rounds"] = rounds
    return params


def _preset(exponent: Any) -> str | None:
    try:
        wanted = Decimal(str(exponent))
    except InvalidOperation:
        return None
    return next((name for name in CURVES if Decimal(name) == wanted), None)


def _concession_values(params: Mapping[str, Any]) -> dict[str, str]:
    exponent = params.get("exponent", "1")
    preset = _preset(exponent)
    return {**_shown(params, _CONCESSION), "rounds": str(params.get("rounds") or 3),
            "curve": preset or "custom", "exponent": "" if preset else str(exponent)}


# Routing ------------------------------------------------------------------------------
_ROUTING = ("auto_accept_within_pct", "auto_accept_limit", "auto_approval_limit", "rep_reach_pct")


def _read_routing(form: Form, errors: Errors) -> dict[str, Any]:
    params = _put({}, form, _ROUTING)
    segments = _words(form.get("strategic_segments") or "")
    if segments:
        params["strategic_segments"] = segments
    return params


def _routing_values(params: Mapping[str, Any]) -> dict[str, str]:
    return {**_shown(params, _ROUTING),
            "strategic_segments": ", ".join(str(s) for s in params.get("strategic_segments") or [])}


# Order tiers and the order floor (whole quotes, docs/quotes.md) ---------------------------
def _read_tiers(form: Form, errors: Errors) -> dict[str, Any]:
    tiers = []
    for number, line in enumerate((form.get("tiers") or "").splitlines(), start=1):
        if not line.strip():
            continue
        value, _, pct = re.sub(r"[\s$,%]", "", line).partition("@")
        if not value or not pct:
            errors["tiers"] = f"Line {number}: write order value @ discount %, such as 25000 @ 2."
            return {}
        tiers.append({"min_order_value": value, "discount_pct": pct})
    return {"tiers": tiers}


def _tiers_values(params: Mapping[str, Any]) -> dict[str, str]:
    return {"tiers": "\n".join(f"{tier.get('min_order_value')} @ {tier.get('discount_pct')}"
                                for tier in params.get("tiers") or [])}


# Competing offers ---------------------------------------------------------------------
_COMPETING = ("beat_by_amount", "beat_by_pct", "document_above")


def _read_competing(form: Form, errors: Errors) -> dict[str, Any]:
    names = [line.strip() for line in (form.get("competitors") or "").splitlines() if line.strip()]
    return _put({"competitors": list(dict.fromkeys(names))}, form, _COMPETING)


def _competing_values(params: Mapping[str, Any]) -> dict[str, str]:
    return {**_shown(params, _COMPETING), "competitors": "\n".join(str(n) for n in params.get("competitors") or [])}


KIND_FORMS: dict[str, KindForm] = {
    "floor": KindForm(_FLOOR, _read_floor, lambda params: _shown(params, _FLOOR), {}),
    "price_breaks": KindForm(("breaks", "order_multiple"), _read_breaks, _breaks_values, {}),
    "term_lever": KindForm(("value", "group", "option", "label", "value_basis", "bundle_levers", "scope",
                            "lead_days"), _read_lever,
                           _lever_values, {"value_pct": "value", "value_per_unit": "value"}),
    "alternatives": KindForm(("skus",), _read_alternatives, _alternatives_values, {}),
    "concession": KindForm(("max_discount_pct", "first_position_pct", "curve", "exponent", "rounds"),
                           _read_concession, _concession_values, {}),
    "routing": KindForm(_ROUTING + ("strategic_segments",), _read_routing, _routing_values, {}),
    "order_tiers": KindForm(("tiers",), _read_tiers, _tiers_values, {}),
    "order_floor": KindForm(("min_margin_pct",), lambda form, errors: _put({}, form, ("min_margin_pct",)),
                            lambda params: _shown(params, ("min_margin_pct",)), {}),
    "competing_offer": KindForm(("competitors",) + _COMPETING, _read_competing, _competing_values, {}),
}
assert set(KIND_FORMS) == set(RULE_KINDS)
