"""The JSON a back office must answer (docs/integration.md), as marshmallow schemas.

Tolerant of extra fields (an ERP's documents carry more than we need), strict about the
ones we use: money is a decimal string (or an exact JSON number) with at most 4 places,
never NaN; quantities are integers; times carry a zone. Anything else is a
``MalformedAnswerError`` naming the field, and the price is not used.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from decimal import Decimal
from typing import Any, cast

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .errors import MalformedAnswerError
from .ports import ORDER_STATUSES, CatalogItem, Customer, LastPrice, OrderLine

__all__ = ["load_item", "load_customer", "load_last_price", "load_order_lines", "load_order_status"]

_CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="Not an ISO 4217 currency code.")
_KEY = validate.Length(min=1, max=64)


def _at_most_four_places(amount: Decimal) -> None:
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise ValidationError("At most 4 decimal places.")


def _money(positive: bool = True, **kwargs: Any) -> fields.Decimal:
    # A cost may be 0 (a free sample); a price may not.
    at_least = validate.Range(min=Decimal(0), min_inclusive=not positive)
    return fields.Decimal(allow_nan=False, validate=[at_least, _at_most_four_places], **kwargs)


def _count(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=1), **kwargs)


class _Tolerant(Schema):
    class Meta:
        unknown = EXCLUDE


class _BreakAnswer(_Tolerant):
    min_quantity = _count(required=True)
    unit_price = _money(required=True)


class ProductAnswer(_Tolerant):
    sku = fields.String(required=True, validate=_KEY)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    currency = fields.String(required=True, validate=_CURRENCY)
    list_price = _money(required=True)
    cost = _money(positive=False, required=True, allow_none=True)  # null: the shop keeps no cost
    category = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100))
    order_multiple = _count(load_default=1)
    price_breaks = fields.List(fields.Nested(_BreakAnswer), load_default=list)
    equivalents = fields.List(fields.String(validate=_KEY), load_default=list)
    # 0 is a real answer here (sold out), unlike the counts above.
    available = fields.Integer(strict=True, allow_none=True, load_default=None,
                               validate=validate.Range(min=0))


class CustomerAnswer(_Tolerant):
    company_id = fields.String(required=True, validate=_KEY)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    segment = fields.String(allow_none=True, load_default=None, validate=_KEY)
    owner_rep = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    profitability_tier = fields.String(allow_none=True, load_default=None, validate=_KEY)
    region = fields.String(allow_none=True, load_default=None, validate=_KEY)


class LastPriceAnswer(_Tolerant):
    unit_price = _money(required=True)
    quantity = _count(required=True)
    paid_at = fields.AwareDateTime(required=True)
    currency = fields.String(required=True, validate=_CURRENCY)


class _OrderLineAnswer(_Tolerant):
    order_ref = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sku = fields.String(required=True, validate=_KEY)
    quantity = _count(required=True)
    unit_price = _money(positive=False, required=True)  # 0 for a free line
    currency = fields.String(required=True, validate=_CURRENCY)
    placed_at = fields.AwareDateTime(required=True)
    deal_token = fields.String(allow_none=True, load_default=None)


class OrderLinesAnswer(_Tolerant):
    lines = fields.List(fields.Nested(_OrderLineAnswer), required=True)


class OrderStatusAnswer(_Tolerant):
    order_ref = fields.String(required=True, validate=validate.Length(min=1, max=100))
    status = fields.String(required=True, validate=validate.OneOf(ORDER_STATUSES))


_PRODUCT, _CUSTOMER, _LAST_PRICE, _ORDER_LINES, _ORDER_STATUS = (
    ProductAnswer(), CustomerAnswer(), LastPriceAnswer(), OrderLinesAnswer(), OrderStatusAnswer())


def _load(schema: Schema, body: Any, where: str) -> dict[str, Any]:
    if not isinstance(body, Mapping):
        raise MalformedAnswerError(f"{where}: expected a JSON object")
    try:
        return schema.load(body)
    except ValidationError as error:
        raise MalformedAnswerError(f"{where}: {error.messages}", cast(dict[str, object], error.messages)) from None


def _require_same(asked: str, answered: str, field: str, where: str) -> None:
    # An ERP that answers for another SKU must not price this one.
    if asked != answered:
        raise MalformedAnswerError(f"{where}: asked for {field} {asked!r}, got {answered!r}")


def load_item(body: Any, sku: str, where: str) -> CatalogItem:
    data = _load(_PRODUCT, body, where)
    _require_same(sku, data["sku"], "sku", where)
    data["price_breaks"] = tuple(sorted((b["min_quantity"], b["unit_price"]) for b in data["price_breaks"]))
    data["equivalents"] = tuple(data["equivalents"])
    return CatalogItem(**data)


def load_customer(body: Any, company_id: str, where: str) -> Customer:
    data = _load(_CUSTOMER, body, where)
    _require_same(company_id, data["company_id"], "company_id", where)
    return Customer(**data)


def load_last_price(body: Any, where: str) -> LastPrice:
    data = _load(_LAST_PRICE, body, where)
    data["paid_at"] = data["paid_at"].astimezone(UTC)
    return LastPrice(**data)


def load_order_lines(body: Any, company_id: str, where: str) -> tuple[OrderLine, ...]:
    lines = []
    for line in _load(_ORDER_LINES, body, where)["lines"]:
        line["placed_at"] = line["placed_at"].astimezone(UTC)
        lines.append(OrderLine(company_id=company_id, **line))
    return tuple(sorted(lines, key=lambda line: line.placed_at))


def load_order_status(body: Any, order_ref: str, where: str) -> str:
    data = _load(_ORDER_STATUS, body, where)
    _require_same(order_ref, data["order_ref"], "order_ref", where)
    return str(data["status"])
