"""Quotes with the catalog and customers read over HTTP from the reference back office:
a price that cannot be checked never reaches the engine (503, nothing written), and a
buyer who asks for a person is still heard. SQLite and PostgreSQL."""
from __future__ import annotations

from counteroffer.db.models import OutboxMessage
from tests.e2e.test_backoffice_failures import api, count, http_app  # noqa: F401 - the fixtures
from tests.e2e.test_quotes_api import SIX_OFF
from tests.security.world import snapshot


def test_a_quote_that_cannot_be_checked_is_503_and_writes_nothing(api, http_app, backoffice):  # noqa: F811
    before = snapshot(http_app)
    backoffice.always("slow")
    response = api.post("/quotes", SIX_OFF)
    assert response.status_code == 503
    assert response.get_json()["error"]["message"].startswith("We could not check these prices right now")
    assert snapshot(http_app) == before and count(http_app, OutboxMessage) == 0


def test_a_person_is_asked_even_while_the_back_office_is_down(api, http_app, backoffice):  # noqa: F811
    quote = api.post("/quotes", SIX_OFF).get_json()
    backoffice.always("error")
    assert api.post(f"/quotes/{quote['id']}/counter", {"lines": SIX_OFF["lines"]}).status_code == 503
    escalated = api.post(f"/quotes/{quote['id']}/escalate")
    assert escalated.status_code == 200 and escalated.get_json()["status"] == "escalated"
