"""The back office and every plugin answer: CSRF on every write, session cookie flags,
and security headers on every route the plugin registers, walked from the URL map."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import Flask

from counteroffer import Counteroffer
from tests.approvals import ANN, MAX
from tests.conftest import FrozenClock, make_app
from tests.security.test_access_declared import plugin_endpoints
from tests.security.world import World, snapshot

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
STATIC_FILES = {"counteroffer_widget.static": "counteroffer/widget.js",
                "negotiation_admin.static": "counteroffer_admin/admin.css"}


def url_for_rule(world: World, rule: str, endpoint: str) -> str:
    """The rule with its arguments filled from the world (an unknown id where none fits)."""
    ids = {"negotiation_id": world.ids["escalated_negotiation"][0], "offer_id": world.ids["offer"][0],
           "token": world.ids["deal"][0], "escalation_id": world.ids["escalation"][0],
           "delegation_id": world.ids["delegation"][0],
           "sku": "DEMO-120", "filename": STATIC_FILES.get(endpoint, "x")}
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: ids.get(m.group(1), "unknown"), rule)


def back_office_writes(app: Flask) -> list[tuple[str, str, str]]:
    return [(rule.rule, rule.endpoint, method) for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("negotiation_admin.")
            for method in sorted((rule.methods or set()) & WRITES)]


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_every_back_office_write_refuses_a_missing_or_wrong_csrf_token(world: World, token) -> None:
    app, writes = world.app, back_office_writes(world.app)
    assert writes, "the back office has no form to check"
    app.config["TEST_ACTOR"] = MAX  # the most powerful caller: only the token is missing
    client = app.test_client()
    with client.session_transaction() as session:
        session["_counteroffer_csrf"] = "the-real-token"
    form = {"action": "approve", "rationale": "forged"} | ({"csrf_token": token} if token is not None else {})
    for rule, endpoint, method in writes:
        before = snapshot(app)
        response = client.open(url_for_rule(world, rule, endpoint), method=method, data=form)
        assert response.status_code in (400, 403), (rule, response.status_code)
        assert snapshot(app) == before, f"{method} {rule} changed rows without a valid token"


def test_every_back_office_form_carries_the_token(world: World) -> None:
    app = world.app
    app.config["TEST_ACTOR"] = MAX
    client, forms = app.test_client(), 0
    with client.session_transaction() as session:
        session["_counteroffer_csrf"] = "the-real-token"
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("negotiation_admin.") and "GET" in (rule.methods or ()) \
                and not rule.endpoint.endswith(".static"):
            page = client.get(url_for_rule(world, rule.rule, rule.endpoint)).get_data(as_text=True)
            for form in re.findall(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", page, re.S | re.I):
                forms += 1
                assert 'name="csrf_token" value="the-real-token"' in form, (rule.rule, form[:200])
    assert forms >= 1


def test_a_script_may_send_the_token_in_a_header(world: World) -> None:
    world.app.config["TEST_ACTOR"] = MAX
    client = world.app.test_client()
    with client.session_transaction() as session:
        session["_counteroffer_csrf"] = "the-real-token"
    url = f"/negotiate/admin/escalations/{world.ids['escalation'][0]}"
    response = client.post(url, data={"action": "approve", "rationale": "ok"},
                           headers={"X-CSRF-Token": "the-real-token"})
    assert response.status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(world: World) -> None:
    world.app.config["TEST_ACTOR"] = MAX
    response = world.app.test_client().get(f"/negotiate/admin/escalations/{world.ids['escalation'][0]}")
    cookie = response.headers["Set-Cookie"]  # the CSRF token was put in the session
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_a_host_s_own_cookie_settings_win(tmp_path: Path, sqlite_url: str) -> None:
    app = make_app(sqlite_url, FrozenClock(), tmp_path, SESSION_COOKIE_SAMESITE="Strict",
                   SESSION_COOKIE_SECURE=True)
    assert (app.config["SESSION_COOKIE_SAMESITE"], app.config["SESSION_COOKIE_SECURE"]) == ("Strict", True)


def test_a_production_app_without_secure_cookies_is_warned(tmp_path: Path, sqlite_url: str, caplog) -> None:
    def production_app(**config: object) -> Flask:
        app = Flask("production", instance_path=str(tmp_path / "instance"))
        app.config.update(COUNTEROFFER_DATABASE_URL=sqlite_url, **config)
        Counteroffer(app)
        return app

    with caplog.at_level(logging.WARNING, logger="counteroffer.plugin.wiring.headers"):
        production_app()
    assert "SESSION_COOKIE_SECURE" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="counteroffer.plugin.wiring.headers"):
        production_app(SESSION_COOKIE_SECURE=True)
    assert "SESSION_COOKIE_SECURE" not in caplog.text


def assert_security_headers(response, where: str) -> None:  # noqa: ANN001
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src" in csp, (where, csp)
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in ("no-referrer", "same-origin"), where


@pytest.mark.parametrize("caller", [ANN, MAX, None], ids=["buyer", "manager", "anonymous"])
def test_every_plugin_route_answers_with_security_headers(world: World, caller) -> None:
    app, seen = world.app, 0
    app.config["TEST_ACTOR"] = caller
    client = app.test_client()
    for rule, endpoint in plugin_endpoints(app):
        methods = (app.url_map._rules_by_endpoint[endpoint][0].methods or set()) - {"HEAD", "OPTIONS"}
        for method in sorted(methods):
            response = client.open(url_for_rule(world, rule, endpoint), method=method, json={})
            assert_security_headers(response, f"{method} {rule} -> {response.status_code}")
            if not endpoint.endswith(".static"):
                assert "no-store" in response.headers.get("Cache-Control", ""), (method, rule)
            seen += 1
    # Unmatched URLs under the API answer JSON with the same headers.
    assert_security_headers(client.get("/negotiate/api/no-such-thing"), "404 under the API")
    assert seen >= 18


def test_stylesheets_and_scripts_stay_cacheable(world: World) -> None:
    client = world.app.test_client()
    for endpoint in STATIC_FILES:
        response = client.get(url_for_rule(world, "/negotiate/static/<path:filename>"
                                           if endpoint.startswith("counteroffer_widget")
                                           else "/negotiate/admin/static/<path:filename>", endpoint))
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")
        response.close()
