"""A marshmallow schema's dump, worked out once per schema: the same output, less work.

A price request's answer was three nested ``Schema.dump`` calls, about 0.1 ms of its
CPU: per field marshmallow looks the value up through ``serialize``, ``get_value``, the
schema's accessor and ``utils.get_value``. ``compiled_dump`` reads the schema's fields
once and keeps, per field, its key, its attribute and how its value is converted (the
field's own ``_serialize``, so each field type formats as the schema says), and skips
the look-up chain for plain objects (dataclass views) and dicts. The schema stays the contract:
anything this does not know (hooks, a custom accessor, other mappings, dotted attributes,
dump defaults, other field types) goes through marshmallow itself, and the tests check
both give the same answer (tests/unit/test_fast_dump.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import Schema, fields, missing
from marshmallow.schema import POST_DUMP, PRE_DUMP

__all__ = ["compiled_dump"]

Dump = Callable[[Any], Any]
#: (key in the output, attribute to read or None for a field computed from the object
#: itself (``fields.Function``), converter: ``value, object -> output``)
_Plan = tuple[tuple[str, str | None, Callable[[Any, Any], Any]], ...]


def compiled_dump(schema: Schema) -> Dump:
    """A function giving ``schema.dump(obj)`` for one object (or a list when ``many``)."""
    if not _compilable(schema):
        return schema.dump
    plan = _plan(schema)
    if plan is None:
        return schema.dump
    one = _dump_one(schema, plan)
    if schema.many:
        return lambda objs: None if objs is None else [one(obj) for obj in objs]
    return one


def _compilable(schema: Schema) -> bool:
    return (not schema._hooks[PRE_DUMP] and not schema._hooks[POST_DUMP]
            and type(schema).get_attribute is Schema.get_attribute and schema.dict_class is dict)


def _dump_one(schema: Schema, plan: _Plan) -> Dump:
    full = schema.dump

    def dump(obj: Any) -> Any:
        plain_dict = type(obj) is dict  # an offer's terms: marshmallow reads obj[key] first
        if not plain_dict and hasattr(obj, "__getitem__"):
            return full(obj, many=False)
        result = {}
        for key, attribute, convert in plan:
            if attribute is None:
                result[key] = convert(None, obj)
                continue
            if plain_dict and attribute in obj:
                value = obj[attribute]
            else:  # as marshmallow's utils.get_value falls back to an attribute
                value = getattr(obj, attribute, missing)
            if value is missing:
                continue  # no dump defaults in a plan: a missing attribute is left out
            result[key] = convert(value, obj)
        return result
    return dump


def _plan(schema: Schema) -> _Plan | None:
    """Per field: its key, attribute and converter; None if any field needs marshmallow."""
    plan: list[tuple[str, str | None, Callable[[Any, Any], Any]]] = []
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        if "." in attribute or (field._CHECK_ATTRIBUTE and field.dump_default is not missing):
            return None
        convert = _converter(name, field)
        if convert is None:
            return None
        plan.append((field.data_key if field.data_key is not None else name,
                     attribute if field._CHECK_ATTRIBUTE else None, convert))
    return tuple(plan)


def _converter(name: str, field: fields.Field[Any]) -> Callable[[Any, Any], Any] | None:
    """``value, parent -> output``: exactly what ``field._serialize`` gives."""
    kind = type(field)
    if not field._CHECK_ATTRIBUTE:  # computed from the object, its attribute never read
        return None if kind is not fields.Function else (lambda _value, obj: field._serialize(None, name, obj))
    if kind is fields.String:
        return lambda value, obj: value if type(value) is str else field._serialize(value, name, obj)
    if kind is fields.Integer and not field.as_string:
        return lambda value, obj: value if type(value) is int else field._serialize(value, name, obj)
    if kind in (fields.Decimal, fields.Integer, fields.DateTime, fields.AwareDateTime, fields.NaiveDateTime,
                fields.Date, fields.Boolean, fields.Float):
        return lambda value, obj: field._serialize(value, name, obj)
    if kind is fields.Nested:
        return _nested(field)  # type: ignore[arg-type]
    if kind is fields.List:
        return _list(field)  # type: ignore[arg-type]
    return None


def _nested(field: fields.Nested) -> Callable[[Any, Any], Any] | None:
    schema = field.schema
    if field.many and not schema.many:
        return None
    inner = compiled_dump(schema)
    return lambda value, _obj: None if value is None else inner(value)


def _list(field: fields.List[Any]) -> Callable[[Any, Any], Any] | None:
    item = _converter("", field.inner) if type(field.inner) is fields.Nested else None
    if item is None:
        return None
    return lambda value, obj: None if value is None else [item(each, obj) for each in value]
