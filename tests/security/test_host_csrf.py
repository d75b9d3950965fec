"""A host that protects its forms with Flask-WTF's global ``CSRFProtect`` (docs/security.md,
"The host's CSRF protection"): the plugin's JSON APIs and back office work out of the box,
whether the host adds CSRFProtect before or after the plugin, while the host's own forms
stay protected and the plugin's own defences still refuse what CSRF would forge."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_wtf.csrf import CSRFProtect

from counteroffer import Counteroffer
from tests.conftest import BUYER_ACME, MANAGER, FrozenClock, make_app
from tests.seed import seed_scenario

ASK = {"sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}


def _host(sqlite_url: str, clock: FrozenClock, tmp_path: Path, csrf_first: bool) -> Flask:
    if not csrf_first:
        app = make_app(sqlite_url, clock, tmp_path, SECRET_KEY="host-secret")
        CSRFProtect(app)
    else:  # CSRFProtect before init_app: its hook is registered first
        app = Flask("csrf-first", instance_path=str(tmp_path / "instance"))
        app.config.update(TESTING=True, SECRET_KEY="host-secret", COUNTEROFFER_DATABASE_URL=sqlite_url,
                          COUNTEROFFER_CONCESSION_JITTER_PCT="0", COUNTEROFFER_FLOOR_GUARD_PCT="0,0")
        CSRFProtect(app)
        extension = Counteroffer(app, clock=clock)
        extension.user_loader(lambda: app.config.get("TEST_ACTOR"))

    @app.post("/host/profile")
    def host_form() -> str:  # the host's own form, which CSRFProtect must keep guarding
        return "saved"

    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    return app


@pytest.fixture(params=["csrf_after_plugin", "csrf_before_plugin"])
def host(request: pytest.FixtureRequest, sqlite_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[Flask]:
    app = _host(sqlite_url, clock, tmp_path, csrf_first=request.param == "csrf_before_plugin")
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


def test_a_buyer_asks_and_accepts_through_the_json_api_without_the_hosts_token(host: Flask) -> None:
    host.config["TEST_ACTOR"] = BUYER_ACME
    client = host.test_client()
    asked = client.post("/negotiate/api/requests", json=ASK)
    assert asked.status_code == 201, asked.get_data(as_text=True)
    offer = asked.get_json()["offers"][0]
    accepted = client.post(f"/negotiate/api/offers/{offer['id']}/accept", json={})
    assert accepted.status_code == 201, accepted.get_data(as_text=True)


def test_the_hosts_own_forms_are_still_protected(host: Flask) -> None:
    response = host.test_client().post("/host/profile", data={"name": "x"})
    assert response.status_code == 400 and "CSRF token is missing" in response.get_data(as_text=True)


def test_the_back_office_form_works_with_its_own_token_and_refuses_without_it(host: Flask) -> None:
    host.config["TEST_ACTOR"] = MANAGER
    client = host.test_client()
    page = client.get("/negotiate/admin/rules").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    opened = client.post("/negotiate/admin/rules/draft", data={"csrf_token": token})
    assert opened.status_code == 302, opened.get_data(as_text=True)
    forged = client.post("/negotiate/admin/rules/draft", data={})
    # The plugin's own token check answered, not the host's "CSRF token is missing".
    assert forged.status_code == 400 and "This form has expired" in forged.get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data",
                                          "text/plain"])
def test_what_a_cross_site_form_can_send_is_refused_even_without_origin_headers(
        host: Flask, content_type: str) -> None:
    """The exemption rests on this: an old browser that sends neither Sec-Fetch-Site nor
    Origin still cannot make a body-less form POST accept an offer."""
    host.config["TEST_ACTOR"] = BUYER_ACME
    client = host.test_client()
    offer = client.post("/negotiate/api/requests", json=ASK).get_json()["offers"][0]
    forged = client.post(f"/negotiate/api/offers/{offer['id']}/accept", data="", content_type=content_type)
    assert forged.status_code == 415 and forged.get_json()["error"]["code"] == "unsupported_media_type"
    assert client.post(f"/negotiate/api/offers/{offer['id']}/accept").status_code == 201  # still open


def test_a_cross_site_json_write_is_refused_by_origin(host: Flask) -> None:
    host.config["TEST_ACTOR"] = BUYER_ACME
    response = host.test_client().post("/negotiate/api/requests", json=ASK,
                                       headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "cross_site"
