"""The quote API's shapes. Unknown fields are refused; money travels as strings.

A refusal inside a line names it as ``lines[2].quantity`` (lines counted from 0, as in
the JSON array), in the error's ``fields`` and its message. The response schemas list
what a buyer may see: no floor, guard price, cost or rep explanation.
"""
from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ...negotiation import MAX_LINES, InvalidRequestError, places_message
from ...rules import has_valid_places, is_known_currency
from .schemas import NOTE_LIMIT, DocumentSchema, Money, NonBlank, TermSchema, quantity_field

__all__ = ["QuoteRequestSchema", "QuoteCounterSchema", "QuoteRedeemSchema", "QuoteSchema", "QuoteDealSchema",
           "QuoteListQuerySchema", "flat_messages",
           "QuoteCompetingOfferSchema", "QuoteToldSchema"]

_SKU = fields.String(required=True, validate=validate.Length(min=1, max=64))


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def flat_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested errors ({"lines": {2: {"quantity": [...]}}}) as one level,
    {"lines[2].quantity": [...]}: the key says which line and which field."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]}
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}[{key}]" if isinstance(key, int) else (f"{prefix}.{key}" if prefix else str(key))
        if key == "_schema" and prefix:
            name = prefix
        for inner, texts in flat_messages(value, name).items():
            flat.setdefault(inner, []).extend(texts)
    return flat


class _NamesTheLine(_Strict):
    """A 422 whose message and fields name the line and the field at fault."""

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        fields_ = flat_messages(error.messages)
        key, texts = next(iter(fields_.items()))
        raise InvalidRequestError(f"{key}: {texts[0]}", fields_)


class QuoteLineInputSchema(_Strict):
    sku = _SKU
    quantity = quantity_field(required=True)
    target_unit_price = Money()


class OrderTargetSchema(_Strict):
    """Exactly one: a total for the whole order, or a percentage off the cart's price."""

    total = Money()
    discount_pct = Money()

    @validates_schema
    def _one_of(self, data: dict[str, Any], **_: Any) -> None:
        if ("total" in data) == ("discount_pct" in data):
            raise ValidationError("Give either a total or a discount_pct, not both.")
        if "discount_pct" in data and data["discount_pct"] >= 100:
            raise ValidationError("Enter a percentage above 0 and below 100.", "discount_pct")


class _CitedLineSchema(_Strict):
    sku = _SKU
    unit_price = Money(required=True)


class QuoteCompetingOfferSchema(_Strict):
    """A competitor's offer for the quote: its order ``total`` for these lines, or its
    ``lines`` [{sku, unit_price}] for SKUs of the quote (one of the two; the use case checks
    the SKUs, negotiation/quotes/told.py). Information for the rules, never a target."""

    competitor = fields.String(required=True, validate=[validate.Length(min=1, max=100), NonBlank()])
    total = Money()
    lines = fields.List(fields.Nested(_CitedLineSchema), validate=validate.Length(
        min=1, max=MAX_LINES, error=f"Cite from 1 to {MAX_LINES} lines."))
    valid_until = fields.Date()
    note = fields.String(validate=validate.Length(max=NOTE_LIMIT))
    #: A document uploaded first (POST /api/documents), as for a line's citation.
    document_id = fields.String(validate=validate.Length(min=1, max=32))

    @validates_schema
    def _total_or_lines(self, data: dict[str, Any], **_: Any) -> None:
        if ("total" in data) == ("lines" in data):
            raise ValidationError("Give the competitor's order total or its unit prices per line, not both.")


def _lines_field() -> fields.List:
    return fields.List(fields.Nested(QuoteLineInputSchema), required=True, validate=validate.Length(
        min=1, max=MAX_LINES, error=f"Send from 1 to {MAX_LINES} lines."))


def _check_lines(data: dict[str, Any], currency: str | None) -> None:
    """One SKU per line, and targets with no more decimals than the currency has."""
    errors: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for index, line in enumerate(data.get("lines") or ()):
        if line["sku"] in first:
            errors[f"lines[{index}].sku"] = [f"{line['sku']} is already on line {first[line['sku']] + 1}; "
                                             "put its whole quantity on one line."]
        first.setdefault(line["sku"], index)
        price = line.get("target_unit_price")
        if currency and price is not None and not has_valid_places(price, currency):
            errors[f"lines[{index}].target_unit_price"] = [places_message(currency)]
    total = (data.get("order_target") or {}).get("total")
    if currency and total is not None and not has_valid_places(total, currency):
        errors["order_target.total"] = [places_message(currency)]
    if errors:
        raise ValidationError(errors)


