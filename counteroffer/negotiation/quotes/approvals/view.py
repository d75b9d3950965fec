"""A quote's escalation as the rep deciding it sees it: every line with its list price, price
for the quantity, the buyer's target, floor, cost, margin, headroom and last price paid, the
order's totals and order floor, the engine's suggested quote, and the decision once made.

Floors and costs are the rep's: nothing here reaches a buyer schema. Facts are read now
(the catalog and rules as they stand); what the back office cannot say right now is left
out (None) rather than failing, as for a line's escalation (approvals/inbox.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ....adapters import BackOfficeUnavailableError, Customer
from ....db import transaction
from ....db.quotes import Quote, QuoteEscalation, QuoteLineRow
from ....rules import round_money
from ....rules.money import round_up
from ....rules.quotes.order_rules import order_rules
from ...approvals.inbox import ESCALATION_STATUSES, CompanyRef, LastPaidView, PersonRef, last_paid, person_ref
from ...approvals.reps import HUNDRED, discount_pct, staff_directory
from ...approvals.staff import Reach, acting_for, reach_of, require_staff, require_visible, visible
from ...results.experiments import rules_for_buyer
from ...shared.actors import Actor
from ...shared.deps import Deps
from ...shared.errors import InvalidRequestError
from ...shared.prices import PriceFacts, facts_if_known
from ..records import lines_of
from ..told import QuoteToldView, quote_told_views

__all__ = ["QuoteRepLineView", "QuoteSuggestionView", "QuoteDecisionView", "QuoteEscalationView",
           "list_quote_escalations", "get_quote_escalation", "quote_escalation_view", "count_open_quotes",
           "order_floor_total"]

_PCT = Decimal("0.01")


@dataclass(frozen=True)
class QuoteRepLineView:
    position: int
    sku: str
    name: str
    quantity: int
    target_unit_price: Decimal | None
    list_price: Decimal | None
    price_for_quantity: Decimal
    floor: Decimal | None
    cost: Decimal | None
    #: Per unit at the buyer's target (else at the price for the quantity), over cost.
    margin: Decimal | None
    margin_pct: Decimal | None
    #: Per unit between the price for the quantity and the floor: what the line can give.
    headroom: Decimal | None
    last_price_paid: LastPaidView | None
    order_multiple: int = 1


@dataclass(frozen=True)
class QuoteSuggestionView:
    kind: str
    total: Decimal
    message: str
    explanation: str
    terms: tuple[dict[str, str], ...]
    #: {"sku", "quantity", "unit_price", "explanation"} each.
    lines: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class QuoteDecisionView:
    action: str
    total: Decimal | None
    lines: tuple[dict[str, Any], ...]
    terms: tuple[dict[str, str], ...]
    rationale: str  # internal: never shown to the buyer
    buyer_message: str | None
    decided_by: PersonRef
    decided_by_role: str
    on_behalf_of: PersonRef | None
    decided_at: datetime
    citation_checked: bool | None = None


@dataclass(frozen=True)
class QuoteEscalationView:
    id: str
    quote_id: str
    status: str
    quote_status: str
    round: int
    assignee: PersonRef | None
    on_behalf_of: PersonRef | None
    route: str
    created_at: datetime
    due_at: datetime
    overdue: bool
    reason: str
    buyer_id: str
    buyer_name: str | None
    company: CompanyRef
    currency: str
    cart_total: Decimal
    #: The buyer's order target as a total (None: per-line targets only) and its discount.
    target_total: Decimal | None
    discount_pct_at_target: Decimal | None
    #: The least the order may come to under ``order_floor`` (None: no such rule or cost).
    order_floor: Decimal | None
    within_authority: bool | None
    needs_approval_from: PersonRef | None
    lines: tuple[QuoteRepLineView, ...]
    suggested_quote: QuoteSuggestionView | None
    decision: QuoteDecisionView | None
    #: What the buyer told, round by round (told.py), and why they let the quote go.
    told: tuple[QuoteToldView, ...] = ()
    lost_reason: str | None = None
    lost_note: str | None = None


def list_quote_escalations(deps: Deps, actor: Actor, status: str = "open", limit: int = 200,
                           quote_id: str | None = None) -> list[QuoteEscalationView]:
    """The quotes the caller may see, soonest due first (beside the lines' inbox)."""
    require_staff(actor)
    if status not in ESCALATION_STATUSES:
        raise InvalidRequestError("Unknown status.", {"status": [f"One of {', '.join(ESCALATION_STATUSES)}."]})
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        reach = reach_of(session, actor, now)
        query = select(QuoteEscalation).where(visible(reach, QuoteEscalation))
        if status != "all":
            query = query.where(QuoteEscalation.status == status)
        if quote_id is not None:
            query = query.where(QuoteEscalation.quote_id == quote_id)
        query = query.order_by(QuoteEscalation.due_at, QuoteEscalation.created_at, QuoteEscalation.id).limit(limit)
        people: dict[str, PersonRef] = {}
        return [quote_escalation_view(deps, session, reach, row, now, people) for row in session.scalars(query)]


def count_open_quotes(deps: Deps, actor: Actor) -> int:
    require_staff(actor)
    with transaction(deps.session_factory) as session:
        reach = reach_of(session, actor, deps.clock())
        return int(session.scalar(select(func.count()).select_from(QuoteEscalation).where(
            visible(reach, QuoteEscalation), QuoteEscalation.status == "open")) or 0)


def get_quote_escalation(deps: Deps, actor: Actor, escalation_id: str) -> QuoteEscalationView:
    require_staff(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        reach = reach_of(session, actor, now)
        escalation = require_visible(reach, session.get(QuoteEscalation, escalation_id))
        return quote_escalation_view(deps, session, reach, escalation, now)


def quote_escalation_view(deps: Deps, session: Session, reach: Reach, escalation: QuoteEscalation,
                          now: datetime, people: dict[str, PersonRef] | None = None) -> QuoteEscalationView:
    people = {} if people is None else people
    row = session.get(Quote, escalation.quote_id)
    assert row is not None  # a foreign key
    customer = _customer(deps, session, row.company_id)
    lines = [line for line in lines_of(session, row.id) if line.removed_round is None]
    facts = {line.sku: facts_if_known(deps, session, line.sku, customer, line.quantity)
             if customer is not None else None for line in lines}
    target = escalation.target_total
    return QuoteEscalationView(
        id=escalation.id, quote_id=row.id, status=escalation.status, quote_status=row.status,
        round=escalation.round, assignee=person_ref(session, escalation.assignee_id, people),
        on_behalf_of=person_ref(session, escalation.on_behalf_of_id, people), route=escalation.route,
        created_at=escalation.created_at, due_at=escalation.due_at,
        overdue=escalation.status == "open" and now >= escalation.due_at, reason=escalation.reason,
        buyer_id=row.buyer_id, buyer_name=row.buyer_name,
        company=CompanyRef(row.company_id, customer.name if customer else row.company_id,
                           customer.segment if customer else None),
        currency=row.currency, cart_total=round_money(row.cart_total, row.currency),
        target_total=None if target is None else round_money(target, row.currency),
        discount_pct_at_target=_pct(discount_pct(target, row.cart_total)) if target and row.cart_total else None,
        order_floor=order_floor_total(session, row, customer, _costs(lines, facts)),
        **_authority(deps, session, reach, escalation, row, people),
        lines=tuple(_line_view(deps, session, row, line, facts[line.sku]) for line in lines),
        suggested_quote=_suggestion(escalation.suggested_quote, row.currency),
        decision=_decision(session, escalation, people), told=quote_told_views(session, row),
        lost_reason=row.lost_reason, lost_note=row.lost_note)


def order_floor_total(session: Session, row: Quote, customer: Customer | None,
                      costs: list[tuple[int, Decimal | None]] | None) -> Decimal | None:
    """The least the order may come to under the buyer's ``order_floor`` rule: a markup
    over the order's cost, from (quantity, unit cost) per line (a line without a known
    cost counts nothing, as the engine does); None without the rule, or the facts."""
    if customer is None or costs is None:
        return None
    floor = order_rules(rules_for_buyer(session, row.company_id).rules, customer.segment).floor
    if floor is None:
        return None
    cost = sum((unit_cost * quantity for quantity, unit_cost in costs if unit_cost is not None), Decimal(0))
    return round_up(cost * (1 + floor.min_margin_pct / HUNDRED), row.currency)


def _costs(lines: list[QuoteLineRow], facts: dict[str, PriceFacts | None]) -> list[tuple[int, Decimal | None]] | None:
    known = [(line.quantity, facts[line.sku]) for line in lines]
    return [(quantity, f.cost) for quantity, f in known if f is not None] if all(f for _, f in known) else None


def _customer(deps: Deps, session: Session, company_id: str) -> Customer | None:
    try:
        return deps.customer(session, company_id)
    except BackOfficeUnavailableError:
        return None


def _pct(amount: Decimal) -> Decimal:
    return amount.quantize(_PCT)


def _line_view(deps: Deps, session: Session, row: Quote, line: QuoteLineRow,
               facts: PriceFacts | None) -> QuoteRepLineView:
    currency = row.currency
    at = line.target_unit_price if line.target_unit_price is not None else line.price_for_quantity
    cost = facts.cost if facts is not None else None
    margin = None if cost is None else at - cost
    return QuoteRepLineView(
        position=line.position, sku=line.sku, name=line.name, quantity=line.quantity,
        target_unit_price=None if line.target_unit_price is None else round_money(line.target_unit_price, currency),
        list_price=round_money(facts.list_price, currency) if facts else None,
        price_for_quantity=round_money(line.price_for_quantity, currency),
        floor=round_money(facts.floor, currency) if facts else None, cost=cost,
        margin=None if margin is None else round_money(margin, currency),
        margin_pct=_pct(margin / cost * HUNDRED) if margin is not None and cost else None,
        headroom=round_money(line.price_for_quantity - facts.floor, currency) if facts else None,
        last_price_paid=last_paid(deps, session, row.company_id, line.sku, currency),
        order_multiple=facts.order_multiple if facts else 1)


def _authority(deps: Deps, session: Session, reach: Reach, escalation: QuoteEscalation, row: Quote,
               people: dict[str, PersonRef]) -> dict[str, Any]:
    """May the viewer approve the buyer's order target alone, and if not, who may."""
    target = escalation.target_total
    if target is None or not row.cart_total or reach.me is None or escalation.status != "open":
        return {"within_authority": None, "needs_approval_from": None}
    authority = acting_for(session, reach, escalation).authority
    discount = discount_pct(target, row.cart_total)
    if authority.can_approve(discount, target):
        return {"within_authority": True, "needs_approval_from": None}
    approver = staff_directory(deps, session).first_approver(authority, discount, target)
    return {"within_authority": False,
            "needs_approval_from": person_ref(session, approver.id, people) if approver else None}


def _suggestion(data: dict[str, Any] | None, currency: str) -> QuoteSuggestionView | None:
    if not data:
        return None
    return QuoteSuggestionView(
        kind=data["kind"], total=round_money(Decimal(data["total"]), currency), message=data["message"],
        explanation=data["explanation"], terms=tuple(dict(t) for t in data.get("terms") or ()),
        lines=tuple(dict(line) for line in data.get("lines") or ()))


def _decision(session: Session, escalation: QuoteEscalation, people: dict[str, PersonRef]) -> QuoteDecisionView | None:
    if escalation.decision_action is None or escalation.decided_by is None or escalation.decided_at is None:
        return None
    decided_by = person_ref(session, escalation.decided_by, people)
    assert decided_by is not None
    return QuoteDecisionView(
        action=escalation.decision_action, total=escalation.decision_total,
        lines=tuple(dict(line) for line in escalation.decision_lines or ()),
        terms=tuple(dict(t) for t in escalation.decision_terms or ()),
        rationale=escalation.decision_rationale or "", buyer_message=escalation.decision_buyer_message,
        decided_by=decided_by, decided_by_role=escalation.decided_by_role or "",
        on_behalf_of=person_ref(session, escalation.decided_on_behalf_of, people), decided_at=escalation.decided_at,
        citation_checked=escalation.decision_citation_checked)
