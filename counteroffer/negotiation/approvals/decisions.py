"""A person decides an escalation: approve the buyer's target, counter, or reject.

One transaction: the negotiation row is locked first (the order the buyer's own actions
lock in, so the two never deadlock), then the escalation. Whoever comes second finds it
decided (or void, if the buyer changed the request) and gets a 409.

Authority: approving or countering is refused (403) beyond the decider's limits, naming
the first person up the approval chain who may approve it. Within their limits a rep may
go below the engine's floor: that is why the request came to a person. Rejecting needs
no authority.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Escalation, Negotiation, Offer
from ...db.quotes import QuoteEscalation
from ...rules import has_valid_places, places_message
from ...rules.messages import format_money
from ..buying.deals import make_deal
from ..results.result_facts import record_person_decision
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError, unavailable_as_503
from ..shared.idempotency import Claim, remembered
from ..shared.prices import PriceFacts, price_facts
from ..shared.records import new_id, offers_of, record_event
from ..shared.states import OfferStatus, Status
from ..shared.stock import require_stock_for_request
from .inbox import EscalationView, escalation_view
from .notices import buyer_note, tell_decision
from .reps import Rep, discount_pct, find_rep, staff_directory
from .staff import Acting, acting_for, reach_of, require_staff, require_visible

__all__ = ["decide_escalation", "BeyondAuthorityError", "DECISION_ACTIONS", "REP_OFFER_KIND",
           "MAX_BUYER_MESSAGE", "authority_limits", "require_open"]

DECISION_ACTIONS = ("approve", "counter", "reject")
#: The kind of an offer a person made (the engine's kinds are volume, price, terms...).
REP_OFFER_KIND = "rep"
MAX_BUYER_MESSAGE = 1000
PRICE_UNAVAILABLE = "This product's price cannot be checked right now; nothing has changed. Try again shortly."


class BeyondAuthorityError(ForbiddenError):
    code = "beyond_authority"


@dataclass(frozen=True)
class _Proposal:
    action: str
    unit_price: Decimal
    quantity: int
    terms: tuple[dict[str, str], ...]
    rationale: str
    buyer_message: str | None = None
    #: Whether the decider checked the competing offer the buyer cited (None: not said).
    citation_checked: bool | None = None


def decide_escalation(deps: Deps, actor: Actor, escalation_id: str, action: str, rationale: str,
                      unit_price: Decimal | None = None, quantity: int | None = None,
                      terms: Sequence[dict[str, str]] | None = None,
                      idempotency: Claim | None = None, buyer_message: str | None = None,
                      citation_checked: bool | None = None) -> EscalationView:
    """``rationale`` is internal (the inbox, the audit trail); ``buyer_message``, if any,
    is what the buyer reads with the decision, in the widget and the e-mail."""
    require_staff(actor)
    _check_shape(action, rationale, unit_price, quantity, terms)
    message = _message(buyer_message)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row, escalation = _locked(session, escalation_id)
        reach = reach_of(session, actor, now)
        require_visible(reach, escalation)
        acting = acting_for(session, reach, escalation)
        require_open(session, escalation)
        proposal = replace(_proposal(row, action, rationale.strip(), unit_price, quantity, terms),
                           buyer_message=message, citation_checked=citation_checked)
        if action != "reject":
            _require_authority(deps, session, acting, proposal, _facts(deps, session, row, proposal),
                               row.currency)
        _carry_out(deps, session, row, escalation, proposal, actor, acting, now)
        return remembered(session, idempotency, now,
                          escalation_view(deps, session, reach, escalation, now))


def _check_shape(action: str, rationale: str, unit_price: Decimal | None, quantity: int | None,
                 terms: Sequence[dict[str, str]] | None) -> None:
    if action not in DECISION_ACTIONS:
        raise InvalidRequestError("Unknown action.", {"action": ["One of approve, counter, reject."]})
    if not rationale or not rationale.strip():
        raise InvalidRequestError("Say why: a rationale is required.", {"rationale": ["Required."]})
    if action == "counter" and unit_price is None:
        raise InvalidRequestError("A counter needs a unit price.", {"unit_price": ["Required to counter."]})
    extra = {"unit_price": unit_price, "quantity": quantity, "terms": terms}
    given = sorted(name for name, value in extra.items() if value is not None)
    if action != "counter" and given:
        message = f"{action} takes the buyer's own price and quantity; counter to change them."
        raise InvalidRequestError(message, {name: [message] for name in given})


def _message(buyer_message: str | None) -> str | None:
    message = (buyer_message or "").strip()
    if len(message) > MAX_BUYER_MESSAGE:
        text = f"At most {MAX_BUYER_MESSAGE:,} characters."
        raise InvalidRequestError(text, {"buyer_message": [text]})
    return message or None


def _locked(session: Session, escalation_id: str) -> tuple[Negotiation, Escalation]:
    negotiation_id = session.scalar(select(Escalation.negotiation_id).where(Escalation.id == escalation_id))
    if negotiation_id is None:
        raise NotFoundError("No such escalation.")
    row = session.scalars(select(Negotiation).where(Negotiation.id == negotiation_id)
                          .with_for_update().execution_options(populate_existing=True)).one()
    escalation = session.scalars(select(Escalation).where(Escalation.id == escalation_id)
                                 .with_for_update().execution_options(populate_existing=True)).one()
    return row, escalation


def require_open(session: Session, escalation: Escalation | QuoteEscalation, what: str = "This escalation",
                 changed: str = "the buyer changed the request") -> None:
    """409 unless still open: void (the buyer moved first), or decided, naming by whom."""
    if escalation.status == "void":
        raise ConflictError(f"{what} is void: {changed}.")
    if escalation.status != "open":
        decider = find_rep(session, escalation.decided_by)
        who = decider.name if decider else escalation.decided_by
        raise ConflictError(f"{what} was already decided by {who} ({escalation.decision_action}).")


def _proposal(row: Negotiation, action: str, rationale: str, unit_price: Decimal | None,
              quantity: int | None, terms: Sequence[dict[str, str]] | None) -> _Proposal:
    if action != "counter":
        return _Proposal(action, row.target_unit_price, row.quantity, (), rationale)
    assert unit_price is not None  # checked by _check_shape
    if not has_valid_places(unit_price, row.currency):
        message = places_message(row.currency)
        raise InvalidRequestError(message, {"unit_price": [message]})
    return _Proposal(action, unit_price, quantity or row.quantity, tuple(terms or ()), rationale)


def _facts(deps: Deps, session: Session, row: Negotiation, proposal: _Proposal) -> PriceFacts:
    """Today's prices for the decided quantity: authority is measured against them."""
    with unavailable_as_503(PRICE_UNAVAILABLE):
        item = deps.catalog_item(session, row.sku)
        customer = deps.customer(session, row.company_id)
    if item is None:
        raise ConflictError("This product is no longer sold.")
    if proposal.action == "counter":  # an approval is the buyer's own ask, checked at its deal
        require_stock_for_request(item, proposal.quantity)
    facts = price_facts(deps, session, item, customer.segment if customer else None, proposal.quantity)
    if proposal.quantity % facts.order_multiple:
        message = f"{row.sku} is sold in multiples of {facts.order_multiple}."
        raise InvalidRequestError(message, {"quantity": [message]})
    if proposal.action == "counter" and proposal.unit_price > facts.price_for_quantity:
        message = (f"A counter above the price for this quantity "
                   f"({format_money(facts.price_for_quantity, row.currency)}) gives the buyer nothing.")
        raise InvalidRequestError(message, {"unit_price": [message]})
    return facts


