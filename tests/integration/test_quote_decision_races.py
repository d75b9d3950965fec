"""Two people deciding one escalated quote at once, on PostgreSQL (SQLite ignores FOR
UPDATE): exactly one decision stands, with one deal at most; the other is told who decided."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from counteroffer.db.quotes import QuoteDeal, QuoteEscalation, QuoteEvent, QuoteOfferRow
from tests.approvals import ANN, MAX, RITA
from tests.e2e.test_quote_rep_api import TWENTY_FIVE_OFF
from tests.integration.test_approval_races import at_once, count, pg_app, post  # noqa: F401 - the fixture

DECISIONS = ("approved", "rep_countered", "rejected")


def escalated_quote(app) -> str:  # noqa: ANN001
    quote = post(app, ANN, "/quotes", TWENTY_FIVE_OFF).get_json()
    assert quote["status"] == "escalated", quote
    return count(app, select(QuoteEscalation.id).where(QuoteEscalation.quote_id == quote["id"]))


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(3))
def test_two_people_deciding_a_quote_at_once_one_decision_stands(pg_app, attempt):  # noqa: F811
    escalation_id = escalated_quote(pg_app)
    path = f"/quote-escalations/{escalation_id}/decision"
    approve = {"action": "approve", "rationale": "yes", "lines": [{"sku": "DEMO-120", "unit_price": "92.00"}]}
    counter = {"action": "counter", "rationale": "half-way", "lines": [{"sku": "DEMO-120", "unit_price": "99.00"}]}
    statuses = at_once(lambda: post(pg_app, RITA, path, approve), lambda: post(pg_app, MAX, path, counter))
    assert sorted(statuses) == [200, 409]
    assert count(pg_app, select(func.count()).select_from(QuoteEvent).where(QuoteEvent.action.in_(DECISIONS))) == 1
    assert count(pg_app, select(func.count()).select_from(QuoteOfferRow).where(QuoteOfferRow.kind == "rep")) == 1
    assert count(pg_app, select(func.count()).select_from(QuoteDeal)) == (1 if statuses[0] == 200 else 0)
    assert count(pg_app, select(QuoteEscalation.status).where(QuoteEscalation.id == escalation_id)) == "decided"


@pytest.mark.postgres
@pytest.mark.parametrize("attempt", range(2))
def test_a_decision_racing_the_buyers_withdrawal_ends_consistent(pg_app, attempt):  # noqa: F811
    escalation_id = escalated_quote(pg_app)
    quote_id = count(pg_app, select(QuoteEscalation.quote_id).where(QuoteEscalation.id == escalation_id))
    decide, withdraw = at_once(
        lambda: post(pg_app, RITA, f"/quote-escalations/{escalation_id}/decision",
                     {"action": "reject", "rationale": "no"}),
        lambda: post(pg_app, ANN, f"/quotes/{quote_id}/withdraw", {}))
    # The buyer may always withdraw (a declined quote too); the rep decides only if first.
    assert withdraw == 200 and decide in (200, 409)
    status = count(pg_app, select(QuoteEscalation.status).where(QuoteEscalation.id == escalation_id))
    assert status == ("decided" if decide == 200 else "void")
