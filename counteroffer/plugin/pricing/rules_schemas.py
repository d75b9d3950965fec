"""Schemas of the pricing managers' JSON API (``rules_api.py``): unknown fields are a 422
naming them, as everywhere in the plugin. The use cases check what the rule means."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from ...negotiation.pricing.simulation import MAX_DAYS
from ...rules.loading import RULE_KINDS
from ..buying.schemas import Money

__all__ = ["RuleInputSchema", "RuleOutputSchema", "RuleQuerySchema", "NoteSchema",
           "DiffQuerySchema", "SimulationInputSchema", "VersionOutputSchema",
           "SimulationOutputSchema", "diff_payload", "MAX_SIMULATED"]

#: Requests one simulation may be given inline (a CSV upload in the page has the same cap).
MAX_SIMULATED = 200_000
_REF = validate.Regexp(r"^(draft|live|[0-9]{1,9})$", error="Use draft, live or a version number.")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class RuleInputSchema(_Strict):
    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS))
    sku = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    segment = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    priority = fields.Integer(load_default=0, strict=True, validate=validate.Range(min=-1000, max=1000))
    params = fields.Dict(keys=fields.String(), required=True)

    @validates("params")
    def _no_fractional_numbers(self, params: dict[str, Any], **_: Any) -> None:
        # docs/rules.md: numbers are strings ("110.00") or integers. A JSON number with a
        # fraction arrives as a Decimal (never a float); the loader would take it.
        stack: list[tuple[str, Any]] = list(params.items())
        while stack:
            where, value = stack.pop()
            if isinstance(value, Decimal):
                raise ValidationError(f'{where}: write amounts as strings ("110.00") or whole numbers.')
            if isinstance(value, dict):
                stack.extend((f"{where}.{key}", inner) for key, inner in value.items())
            elif isinstance(value, list):
                stack.extend((f"{where}.{index}", inner) for index, inner in enumerate(value))


class RuleOutputSchema(Schema):
    id = fields.Integer()  # this version's row (the routes' <rule_id>)
    #: The rule's number: kept by its copy in every version (the pages' "#N").
    number = fields.Integer()
    version_id = fields.Integer()
    kind = fields.String()
    sku = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    segment = fields.String(allow_none=True)
    priority = fields.Integer()
    params = fields.Dict()


class RuleQuerySchema(_Strict):
    version = fields.String(load_default="draft", validate=_REF)
    sku = fields.String(validate=validate.Length(min=1, max=64))
    category = fields.String(validate=validate.Length(min=1, max=100))
    kind = fields.String(validate=validate.OneOf(RULE_KINDS))
    segment = fields.String(validate=validate.Length(min=1, max=64))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class NoteSchema(_Strict):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class DiffQuerySchema(_Strict):
    from_ = fields.String(data_key="from", load_default="live", validate=_REF)
    to = fields.String(load_default="draft", validate=_REF)


class _AskedSchema(_Strict):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000_000))
    target_unit_price = Money(required=True)
    segment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))


class SimulationInputSchema(_Strict):
    """Either the last ``days`` days of real requests, or ``requests`` given here."""

    days = fields.Integer(validate=validate.Range(min=1, max=MAX_DAYS))
    requests = fields.List(fields.Nested(_AskedSchema), validate=validate.Length(min=1, max=MAX_SIMULATED))


class VersionOutputSchema(Schema):
    id = fields.Integer()
    number = fields.Integer(allow_none=True)
    ref = fields.String()
    status = fields.String()
    note = fields.String(allow_none=True)
    currency = fields.String(allow_none=True)
    based_on_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String()
    published_at = fields.DateTime(allow_none=True)
    published_by = fields.String(allow_none=True)
    is_live = fields.Boolean()
    rule_count = fields.Integer()


class SimulationOutputSchema(Schema):
    id = fields.String()
    status = fields.String()
    source = fields.String()
    days = fields.Integer(allow_none=True)
    total = fields.Integer()
    processed = fields.Integer()
    percent = fields.Integer()
    cancel_requested = fields.Boolean()
    error = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


def diff_payload(diff: Any) -> dict[str, Any]:
    return {"from": diff.before, "to": diff.after,
            "added": diff.count("added"), "removed": diff.count("removed"), "changed": diff.count("changed"),
            "changes": [{"change": c.change, "kind": c.kind, "scope": c.scope,
                         "fields": [{"field": f.field, "before": f.before, "after": f.after} for f in c.fields]}
                        for c in diff.changes]}
