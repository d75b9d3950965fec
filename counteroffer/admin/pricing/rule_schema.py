"""Rule data as the back office receives it, validated with marshmallow.

The engine's loader is the single authority on what a rule may hold; this schema runs it
and turns its ``RuleDataError`` into a marshmallow error on the named field, so an editor
can show the message next to the field.
"""
from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ...rules.loading import RULE_KINDS, RuleDataError, rule_from_record

__all__ = ["RuleSchema"]

_SCOPE = {"sku", "category", "segment", "priority", "kind"}


class RuleSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS))
    sku = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    segment = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64))
    priority = fields.Integer(load_default=0, strict=True)
    params = fields.Dict(keys=fields.String(), required=True)

    @validates_schema
    def _engine_can_use_it(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("sku") and data.get("category"):
            raise ValidationError("Scope a rule to a SKU or a category, not both.", "category")
        try:
            rule_from_record(data)
        except RuleDataError as error:
            where = error.field if error.field in _SCOPE else "params"
            message = error.reason if where == error.field else f"{error.field}: {error.reason}"
            raise ValidationError({where: [message]}) from None
