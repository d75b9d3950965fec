"""The what-if's forecast through the rules API and the simulation page: expected deals,
margin, volume and share needing a person for both sides, each with its interval, and
"too little history" below the threshold."""
from __future__ import annotations

import io
import re

import pytest

from counteroffer import Actor
from counteroffer.negotiation.pricing.simulation import run_simulation
from counteroffer.negotiation.results.response_model import MIN_ANSWERED
from tests.conftest import MANAGER, ApiClient
from tests.forecast_history import seed_answered_rounds

PRICING = Actor(id="pia@seller", role="pricing_manager", name="Pia")
ASKED = [{"sku": "DEMO-120", "quantity": 1500, "target_unit_price": "110.00", "segment": "wholesale"}] * 50
ADMIN = "/negotiate/admin/rules"


def _simulate_through_the_api(app, history: int) -> dict:
    with app.app_context():
        seed_answered_rounds(app.extensions["counteroffer"].deps, history, app.extensions["counteroffer"].deps.clock())
    manager = ApiClient(app).as_(MANAGER)
    manager.post("/rules/draft")
    simulation = manager.post("/rules/simulations", json={"requests": ASKED}).get_json()
    with app.app_context():
        assert run_simulation(app.extensions["counteroffer"].deps, simulation["id"]) == "done"
    return manager.get(f"/rules/simulations/{simulation['id']}/result").get_json()


def test_the_api_gives_the_forecast_for_both_sides_with_intervals(app):
    result = _simulate_through_the_api(app, 600)
    forecast = result["forecast"]
    history = forecast["history"]
    assert (history["answered"], history["enough"], history["threshold"]) == (600, True, MIN_ANSWERED)
    assert 0 < history["accepted"] < 600 and history["pooled"]["answered"] == 600
    assert list(history["segments"]) == ["wholesale"]
    for side in ("live", "draft"):
        figures = forecast[side]
        for key in ("deals", "deal_rate_pct", "volume", "person_share_pct"):
            assert figures[key]["low"] <= figures[key]["estimate"] <= figures[key]["high"], key
        margin = figures["margin"]
        assert all(re.fullmatch(r"-?\d+\.\d\d", margin[k]) for k in ("estimate", "low", "high"))  # money as text
        assert 0 < figures["deals"]["estimate"] < 50
    assert forecast["live"] == forecast["draft"]  # the draft is the live rules unchanged


def test_the_api_says_too_little_history(app):
    forecast = _simulate_through_the_api(app, MIN_ANSWERED - 1)["forecast"]
    assert forecast["history"]["answered"] == MIN_ANSWERED - 1 and forecast["history"]["enough"] is False
    assert forecast["live"] is None and forecast["draft"] is None


@pytest.fixture
def page(app):
    app.secret_key = "test"  # the CSRF token lives in the host's signed session
    app.config["TEST_ACTOR"] = PRICING
    return app.test_client()


def _simulate_through_the_page(app, page, history: int) -> str:
    with app.app_context():
        deps = app.extensions["counteroffer"].deps
        seed_answered_rounds(deps, history, deps.clock())
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get(ADMIN).get_data(as_text=True)).group(1)
    page.post(ADMIN + "/draft", data={"csrf_token": token})
    csv = b"sku,quantity,target_unit_price,segment\n" + b"DEMO-120,1500,110.00,wholesale\n" * 40
    started = page.post(ADMIN + "/simulate", data={"csrf_token": token, "days": "30",
                                                   "requests": (io.BytesIO(csv), "asks.csv")},
                        content_type="multipart/form-data")
    assert started.status_code in (302, 303)
    url = started.headers["Location"]
    with app.app_context():
        assert run_simulation(app.extensions["counteroffer"].deps, url.rsplit("/", 1)[1]) == "done"
    return page.get(url).get_data(as_text=True)


def _cells(html: str, label: str) -> list[str]:
    html = html[html.index('id="coa-forecast"'):]  # the forecast's table, not the offers' above it
    row = re.search(rf'<th scope="row">{label} .*?</tr>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r'<td class="coa-num">(.*?)</td>', row, re.S)]


def test_the_page_shows_expected_deals_margin_volume_and_people_with_intervals(app, page):
    html = _simulate_through_the_page(app, page, 400)
    assert "Forecast: what buyers would take" in html and "Based on 400 answered rounds of offers" in html
    assert "Too little history" not in html
    margin = _cells(html, "Margin over cost")
    money = r"\$[\d,]+\.\d\d"
    assert len(margin) == 2 and all(re.fullmatch(rf"{money} \({money} to {money}\)", m) for m in margin)
    deals = _cells(html, "Deals")
    assert all(re.fullmatch(r"[\d,]+ \([\d,]+ to [\d,]+\)", d) for d in deals)
    assert re.fullmatch(r"[\d.]+% \([\d.]+% to [\d.]+%\)", _cells(html, "Needing a person")[0])
    assert "Buyers' acceptance by discount off list" in html and "wholesale" in html


def test_the_page_says_too_little_history(app, page):
    html = _simulate_through_the_page(app, page, 12)
    assert "Too little history to forecast: 12 answered rounds of offers, at least 200 needed." in html
    assert "Deal rate" not in html
