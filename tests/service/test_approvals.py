"""The approval workflow's use cases on SQLite and PostgreSQL: routing, authority,
delegation, decisions and what the buyer sees of them."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from counteroffer.db import transaction
from counteroffer.db.models import Deal, Escalation, Event, OutboxMessage
from counteroffer.negotiation import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    accept_offer,
    counter,
    escalate,
    get_negotiation,
    request_price,
    withdraw,
)
from counteroffer.negotiation.approvals.escalations import (
    BeyondAuthorityError,
    decide_escalation,
    get_escalation,
    list_escalations,
)
from tests.approvals import ANN, DANA, GUS, IDA, MAX, PETE, RITA, WES, seed_approvals
from tests.approvals import escalate as ask
from tests.conftest import BUYER_ACME

pytestmark = pytest.mark.usefixtures("approvals")


@pytest.fixture
def approvals(app):
    with app.app_context():
        seed_approvals(app.extensions["counteroffer"])
        yield


@pytest.fixture
def deps(app):
    return app.extensions["counteroffer"].deps


def stored(deps, model, **where):
    with transaction(deps.session_factory) as session:
        return list(session.scalars(select(model).filter_by(**where).order_by(*model.__mapper__.primary_key)))


def only_escalation(deps, actor):
    [escalation] = list_escalations(deps, actor)
    return escalation


# -- routing ----------------------------------------------------------------------------


def test_an_escalation_goes_to_the_account_owner_found_by_email(deps, clock):
    request = ask(deps)
    escalation = only_escalation(deps, RITA)
    assert (escalation.negotiation_id, escalation.assignee.id, escalation.on_behalf_of) == (
        request.id, "rita@seller", None)
    assert (escalation.company.name, escalation.company.segment, escalation.buyer_name) == (
        "Acme Corp", "wholesale", "Ann Archer")
    assert (escalation.list_price, escalation.price_for_quantity, escalation.floor, escalation.cost) == (
        Decimal("120.00"), Decimal("120.00"), Decimal("96.00"), Decimal("80.00"))
    assert (escalation.margin_at_target, escalation.discount_pct_at_target) == (Decimal("10.00"), Decimal("25.00"))
    assert escalation.due_at == clock.now + timedelta(hours=24)
    assert [(r.round, r.quantity, r.target_unit_price, r.outcome) for r in escalation.rounds] == [
        (1, 1000, Decimal("90.00"), "escalate")]
    [assigned] = stored(deps, Event, action="assigned")
    assert assigned.detail["route"] == "account owner" and assigned.actor_role == "system"


def test_without_an_owner_the_category_pool_takes_it_then_the_region_pool(deps):
    ask(deps, GUS)  # hydraulics: Pete's pool
    ask(deps, GUS, quantity=100, target="14.50", sku="GLOVE-50")  # safety: no pool, Globex is west
    assert [e.sku for e in list_escalations(deps, PETE)] == ["DEMO-120"]
    assert [e.sku for e in list_escalations(deps, WES)] == ["GLOVE-50"]
    assert [e.detail["route"] for e in stored(deps, Event, action="assigned")] == ["pool", "pool"]


def test_an_escalation_nobody_can_be_routed_to_is_seen_by_managers(deps):
    ask(deps, IDA, quantity=100, target="14.50", sku="GLOVE-50")
    [escalation] = list_escalations(deps, MAX)
    assert escalation.assignee is None
    assert list_escalations(deps, RITA) == list_escalations(deps, WES) == []


def test_beyond_the_owners_authority_it_goes_up_the_approval_chain(deps):
    ask(deps, quantity=2000)  # 180,000.00: above Rita's 100,000.00
    assert list_escalations(deps, RITA) == []
    assert only_escalation(deps, MAX).assignee.id == "max@seller"
    [assigned] = stored(deps, Event, action="assigned")
    assert assigned.detail["route"] == "account owner, then up the approval chain"


def test_while_the_owner_is_away_her_delegate_gets_it_on_her_behalf(app, deps, clock):
    extension = app.extensions["counteroffer"]
    extension.save_delegation("rita@seller", "dana@seller", clock.now - timedelta(hours=1),
                              clock.now + timedelta(days=2))
    away = ask(deps)
    clock.advance(days=3)  # Rita is back: new escalations are hers again
    back = ask(deps, target="91.00")
    mine = {e.negotiation_id: e for e in list_escalations(deps, RITA)}
    assert set(mine) == {away.id, back.id}  # she sees what Dana holds for her too
    for_dana = only_escalation(deps, DANA)
    assert (for_dana.negotiation_id, for_dana.assignee.id, for_dana.on_behalf_of.id) == (
        away.id, "dana@seller", "rita@seller")
    assert mine[back.id].on_behalf_of is None


def test_a_delegate_decides_with_the_absent_reps_authority_and_the_audit_names_both(app, deps, clock):
    app.extensions["counteroffer"].save_delegation(
        "rita@seller", "dana@seller", clock.now, clock.now + timedelta(days=1))
    ask(deps)  # 25% off: beyond Dana's own 20%, within Rita's 26%
    decided = decide_escalation(deps, DANA, only_escalation(deps, DANA).id, "approve", "Rita's call, agreed by phone")
    assert (decided.decision.decided_by.id, decided.decision.on_behalf_of.id) == ("dana@seller", "rita@seller")
    [event] = stored(deps, Event, action="approved")
    assert (event.actor_id, event.actor_role, event.detail["on_behalf_of"]) == ("dana@seller", "rep", "rita@seller")
    assert event.detail["rationale"] == "Rita's call, agreed by phone"


def test_a_delegation_needs_reps_and_an_end_after_its_start(app, clock):
    extension = app.extensions["counteroffer"]
    with pytest.raises(ValueError, match="not a rep"):
        extension.save_delegation("rita@seller", "nobody", clock.now, clock.now + timedelta(days=1))
    with pytest.raises(ValueError, match="end after the start"):
        extension.save_delegation("rita@seller", "dana@seller", clock.now, clock.now)
    extension.save_delegation("rita@seller", "dana@seller", clock.now, clock.now + timedelta(days=2))
    with pytest.raises(ValueError, match="already has a delegation"):
        extension.save_delegation("rita@seller", "wes@seller", clock.now + timedelta(days=1),
                                  clock.now + timedelta(days=3))


def test_reps_with_a_manager_who_is_not_a_rep_or_a_loop_are_refused(app):
    from counteroffer import Rep

    extension = app.extensions["counteroffer"]
    with pytest.raises(ValueError, match="not a rep"):
        extension.save_reps([Rep("zed@seller", "Zed", manager_id="ghost@seller")])
    with pytest.raises(ValueError, match="loops"):
        extension.save_reps([Rep("max@seller", "Max Moreno", manager_id="rita@seller",
                                 max_discount_pct=Decimal("40"))])
    with pytest.raises(ValueError, match="0 to 100"):
        extension.save_reps([Rep("zed@seller", "Zed", max_discount_pct=Decimal("101"))])


# -- decisions --------------------------------------------------------------------------


def test_approving_gives_the_buyer_a_deal_at_their_target_and_a_note(deps):
    request = ask(deps)
    decided = decide_escalation(deps, RITA, only_escalation(deps, RITA).id, "approve", "Loyal account")
    assert (decided.status, decided.negotiation_status) == ("decided", "accepted")
    seen = get_negotiation(deps, ANN, request.id)
    assert (seen.status, seen.deal.unit_price, seen.deal.quantity) == ("accepted", Decimal("90.00"), 1000)
    assert seen.note == "Rita Reyes of our sales team approved $90.00 each for 1,000 units."
    [deal] = stored(deps, Deal)
    assert deal.token == seen.deal.token
    topics = [m.topic for m in stored(deps, OutboxMessage)]
    assert topics.count("deal.created") == 1


def test_a_counter_is_an_offer_the_buyer_can_accept(deps):
    request = ask(deps)
    decided = decide_escalation(deps, RITA, only_escalation(deps, RITA).id, "counter", "Meet halfway",
                                unit_price=Decimal("93.00"), quantity=1050,
                                terms=[{"group": "payment", "option": "net10", "label": "pay within 10 days"}])
    assert (decided.decision.unit_price, decided.decision.quantity) == (Decimal("93.00"), 1050)
    seen = get_negotiation(deps, ANN, request.id)
    [offer] = seen.offers
    assert (seen.status, offer.kind, offer.unit_price, offer.quantity) == ("countered", "rep", Decimal("93.00"), 1050)
    assert offer.terms == ({"group": "payment", "option": "net10", "label": "pay within 10 days"},)
    assert seen.note == "Rita Reyes of our sales team offers $93.00 each for 1,050 units."
    deal = accept_offer(deps, ANN, offer.id)
    assert (deal.unit_price, deal.quantity, deal.terms) == (Decimal("93.00"), 1050, offer.terms)


def test_rejecting_declines_the_request(deps):
    request = ask(deps)
    decide_escalation(deps, RITA, only_escalation(deps, RITA).id, "reject", "Copper prices are up")
    seen = get_negotiation(deps, ANN, request.id)
    assert (seen.status, seen.offers) == ("declined", ())
    assert seen.note == "Rita Reyes of our sales team could not agree to $90.00 each."


@pytest.mark.parametrize("rationale", ["", "   "])
def test_a_decision_needs_a_rationale_and_without_one_nothing_changes(deps, rationale):
    ask(deps)
    escalation = only_escalation(deps, RITA)
    with pytest.raises(InvalidRequestError) as error:
        decide_escalation(deps, RITA, escalation.id, "approve", rationale)
    assert error.value.fields == {"rationale": ["Required."]}
    assert only_escalation(deps, RITA).status == "open"


@pytest.mark.parametrize("action, extra, field", [
    ("counter", {}, "unit_price"),
    ("approve", {"unit_price": Decimal("95.00")}, "unit_price"),
    ("reject", {"quantity": 10}, "quantity"),
    ("counter", {"unit_price": Decimal("95.001")}, "unit_price"),
    ("counter", {"unit_price": Decimal("121.00")}, "unit_price"),
])
def test_a_decision_that_does_not_add_up_is_422(deps, action, extra, field):
    ask(deps)
    with pytest.raises(InvalidRequestError) as error:
        decide_escalation(deps, RITA, only_escalation(deps, RITA).id, action, "why", **extra)
    assert field in error.value.fields


def test_beyond_authority_is_refused_naming_who_can_approve_and_they_can(deps):
    ask(deps)
    escalation = only_escalation(deps, RITA)
    with pytest.raises(BeyondAuthorityError) as error:
        decide_escalation(deps, RITA, escalation.id, "counter", "Big order coming", unit_price=Decimal("85.00"))
    assert error.value.status == 403
    assert error.value.message == ("29.2% off on a deal of $85,000.00 is beyond your authority (26% off, "
                                   "deals up to $100,000.00); Max Moreno (max@seller) can approve it.")
    # Max manages Rita: he sees her escalations and decides with his own authority.
    decided = decide_escalation(deps, MAX, escalation.id, "counter", "Big order coming", unit_price=Decimal("85.00"))
    assert (decided.decision.decided_by.id, decided.decision.decided_by_role) == ("max@seller", "manager")


def test_a_rep_may_go_below_the_floor_within_her_authority(deps):
    ask(deps)
    decided = decide_escalation(deps, RITA, only_escalation(deps, RITA).id, "counter", "Strategic",
                                unit_price=Decimal("92.00"))  # floor 96.00
    assert decided.decision.unit_price == Decimal("92.00")


def test_only_one_decision_stands(deps):
    ask(deps)
    escalation = only_escalation(deps, RITA)
    decide_escalation(deps, RITA, escalation.id, "reject", "No")
    with pytest.raises(ConflictError, match="already decided by Rita Reyes"):
        decide_escalation(deps, MAX, escalation.id, "approve", "Yes")


@pytest.mark.parametrize("change", ["counter", "withdraw"])
def test_when_the_buyer_changes_the_request_the_escalation_is_void(deps, change):
    request = ask(deps)
    escalation = only_escalation(deps, RITA)
    if change == "counter":
        counter(deps, ANN, request.id, Decimal("91.00"))  # escalates again: a new escalation
    else:
        withdraw(deps, ANN, request.id)
    with pytest.raises(ConflictError, match="void: the buyer changed the request"):
        decide_escalation(deps, RITA, escalation.id, "approve", "Fine")
    assert get_escalation(deps, RITA, escalation.id).status == "void"
    assert sorted(e.status for e in stored(deps, Escalation)) == (
        ["open", "void"] if change == "counter" else ["void"])


def test_accepting_an_offer_still_on_the_table_voids_the_escalation(deps):
    offered = request_price(deps, ANN, "DEMO-120", 900, Decimal("110.00"), "USD")  # a volume offer
    waiting = escalate(deps, ANN, offered.id)  # the buyer asks for a person; the offer stays
    escalation = only_escalation(deps, RITA)
    accept_offer(deps, ANN, waiting.offers[0].id)
    assert get_escalation(deps, RITA, escalation.id).status == "void"
    why = "accepted an offer still on the table"
    [voided] = stored(deps, OutboxMessage, topic="escalation.voided")  # the worker tells Rita
    assert (voided.business_key, voided.payload["why"]) == (f"voided:{escalation.id}", why)
    [hook] = stored(deps, OutboxMessage, business_key=f"webhook:escalation.void:{escalation.id}")
    assert hook.payload["data"]["negotiation_status"] == "accepted"
    [event] = stored(deps, Event, action="escalation_void")
    assert event.detail == {"escalation_id": escalation.id, "why": why}
    with pytest.raises(ConflictError, match="void"):
        decide_escalation(deps, RITA, escalation.id, "reject", "Too late")


# -- who sees what ----------------------------------------------------------------------


def test_buyers_and_other_reps_cannot_see_or_decide(deps):
    ask(deps)
    escalation = only_escalation(deps, RITA)
    for buyer in (ANN, BUYER_ACME):
        with pytest.raises(ForbiddenError):
            list_escalations(deps, buyer)
        with pytest.raises(ForbiddenError):
            decide_escalation(deps, buyer, escalation.id, "approve", "me")
    assert list_escalations(deps, PETE) == []
    with pytest.raises(NotFoundError):
        get_escalation(deps, PETE, escalation.id)
    with pytest.raises(NotFoundError):
        decide_escalation(deps, PETE, escalation.id, "approve", "me")
    assert only_escalation(deps, RITA).status == "open"


def test_the_inbox_is_ordered_by_due_time_and_filtered_by_status(app, deps, clock):
    first = ask(deps)
    clock.advance(hours=1)
    second = ask(deps, target="91.00")
    assert [e.negotiation_id for e in list_escalations(deps, RITA)] == [first.id, second.id]
    decide_escalation(deps, RITA, list_escalations(deps, RITA)[0].id, "reject", "No")
    assert [e.negotiation_id for e in list_escalations(deps, RITA, "decided")] == [first.id]
    assert [e.negotiation_id for e in list_escalations(deps, RITA, "all")] == [first.id, second.id]
    with pytest.raises(InvalidRequestError):
        list_escalations(deps, RITA, "pending")


def _statements_listing(deps, actor, status="open"):  # noqa: ANN001, ANN202
    from sqlalchemy import event

    counted = []
    engine = deps.session_factory.kw["bind"]
    listener = lambda *args: counted.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        views = list_escalations(deps, actor, status)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return views, len(counted)


def test_the_inbox_reads_the_same_number_of_statements_for_two_escalations_or_eight(deps, clock):
    for n in range(2):
        ask(deps, target=f"9{n}.00")
    two, reads_for_two = _statements_listing(deps, RITA)
    for n in range(6):
        clock.advance(minutes=1)
        request = ask(deps, target=f"9{n % 2}.{n:02d}")
        counter(deps, ANN, request.id, Decimal("91.50"))  # a second round for the inbox to show
    eight, reads_for_eight = _statements_listing(deps, RITA)
    assert (len(two), len(eight)) == (2, 8)
    assert reads_for_eight == reads_for_two, "one read per escalation crept back in"
    assert all(len(view.rounds) == 2 for view in eight[2:])  # the rounds are still each its own
    assert [round_.target_unit_price for round_ in eight[-1].rounds] == [Decimal("91.05"), Decimal("91.50")]


def test_a_later_automatic_round_never_goes_above_a_reps_counter(app, deps):
    request = ask(deps)
    app.extensions["counteroffer"].save_rule(
        "concession", {"max_discount_pct": "10", "first_position_pct": "25", "rounds": 3}, sku="DEMO-120")
    # 900 units keep the deal within Rita's $100,000 limit.
    decide_escalation(deps, RITA, only_escalation(deps, RITA).id, "counter", "Meet halfway",
                      unit_price=Decimal("110.00"), quantity=900)
    # The rules alone would concede only to 112.50 in round 2; the rep already said 110.00.
    again = counter(deps, ANN, request.id, Decimal("100.00"))
    concessions = [o.unit_price for o in again.offers if o.kind == "concession"]
    assert concessions == [Decimal("110.00")]
