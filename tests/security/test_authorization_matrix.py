"""Every route that takes an id, called by everyone: the owner, a colleague at the same
company, a buyer of another company, the assigned rep, another rep, the manager and nobody.

Foreign objects are 404 (their existence is not confirmed), actions for another role are
403, nobody is 401, and a refused call changes no row of any plugin table. Buyers work
company-scoped: a colleague at the same company may see and act on Ann's requests (a B2B
purchasing team shares its negotiations), as ``negotiation/buying/queries.py`` decides.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.security.world import CALLERS, QUOTE_CART, World, snapshot

API, ADMIN = "/negotiate/api", "/negotiate/admin"
BUYERS_OWN = {"owner": "ok", "colleague": "ok", "other_company": 404, "rep": 403,
              "other_rep": 403, "manager": 403, "pricing_manager": 403, "anonymous": 401}
STAFF_OWN = {"owner": 403, "colleague": 403, "other_company": 403, "rep": "ok",
             "other_rep": 404, "manager": "ok", "pricing_manager": 403, "anonymous": 401}
#: Rules are the seller's, not any buyer's: only managers and pricing managers touch them.
PRICING_ONLY = {"owner": 403, "colleague": 403, "other_company": 403, "rep": 403,
                "other_rep": 403, "manager": "ok", "pricing_manager": "ok", "anonymous": 401}
#: The audit trail is the seller's record: any rep or manager reads any negotiation's
#: (docs/approvals.md), not only the reps who may decide it.
STAFF_AUDIT = STAFF_OWN | {"other_rep": "ok"}
#: Results: managers, pricing managers and sales leads (reps with reports; neither rep here has any).
RESULTS = PRICING_ONLY
_NOVEMBER = "from=2026-11-01&to=2026-11-30"
PUBLIC_TERMS = {name: "ok" for name in CALLERS} | {"anonymous": 401}
#: The quote document (issue 15): the buyer's company and every one of the seller's people.
QUOTE_DOCUMENT = BUYERS_OWN | {"rep": "ok", "other_rep": "ok", "manager": "ok", "pricing_manager": "ok"}


@dataclass(frozen=True)
class Route:
    name: str
    kind: str  # which of the world's ids it takes
    call: Callable[[Any, str], Any]  # (test client, id) -> response
    expect: dict[str, Any]
    writes: bool
    #: The allowed caller may still meet a 409 (state, not authorization): rolling back to
    #: the live version, the result of a simulation still queued.
    may_conflict: bool = False


def _json(method: str, path: str, body: dict | None = None) -> Callable[[Any, str], Any]:
    return lambda client, id_: getattr(client, method)(API + path.format(id=id_), json=body)


def _admin(method: str, path: str, form: dict | None = None) -> Callable[[Any, str], Any]:
    def call(client: Any, id_: str) -> Any:
        with client.session_transaction() as session:
            session["_counteroffer_csrf"] = "known-token"  # a valid token: CSRF is not what is tested
        data = {"csrf_token": "known-token", **(form or {})} if method == "post" else None
        return getattr(client, method)(ADMIN + path.format(id=id_), data=data)
    return call


_admin_post = _admin("post", "/escalations/{id}", {"action": "approve", "rationale": "ok"})


ROUTES = [
    Route("show request", "negotiation", _json("get", "/requests/{id}"), BUYERS_OWN, False),
    Route("counter", "negotiation", _json("post", "/requests/{id}/counter",
                                          {"target_unit_price": "115.00"}), BUYERS_OWN, True),
    Route("withdraw", "negotiation", _json("post", "/requests/{id}/withdraw"), BUYERS_OWN, True),
    Route("escalate", "negotiation", _json("post", "/requests/{id}/escalate"), BUYERS_OWN, True),
    Route("accept", "offer", _json("post", "/offers/{id}/accept"), BUYERS_OWN, True),
    Route("redeem", "deal", _json("post", "/deals/{id}/redeem", {"order_ref": "PO-1"}), BUYERS_OWN, True),
    Route("show quote", "quote", _json("get", "/quotes/{id}"), BUYERS_OWN, False),
    Route("counter quote", "quote", _json("post", "/quotes/{id}/counter", {"lines": QUOTE_CART}), BUYERS_OWN, True),
    Route("withdraw quote", "quote", _json("post", "/quotes/{id}/withdraw"), BUYERS_OWN, True),
    Route("escalate quote", "quote", _json("post", "/quotes/{id}/escalate"), BUYERS_OWN, True),
    # Why not (issue 16): the owner meets 409 while the quote is open or once answered.
    Route("quote why not", "quote", _json("post", "/quotes/{id}/why-not", {"reason": "other"}), BUYERS_OWN, True,
          may_conflict=True),
    Route("accept quote offer", "quote_offer", _json("post", "/quote-offers/{id}/accept"), BUYERS_OWN, True),
    Route("redeem quote deal", "quote_deal", _json("post", "/quote-deals/{id}/redeem",
                                                   {"lines": QUOTE_CART, "order_ref": "PO-1"}), BUYERS_OWN, True),
    Route("quote document page", "quote", _json("get", "/quotes/{id}/document.html"), QUOTE_DOCUMENT, False),
    Route("quote document pdf", "quote", _json("get", "/quotes/{id}/document.pdf"), QUOTE_DOCUMENT, False),
    # An unredeemed deal: the owner meets 409 (nothing to give back), everyone else 403/404.
    Route("terms", "sku", _json("get", "/products/{id}/terms"), PUBLIC_TERMS, False),
    Route("show escalation", "escalation", _json("get", "/escalations/{id}"), STAFF_OWN, False),
    Route("decide", "escalation", _json("post", "/escalations/{id}/decision",
                                        {"action": "approve", "rationale": "ok"}), STAFF_OWN, True),
    Route("end delegation", "delegation", _json("post", "/delegations/{id}/end", {}), STAFF_OWN, True),
    Route("audit", "escalated_negotiation", _json("get", "/negotiations/{id}/audit"), STAFF_AUDIT, False),
    Route("audit csv", "escalated_negotiation", _json("get", "/negotiations/{id}/audit.csv"),
          STAFF_AUDIT, False),
    Route("quote audit", "quote", _json("get", "/quotes/{id}/audit"), STAFF_AUDIT, False),
    Route("quote audit csv", "quote", _json("get", "/quotes/{id}/audit.csv"), STAFF_AUDIT, False),
    # A buyer's cited document (issue 16): staff only, like the audit trail; not its buyer.
    Route("document", "document", _json("get", "/documents/{id}"), STAFF_AUDIT, False),
    Route("inbox page", "escalation", _admin("get", "/escalations/{id}"), STAFF_OWN, False),
    Route("inbox decision", "escalation", _admin_post, STAFF_OWN, True),
    # After the JSON route above has ended both copies, the allowed meet 409: state, not authorization.
    Route("end delegation form", "delegation", _admin("post", "/away/{id}/end"), STAFF_OWN, True,
          may_conflict=True),
    Route("show rule", "rule", _json("get", "/rules/{id}"), PRICING_ONLY, False),
    Route("update rule", "rule", lambda client, id_: client.put(f"{API}/rules/{id_}", json={
        "kind": "floor", "sku": "GLOVE-50", "priority": 100 + int(id_), "params": {"min_margin_pct": "21"}}),
        PRICING_ONLY, True),
    Route("delete rule", "rule", _json("delete", "/rules/{id}"), PRICING_ONLY, True),
    Route("show version", "version", _json("get", "/rules/versions/{id}"), PRICING_ONLY, False),
    Route("rollback", "version", _json("post", "/rules/versions/{id}/rollback", {}), PRICING_ONLY,
          True, may_conflict=True),
    Route("show simulation", "simulation", _json("get", "/rules/simulations/{id}"), PRICING_ONLY, False),
    Route("cancel simulation", "simulation", _json("post", "/rules/simulations/{id}/cancel", {}),
          PRICING_ONLY, True),
    Route("simulation result", "simulation", _json("get", "/rules/simulations/{id}/result"),
          PRICING_ONLY, False, may_conflict=True),
    Route("show experiment", "experiment", _json("get", "/experiments/{id}"), PRICING_ONLY, False),
    Route("stop experiment", "experiment", _json("post", "/experiments/{id}/stop", {}), PRICING_ONLY,
          True, may_conflict=True),
    Route("promote experiment", "experiment", _json("post", "/experiments/{id}/promote", {"variant": "B"}),
          PRICING_ONLY, True, may_conflict=True),
    # The back office's pages for the same objects (form posts carry a valid CSRF token).
    Route("rule page", "rule", _admin("get", "/rules/{id}"), PRICING_ONLY, False),
    Route("rule form", "rule", _admin("post", "/rules/{id}", {"priority": "77"}), PRICING_ONLY,
          True, may_conflict=True),
    Route("rule delete form", "rule", _admin("post", "/rules/{id}/delete"), PRICING_ONLY, True),
    Route("simulation page", "simulation", _admin("get", "/rules/simulations/{id}"), PRICING_ONLY, False),
    Route("simulation cancel form", "simulation", _admin("post", "/rules/simulations/{id}/cancel"),
          PRICING_ONLY, True, may_conflict=True),
    Route("rollback form", "version", _admin("post", "/rules/versions/{id}/rollback"), PRICING_ONLY,
          True, may_conflict=True),
    # What buyers told, for pricing managers (issue 16): results take no id; the SKU's is ignored.
    Route("told results", "sku", lambda client, _: client.get(f"{API}/results/told?{_NOVEMBER}"), RESULTS, False),
    Route("told results page", "sku", _admin("get", f"/results/told?{_NOVEMBER}"), RESULTS, False),
    Route("told results csv", "sku", _admin("get", f"/results/told.csv?{_NOVEMBER}&table=win_rates"), RESULTS,
          False),
    Route("experiment stop form", "experiment", _admin("post", "/results/experiments/{id}/stop"),
          PRICING_ONLY, True, may_conflict=True),
    Route("experiment promote form", "experiment",
          _admin("post", "/results/experiments/{id}/promote", {"variant": "B"}), PRICING_ONLY, True,
          may_conflict=True),
]


def _ids(world: World, kind: str) -> list[str]:
    return ["DEMO-120", "DEMO-120"] if kind == "sku" else world.ids[kind]


def _call(world: World, route: Route, caller: str, copy: int) -> Any:
    world.app.config["TEST_ACTOR"] = CALLERS[caller]
    return route.call(world.app.test_client(), _ids(world, route.kind)[copy])


def _succeeded(response: Any, route: Route) -> bool:
    # may_conflict: authorized, but the object's state (or the form's content) may refuse.
    return response.status_code in (200, 201, 202, 204, 302, 303) or (
        route.may_conflict and response.status_code in (409, 422))


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_every_caller_gets_the_answer_their_role_and_company_allow(world: World, route: Route) -> None:
    """Refused callers first (each call must leave every table as it was), then the allowed."""
    refused = {caller: status for caller, status in route.expect.items() if status != "ok"}
    for caller, status in refused.items():
        before = snapshot(world.app)
        response = _call(world, route, caller, 0)
        assert response.status_code == status, (caller, response.get_data(as_text=True)[:300])
        assert snapshot(world.app) == before, f"{caller}'s refused call changed rows"
        if response.is_json:
            assert set(response.get_json()) == {"error"}, response.get_json()
    allowed = [caller for caller, status in route.expect.items() if status == "ok"]
    for index, caller in enumerate(allowed):
        # Writes act on a copy each, so the second is not refused by the first's outcome.
        response = _call(world, route, caller, index % 2 if route.writes else 0)
        assert _succeeded(response, route), (caller, response.status_code, response.get_data(as_text=True)[:300])
