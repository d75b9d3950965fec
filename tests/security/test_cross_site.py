"""Cross-site writes to the JSON APIs: a form on another site cannot accept an offer with
the buyer's cookie. Browsers say where a request comes from; scripts say nothing."""
from __future__ import annotations

import pytest

from tests.approvals import ANN
from tests.security.world import World, snapshot

CROSS_SITE = [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
              {"Origin": "null"}, {"Origin": "http://localhost.evil.example"}]


@pytest.mark.parametrize("headers", CROSS_SITE, ids=lambda h: next(iter(h.values())))
def test_a_cross_site_form_post_changes_nothing(world: World, headers) -> None:
    world.app.config["TEST_ACTOR"] = ANN
    client, before = world.app.test_client(), snapshot(world.app)
    for path in (f"/offers/{world.ids['offer'][0]}/accept", f"/requests/{world.ids['negotiation'][0]}/withdraw"):
        # What an HTML form with no fields sends: an empty url-encoded body.
        response = client.post(f"/negotiate/api{path}", headers=headers,
                               content_type="application/x-www-form-urlencoded", data="")
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "cross_site"
    assert snapshot(world.app) == before


@pytest.mark.parametrize("headers", [{}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "http://localhost"}])
def test_the_shop_s_own_pages_and_scripts_may_write(world: World, headers) -> None:
    world.app.config["TEST_ACTOR"] = ANN
    response = world.app.test_client().post(
        f"/negotiate/api/requests/{world.ids['negotiation'][0]}/withdraw", headers=headers)
    assert response.status_code == 200, response.get_json()


def test_reading_from_another_site_is_left_to_the_browser_s_same_origin_policy(world: World) -> None:
    world.app.config["TEST_ACTOR"] = ANN
    response = world.app.test_client().get("/negotiate/api/requests", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
