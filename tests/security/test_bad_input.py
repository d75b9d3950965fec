"""No input reaches a 500 (issue 24): every route of the URL map, the JSON APIs and the
back office's pages, walked with bad paths, query strings, bodies and forms, on SQLite
and PostgreSQL. Refused inputs change no row.

The app is a test host with small body limits (64 KiB, uploads 256 KiB), so "too large"
needs no 20 MB per request; the issue's own inputs, at their own sizes, are in
``test_the_issues_inputs_get_their_documented_answers``.
"""
from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule
from werkzeug.test import EnvironBuilder

from counteroffer.access import BUYER, MANAGER, PUBLIC, declared_roles
from tests.approvals import ANN, MAX, RITA
from tests.conftest import FrozenClock, make_app
from tests.security.test_access_declared import plugin_endpoints
from tests.security.world import PIA, World, build_world, snapshot
from tests.seed import seed_scenario

API = "/negotiate/api"
CSRF = "the-walks-token"
BODY_LIMIT, UPLOAD_LIMIT = 64 * 1024, 256 * 1024
REQUEST = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}
#: Every field name the JSON bodies and the back office's forms know, so that a body of
#: bad values reaches each view's own checks.
FIELDS = ("lines", "order_target",
          "sku", "quantity", "target_unit_price", "currency", "order_ref", "action", "rationale",
          "unit_price", "delegate_id", "rep_id", "starts_at", "ends_at", "first_day", "last_day",
          "note", "days", "name", "control", "challenger", "split_pct", "variant", "kind",
          "category", "segment", "priority", "min_margin_pct", "min_unit_price", "breaks",
          "order_multiple", "group", "option", "label", "value_pct", "value_per_unit", "skus",
          "max_discount_pct", "first_position_pct", "exponent", "rounds", "status", "version")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def walked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp_path = tmp_path_factory.mktemp("walk")
    if request.param == "sqlite":
        database = tmp_path / "walk.sqlite3"
        database.write_bytes(request.getfixturevalue("sqlite_template").read_bytes())
        url = f"sqlite:///{database}"
    else:
        from tests.conftest import _truncate_all

        url = request.getfixturevalue("pg_schema_url")
        _truncate_all(url)
    app = make_app(url, FrozenClock(), tmp_path, SECRET_KEY="walk",
                   COUNTEROFFER_RATE_LIMIT_PER_USER=0, COUNTEROFFER_RATE_LIMIT_PER_COMPANY=0,
                   COUNTEROFFER_REQUEST_CAP=0, COUNTEROFFER_MAX_BODY_BYTES=BODY_LIMIT,
                   COUNTEROFFER_MAX_UPLOAD_BYTES=UPLOAD_LIMIT)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    yield build_world(app)
    with app.app_context():
        app.extensions["counteroffer"].close()


# -- what is walked ----------------------------------------------------------------------

