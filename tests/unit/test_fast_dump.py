"""The compiled dump (plugin/fast_dump.py) answers exactly what the schema's own dump does:
the schema stays the contract of the price request's answer."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, post_dump

from counteroffer.negotiation.buying.told import ToldView
from counteroffer.negotiation.buying.views import DealView, NegotiationView, OfferView
from counteroffer.plugin.buying.schemas import NegotiationSchema
from counteroffer.plugin.fast_dump import compiled_dump

text = st.text(max_size=12)
maybe_text = st.none() | text
money = st.decimals(min_value=Decimal("-1E+6"), max_value=Decimal("1E+8"), allow_nan=False, allow_infinity=False,
                    places=None) | st.sampled_from([Decimal("110.00"), Decimal("1E+2"), Decimal("0.0001"),
                                                    Decimal("-0"), Decimal("12.3400")])
zones = st.sampled_from([UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30))])
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=zones)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))
terms = st.lists(st.fixed_dictionaries({"group": text, "option": text, "label": text}), max_size=3).map(tuple)
offers = st.builds(OfferView, id=text, kind=text, sku=text, quantity=st.integers(0, 10**7), unit_price=money,
                   currency=text, expires_at=moments, message=text, status=text, round=st.integers(1, 9),
                   explanation=text, terms=terms)
deals = st.builds(DealView, id=text, token=text, sku=text, quantity=st.integers(0, 10**7), unit_price=money,
                  currency=text, valid_until=moments, redeemed_at=st.none() | moments, order_ref=maybe_text,
                  negotiation_id=text, company_id=text, terms=terms, released_at=st.none() | moments,
                  released_order_ref=maybe_text, released_because=maybe_text)
documents = st.none() | st.fixed_dictionaries({"id": text, "filename": text, "content_type": text,
                                               "size": st.integers(0, 10**6)})
told = st.builds(ToldView, round=st.integers(1, 9), competitor=maybe_text, unit_price=st.none() | money,
                 currency=text, valid_until=st.none() | days, note=maybe_text, needed_by=st.none() | days,
                 document=documents)
views = st.builds(NegotiationView, id=text, status=text, sku=text, quantity=st.integers(0, 10**7),
                  target_unit_price=money, currency=text, round=st.integers(1, 9), created_at=moments,
                  updated_at=moments, offers=st.lists(offers, max_size=4).map(tuple), company_id=text,
                  buyer_id=text, deal=st.none() | deals, note=maybe_text,
                  told=st.lists(told, max_size=3).map(tuple), lost_reason=maybe_text, lost_note=maybe_text)

SCHEMA = NegotiationSchema()
FAST = compiled_dump(SCHEMA)


@settings(max_examples=400, deadline=None)
@given(views)
def test_the_compiled_dump_equals_the_schemas_dump(view: NegotiationView) -> None:
    expected, got = SCHEMA.dump(view), FAST(view)
    assert got == expected
    assert json.dumps(got) == json.dumps(expected)  # the same keys in the same order


def test_a_many_schema_dumps_a_list_as_the_schema_does() -> None:
    many = NegotiationSchema(many=True)
    view = NegotiationView("n1", "countered", "S-1", 10, Decimal("1E+2"), "USD", 1,
                           datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 2, 0, 0, 1, 5, tzinfo=UTC), (), "c", "b")
    assert compiled_dump(many)([view, view]) == many.dump([view, view])
    assert compiled_dump(many)([]) == []


class _Hooked(Schema):
    name = fields.String()

    @post_dump
    def shout(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value.upper() for key, value in data.items()}


class _Defaulted(Schema):
    name = fields.String(dump_default="nobody")
    size = fields.Integer(attribute="shape.size")


class _Thing:
    name = "box"


def test_what_it_cannot_compile_goes_through_marshmallow() -> None:
    assert compiled_dump(_Hooked())(_Thing()) == {"name": "BOX"}
    assert compiled_dump(_Defaulted())(object()) == {"name": "nobody"}


def test_a_mapping_and_an_object_are_read_as_marshmallow_reads_them() -> None:
    class Part(Schema):
        keys = fields.String()
        label = fields.String()
        count = fields.Integer()

    part = Part()
    for obj in ({"label": "a", "count": 2}, {"keys": "k", "label": 3}, _Thing()):
        assert compiled_dump(part)(obj) == part.dump(obj)
