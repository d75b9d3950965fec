"""The JSON reader of the APIs (plugin/json_body.py): what it refuses, and that it never
recurses however deep the body."""
from __future__ import annotations

import json
import time
from decimal import Decimal

import pytest
from flask import Flask

from counteroffer.plugin.errors import ApiError
from counteroffer.plugin.json_body import read_json

APP = Flask("json-body")


def read(body: str | bytes, content_type: str = "application/json", depth: int = 20):  # noqa: ANN201
    raw = body.encode() if isinstance(body, str) else body
    with APP.test_request_context(method="POST", data=raw, content_type=content_type):
        return read_json(raw, depth)


def refusal(body: str | bytes, **kwargs: object) -> ApiError:
    with pytest.raises(ApiError) as caught:
        read(body, **kwargs)
    return caught.value


def test_brackets_inside_strings_do_not_count_towards_the_depth() -> None:
    assert read('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "b": "\\"[[[[[[[[[[[[[[[[[[[[[[[[[["}')["b"] == '"' + "[" * 26
    assert refusal('{"a": ' + "[" * 20 + "]" * 20 + "}").code == 422
    assert read('{"a": ' + "[" * 19 + "]" * 19 + "}")["a"] == [[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]


def test_a_megabyte_of_brackets_is_refused_in_one_quick_scan() -> None:
    started = time.perf_counter()
    error = refusal("[" * 1_000_000)
    assert (error.code, error.error_code) == (422, "too_deep")
    assert time.perf_counter() - started < 2


def test_numbers_with_a_fraction_are_decimal_and_free_text_keeps_line_breaks() -> None:
    value = read('{"price": 110.10, "note": "line one\\nline two\\ttabbed\\r"}')
    assert value == {"price": Decimal("110.10"), "note": "line one\nline two\ttabbed\r"}


@pytest.mark.parametrize("text, where", [
    ('{"sku": "A\\u0000B"}', "sku"), ('{"requests": [{"sku": "ok"}, {"sku": "\\u001b[0m"}]}', "requests.1.sku"),
    ('{"note": "\\u007f"}', "note"), ('{"note": "\\u0085"}', "note"), ('{"note": "\\ud800"}', "note"),
    ('{"a": {"b\\u0000": 1}}', "a"),
])
def test_control_characters_and_lone_surrogates_are_refused_where_they_are(text: str, where: str) -> None:
    error = refusal(text)
    assert (error.code, list(error.fields)) == (422, [where])


@pytest.mark.parametrize("body, content_type, status", [
    (json.dumps({"a": 1}).encode("utf-16"), "application/json", 415),
    (b'{"a": "\xff"}', "application/json", 415),
    ('{"a": 1}', "application/json; charset=latin-1", 415),
    ('{"a": 1}', "text/plain", 415),
    ('{"a": 1, "a": 2}', "application/json", 422),
    ('{"a": NaN}', "application/json", 400),
    ('{"a": Infinity}', "application/json", 400),
    ("[]", "application/json", 400),
    ('"text"', "application/json", 400),
])
def test_what_is_refused_before_any_schema(body: str | bytes, content_type: str, status: int) -> None:
    assert refusal(body, content_type=content_type).code == status
