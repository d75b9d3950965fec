"""Every back-office screen is reachable from the header, by role (issue 22), and an
experiment can be started from a page, not only from the JSON API.

Reps see the inbox with what waits in it; managers the inbox, rules, results and
experiments; pricing managers (no inbox) the rules, results and experiments.
"""
from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from counteroffer.negotiation import Actor
from counteroffer.negotiation.pricing.rulesets import create_rule, publish
from tests.approvals import RITA, seed_approvals
from tests.conftest import ApiClient
from tests.e2e.test_demo_shop import login
from tests.e2e.test_rep_inbox import INBOX, ask, shop, text, token  # noqa: F401 - fixture

PIA = Actor("pia@seller", "pricing_manager", name="Pia")
EXPERIMENTS = "/negotiate/admin/results/experiments"


def header_links(client: FlaskClient, path: str = INBOX) -> dict[str, str]:
    """The header's links: label (with its count) -> where it goes."""
    page = client.get(path).get_data(as_text=True)
    nav = re.search(r'<nav class="coa-nav" aria-label="Back office">(.*?)</nav>', page, re.S)
    if nav is None:
        return {}
    found = re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', nav.group(1), re.S)
    return {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", label)).strip(): href for href, label in found}


def test_a_rep_sees_the_inbox_and_how_many_wait_there_and_nothing_else(shop) -> None:  # noqa: F811
    client = shop.test_client()
    ask(client, "buyer@acme")
    login(client, "rep@seller")
    assert header_links(client) == {"Inbox 1 waiting": INBOX}


def test_a_manager_reaches_every_part_and_each_link_opens(shop) -> None:  # noqa: F811
    client = shop.test_client()
    ask(client, "buyer@acme")
    ask(client, "buyer@globex")
    login(client, "manager@seller")
    links = header_links(client, "/negotiate/admin/results")
    assert list(links) == ["Inbox 2 waiting", "Rules", "Results", "Experiments"]
    for href in links.values():
        assert client.get(href).status_code == 200, href
    current = client.get("/negotiate/admin/rules").get_data(as_text=True)
    assert re.search(r'<a href="/negotiate/admin/rules" aria-current="page">Rules', current)


@pytest.fixture
def pia(app) -> ApiClient:
    app.config["SECRET_KEY"] = "test"  # the CSRF token lives in the session
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        create_rule(deps, PIA, {"kind": "price_breaks", "sku": "DEMO-120", "priority": 1, "params": {
            "breaks": [{"min_quantity": 2000, "unit_price": "110.00"}]}})
        publish(deps, PIA, "2,000-unit break")
    return ApiClient(app).as_(PIA)


def test_a_pricing_manager_has_no_inbox_link_and_every_link_opens(pia: ApiClient) -> None:
    links = header_links(pia.client, "/negotiate/admin/rules")
    assert list(links) == ["Rules", "Results", "Experiments"]
    for href in links.values():
        assert pia.client.get(href).status_code == 200, href


def test_a_rep_who_leads_others_has_the_results_link_and_a_rep_who_leads_nobody_has_not(pia: ApiClient) -> None:
    """The dashboard lets sales leads in (reps with people reporting to them); the header
    linked it to managers only, so a lead had no way there."""
    with pia.client.application.app_context():
        seed_approvals(pia.client.application.extensions["counteroffer"])  # Rita, Dana... report to Max
    pia.as_(Actor("max@seller", "rep", name="Max"))
    links = header_links(pia.client)
    assert list(links) == ["Inbox 0 waiting", "Results"]
    assert pia.client.get(links["Results"]).status_code == 200
    pia.as_(RITA)  # leads nobody: no link, and the dashboard refuses her
    assert list(header_links(pia.client)) == ["Inbox 0 waiting"]
    assert pia.client.get("/negotiate/admin/results").status_code == 403


def test_the_header_and_the_403_page_name_the_role_truly(pia: ApiClient) -> None:
    refused = pia.client.get(INBOX)  # a pricing manager has no inbox, and is told so
    assert refused.status_code == 403
    assert "The approvals inbox is for the shop's sales reps and managers." in text(refused)
    assert "Pia Pricing manager" in text(pia.client.get("/negotiate/admin/rules"))
    pia.as_(Actor("max@seller", "manager", name="Max"))
    assert "Max Manager" in text(pia.client.get("/negotiate/admin/rules"))


def test_a_buyer_gets_no_links_on_the_403_page(pia: ApiClient) -> None:
    pia.as_(Actor("ann@acme", "buyer", company_id="acme", name="Ann"))
    assert pia.client.get(INBOX).status_code == 403 and header_links(pia.client) == {}


def test_the_dashboard_sends_to_the_experiments_page_not_to_the_api(pia: ApiClient) -> None:
    page = pia.client.get("/negotiate/admin/results").get_data(as_text=True)
    assert "POST /api/experiments" not in page
    assert f'<a href="{EXPERIMENTS}">Start an experiment</a>' in page


def test_an_experiment_is_started_from_its_page(pia: ApiClient) -> None:
    page = pia.client.get(EXPERIMENTS)
    form = {"csrf_token": token(page.get_data(as_text=True)), "name": "2,000 vs 3,000 break",
            "control": "live", "challenger": "1", "split_pct": "30", "note": ""}
    assert pia.client.post(EXPERIMENTS, data={**form, "csrf_token": "forged"}).status_code == 400
    assert pia.get("/experiments").get_json()["experiments"] == []
    started = pia.client.post(EXPERIMENTS, data=form, follow_redirects=True)
    assert started.status_code == 200
    assert "30% of buyers get version 1's rules, the others version 2's" in text(started)
    [experiment] = pia.get("/experiments").get_json()["experiments"]
    assert (experiment["version_a"], experiment["version_b"], experiment["split_pct"]) == (2, 1, 30)
    assert "One experiment runs at a time: stop 2,000 vs 3,000 break" in text(started)
    again = pia.client.post(EXPERIMENTS, data=form)
    assert again.status_code == 409 and "already running" in text(again)


@pytest.mark.parametrize("change, field, status", [
    ({"split_pct": "half"}, "split_pct", 422), ({"name": " "}, "name", 422),
    ({"challenger": "2"}, "challenger", 422), ({"split_pct": "100"}, "split_pct", 422),
])
def test_a_start_form_that_does_not_add_up_says_so_at_its_field(pia: ApiClient, change, field, status) -> None:
    page = pia.client.get(EXPERIMENTS).get_data(as_text=True)
    form = {"csrf_token": token(page), "name": "Try", "control": "live", "challenger": "1",
            "split_pct": "30", **change}
    response = pia.client.post(EXPERIMENTS, data=form)
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert f'id="in-{field}"' in body and re.search(rf'id="err-{field}">[^<]+</p>', body)
    assert pia.get("/experiments").get_json()["experiments"] == []
