"""A person's decision carries an optional message to the buyer, apart from the rationale,
which stays internal (issue 22): the buyer reads the message in the widget's note, on the
offer and in the e-mail, and never the rationale; reps see both."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from counteroffer.db.models import OutboxMessage
from tests.approvals import ANN, RITA
from tests.e2e.test_demo_shop import login
from tests.e2e.test_rep_api import decide, rep_api  # noqa: F401 - fixture
from tests.e2e.test_rep_inbox import INBOX, ask, open_as, shop, text, token  # noqa: F401 - fixture

RATIONALE = "Internal: margin thin but Acme orders monthly"
MESSAGE = "We can hold $97.00 until Friday if you confirm 1,000 units."


def _buyer_emails(app) -> list[str]:  # noqa: ANN001
    with app.app_context():
        factory = app.extensions["counteroffer"].deps.session_factory
        with factory() as session:
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "send.email")).all()
            return [row.payload["text"] for row in rows if ANN.email in row.payload["to"]]


def test_the_buyer_reads_the_message_and_never_the_rationale(rep_api) -> None:  # noqa: F811
    response = decide(rep_api, {"action": "counter", "rationale": RATIONALE, "unit_price": "97.00",
                                "buyer_message": f"  {MESSAGE}  "})
    assert response.status_code == 200
    decision = response.get_json()["decision"]
    assert (decision["rationale"], decision["buyer_message"]) == (RATIONALE, MESSAGE)
    seen = rep_api.as_(ANN).get(f"/requests/{rep_api.request_id}").get_json()
    assert seen["note"] == (f"Rita Reyes of our sales team offers $97.00 each for 1,000 units. "
                            f"Rita Reyes writes: “{MESSAGE}”")
    assert [offer["message"] for offer in seen["offers"] if offer["status"] == "open"] == [seen["note"]]
    assert RATIONALE not in str(seen)
    [email] = _buyer_emails(rep_api.app)
    assert MESSAGE in email and RATIONALE not in email
    audit = rep_api.as_(RITA).get(f"/negotiations/{rep_api.request_id}/audit").get_json()["events"]
    [countered] = [event for event in audit if event["action"] == "rep_countered"]
    assert countered["rationale"] == RATIONALE and countered["detail"]["buyer_message"] == MESSAGE


def test_without_a_message_the_note_is_as_before_and_an_approval_takes_one(rep_api) -> None:  # noqa: F811
    response = decide(rep_api, {"action": "approve", "rationale": RATIONALE, "buyer_message": "Thanks, Ann!"})
    assert response.status_code == 200 and response.get_json()["decision"]["buyer_message"] == "Thanks, Ann!"
    seen = rep_api.as_(ANN).get(f"/requests/{rep_api.request_id}").get_json()
    assert seen["note"].endswith("Rita Reyes writes: “Thanks, Ann!”") and RATIONALE not in str(seen)


@pytest.mark.parametrize("message", ["x" * 1001])
def test_a_message_too_long_is_422_naming_it(rep_api, message) -> None:  # noqa: F811
    response = decide(rep_api, {"action": "reject", "rationale": "No", "buyer_message": message})
    assert response.status_code == 422 and "buyer_message" in response.get_json()["error"]["fields"]
    assert rep_api.get(f"/escalations/{rep_api.escalation_id}").get_json()["status"] == "open"


def test_the_decision_page_sends_the_message_apart_from_the_rationale(shop) -> None:  # noqa: F811
    client = shop.test_client()
    negotiation_id = ask(client, "buyer@globex")
    escalation_id, page = open_as(client, "rep@seller")
    assert 'name="buyer_message"' in page and "never shown to the buyer" in page
    decided = client.post(f"{INBOX}/{escalation_id}", data={
        "csrf_token": token(page), "action": "reject", "rationale": "Below what Globex pays elsewhere",
        "buyer_message": "Ask again for 200 spools and we can talk."})
    assert decided.status_code == 302
    shown = text(client.get(f"{INBOX}/{escalation_id}"))
    assert "Message to the buyer Ask again for 200 spools" in shown
    assert "Below what Globex pays elsewhere" in shown
    login(client, "buyer@globex")
    seen = client.get(f"/negotiate/api/requests/{negotiation_id}").get_json()
    assert seen["note"].endswith("Rita Reyes writes: “Ask again for 200 spools and we can talk.”")
    assert "Below what Globex pays elsewhere" not in str(seen)
