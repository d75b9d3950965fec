"""Reading a JSON body exactly, or refusing it with a 4xx that says why.

The input guard (``input_guard.py``) calls ``request_json`` for every request to the JSON
APIs that carries a body, before any view runs, and keeps the result for the view
(``load_body``). What is refused, and with which status:

- another media type than ``application/json`` (or another ``charset`` than UTF-8): 415;
- bytes that are not UTF-8 (a UTF-16 body, say; ``json.loads`` would guess otherwise): 415;
- nesting deeper than the configured depth, counted before parsing, so a body of a
  hundred thousand ``[`` is one linear scan, never a deep recursion: 422;
- a key twice in one object (which value would count?): 422 naming the key;
- not JSON at all, ``NaN`` or ``Infinity``, or not an object: 400;
- a control character (U+0000-U+001F but tab, line feed and carriage return; U+007F-U+009F)
  or an unpaired surrogate in any key or string: 422 naming where. PostgreSQL refuses NUL
  in text, and nobody types the others.

Numbers with a fraction become ``Decimal`` (never a float); the schemas then refuse them
where money is due, since money travels as strings.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from itertools import accumulate
from typing import Any

from flask import current_app, request
from marshmallow import Schema

from .errors import ApiError

__all__ = ["read_json", "request_json", "load_body", "has_bad_characters", "TEXT_CONTROLS",
           "ALL_CONTROLS"]

#: Control characters refused in body strings (free text keeps tab, LF and CR), and in
#: paths, query strings and form keys, where none belongs. Unpaired surrogates as well:
#: they are no Unicode text, and cannot be stored.
TEXT_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
ALL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# A JSON string, escapes included: removed before brackets are counted for the depth.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
#: Where the parsed body is kept: in the request's WSGI environ, which lives exactly as
#: long as the request. (Not flask.g: that belongs to the app context, which a host or a
#: test may hold open around several requests, and each would then read the first body.)
_PARSED = "counteroffer.json_body"


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_json(raw: bytes, max_depth: int) -> dict[str, Any]:
    """The body's JSON object; raises ``ApiError`` (415, 422, 400) when it is unusable."""
    _require_json_media_type()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(415, "unsupported_media_type", "Send the body as UTF-8 JSON.") from None
    if _depth(raw) > max_depth:
        raise ApiError(422, "too_deep", f"The body is nested more than {max_depth} levels deep.")
    try:
        value = json.loads(text, parse_float=Decimal, parse_constant=_refuse_constant,
                           object_pairs_hook=_unique_keys)
    except _DuplicateKey as error:
        raise ApiError(422, "invalid", f"The key {error.key!r} is sent twice.",
                       {error.key: ["Sent twice in one object; send it once."]}) from None
    except ValueError as error:
        raise ApiError(400, "bad_request", f"The body is not valid JSON: {error}") from None
    if not isinstance(value, dict):
        raise ApiError(400, "bad_request", "The body must be a JSON object.")
    _refuse_bad_characters(value)
    return value


def request_json(max_depth: int) -> dict[str, Any] | None:
    """The current request's JSON object, read once (None for no body). The input guard
    reads it before the view; a view reads the same answer."""
    if _PARSED not in request.environ:
        raw = request.get_data(cache=True)
        request.environ[_PARSED] = read_json(raw, max_depth) if raw.strip() else None
    parsed: dict[str, Any] | None = request.environ[_PARSED]
    return parsed


def load_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object loaded by ``schema``: decimals stay Decimal, unknown
    fields are a 422. No body loads as ``{}``."""
    limits = current_app.extensions["counteroffer"].state.settings.input_limits
    data = request_json(limits.max_json_depth)
    return schema.load({} if data is None else data)


def has_bad_characters(text: str, pattern: re.Pattern[str] = ALL_CONTROLS) -> bool:
    return pattern.search(text) is not None


def _require_json_media_type() -> None:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send JSON with Content-Type: application/json.")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, "unsupported_media_type", f"Send the body as UTF-8 JSON, not {charset}.")


def _depth(raw: bytes) -> int:
    """How deep the brackets outside strings go. Linear; no recursion."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    return max(accumulate(_STEP[byte] for byte in brackets), default=0)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number we accept")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def _refuse_bad_characters(value: Any) -> None:
    """Walk the parsed value (no recursion) and refuse the first string with a control
    character or an unpaired surrogate, naming where it is (``requests.0.sku``)."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                path = f"{where}.{key}" if where else key
                if has_bad_characters(key, TEXT_CONTROLS):
                    _refuse(where or "_schema", "A key holds a control character.")
                stack.append((path, inner))
        elif isinstance(item, list):
            stack.extend((f"{where}.{index}" if where else str(index), inner)
                         for index, inner in enumerate(item))
        elif isinstance(item, str) and has_bad_characters(item, TEXT_CONTROLS):
            _refuse(where or "_schema", "Control characters (such as NUL) are not accepted.")


def _refuse(where: str, message: str) -> None:
    raise ApiError(422, "invalid", f"{where}: {message}", {where: [message]})