def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every (rule, method) the plugin registered, but static files and the document."""
    endpoints = dict(map(reversed, plugin_endpoints(app)))
    return [(rule, method) for rule in app.url_map.iter_rules() if rule.endpoint in endpoints
            and declared_roles(app, rule.endpoint) != PUBLIC
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]


def caller(app: Flask, rule: Rule) -> Any:
    """Someone the route lets in, so that bad input reaches the view behind the gate."""
    roles = declared_roles(app, rule.endpoint) or frozenset()
    return ANN if BUYER in roles else MAX if MANAGER in roles else PIA if roles else RITA


def real_args(world: World) -> dict[str, str]:
    ids = world.ids
    return {"negotiation_id": ids["escalated_negotiation"][0], "offer_id": ids["offer"][0],
            "token": ids["deal"][0], "escalation_id": ids["escalation"][0],
            "delegation_id": ids["delegation"][0], "rule_id": ids["rule"][0], "ref": "1",
            "simulation_id": ids["simulation"][0], "experiment_id": ids["experiment"][0],
            "sku": "DEMO-120", "quote_id": ids["quote"][0], "quote_offer_id": ids["quote_offer"][0],
            "quote_token": ids["quote_deal"][0], "document_id": ids["document"][0]}


def path(rule: Rule, args: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: args[m.group(1)], rule.rule)


def bad_args(rule: Rule) -> Iterator[tuple[str, str]]:
    """Each path argument with values that name nothing: control characters in text,
    numbers beyond an integer column in ids."""
    for name in sorted(rule.arguments):
        if isinstance(rule._converters[name], IntegerConverter):  # noqa: SLF001
            values = ["2147483648", "99999999999999999999", "4294967296"]
        else:
            values = ["ab%00cd", "%07", "x%7Fy", "%C2%85", "%1B%5B0m"]
        for value in values:
            yield name, value


REFUSED_QUERIES = [{"q": "\x00"}, {"\x00": "1"}, {"sku": "A\x00B"}, {"status": "\t"},
                   {"version": "1\x7f"}, {"from": "2026-11-01\x00"}]
ODD_QUERIES = [{"version": "99999999999"}, {"version": "²"}, {"page": "²"},
               {"page": "99999999999999999999"}, {"per_page": "99999999999999999999"},
               {"limit": "99999999999999999999"}, {"from": "99999-01-01", "to": "²"},
               {"from": "0001-01-01", "to": "9999-12-31"}, {"status": "²"}, {"kind": "floor"},
               {"group_by": "²"}, {"to": "2026-11-01"}, {"segment": "x" * 5000}]


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


#: JSON bodies the input guard refuses before any view runs, whatever the route.
REFUSED_BODIES: list[tuple[bytes | str, str]] = [
    ('{"note": "' + "x" * (UPLOAD_LIMIT + 10) + '"}', "application/json"),
    ("[" * 100_000 + "]" * 100_000, "application/json"),
    ('{"a":' * 5000 + "1" + "}" * 5000, "application/json"),
    (json.dumps(REQUEST)[:-1] + ', "x": ' + deep(3000) + "}", "application/json"),
    ('{"sku": "A", "sku": "B"}', "application/json"),
    (json.dumps(REQUEST).encode("utf-16"), "application/json"),
    (b'{"note": "\xff\xfe"}', "application/json"),
    (json.dumps({"note": "x"}), "application/json; charset=utf-16"),
    (json.dumps({name: "A\x00B" for name in FIELDS}), "application/json"),
    (json.dumps({name: ["\x1b"] for name in FIELDS}), "application/json"),
    ('{"note": "\\ud800"}', "application/json"),
    ('{"\\u0000": 1}', "application/json"),
    ("note=x", "application/x-www-form-urlencoded"),
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
]
#: Bodies that are JSON as such, with odd values for the views to refuse (or take).
ODD_BODIES: list[dict[str, Any]] = [
    {**REQUEST, "target_unit_price": 110.5}, {"unit_price": 1.5, "action": "counter", "rationale": "x"},
    {name: 10**30 for name in FIELDS}, {name: -1 for name in FIELDS}, {name: "²" for name in FIELDS},
    {name: "9" * 400 for name in FIELDS}, {name: None for name in FIELDS}, {name: [] for name in FIELDS},
    {name: {} for name in FIELDS}, {"kind": "floor", "params": {"min_unit_price": 1.5}},
    {"kind": "price_breaks", "params": {"breaks": [{"min_quantity": 10**30, "unit_price": "1"}]}},
    {"requests": [{"sku": "DEMO-120", "quantity": 10**30, "target_unit_price": "1"}]},
    {"action": "counter", "rationale": " ", "unit_price": "0.001", "quantity": 10_000_000},
    {"delegate_id": "pete@seller", "starts_at": "9999-12-31T23:59:59+00:00",
     "ends_at": "0001-01-01T00:00:00-23:59"},
    {"name": "x", "control": "999999999", "challenger": "live", "split_pct": 99},
]
REFUSED_FORMS = [{name: "A\x00B" for name in FIELDS}, {name: "\x1b" for name in FIELDS},
                 {"rationale": "x" * (UPLOAD_LIMIT + 10)}]
ODD_FORMS = [{name: value for name in FIELDS} for value in ("99999999999999999999", "²", "-1", "")] + [
    {"action": "counter", "rationale": "x", "unit_price": value, "quantity": value}
    for value in ("99999999999999999999", "²", "0.0000001", "1e400")]
UPLOADS = [b"sku,quantity,target_unit_price\nA\x00B,1,1\n", "sku,min_margin_pct\nDEMO-120,20\n".encode("utf-16"),
           b"sku,quantity,target_unit_price\n" + b"DEMO-120,99999999999999999999,1\n" * 3,
           b"sku,min_margin_pct,min_unit_price,breaks\nDEMO\x07,20,,\n", b"\xff\xfe\x00\x00", b""]


# -- how it is sent -------------------------------------------------------------------

class Walk:
    def __init__(self, world: World) -> None:
        self.app, self.client = world.app, world.app.test_client()
        self.args, self.sent = real_args(world), 0
        with self.client.session_transaction() as session:
            session["_counteroffer_csrf"] = CSRF

    def send(self, rule: Rule, method: str, url: str, **kwargs: Any) -> int:
        self.app.config["TEST_ACTOR"] = caller(self.app, rule)
        headers = {"X-CSRF-Token": CSRF}
        # An app that lets exceptions through (TESTING): a 500 fails here, with its traceback.
        response = self.client.open(url, method=method, headers=headers, **kwargs)
        self.sent += 1
        assert response.status_code < 500, (method, url, response.status_code)
        return response.status_code

    def url(self, rule: Rule, **args: str) -> str:
        return path(rule, {**self.args, **args})


def is_api(rule: Rule) -> bool:
    return rule.rule.startswith(API + "/")


def refused_requests(walk: Walk, rule: Rule, method: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, value in bad_args(rule):
        yield walk.url(rule, **{name: value}), {}
    for query in REFUSED_QUERIES:
        yield walk.url(rule), {"query_string": query}
    if is_api(rule):
        for body, content_type in REFUSED_BODIES:
            yield walk.url(rule), {"data": body, "content_type": content_type}
    elif method == "POST":
        for form in REFUSED_FORMS:
            yield walk.url(rule), {"data": {**form, "csrf_token": CSRF}}


def odd_requests(walk: Walk, rule: Rule, method: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for query in ODD_QUERIES:
        yield walk.url(rule), {"query_string": query}
    if is_api(rule) and method != "GET":
        for body in ODD_BODIES:
            yield walk.url(rule), {"json": body}
    elif method == "POST":
        for form in ODD_FORMS:
            yield walk.url(rule), {"data": {**form, "csrf_token": CSRF}}
        for upload in UPLOADS:
            for name in ("file", "requests"):
                yield walk.url(rule), {"data": {"csrf_token": CSRF, "days": "30",
                                                name: (io.BytesIO(upload), "x.csv")},
                                       "content_type": "multipart/form-data"}


# -- the walk --------------------------------------------------------------------------

def test_every_route_refuses_bad_input_with_a_4xx_and_changes_nothing(walked: World) -> None:
    walk, before = Walk(walked), snapshot(walked.app)
    walked_routes = routes(walked.app)
    assert len(walked_routes) >= 60, len(walked_routes)
    for rule, method in walked_routes:
        for url, kwargs in refused_requests(walk, rule, method):
            assert walk.send(rule, method, url, **kwargs) in (400, 404, 405, 413, 415, 422), (method, url, kwargs)
    assert snapshot(walked.app) == before
    assert walk.sent > 1000, walk.sent


def test_every_route_answers_odd_values_without_a_5xx(walked: World) -> None:
    walk = Walk(walked)
    for rule, method in routes(walked.app):
        for url, kwargs in odd_requests(walk, rule, method):
            walk.send(rule, method, url, **kwargs)
    assert walk.sent > 1400, walk.sent


# -- the issue's own inputs, with the statuses the document gives them ------------------

class CountingStream(io.RawIOBase):
    """A request body of ``size`` bytes that counts what the server reads of it."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the body by seeking
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b" " * count
        self.position += count
        self.read_bytes += count
        return count


