"""The buyer API's shapes. Unknown fields are refused; money travels as strings.

Response schemas list exactly what a buyer may see: no cost, floor, margin or the rep's
explanation, whatever the view object carries.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from ...negotiation import LOST_REASONS, places_message
from ...rules import has_valid_places, is_known_currency

__all__ = ["Money", "MONEY_PATTERN", "money_pattern", "NonBlank", "PriceRequestSchema", "CounterSchema",
           "CompetingOfferSchema", "NOTE_LIMIT", "DocumentUploadSchema", "DocumentSchema",
           "WhyNotSchema", "WithdrawSchema",
           "RedeemSchema", "EmptySchema", "NegotiationSchema", "DealSchema", "TermsSchema",
           "ListQuerySchema", "TermSchema", "quantity_field"]

MAX_QUANTITY = 10_000_000
#: Up to 8 digits before the point: below 100,000,000 (the money column holds far more).
MAX_PRICE_DIGITS = 8
_SKU = fields.String(required=True, validate=validate.Length(min=1, max=64))


def money_pattern(places: int) -> str:
    """A price as the API takes it, written in the OpenAPI document too: a decimal string
    above zero, no sign or exponent, no leading zeros, at most ``places`` decimals."""
    whole = rf"[1-9]\d{{0,{MAX_PRICE_DIGITS - 1}}}"
    if places == 0:
        return f"^{whole}$"
    # Below 1, some decimal must be non-zero: "0.05" is a price, "0.00" is not.
    below_one = "|".join("0" * zeros + "[1-9]" + (rf"\d{{0,{places - zeros - 1}}}" if places - zeros > 1 else "")
                         for zeros in range(places))
    return rf"^(?:{whole}(?:\.\d{{1,{places}}})?|0\.(?:{below_one}))$"


#: Every currency's places together (at most 3, as KWD): what any price field takes; a
#: request names its currency, and its places are then checked against it too.
MONEY_PATTERN = money_pattern(3)
_MONEY = re.compile(MONEY_PATTERN)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class Money(fields.Decimal):
    """A price sent to the API: a string matching ``MONEY_PATTERN``. A JSON number is
    refused, not read: the document says strings, and a float has no exact decimals."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, as_string=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str):
            raise ValidationError('Send money as a string, such as "110.00", not as a number.')
        if not _MONEY.fullmatch(value):
            raise ValidationError("Write a price above 0 as digits, at most "
                                  f"{MAX_PRICE_DIGITS} before the point and 3 after, such as \"110.00\".")
        return super()._deserialize(value, attr, data, **kwargs)


class NonBlank(validate.Validator):
    """Some text besides spaces (a rationale, a name): the use case refuses blank ones, and
    the OpenAPI document says so with a pattern."""

    error = "Write something besides spaces."

    def __call__(self, value: str) -> str:
        if not value.strip():
            raise ValidationError(self.error)
        return value


def _money_field(**kwargs: Any) -> Money:
    return Money(**kwargs)


def _quantity_field(**kwargs: Any) -> fields.Integer:
    # In the buyer's words: the widget shows this message as it comes.
    return fields.Integer(strict=True, validate=validate.Range(
        min=1, max=MAX_QUANTITY, error=f"Enter at least 1 unit and at most {MAX_QUANTITY:,} units."), **kwargs)


#: The quantity field as the quote schemas take it too (``quotes_schemas.py``).
quantity_field = _quantity_field


def _check_places(amount: Decimal | None, currency: str, field: str) -> None:
    if amount is not None and not has_valid_places(amount, currency):
        raise ValidationError(places_message(currency), field)


#: The most characters of a buyer's note on a competing offer (negotiation/buying/told.py).
NOTE_LIMIT = 500


class CompetingOfferSchema(_Strict):
    """A competitor's offer the buyer cites: information for the rules, never a target."""

    competitor = fields.String(required=True, validate=[validate.Length(min=1, max=100), NonBlank()])
    unit_price = _money_field(required=True)
    valid_until = fields.Date()
    note = fields.String(validate=validate.Length(max=NOTE_LIMIT))
    #: A document uploaded first (POST /api/documents): the quote the citation rests on.
    document_id = fields.String(validate=validate.Length(min=1, max=32))


class DocumentUploadSchema(_Strict):
    """A competitor's quote: PDF, PNG or JPEG of at most 5 MB, base64 in JSON; its type is
    read from the content (negotiation/buying/documents.py), never from the name."""

    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_base64 = fields.String(required=True, validate=validate.Length(min=1, max=7 * 1024 * 1024))


class DocumentSchema(Schema):
    id = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    #: Set once the file was deleted under retention (the citation stays; docs/competing-offers.md).
    deleted_at = fields.DateTime(allow_none=True)


class PriceRequestSchema(_Strict):
    sku = _SKU
    quantity = _quantity_field(required=True)
    target_unit_price = _money_field(required=True)
    currency = fields.String(required=True, validate=validate.Length(equal=3))  # one we know: below
    competing_offer = fields.Nested(CompetingOfferSchema)
    needed_by = fields.Date()

    @validates_schema
    def _currency_and_places(self, data: dict[str, Any], **_: Any) -> None:
        currency = data.get("currency", "")
        if currency and not is_known_currency(currency):
            raise ValidationError(f"Unknown currency {currency!r}.", "currency")
        if currency:
            _check_places(data.get("target_unit_price"), currency, "target_unit_price")


