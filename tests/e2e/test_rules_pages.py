"""The rule editor's pages through the test client: who gets in, CSRF, errors next to the
field, draft -> simulate -> publish, versions, diff, rollback, CSV upload."""
from __future__ import annotations

import io
import re

import pytest

from counteroffer import Actor
from counteroffer.negotiation.pricing.simulation import run_simulation
from tests.conftest import BUYER_ACME, MANAGER, REP

PRICING = Actor(id="pia@seller", role="pricing_manager", name="Pia")
ADMIN = "/negotiate/admin/rules"


@pytest.fixture(autouse=True)
def _sessions(app):
    app.secret_key = "test"  # the CSRF token lives in the host's signed session


@pytest.fixture
def page(app):
    app.config["TEST_ACTOR"] = PRICING
    return app.test_client()


def _token(client) -> str:
    html = client.get(ADMIN).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _post(client, path: str, data: dict | None = None, **kwargs):  # noqa: ANN202
    return client.post(ADMIN + path, data={"csrf_token": _token(client), **(data or {})}, **kwargs)


def _draft_breaks_id(client) -> int:
    html = client.get(ADMIN + "?version=draft&sku=DEMO-120&kind=price_breaks").get_data(as_text=True)
    return int(re.search(r'/admin/rules/(\d+)"', html).group(1))


@pytest.mark.parametrize("actor, status", [(None, 401), (BUYER_ACME, 403), (REP, 403), (MANAGER, 200), (PRICING, 200)])
def test_only_pricing_managers_get_in(app, actor, status):
    app.config["TEST_ACTOR"] = actor
    response = app.test_client().get(ADMIN)
    assert response.status_code == status
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_post_without_the_token_changes_nothing(page):
    assert page.post(ADMIN + "/draft").status_code == 400
    assert "No draft" in page.get(ADMIN).get_data(as_text=True)


