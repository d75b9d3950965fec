"""The rep inbox: escalations as a person deciding them needs to see them.

Views are frozen dataclasses (for the back-office pages and the JSON API alike). Money is
rounded to the currency; percentages to two places. What the back office cannot say
right now (a company's name, the last price paid) is left out rather than failing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...adapters import BackOfficeUnavailableError, Customer
from ...db import transaction
from ...db.models import Escalation, Event, Negotiation
from ...rules import round_money
from ..buying.told import ToldView, told_views
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import InvalidRequestError
from ..shared.prices import PriceFacts, facts_if_known
from .reps import HUNDRED, discount_pct, find_rep, staff_directory
from .staff import Reach, acting_for, reach_of, require_staff, require_visible, visible

__all__ = ["PersonRef", "CompanyRef", "LastPaidView", "SuggestionView", "RoundView",
           "DecisionView", "EscalationView", "list_escalations", "get_escalation",
           "escalation_view", "count_open", "ESCALATION_STATUSES", "person_ref", "last_paid"]

ESCALATION_STATUSES = ("open", "decided", "void", "all")
_PCT = Decimal("0.01")


@dataclass(frozen=True)
class PersonRef:
    id: str
    name: str

    def __str__(self) -> str:  # a template printing the person shows the name
        return self.name


@dataclass(frozen=True)
class CompanyRef:
    id: str
    name: str
    segment: str | None


@dataclass(frozen=True)
class LastPaidView:
    unit_price: Decimal
    quantity: int
    paid_at: datetime


@dataclass(frozen=True)
class SuggestionView:
    kind: str
    quantity: int
    unit_price: Decimal
    message: str
    explanation: str
    #: ``{"group", "option", "label"}`` each, as a rep's counter takes them; () for none
    #: (and for suggestions stored before terms were).
    terms: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class RoundView:
    round: int
    quantity: int
    target_unit_price: Decimal
    at: datetime
    outcome: str | None


@dataclass(frozen=True)
class DecisionView:
    action: str
    unit_price: Decimal | None
    quantity: int | None
    terms: tuple[dict[str, str], ...]
    rationale: str  # internal: never shown to the buyer
    decided_by: PersonRef
    decided_by_role: str
    on_behalf_of: PersonRef | None
    decided_at: datetime
    buyer_message: str | None = None  # what the buyer read with the decision, if anything
    citation_checked: bool | None = None  # did the decider check the cited competing offer


@dataclass(frozen=True)
class EscalationView:
    id: str
    negotiation_id: str
    status: str
    negotiation_status: str
    round: int
    assignee: PersonRef | None
    on_behalf_of: PersonRef | None
    created_at: datetime
    remind_at: datetime
    due_at: datetime
    overdue: bool
    reminded_at: datetime | None
    escalated_at: datetime | None
    reason: str
    buyer_id: str
    buyer_name: str | None
    company: CompanyRef
    sku: str
    quantity: int
    currency: str
    target_unit_price: Decimal
    list_price: Decimal | None
    price_for_quantity: Decimal | None
    floor: Decimal | None
    cost: Decimal | None
    #: Per unit at the target, and as a markup over cost (as floors measure margin).
    margin_at_target: Decimal | None
    margin_pct_at_target: Decimal | None
    discount_pct_at_target: Decimal | None
    #: For the viewer: may they approve the target alone, and if not, who may.
    within_authority: bool | None
    needs_approval_from: PersonRef | None
    last_price_paid: LastPaidView | None
    suggested_offer: SuggestionView | None
    rounds: tuple[RoundView, ...]
    decision: DecisionView | None
    #: What the buyer told with each round: competing offers cited, needed_by (issue 16).
    told: tuple[ToldView, ...] = ()
    #: Why the buyer let the negotiation go, if they said.
    lost_reason: str | None = None
    lost_note: str | None = None


def list_escalations(deps: Deps, actor: Actor, status: str = "open",
                     limit: int = 200, negotiation_id: str | None = None) -> list[EscalationView]:
    """What the caller may see, soonest due first; only one negotiation's if given."""
    require_staff(actor)
    if status not in ESCALATION_STATUSES:
        raise InvalidRequestError("Unknown status.", {"status": [f"One of {', '.join(ESCALATION_STATUSES)}."]})
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        reach = reach_of(session, actor, now)
        query = select(Escalation).where(visible(reach))
        if status != "all":
            query = query.where(Escalation.status == status)
        if negotiation_id is not None:
            query = query.where(Escalation.negotiation_id == negotiation_id)
        query = query.order_by(Escalation.due_at, Escalation.created_at, Escalation.id).limit(limit)
        people: dict[str, PersonRef] = {}
        rows = list(session.scalars(query))
        # Two reads for the whole page instead of two per escalation: its negotiations
        # and their rounds. Held here: the session's identity map, where escalation_view's
        # get() finds them, only keeps objects something else refers to.
        ids = [row.negotiation_id for row in rows]
        negotiations = session.scalars(select(Negotiation).where(Negotiation.id.in_(ids))
                                       .options(selectinload(Negotiation.told))).all()
        asks = _asks_of(session, ids)
        views = [escalation_view(deps, session, reach, row, now, people, asks.get(row.negotiation_id, []))
                 for row in rows]
        del negotiations
        return views


