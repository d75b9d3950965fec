"""A host's own error pages never replace the API's JSON errors (issue 26, item 1).

Shops register ``errorhandler(404)`` and friends for their HTML pages, some before
``Counteroffer(app)``, some after. Under ``<prefix>/api/`` the answer must stay the
plugin's JSON error whichever order they used; the host's pages keep their own."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, g

from counteroffer import Actor, Counteroffer
from tests.conftest import BUYER_ACME, FrozenClock
from tests.seed import seed_scenario

HTML = "<html><body>The shop's own error page</body></html>"


def _html_handlers(app: Flask) -> None:
    for status in (404, 405, 413, 500):
        app.register_error_handler(status, lambda _e, s=status: (HTML, s))
    app.register_error_handler(Exception, lambda _e: (HTML, 500))


def _host(tmp_path: Path, clock: FrozenClock, handlers_after: bool) -> Flask:
    app = Flask("shop", instance_path=str(tmp_path / "instance"))
    # Not TESTING: the API must answer its JSON 500 itself, as in production.
    app.config.update(COUNTEROFFER_DATABASE_URL=f"sqlite:///{tmp_path}/co.db")
    if not handlers_after:
        _html_handlers(app)
    extension = Counteroffer(app, clock=clock)

    @extension.user_loader
    def current_actor() -> Actor | None:
        if app.config.get("BREAK_THE_LOADER"):
            raise RuntimeError("the host's session store is down")
        return getattr(g, "actor", None) or BUYER_ACME

    if handlers_after:
        _html_handlers(app)

    @app.get("/shop/page")
    def page() -> str:
        return "shop"

    with app.app_context():
        seed_scenario(extension)
    return app


@pytest.fixture(params=["handlers before init_app", "handlers after init_app"])
def host(request: pytest.FixtureRequest, tmp_path: Path, clock: FrozenClock) -> Flask:
    return _host(tmp_path, clock, handlers_after=request.param.endswith("after init_app"))


def _json_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.get_data(as_text=True)[:200]  # type: ignore[attr-defined]
    assert response.mimetype == "application/json"  # type: ignore[attr-defined]
    error = response.get_json()["error"]  # type: ignore[attr-defined]
    assert error["message"]
    return error


def test_an_unknown_api_url_answers_json_404(host: Flask) -> None:
    error = _json_error(host.test_client().get("/negotiate/api/nope"), 404)
    assert error["code"] == "not_found"


def test_a_wrong_method_answers_json_405_with_allow(host: Flask) -> None:
    response = host.test_client().delete("/negotiate/api/requests")
    _json_error(response, 405)
    assert "POST" in response.headers["Allow"]
    # And a wrong method on a URL the plugin owns outright, not only on an unmatched one.
    _json_error(host.test_client().put("/negotiate/api/requests/1/withdraw"), 405)


def test_a_body_over_the_request_cap_answers_json_413(host: Flask) -> None:
    response = host.test_client().post("/negotiate/api/requests", data="x" * (2 << 20),
                                       content_type="application/json")
    _json_error(response, 413)


def test_a_bug_answers_json_500_and_is_logged(host: Flask, caplog: pytest.LogCaptureFixture) -> None:
    host.config["BREAK_THE_LOADER"] = True
    error = _json_error(host.test_client().get("/negotiate/api/requests"), 500)
    assert error["code"] == "internal_server_error"
    assert "session store is down" not in str(error)  # the details are for the log
    assert any("session store is down" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_the_hosts_own_pages_keep_the_hosts_handlers(host: Flask) -> None:
    client = host.test_client()
    for url in ("/shop/nope", "/negotiate/nope"):
        response = client.get(url)
        assert response.status_code == 404 and response.get_data(as_text=True) == HTML
    assert client.get("/shop/page").get_data(as_text=True) == "shop"