def test_errors_are_shown_next_to_the_field_and_nothing_is_saved(page):
    _post(page, "/draft")
    rule_id = _draft_breaks_id(page)
    response = _post(page, f"/{rule_id}",
                     {"sku": "DEMO-120", "priority": "0", "breaks": "3000 @ 110.00\n2000 @ 105.00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="in-breaks" name="breaks" rows="5" aria-invalid="true" aria-describedby="err-breaks"', html)
    assert 'id="err-breaks">Quantities must be strictly increasing.' in html
    floor = _post(page, "/new?kind=floor", {"sku": "DEMO-120", "priority": "3", "min_unit_price": "79.99"})
    assert floor.status_code == 422
    assert 'id="err-min_unit_price">Below the cost of DEMO-120 (80' in floor.get_data(as_text=True)
    assert "3000 @ 110.00" in page.get(ADMIN + f"/{rule_id}").get_data(as_text=True)


def test_change_simulate_publish_and_roll_back(app, page):
    _post(page, "/draft")
    rule_id = _draft_breaks_id(page)
    saved = _post(page, f"/{rule_id}", {"sku": "DEMO-120", "priority": "0", "breaks": "2000 @ 110.00"})
    assert saved.status_code == 302
    csv = b"sku,quantity,target_unit_price,segment\nDEMO-120,1500,110.00,wholesale\nDEMO-120,10,120.00,\n"
    started = _post(page, "/simulate", {"days": "30", "requests": (io.BytesIO(csv), "asks.csv")},
                    content_type="multipart/form-data")
    assert started.status_code == 302
    simulation_url = started.headers["Location"]
    waiting = page.get(simulation_url).get_data(as_text=True)
    assert "No worker is running" in waiting and 'src="/negotiate/admin/static/counteroffer_admin/rules.js"' in waiting
    with app.app_context():
        assert run_simulation(app.extensions["counteroffer"].deps, simulation_url.rsplit("/", 1)[1]) == "done"
    html = page.get(simulation_url).get_data(as_text=True)
    assert "1 request would be answered differently" in html
    assert "Buy 500 more units (2,000 in total)" in html
    published = _post(page, "/publish", {"note": "break from 2,000"})
    assert published.status_code == 302
    versions = page.get(ADMIN + "/versions").get_data(as_text=True)
    assert "Version 2" in versions and "break from 2,000" in versions
    diff = page.get(ADMIN + "/diff?from=1&to=2").get_data(as_text=True)
    assert "<code>breaks[0].min_quantity</code></th><td>3000</td><td>2000</td>" in diff
    assert _post(page, "/versions/1/rollback").status_code == 302
    assert "Version 3" in page.get(ADMIN + "/versions").get_data(as_text=True)


def test_a_bad_csv_upload_names_its_lines_and_changes_nothing(page):
    csv = b"sku,min_margin_pct,min_unit_price,breaks\nDEMO-120,,70.00,\nNOPE,10,,\n"
    response = _post(page, "/import", {"file": (io.BytesIO(csv), "rules.csv")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Line 2: min_unit_price: Below the cost of DEMO-120" in html
    assert "Line 3: sku: No product with SKU NOPE." in html
    good = b"sku,min_margin_pct,min_unit_price,breaks\nDEMO-120,25,,3000@108.00\n"
    assert _post(page, "/import", {"file": (io.BytesIO(good), "rules.csv")},
                 content_type="multipart/form-data").status_code == 302
    exported = page.get("/negotiate/admin/rules.csv?version=draft").get_data(as_text=True)
    assert "DEMO-120,25,,3000@108.00" in exported


@pytest.mark.parametrize("path, actor, section", [
    (ADMIN, PRICING, "Pricing rules"), (ADMIN + "/versions", MANAGER, "Pricing rules"),
    ("/negotiate/admin/results", PRICING, "Results"), ("/negotiate/admin/escalations", MANAGER, "Approvals inbox")])
def test_the_header_names_the_part_of_the_back_office(app, path, actor, section):
    app.config["TEST_ACTOR"] = actor
    response = app.test_client().get(path)
    assert response.status_code == 200
    brand = re.search(r'<p class="coa-brand"><a href="([^"]+)">([^<]+)</a>', response.get_data(as_text=True))
    assert brand.group(2) == section
    assert app.test_client().get(brand.group(1)).status_code == 200  # a page this caller may see


def test_counts_read_as_english(page):
    _post(page, "/draft")
    assert "Draft: <strong>4 rules</strong>" in page.get(ADMIN).get_data(as_text=True)
    assert "1 rule;" in page.get(ADMIN + "?version=draft&sku=DEMO-120&kind=floor").get_data(as_text=True)
    bad = b"sku,min_margin_pct,min_unit_price,breaks\nNOPE,10,,\n"
    html = _post(page, "/import", {"file": (io.BytesIO(bad), "rules.csv")},
                 content_type="multipart/form-data").get_data(as_text=True)
    assert "1 line needs fixing; no rule changed." in html
    assert "<h1>Changes from the live version to the draft</h1>" in page.get(ADMIN + "/diff").get_data(as_text=True)
    assert "<h1>Changes from version 1 to the draft</h1>" in page.get(ADMIN + "/diff?from=1").get_data(as_text=True)


def test_a_waiting_simulation_says_plainly_when_no_worker_runs_and_how_to_start_one(app, page, clock):
    """Issue 22: it used to sit at "Waiting for a worker" for minutes with no worker at all."""
    from counteroffer.jobs.heartbeat import beat

    _post(page, "/draft")
    started = _post(page, "/simulate", {"days": "30"})
    assert started.status_code == 302, started.get_data(as_text=True)
    url = started.headers["Location"]
    alone = page.get(url).get_data(as_text=True)
    assert "No worker is running" in alone and "Waiting for a worker" not in alone
    assert "No worker has been seen for a minute" in alone and "<code>flask counteroffer worker</code>" in alone
    assert page.get(ADMIN + "/worker").get_json() == {"missing": True}
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
    beat(deps.session_factory, "host:1", clock(), clock())
    served = page.get(url).get_data(as_text=True)
    assert "Waiting for a worker" in served and 'id="coa-no-worker" role="alert" hidden' in served
    assert page.get(ADMIN + "/worker").get_json() == {"missing": False}
    clock.advance(seconds=61)
    assert "No worker is running" in page.get(url).get_data(as_text=True)