def count_open(deps: Deps, actor: Actor) -> int:
    """How many open escalations wait in the caller's inbox (what ``list_escalations``
    would list under ``open``): the back office's header shows it."""
    require_staff(actor)
    with transaction(deps.session_factory) as session:
        reach = reach_of(session, actor, deps.clock())
        query = select(func.count()).select_from(Escalation).where(
            visible(reach), Escalation.status == "open")
        return int(session.scalar(query) or 0)


def get_escalation(deps: Deps, actor: Actor, escalation_id: str) -> EscalationView:
    require_staff(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        reach = reach_of(session, actor, now)
        escalation = require_visible(reach, session.get(Escalation, escalation_id))
        return escalation_view(deps, session, reach, escalation, now)


def escalation_view(deps: Deps, session: Session, reach: Reach, escalation: Escalation,
                    now: datetime, people: dict[str, PersonRef] | None = None,
                    asks: list[Event] | None = None) -> EscalationView:
    """``asks``: the negotiation's request and counter events, when the caller has read them."""
    people = {} if people is None else people
    row = session.get(Negotiation, escalation.negotiation_id)
    assert row is not None  # a foreign key
    if asks is None:
        asks = _asks_of(session, [row.id]).get(row.id, [])
    customer = _customer(deps, session, row.company_id)
    facts = _facts(deps, session, escalation, row, customer)
    return EscalationView(
        id=escalation.id, negotiation_id=row.id, status=escalation.status,
        negotiation_status=row.status, round=escalation.round,
        assignee=person_ref(session, escalation.assignee_id, people),
        on_behalf_of=person_ref(session, escalation.on_behalf_of_id, people),
        created_at=escalation.created_at, remind_at=escalation.remind_at, due_at=escalation.due_at,
        overdue=escalation.status == "open" and now >= escalation.due_at,
        reminded_at=escalation.reminded_at, escalated_at=escalation.escalated_at,
        reason=escalation.reason, buyer_id=row.buyer_id, buyer_name=row.buyer_name,
        company=CompanyRef(row.company_id, customer.name if customer else row.company_id,
                           customer.segment if customer else escalation.segment),
        sku=row.sku, quantity=row.quantity, currency=row.currency,
        target_unit_price=round_money(row.target_unit_price, row.currency),
        **_prices(facts, row), **_authority(deps, session, reach, escalation, row, facts, people),
        last_price_paid=last_paid(deps, session, row.company_id, row.sku, row.currency),
        suggested_offer=_suggestion(escalation.suggested_offer, row.currency),
        rounds=_rounds(asks, row.currency), decision=_decision(session, escalation, row.currency, people),
        told=told_views(row), lost_reason=row.lost_reason, lost_note=row.lost_note)


def _customer(deps: Deps, session: Session, company_id: str) -> Customer | None:
    try:
        return deps.customer(session, company_id)
    except BackOfficeUnavailableError:
        return None


def _facts(deps: Deps, session: Session, escalation: Escalation, row: Negotiation,
           customer: Customer | None) -> PriceFacts | None:
    """As the engine saw them when it escalated; looked up now if it could not see them."""
    if escalation.price_for_quantity is not None and escalation.floor is not None:
        return PriceFacts(list_price=escalation.list_price or escalation.price_for_quantity,
                          price_for_quantity=escalation.price_for_quantity,
                          floor=escalation.floor, cost=escalation.cost)  # None: no cost kept
    return facts_if_known(deps, session, row.sku, customer, row.quantity)


def _money(amount: Decimal | None, currency: str) -> Decimal | None:
    return None if amount is None else round_money(amount, currency)


def _exact(amount: Decimal, currency: str) -> Decimal:
    """Costs may carry more places than prices (a unit cost of 0.7250): keep those."""
    rounded = round_money(amount, currency)
    return rounded if rounded == amount else amount.normalize()


def _pct(amount: Decimal) -> Decimal:
    return amount.quantize(_PCT)


def _prices(facts: PriceFacts | None, row: Negotiation) -> dict[str, Any]:
    if facts is None:
        return dict.fromkeys(("list_price", "price_for_quantity", "floor", "cost", "margin_at_target",
                              "margin_pct_at_target", "discount_pct_at_target"))
    cost = facts.cost  # None: the shop keeps no cost, so no margin either ("cost unknown")
    margin = None if cost is None else row.target_unit_price - cost
    return {"list_price": _money(facts.list_price, row.currency),
            "price_for_quantity": _money(facts.price_for_quantity, row.currency),
            "floor": _money(facts.floor, row.currency),
            "cost": None if cost is None else _exact(cost, row.currency),
            "margin_at_target": None if margin is None else _money(margin, row.currency),
            "margin_pct_at_target": _pct(margin / cost * HUNDRED) if margin is not None and cost else None,
            "discount_pct_at_target": _pct(discount_pct(row.target_unit_price, facts.price_for_quantity))}


def _authority(deps: Deps, session: Session, reach: Reach, escalation: Escalation,
               row: Negotiation, facts: PriceFacts | None,
               people: dict[str, PersonRef]) -> dict[str, Any]:
    if facts is None or reach.me is None or escalation.status != "open":
        return {"within_authority": None, "needs_approval_from": None}
    authority = acting_for(session, reach, escalation).authority
    discount = discount_pct(row.target_unit_price, facts.price_for_quantity)
    value = row.target_unit_price * row.quantity
    if authority.can_approve(discount, value):
        return {"within_authority": True, "needs_approval_from": None}
    approver = staff_directory(deps, session).first_approver(authority, discount, value)
    return {"within_authority": False,
            "needs_approval_from": person_ref(session, approver.id, people) if approver else None}


def person_ref(session: Session, rep_id: str | None, people: dict[str, PersonRef]) -> PersonRef | None:
    if rep_id is None:
        return None
    if rep_id not in people:
        rep = find_rep(session, rep_id)
        people[rep_id] = PersonRef(rep_id, rep.name if rep else rep_id)
    return people[rep_id]


def last_paid(deps: Deps, session: Session, company_id: str, sku: str, currency: str) -> LastPaidView | None:
    """What the company last paid for ``sku`` in ``currency``; None if unknown right now."""
    try:
        paid = deps.last_price_paid(session, company_id, sku)
    except BackOfficeUnavailableError:
        return None
    if paid is None or paid.currency != currency:
        return None
    return LastPaidView(round_money(paid.unit_price, currency), paid.quantity, paid.paid_at)


def _suggestion(data: dict[str, Any] | None, currency: str) -> SuggestionView | None:
    if not data:
        return None
    return SuggestionView(kind=data["kind"], quantity=int(data["quantity"]),
                          unit_price=round_money(Decimal(data["unit_price"]), currency),
                          message=data["message"], explanation=data["explanation"],
                          terms=tuple(dict(term) for term in data.get("terms") or ()))


def _asks_of(session: Session, negotiation_ids: list[str]) -> dict[str, list[Event]]:
    """The buyer's asks so far (request and counter events), by negotiation, oldest first."""
    events = session.scalars(select(Event).where(
        Event.negotiation_id.in_(negotiation_ids), Event.action.in_(("requested", "countered")))
        .order_by(Event.id))
    asks: dict[str, list[Event]] = {}
    for event_ in events:
        asks.setdefault(event_.negotiation_id, []).append(event_)
    return asks


def _rounds(asks: list[Event], currency: str) -> tuple[RoundView, ...]:
    return tuple(RoundView(round=int(e.detail.get("round", 1)), quantity=int(e.detail["quantity"]),
                           target_unit_price=round_money(Decimal(e.detail["target_unit_price"]), currency),
                           at=e.at, outcome=e.detail.get("outcome"))
                 for e in asks)


def _decision(session: Session, escalation: Escalation, currency: str,
              people: dict[str, PersonRef]) -> DecisionView | None:
    if escalation.decision_action is None or escalation.decided_by is None:
        return None
    decided_by = person_ref(session, escalation.decided_by, people)
    assert decided_by is not None and escalation.decided_at is not None
    return DecisionView(
        action=escalation.decision_action, unit_price=_money(escalation.decision_unit_price, currency),
        quantity=escalation.decision_quantity, terms=tuple(escalation.decision_terms or ()),
        rationale=escalation.decision_rationale or "", decided_by=decided_by,
        decided_by_role=escalation.decided_by_role or "",
        on_behalf_of=person_ref(session, escalation.decided_on_behalf_of, people),
        decided_at=escalation.decided_at, buyer_message=escalation.decision_buyer_message,
        citation_checked=escalation.decision_citation_checked)
