"""The out-of-office page of the back office, through the demo shop and the test client.

The demo's people: Rita (rep@seller) owns Acme's account; Max (manager@seller) is her
manager. Rita goes away and Max stands in: Acme's next escalation goes to Max on her
behalf, until she ends it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from counteroffer.demo import create_app
from tests.e2e.test_demo_shop import close, login, shop_config
from tests.e2e.test_rep_inbox import INBOX, ask, escalation_ids, text, token

AWAY = "/negotiate/admin/away"


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path))
    yield app
    close(app)


def today(shop: Flask) -> str:
    with shop.app_context():
        return shop.extensions["counteroffer"].deps.clock().date().isoformat()


def test_a_rep_goes_away_her_manager_gets_her_escalations_and_she_ends_it(shop: Flask) -> None:
    rita, buyer = shop.test_client(), shop.test_client()
    login(rita, "rep@seller")
    page = rita.get(AWAY)
    assert page.status_code == 200 and "Nobody is away." in text(page)
    saved = rita.post(AWAY, data={"csrf_token": token(page.get_data(as_text=True)),
                                  "delegate_id": "manager@seller", "first_day": today(shop),
                                  "last_day": today(shop)}, follow_redirects=True)
    assert "Max Moreno stands in for Rita Reyes from" in text(saved)
    assert "End now" in text(saved)
    ask(buyer, "buyer@globex")  # Globex's account is Rita's: while she is away, Max's
    max_ = shop.test_client()
    login(max_, "manager@seller")
    assert len(escalation_ids(max_.get(INBOX).get_data(as_text=True))) == 1
    assert "standing in for Rita Reyes" in text(max_.get(INBOX))

    listed = rita.get(AWAY).get_data(as_text=True)
    [number] = re.findall(r'action="/negotiate/admin/away/(\d+)/end"', listed)
    end_url = f"{AWAY}/{number}/end"
    ended = rita.post(end_url, data={"csrf_token": token(listed)}, follow_redirects=True)
    assert "Max Moreno standing in for Rita Reyes: ended now." in text(ended)
    assert "Nobody is away." in text(ended)


@pytest.mark.parametrize(("form", "message"), [
    ({"delegate_id": "", "first_day": "2030-01-01", "last_day": "2030-01-02"}, "Choose who stands in."),
    ({"delegate_id": "manager@seller", "first_day": "01/01/2030", "last_day": "2030-01-02"},
     "Give a date, as YYYY-MM-DD."),
    ({"delegate_id": "manager@seller", "first_day": "2030-01-05", "last_day": "2030-01-02"},
     "The last day comes on or after the first."),
    ({"delegate_id": "rep@seller", "first_day": "2030-01-01", "last_day": "2030-01-02"},
     "Nobody can stand in for themselves."),
    ({"delegate_id": "manager@seller", "first_day": "2020-01-01", "last_day": "2020-01-02"},
     "The end is already past."),
])
def test_a_form_that_does_not_add_up_is_shown_again_with_the_message_at_its_field(shop, form, message):
    rita = shop.test_client()
    login(rita, "rep@seller")
    page = rita.get(AWAY).get_data(as_text=True)
    refused = rita.post(AWAY, data={"csrf_token": token(page), **form})
    assert refused.status_code == 422
    assert "Nothing was saved" in text(refused) and message in text(refused)
    assert "Nobody is away." in text(refused)


def test_the_page_is_for_staff_and_writes_need_the_forms_token(shop: Flask) -> None:
    buyer = shop.test_client()
    login(buyer, "buyer@acme")
    assert buyer.get(AWAY).status_code == 403
    rita = shop.test_client()
    login(rita, "rep@seller")
    forged = rita.post(AWAY, data={"delegate_id": "manager@seller", "first_day": "2030-01-01",
                                   "last_day": "2030-01-02"})
    assert forged.status_code == 400 and "Nobody is away." in text(rita.get(AWAY))
    assert "Out of office" in text(rita.get(INBOX))  # the inbox links to it