class QuoteRequestSchema(_NamesTheLine):
    currency = fields.String(required=True, validate=validate.Length(equal=3))
    lines = _lines_field()
    order_target = fields.Nested(OrderTargetSchema)
    competing_offer = fields.Nested(QuoteCompetingOfferSchema)
    needed_by = fields.Date()

    @validates_schema
    def _currency_and_lines(self, data: dict[str, Any], **_: Any) -> None:
        currency = data.get("currency", "")
        if currency and not is_known_currency(currency):
            raise ValidationError(f"Unknown currency {currency!r}.", "currency")
        _check_lines(data, currency or None)


class QuoteCounterSchema(_NamesTheLine):
    """The whole cart again: lines left out are removed, new ones added."""

    lines = _lines_field()
    order_target = fields.Nested(OrderTargetSchema)
    competing_offer = fields.Nested(QuoteCompetingOfferSchema)
    needed_by = fields.Date()

    @validates_schema
    def _lines(self, data: dict[str, Any], **_: Any) -> None:
        _check_lines(data, None)  # the quote's currency is checked by the use case


class _CartLineSchema(_Strict):
    sku = _SKU
    quantity = quantity_field(required=True)


class QuoteRedeemSchema(_NamesTheLine):
    lines = fields.List(fields.Nested(_CartLineSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_LINES, error=f"Send from 1 to {MAX_LINES} lines."))
    order_ref = fields.String(validate=validate.Length(min=1, max=100))


class QuoteListQuerySchema(_Strict):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class _Decimal(fields.Decimal):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(as_string=True, **kwargs)


class QuoteLineSchema(Schema):
    sku = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    target_unit_price = _Decimal(allow_none=True)
    price_for_quantity = _Decimal()


class QuoteOfferLineSchema(Schema):
    sku = fields.String()
    quantity = fields.Integer()
    unit_price = _Decimal()
    price_for_quantity = _Decimal()
    line_total = _Decimal()


class QuoteOfferSchema(Schema):
    id = fields.String()
    kind = fields.String()
    round = fields.Integer()
    status = fields.String()
    expires_at = fields.AwareDateTime()
    message = fields.String()
    terms = fields.List(fields.Nested(TermSchema))
    total = _Decimal()
    lines = fields.List(fields.Nested(QuoteOfferLineSchema))


class QuoteDealSchema(Schema):
    token = fields.String()
    quote_id = fields.String()
    currency = fields.String()
    total = _Decimal()
    expires_at = fields.AwareDateTime()
    redeemed_at = fields.AwareDateTime(allow_none=True)
    order_ref = fields.String(allow_none=True)
    terms = fields.List(fields.Nested(TermSchema))
    lines = fields.List(fields.Nested(QuoteOfferLineSchema))


class _OrderTargetOut(Schema):
    total = _Decimal()
    discount_pct = _Decimal()


class _CitedLineOut(Schema):
    sku = fields.String()
    unit_price = _Decimal()


class _QuoteCitedSchema(Schema):
    competitor = fields.String()
    currency = fields.String()
    total = _Decimal(allow_none=True)
    lines = fields.List(fields.Nested(_CitedLineOut))
    valid_until = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    document = fields.Nested(DocumentSchema, allow_none=True)


_QUOTE_CITED = _QuoteCitedSchema()


class QuoteToldSchema(Schema):
    """What the buyer told with one round: shown to the quote's own company and to staff."""

    round = fields.Integer()
    competing_offer = fields.Function(lambda told: _QUOTE_CITED.dump(told) if told.competitor else None,
                                      allow_none=True)
    needed_by = fields.Date(allow_none=True)


class QuoteSchema(Schema):
    id = fields.String()
    status = fields.String()
    round = fields.Integer()
    max_rounds = fields.Integer()
    currency = fields.String()
    cart_total = _Decimal()
    order_target = fields.Nested(_OrderTargetOut, allow_none=True)
    lines = fields.List(fields.Nested(QuoteLineSchema))
    offers = fields.List(fields.Nested(QuoteOfferSchema))
    deal = fields.Nested(QuoteDealSchema, allow_none=True)
    #: A word for the buyer beyond the offers, e.g. why a person will answer.
    note = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    #: What the buyer told, round by round (oldest first), and why they let it go.
    told = fields.List(fields.Nested(QuoteToldSchema))
    why_not = fields.String(attribute="lost_reason", allow_none=True)
    why_not_note = fields.String(attribute="lost_note", allow_none=True)


class QuoteDocumentQuerySchema(_Strict):
    """Which offer of the quote to print; without it, the accepted one, else the first open."""

    offer = fields.String(validate=validate.Length(min=1, max=32))
