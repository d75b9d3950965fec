"""A whole-cart quote gives the floor away no more than a price request does (issue 14's
"same guarantees as a single line"): a buyer who asks a one-line quote far below the
floor, round after round, is shown concessions that stay above it and differ from one
negotiation to the next, and the rep's suggestion in the last round is never the floor
itself; without the jitter it would be (what the jitter exists to prevent). SQLite and
PostgreSQL, the same shop as tests/guards/test_probing.py."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from counteroffer import Actor
from tests.approvals import MAX
from tests.conftest import ApiClient, make_app
from tests.guards.test_probing import FLOOR, conceding  # noqa: F401 - the fixture

QUANTITY = 10
LOW_TOTAL = "690.00"  # 69.00 a unit, just below the 70.00 floor


def _last_round(api: ApiClient, company: str) -> tuple[list[Decimal], Decimal]:
    """The unit prices the buyer was shown over three rounds, and the rep's suggestion."""
    buyer = Actor(id=f"buyer@{company}", role="buyer", company_id=company)
    api.as_(buyer)
    ask = {"currency": "USD", "lines": [{"sku": "PROBE-1", "quantity": QUANTITY}], "order_target": {"total": LOW_TOTAL}}
    answer = api.post("/quotes", ask).get_json()
    shown: list[Decimal] = []
    for _ in range(3):
        shown += [Decimal(o["total"]) / QUANTITY for o in answer["offers"] if o["round"] == answer["round"]]
        if answer["round"] == 3 or answer["status"] not in ("countered", "open"):
            break
        answer = api.post(f"/quotes/{answer['id']}/counter", {
            "lines": [{"sku": "PROBE-1", "quantity": QUANTITY}], "order_target": {"total": LOW_TOTAL}}).get_json()
    assert answer["status"] == "escalated", answer
    listed = api.as_(MAX).get("/quote-escalations").get_json()["escalations"]
    [escalation] = [e for e in listed if e["quote_id"] == answer["id"]]
    suggestion = escalation["suggested_quote"]
    assert suggestion is not None, escalation
    return shown, Decimal(suggestion["total"]) / QUANTITY


def test_quotes_asked_below_the_floor_never_show_it(conceding: Any) -> None:  # noqa: F811
    api = ApiClient(conceding)
    rounds = [_last_round(api, f"co{n}") for n in range(8)]
    shown = [price for prices, _ in rounds for price in prices]
    suggestions = [suggestion for _, suggestion in rounds]
    assert shown and all(price > FLOOR for price in shown)
    assert all(price >= FLOOR for price in suggestions) and FLOOR not in suggestions
    assert len(set(suggestions)) >= 4  # not a fixed step above the floor either
    assert max(suggestions) <= FLOOR + Decimal("3.00")


def test_without_jitter_a_quotes_last_suggestion_is_the_floor(db_url: str, clock: Any, tmp_path: Any,
                                                             conceding: Any) -> None:  # noqa: F811
    app = make_app(db_url, clock, tmp_path / "plain", COUNTEROFFER_CONCESSION_JITTER_PCT="0")
    try:
        _, suggestion = _last_round(ApiClient(app), "co1")
        assert suggestion == FLOOR
    finally:
        with app.app_context():
            app.extensions["counteroffer"].close()