def _require_authority(deps: Deps, session: Session, acting: Acting, proposal: _Proposal,
                       facts: PriceFacts, currency: str) -> None:
    discount = discount_pct(proposal.unit_price, facts.price_for_quantity)
    value = proposal.unit_price * proposal.quantity
    holder = acting.authority
    if holder.can_approve(discount, value):
        return
    # The limits checked above are read fresh; the directory only names who could approve.
    approver = staff_directory(deps, session).first_approver(holder, discount, value)
    limits = authority_limits(holder, acting, currency)
    asked = f"{discount.quantize(Decimal('0.1'))}% off on a deal of {format_money(value, currency)}"
    if approver is None:
        message = f"{asked} is beyond {limits}, and beyond everyone up the approval chain."
    else:
        message = f"{asked} is beyond {limits}; {approver.name} ({approver.id}) can approve it."
    raise BeyondAuthorityError(message, {"unit_price": [message]})


def authority_limits(holder: Rep, acting: Acting, currency: str) -> str:
    whose = f"{holder.name}'s authority" if acting.on_behalf_of else "your authority"
    deal = holder.max_deal_value
    value = f", deals up to {format_money(deal, currency)}" if deal is not None else ""
    return f"{whose} ({holder.max_discount_pct.normalize():f}% off{value})"