class CounterSchema(_Strict):
    target_unit_price = _money_field(required=True)
    quantity = _quantity_field()
    competing_offer = fields.Nested(CompetingOfferSchema)
    needed_by = fields.Date()


class WhyNotSchema(_Strict):
    """Why the buyer let a request go: one optional answer (negotiation/buying/why_not.py)."""

    reason = fields.String(required=True, validate=validate.OneOf(LOST_REASONS))
    note = fields.String(validate=validate.Length(max=NOTE_LIMIT))


class WithdrawSchema(_Strict):
    """A withdrawal, with why if the buyer says (both optional)."""

    reason = fields.String(validate=validate.OneOf(LOST_REASONS))
    note = fields.String(validate=validate.Length(max=NOTE_LIMIT))


class RedeemSchema(_Strict):
    sku = fields.String(validate=validate.Length(min=1, max=64))
    quantity = _quantity_field()
    order_ref = fields.String(validate=validate.Length(min=1, max=100))


class EmptySchema(_Strict):
    """For actions that take no input: anything sent is an error, not ignored."""


class ListQuerySchema(_Strict):
    sku = fields.String(validate=validate.Length(min=1, max=64))
    status = fields.String(validate=validate.OneOf(
        ["open", "countered", "escalated", "accepted", "declined", "withdrawn", "expired"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TermSchema(Schema):
    group = fields.String()
    option = fields.String()
    label = fields.String()


class OfferSchema(Schema):
    id = fields.String()
    kind = fields.String()
    sku = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Decimal(as_string=True)
    currency = fields.String()
    expires_at = fields.AwareDateTime()
    message = fields.String()
    status = fields.String()
    terms = fields.List(fields.Nested(TermSchema))
    #: The round that made it: an answer lists every offer the buyer holds, earlier
    #: rounds' too (each valid until it expires, unless the buyer withdraws).
    round = fields.Integer()


class _RequestPart(Schema):
    sku = fields.String()
    quantity = fields.Integer()
    target_unit_price = fields.Decimal(as_string=True)
    currency = fields.String()


_REQUEST_PART = _RequestPart()


class _CitedSchema(Schema):
    competitor = fields.String()
    unit_price = fields.Decimal(as_string=True)
    currency = fields.String()
    valid_until = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)


class _CitedWithDocumentSchema(_CitedSchema):
    document = fields.Nested(DocumentSchema, allow_none=True)


_CITED = _CitedWithDocumentSchema()


class ToldSchema(Schema):
    """What the buyer told with one round: shown back to the buyer's own company only."""

    round = fields.Integer()
    competing_offer = fields.Function(lambda told: _CITED.dump(told) if told.competitor else None,
                                      allow_none=True)
    needed_by = fields.Date(allow_none=True)


class NegotiationSchema(Schema):
    id = fields.String()
    status = fields.String()
    round = fields.Integer()
    request = fields.Function(lambda view: _REQUEST_PART.dump(view))
    offers = fields.List(fields.Nested(OfferSchema))
    #: The deal, once an offer is accepted: a reload in another tab still finds its code.
    deal = fields.Nested(lambda: DealSchema(), allow_none=True)
    #: A word for the buyer beyond the offers, e.g. why a person will answer.
    note = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    #: The negotiation's history of what the buyer told, round by round (oldest first).
    told = fields.List(fields.Nested(ToldSchema))
    #: Why the buyer let it go, if they said (negotiation/buying/why_not.py).
    why_not = fields.String(attribute="lost_reason", allow_none=True)
    why_not_note = fields.String(attribute="lost_note", allow_none=True)


class DealSchema(Schema):
    id = fields.String()
    token = fields.String()
    sku = fields.String()
    quantity = fields.Integer()
    unit_price = fields.Decimal(as_string=True)
    currency = fields.String()
    valid_until = fields.AwareDateTime()
    redeemed_at = fields.AwareDateTime(allow_none=True)
    order_ref = fields.String(allow_none=True)
    negotiation_id = fields.String()
    terms = fields.List(fields.Nested(TermSchema))
    #: Set while the deal is free again because the shop gave its order back: when, which
    #: order, and why (cancelled, failed, not_placed).
    released_at = fields.AwareDateTime(allow_none=True)
    released_order_ref = fields.String(allow_none=True)
    released_because = fields.String(allow_none=True)


class _BreakSchema(Schema):
    min_quantity = fields.Integer()
    unit_price = fields.Decimal(as_string=True)


class TermsSchema(Schema):
    sku = fields.String()
    name = fields.String()
    currency = fields.String()
    list_price = fields.Decimal(as_string=True)
    breaks = fields.List(fields.Nested(_BreakSchema))
    order_multiple = fields.Integer()
    offer_validity_hours = fields.Integer()
    max_rounds = fields.Integer()
