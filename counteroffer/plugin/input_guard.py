"""Bad input stops at the door: before any view of the plugin runs (and so before any
query), every request under its prefix is checked for what no view can use.

- **Size.** A body above ``COUNTEROFFER_MAX_BODY_BYTES`` (1 MiB by default) is a 413
  without being read; the few routes that take bulk data (simulations, CSV imports) have
  ``COUNTEROFFER_MAX_UPLOAD_BYTES`` (32 MiB). The limit is also set on the request, so a
  body without a ``Content-Length`` is cut off at it too.
- **Paths.** A path segment with a control character names nothing: 404. Neither does an
  integer id beyond the ``integer`` column it is looked up in (above 2,147,483,647):
  404, before PostgreSQL could fail on it. (Not ``int(max=...)`` in the rule: werkzeug
  answers a converter's refusal with a 405 when the path has rules for other methods.)
- **Query strings and forms.** A control character in a key or value is a 422 naming the
  parameter (a form's free text keeps tab, line feed and carriage return).
- **JSON** (the APIs): read once here by ``json_body.request_json`` (media type, UTF-8,
  depth, duplicate keys, control characters) and kept for the view.

Refusals are ``ApiError``s: JSON on the APIs, the problem page in the back office.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, request

from .errors import ApiError
from .json_body import ALL_CONTROLS, TEXT_CONTROLS, has_bad_characters, request_json

__all__ = ["InputLimits", "install_input_guard", "BULK_ENDPOINTS", "MAX_ID"]

#: The largest id an ``int`` route takes: PostgreSQL's ``integer`` (and SQLite's too).
MAX_ID = 2**31 - 1
#: Routes that take bulk data: a simulation's requests, a CSV of rules or requests.
BULK_ENDPOINTS = frozenset({"negotiation_rules.start_simulation", "rules_admin.simulate",
                            "rules_admin.import_csv",
                            # a buyer's document: 5 MB, base64 in JSON (docs/competing-offers.md)
                            "negotiation.upload_document"})


@dataclass(frozen=True)
class InputLimits:
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 32 * 1024 * 1024
    max_json_depth: int = 20


def install_input_guard(app: Flask, url_prefix: str, limits: InputLimits) -> None:
    root = url_prefix.rstrip("/") + "/"
    api_root = root + "api/"

    @app.before_request
    def _check_input() -> None:
        if request.url_rule is None or not request.path.startswith(root):
            return  # not the plugin's, or routing answers 404/405 (with Allow) itself
        _limit_size(limits)
        _check_path()
        _check_pairs(request.args.items(multi=True), "query parameter", ALL_CONTROLS)
        if request.path.startswith(api_root):
            request_json(limits.max_json_depth)  # the APIs take JSON only: read it now
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            _check_pairs(request.form.items(multi=True), "field", TEXT_CONTROLS)


def _limit_size(limits: InputLimits) -> None:
    bulk = request.endpoint in BULK_ENDPOINTS
    limit = limits.max_upload_bytes if bulk else limits.max_body_bytes
    request.max_content_length = limit  # enforced while reading, Content-Length or not
    if (request.content_length or 0) > limit:
        raise ApiError(413, "too_large", f"The body is larger than {limit:,} bytes; nothing was read.")


def _check_path() -> None:
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and has_bad_characters(value):
            raise ApiError(404, "not_found", f"Nothing has this {name}: it holds a control character.")
        if isinstance(value, int) and value > MAX_ID:
            raise ApiError(404, "not_found", f"Nothing has this {name}: ids go up to {MAX_ID:,}.")


def _check_pairs(pairs: Iterable[tuple[str, object]], what: str, controls: re.Pattern[str]) -> None:
    for key, value in pairs:
        if has_bad_characters(key):
            raise ApiError(422, "invalid", f"A {what} name holds a control character.",
                           {"_schema": [f"A {what} name holds a control character."]})
        if isinstance(value, str) and has_bad_characters(value, controls):
            message = "Control characters (such as NUL) are not accepted."
            raise ApiError(422, "invalid", f"{key}: {message}", {key: [message]})
