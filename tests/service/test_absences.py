"""Out of office, set by the reps themselves: who may set, see, end and cancel which
delegation, and that routing follows the change at once (tests/approvals.py's people:
Max manages Rita, Dana, Pete and Wes; Acme's requests go to Rita)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from counteroffer.negotiation import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from counteroffer.negotiation.approvals.absences import add_delegation, end_delegation, list_delegations
from counteroffer.negotiation.approvals.escalations import list_escalations
from tests.approvals import ANN, DANA, MAX, PETE, RITA, escalate
from tests.conftest import BUYER_ACME
from tests.service.test_approvals import approvals, deps  # noqa: F401 - the same people, as fixtures

pytestmark = pytest.mark.usefixtures("approvals")


def week(clock, days_from_now: int = 0, length: int = 7):  # noqa: ANN001, ANN201
    start = clock() + timedelta(days=days_from_now)
    return start, start + timedelta(days=length)


def test_a_rep_sets_her_own_and_new_escalations_go_to_the_delegate_at_once(deps, clock):
    away = add_delegation(deps, RITA, "dana@seller", *week(clock))
    assert (away.rep_name, away.delegate_name, away.status, away.can_end) == (
        "Rita Reyes", "Dana Diaz", "current", True)
    escalate(deps, ANN)
    [for_dana] = list_escalations(deps, DANA)
    assert (for_dana.assignee.name, for_dana.on_behalf_of.name) == ("Dana Diaz", "Rita Reyes")
    # Dana sees it too, as the delegate, but it is Rita's to end.
    [seen] = list_delegations(deps, DANA)
    assert (seen.id, seen.can_end) == (away.id, False)
    with pytest.raises(ForbiddenError):
        end_delegation(deps, DANA, away.id)


def test_ending_a_current_one_moves_its_end_to_now_and_routing_comes_back(deps, clock):
    away = add_delegation(deps, RITA, "dana@seller", *week(clock))
    clock.advance(hours=2)
    ended = end_delegation(deps, RITA, away.id)
    assert (ended.status, ended.ends_at) == ("over", clock())
    assert list_delegations(deps, RITA) == []
    escalate(deps, ANN)
    assert [e.assignee.name for e in list_escalations(deps, RITA)] == ["Rita Reyes"]
    with pytest.raises(ConflictError, match="already over"):
        end_delegation(deps, RITA, away.id)


def test_cancelling_one_that_has_not_started_removes_it(deps, clock):
    later = add_delegation(deps, RITA, "pete@seller", *week(clock, days_from_now=14))
    assert later.status == "upcoming"
    assert end_delegation(deps, RITA, later.id).status == "cancelled"
    assert list_delegations(deps, RITA) == []
    with pytest.raises(NotFoundError):
        end_delegation(deps, RITA, later.id)
    # The same weeks are free again.
    assert add_delegation(deps, RITA, "dana@seller", *week(clock, days_from_now=14)).status == "upcoming"


def test_a_manager_sets_and_ends_them_for_reports_a_rep_only_for_herself(deps, clock):
    for_dana = add_delegation(deps, MAX, "pete@seller", *week(clock), rep_id="dana@seller")
    assert {d.id for d in list_delegations(deps, MAX)} == {for_dana.id}
    assert list_delegations(deps, RITA) == []  # neither hers nor one she stands in for
    with pytest.raises(ForbiddenError, match="yourself and for your reports"):
        add_delegation(deps, RITA, "pete@seller", *week(clock), rep_id="dana@seller")
    with pytest.raises(NotFoundError):
        end_delegation(deps, RITA, for_dana.id)
    assert end_delegation(deps, MAX, for_dana.id).status == "over"
    for outsider in (ANN, BUYER_ACME):
        with pytest.raises(ForbiddenError):
            list_delegations(deps, outsider)


@pytest.mark.parametrize(("delegate", "days", "length", "field"), [
    ("rita@seller", 0, 7, "delegate_id"),    # herself
    ("nobody@seller", 0, 7, "delegate_id"),  # not a rep
    ("dana@seller", 0, 0, "ends_at"),        # ends as it starts
    ("dana@seller", -9, 7, "ends_at"),       # already over
])
def test_a_delegation_that_does_not_add_up_is_refused_naming_the_field(deps, clock, delegate, days,
                                                                          length, field):
    with pytest.raises(InvalidRequestError) as refused:
        add_delegation(deps, RITA, delegate, *week(clock, days, length))
    assert field in refused.value.fields
    assert list_delegations(deps, RITA) == []


def test_overlapping_delegations_are_refused_back_to_back_ones_are_not(deps, clock):
    first = add_delegation(deps, RITA, "dana@seller", *week(clock))
    with pytest.raises(ConflictError, match="already has someone standing in"):
        add_delegation(deps, RITA, "pete@seller", *week(clock, days_from_now=3))
    after = add_delegation(deps, RITA, "pete@seller", first.ends_at, first.ends_at + timedelta(days=2))
    assert [d.delegate_name for d in list_delegations(deps, RITA)] == ["Dana Diaz", "Pete Park"]
    assert after.status == "upcoming"
    assert PETE.id == after.delegate_id