def _carry_out(deps: Deps, session: Session, row: Negotiation, escalation: Escalation,
               proposal: _Proposal, actor: Actor, acting: Acting, now: datetime) -> None:
    before = row.status
    decider = find_rep(session, actor.id)
    name = decider.name if decider else actor.name or actor.id
    note = buyer_note(proposal.action, name, proposal.unit_price, proposal.quantity, row.currency)
    note += _what_happens_to_held(session, row, proposal)
    if proposal.buyer_message:  # the buyer's words; the rationale stays in the audit trail
        note += f" {name} writes: “{proposal.buyer_message}”"
    _record_decision(escalation, proposal, actor, acting, now)
    record_person_decision(session, row, escalation, now)  # results (docs/results.md)
    row.buyer_note, row.updated_at = note, now
    detail: dict[str, Any] = {"escalation_id": escalation.id, "rationale": proposal.rationale,
                              "on_behalf_of": acting.on_behalf_of.id if acting.on_behalf_of else None}
    if proposal.buyer_message:
        detail["buyer_message"] = proposal.buyer_message
    if proposal.citation_checked is not None:
        detail["citation_checked"] = proposal.citation_checked
    if proposal.action == "approve":
        offer = _rep_offer(session, row, proposal, now + timedelta(hours=deps.policy.offer_validity_hours), note)
        make_deal(deps, session, row, offer, actor, now, action="approved", **detail)
    else:
        _counter_or_reject(session, row, proposal, note, before, actor, now, deps, detail)
    tell_decision(session, escalation, row, note, now)


def _what_happens_to_held(session: Session, row: Negotiation, proposal: _Proposal) -> str:
    """Offers the buyer holds stay theirs until they expire or the buyer withdraws (issue
    23): a person's counter is one more offer beside them, a rejection answers the ask,
    not them. Say so where the buyer reads the decision (widget and e-mail)."""
    if proposal.action == "approve" or not _holds_offers(session, row):
        return ""
    return " The offers you held before still stand until they expire."


def _holds_offers(session: Session, row: Negotiation) -> bool:
    return any(o.status == OfferStatus.OPEN for o in offers_of(session, row.id))


def _counter_or_reject(session: Session, row: Negotiation, proposal: _Proposal, note: str,
                       before: str, actor: Actor, now: datetime, deps: Deps, detail: dict[str, Any]) -> None:
    if proposal.action == "counter":
        expires_at = now + timedelta(hours=deps.policy.offer_validity_hours)
        offer = _rep_offer(session, row, proposal, expires_at, note)
        row.status = Status.COUNTERED.value
        record_event(session, row, actor, "rep_countered", before, now, offer_id=offer.id,
                     unit_price=proposal.unit_price, quantity=proposal.quantity,
                     terms=list(proposal.terms) or None, **detail)
    else:
        # The ask is rejected; offers still held keep the negotiation open for them.
        row.status = (Status.COUNTERED if _holds_offers(session, row) else Status.DECLINED).value
        record_event(session, row, actor, "rejected", before, now, **detail)


def _rep_offer(session: Session, row: Negotiation, proposal: _Proposal, expires_at: datetime,
               message: str) -> Offer:
    offer = Offer(id=new_id(), negotiation_id=row.id, round=row.round, kind=REP_OFFER_KIND,
                  sku=row.sku, quantity=proposal.quantity, unit_price=proposal.unit_price,
                  currency=row.currency, status=OfferStatus.OPEN.value, expires_at=expires_at,
                  message=message, explanation=proposal.rationale,
                  terms=list(proposal.terms) or None, created_at=row.updated_at)
    session.add(offer)
    return offer


def _record_decision(escalation: Escalation, proposal: _Proposal, actor: Actor, acting: Acting,
                     now: datetime) -> None:
    escalation.status, escalation.decided_at = "decided", now
    escalation.decision_action, escalation.decision_rationale = proposal.action, proposal.rationale
    escalation.decision_buyer_message = proposal.buyer_message
    escalation.decision_citation_checked = proposal.citation_checked
    if proposal.action != "reject":
        escalation.decision_unit_price, escalation.decision_quantity = proposal.unit_price, proposal.quantity
        escalation.decision_terms = list(proposal.terms) or None
    escalation.decided_by, escalation.decided_by_role = actor.id, actor.role
    escalation.decided_on_behalf_of = acting.on_behalf_of.id if acting.on_behalf_of else None