def post(app: Flask, url: str, data: Any, content_type: str = "application/json", **kwargs: Any) -> Any:
    return app.test_client().post(API + url, data=data, content_type=content_type, **kwargs)


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    json.dumps(REQUEST)[:-1] + ', "note": ' + "[" * 3000 + '"x"' + "]" * 3000 + "}",
], ids=["arrays", "objects", "a_field_3000_deep"])
def test_deeply_nested_json_is_a_422_naming_the_depth(app: Flask, body: str) -> None:
    app.config["TEST_ACTOR"] = ANN
    response = post(app, "/requests", body)
    assert response.status_code == 422
    assert response.get_json()["error"] == {
        "code": "too_deep", "fields": {}, "message": "The body is nested more than 20 levels deep."}


def test_a_20_mb_body_is_a_413_and_is_not_read(app: Flask) -> None:
    app.config["TEST_ACTOR"] = ANN
    stream = CountingStream(20 * 1024 * 1024)
    response = app.test_client().post(API + "/requests", input_stream=stream,
                                      content_type="application/json")
    assert response.status_code == 413 and stream.read_bytes == 0
    assert response.get_json()["error"]["message"] == "The body is larger than 1,048,576 bytes; nothing was read."


def test_the_body_limit_holds_without_a_content_length(app: Flask) -> None:
    app.config["TEST_ACTOR"] = ANN
    body = json.dumps({**REQUEST, "sku": "x" * (1024 * 1024)}).encode()
    environ = EnvironBuilder(path=API + "/requests", method="POST", content_type="application/json").get_environ()
    environ.pop("CONTENT_LENGTH", None)  # as a chunked body arrives: its size unknown
    environ.update({"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True})
    response = app.test_client().open(environ)
    assert response.status_code == 413


@pytest.mark.parametrize("method, url", [
    ("GET", "/products/A%00B/terms"), ("GET", "/requests/ab%00cd"), ("POST", "/requests/ab%00cd/counter"),
    ("POST", "/requests/ab%00cd/withdraw"), ("POST", "/requests/ab%00cd/escalate"),
    ("POST", "/offers/ab%00cd/accept"), ("POST", "/deals/ab%00cd/redeem"), ("GET", "/escalations/ab%00cd"),
    ("POST", "/escalations/ab%00cd/decision"), ("GET", "/negotiations/ab%00cd/audit"),
    ("GET", "/negotiations/ab%00cd/audit.csv")])
def test_a_nul_in_a_path_names_nothing(app: Flask, method: str, url: str) -> None:
    app.config["TEST_ACTOR"] = RITA if url.startswith(("/escalations", "/negotiations")) else ANN
    response = app.test_client().open(API + url, method=method, json={} if method == "POST" else None)
    assert response.status_code == 404, url
    assert "control character" in response.get_json()["error"]["message"]


def test_a_nul_in_a_body_or_query_is_a_422_naming_the_field(app: Flask) -> None:
    app.config["TEST_ACTOR"] = ANN
    query = app.test_client().get(API + "/requests?sku=A%00B")
    assert query.status_code == 422 and list(query.get_json()["error"]["fields"]) == ["sku"]
    body = post(app, "/requests", json.dumps({**REQUEST, "sku": "A\x00B"}))
    assert body.status_code == 422 and list(body.get_json()["error"]["fields"]) == ["sku"]


@pytest.mark.parametrize("number", ["2147483648", "2147483647", "9223372036854775808"])
def test_integer_ids_beyond_the_column_are_404(host: Flask, number: str) -> None:
    host.config["TEST_ACTOR"] = MAX
    client = host.test_client()
    with client.session_transaction() as session:  # so the back office's form gets past CSRF
        session["_counteroffer_csrf"] = CSRF
    client.environ_base["HTTP_X_CSRF_TOKEN"] = CSRF
    answers = [client.post(f"{API}/delegations/{number}/end", json={}),
               client.get(f"{API}/rules/{number}"),
               client.put(f"{API}/rules/{number}", json={"kind": "floor", "params": {"min_margin_pct": "20"}}),
               client.delete(f"{API}/rules/{number}"), client.get(f"{API}/rules/versions/{number}"),
               client.post(f"{API}/rules/versions/{number}/rollback", json={}),
               client.post(f"/negotiate/admin/away/{number}/end"), client.get(f"/negotiate/admin/rules/{number}")]
    assert [answer.status_code for answer in answers] == [404] * len(answers)


def test_duplicate_keys_other_encodings_and_json_money_are_refused(app: Flask) -> None:
    app.config["TEST_ACTOR"] = ANN
    twice = post(app, "/requests", '{"sku": "DEMO-120", "sku": "OTHER", "quantity": 1000, '
                                   '"target_unit_price": "110.00", "currency": "USD"}')
    assert twice.status_code == 422 and twice.get_json()["error"]["fields"] == {
        "sku": ["Sent twice in one object; send it once."]}
    for encoding in ("utf-16", "utf-16-le", "utf-32"):
        response = post(app, "/requests", json.dumps(REQUEST).encode(encoding))
        assert response.status_code in (400, 415), encoding  # LE without a BOM is no JSON at all
    labelled = post(app, "/requests", json.dumps(REQUEST), "application/json; charset=utf-16")
    assert labelled.status_code == 415
    money = post(app, "/requests", json.dumps(REQUEST).replace('"110.00"', "110.00"))
    assert money.status_code == 422 and list(money.get_json()["error"]["fields"]) == ["target_unit_price"]


def test_trace_is_a_405_that_says_what_is_allowed(app: Flask) -> None:
    app.config["TEST_ACTOR"] = ANN
    response = app.test_client().open(API + "/requests", method="TRACE")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS, POST"
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_the_back_office_shows_its_own_page_for_refused_input(app: Flask) -> None:
    app.config["TEST_ACTOR"] = RITA
    page = app.test_client().get("/negotiate/admin/escalations?status=%00")
    assert page.status_code == 422 and "Check the input" in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
