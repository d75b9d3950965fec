"""A person decides a quote's escalation: approve, counter or reject the whole quote.

One transaction: the quote row is locked first (the order the buyer's own moves lock in,
so the two never deadlock), then the escalation; whoever comes second finds it decided
(or void, if the buyer moved first) and gets a 409. In it: the decision on the
escalation, the rep's offer (approve: accepted at once, giving the quote's one deal;
counter: one more offer for the buyer to accept beside those they hold), the audit event,
the buyer's note, and the outbox messages: the buyer's e-mail and the
``quote_escalation.decided`` webhook.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....db import transaction
from ....db.quotes import Quote, QuoteEscalation, QuoteOfferLine, QuoteOfferRow
from ....jobs.notifications import queue_email, queue_webhook
from ....rules.messages import format_money
from ...approvals.decisions import REP_OFFER_KIND, require_open
from ...approvals.reps import find_rep
from ...approvals.staff import Acting, acting_for, reach_of, require_staff, require_visible
from ...results.quote_facts import record_quote_person_decision
from ...shared.actors import Actor
from ...shared.deps import Deps
from ...shared.errors import NotFoundError, unavailable_as_503
from ...shared.idempotency import Claim, remembered
from ...shared.records import new_id
from ...shared.states import OfferStatus, Status
from ..deals import make_quote_deal
from ..document import quote_document_path
from ..records import lines_of, record_event
from .proposal import PRICE_UNAVAILABLE, LineEdit, Proposal, check_shape, propose, require_authority
from .view import QuoteEscalationView, order_floor_total, quote_escalation_view

__all__ = ["decide_quote_escalation", "DECIDED_EVENT"]

DECIDED_EVENT = "quote_escalation.decided"
_EVENTS = {"approve": "approved", "counter": "rep_countered", "reject": "rejected"}


def decide_quote_escalation(deps: Deps, actor: Actor, escalation_id: str, action: str, rationale: str,
                            lines: Sequence[LineEdit] | None = None, terms: Sequence[dict[str, str]] | None = None,
                            buyer_message: str | None = None, idempotency: Claim | None = None,
                            citation_checked: bool | None = None) -> QuoteEscalationView:
    """``lines`` edit the quote's lines by SKU (those not named keep the buyer's ask);
    ``rationale`` is internal, ``buyer_message`` what the buyer reads with the decision;
    ``citation_checked``: whether the decider checked the buyer's cited competing offer."""
    require_staff(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row, escalation = _locked(session, escalation_id)
        reach = reach_of(session, actor, now)
        require_visible(reach, escalation)
        message = check_shape(action, rationale, lines, terms, buyer_message, row.currency)
        acting = acting_for(session, reach, escalation)
        require_open(session, escalation, "This quote's escalation", "the buyer changed or withdrew the quote")
        proposal = Proposal(action, rationale.strip(), terms=tuple(dict(t) for t in terms or ()),
                            buyer_message=message, citation_checked=citation_checked)
        if action != "reject":
            proposal = _priced(deps, session, row, proposal, list(lines or ()))
            require_authority(deps, session, acting, proposal, row.currency)
        _carry_out(deps, session, row, escalation, proposal, actor, acting, now)
        return remembered(session, idempotency, now, quote_escalation_view(deps, session, reach, escalation, now))


def _locked(session: Session, escalation_id: str) -> tuple[Quote, QuoteEscalation]:
    quote_id = session.scalar(select(QuoteEscalation.quote_id).where(QuoteEscalation.id == escalation_id))
    if quote_id is None:
        raise NotFoundError("No such escalation.")
    row = session.scalars(select(Quote).where(Quote.id == quote_id).with_for_update()
                          .execution_options(populate_existing=True)).one()
    escalation = session.scalars(select(QuoteEscalation).where(QuoteEscalation.id == escalation_id)
                                 .with_for_update().execution_options(populate_existing=True)).one()
    return row, escalation


def _priced(deps: Deps, session: Session, row: Quote, proposal: Proposal, edits: list[LineEdit]) -> Proposal:
    current = [line for line in lines_of(session, row.id) if line.removed_round is None]
    with unavailable_as_503(PRICE_UNAVAILABLE):
        customer = deps.customer(session, row.company_id)
    segment = customer.segment if customer else None
    proposed = propose(deps, session, row, current, proposal.action, edits, segment)
    floor = order_floor_total(session, row, customer, [(line.quantity, line.cost) for line in proposed])
    return replace(proposal, lines=proposed, order_floor=floor)


def _carry_out(deps: Deps, session: Session, row: Quote, escalation: QuoteEscalation, proposal: Proposal,
               actor: Actor, acting: Acting, now: datetime) -> None:
    before = row.status
    decider = find_rep(session, actor.id)
    name = decider.name if decider else actor.name or actor.id
    note = _buyer_note(proposal, name, row.currency)
    _record_decision(escalation, proposal, actor, acting, now)
    session.flush()  # decided before the deal's own void of an open escalation looks for it
    detail: dict[str, str | bool | None] = {"escalation_id": escalation.id, "rationale": proposal.rationale,
              "on_behalf_of": acting.on_behalf_of.id if acting.on_behalf_of else None,
              "buyer_message": proposal.buyer_message}
    if proposal.citation_checked is not None:
        detail["citation_checked"] = proposal.citation_checked
    # The offer's own words are short: the panel shows the note beside it, once.
    words = f"The whole order at the prices {name} of our sales team set."
    if proposal.action == "approve":
        offer = _rep_offer(deps, session, row, proposal, words, now)
        make_quote_deal(deps, session, row, offer, actor, now)
        detail["offer_id"] = offer.id
    elif proposal.action == "counter":
        detail["offer_id"] = _rep_offer(deps, session, row, proposal, words, now).id
        row.status = Status.COUNTERED.value
    else:  # offers still held keep the quote open for them
        row.status = (Status.COUNTERED if _holds_offers(session, row) else Status.DECLINED).value
    row.buyer_note, row.updated_at = note, now
    record_event(session, row, actor, _EVENTS[proposal.action], before, now, total=_total(proposal),
                 lines=_lines_json(proposal) or None, terms=list(proposal.terms) or None, **detail)
    record_quote_person_decision(session, row.id, proposal.action, actor.id, now)  # results, same transaction
    _tell_buyer(session, row, escalation, note, deps.links_base, now)


def _total(proposal: Proposal) -> Decimal | None:
    return proposal.total if proposal.action != "reject" else None


def _lines_json(proposal: Proposal) -> list[dict[str, str | int]]:
    return [{"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price),
             "price_for_quantity": str(line.price_for_quantity)} for line in proposal.lines]


def _record_decision(escalation: QuoteEscalation, proposal: Proposal, actor: Actor, acting: Acting,
                     now: datetime) -> None:
    escalation.status, escalation.decided_at = "decided", now
    escalation.decision_action, escalation.decision_rationale = proposal.action, proposal.rationale
    escalation.decision_buyer_message = proposal.buyer_message
    escalation.decision_citation_checked = proposal.citation_checked
    escalation.decision_total = _total(proposal)
    escalation.decision_lines = _lines_json(proposal) or None
    escalation.decision_terms = list(proposal.terms) or None
    escalation.decided_by, escalation.decided_by_role = actor.id, actor.role
    escalation.decided_on_behalf_of = acting.on_behalf_of.id if acting.on_behalf_of else None


def _rep_offer(deps: Deps, session: Session, row: Quote, proposal: Proposal, message: str,
               now: datetime) -> QuoteOfferRow:
    offer = QuoteOfferRow(id=new_id(), quote_id=row.id, round=row.round, kind=REP_OFFER_KIND,
                          status=OfferStatus.OPEN.value, currency=row.currency, total=proposal.total,
                          expires_at=now + timedelta(hours=deps.policy.offer_validity_hours), message=message,
                          explanation=proposal.rationale, terms=list(proposal.terms) or None, created_at=now)
    session.add(offer)
    session.flush()  # the offer before its lines: no relationship orders their INSERTs
    session.add_all(QuoteOfferLine(offer_id=offer.id, position=index, sku=line.sku, quantity=line.quantity,
                                   unit_price=line.unit_price, price_for_quantity=line.price_for_quantity,
                                   explanation=proposal.rationale)
                    for index, line in enumerate(proposal.lines))
    session.flush()
    return offer


def _holds_offers(session: Session, row: Quote) -> bool:
    return session.scalar(select(QuoteOfferRow.id).where(
        QuoteOfferRow.quote_id == row.id, QuoteOfferRow.status == OfferStatus.OPEN).limit(1)) is not None


def _buyer_note(proposal: Proposal, name: str, currency: str) -> str:
    """What the quote panel shows beside the quote (never a floor or a cost)."""
    who = f"{name} of our sales team"
    count = len(proposal.lines)
    order = f"the whole order ({count} line{'s' if count != 1 else ''})"
    if proposal.action == "approve":
        note = f"{who} approved {order} for {format_money(proposal.total, currency)}; check out at these prices."
    elif proposal.action == "counter":
        note = f"{who} offers {order} for {format_money(proposal.total, currency)}, with the line prices shown."
    else:
        note = f"{who} could not agree to this quote's prices."
    if proposal.buyer_message:  # the buyer's words; the rationale stays in the audit trail
        note += f" {name} writes: “{proposal.buyer_message}”"
    return note


def _tell_buyer(session: Session, row: Quote, escalation: QuoteEscalation, note: str, links_base: str,
                now: datetime) -> None:
    """The buyer's e-mail and the webhook, written with the decision (the outbox sends them).
    The e-mail links the quote's document: what the buyer's own company needs to approve it."""
    subjects = {"approve": "approved", "counter": "a new offer", "reject": "declined"}
    action = escalation.decision_action or "reject"
    if row.buyer_email:
        greeting = f"Hello {row.buyer_name}," if row.buyer_name else "Hello,"
        document = quote_document_path(links_base, row.id)
        text = (f"{greeting}\n\n{note}\n\nOpen your cart's quote panel to see it. "
                f"The quote as a document (PDF): {document}")
        queue_email(session, f"quote-decided:{escalation.id}", [row.buyer_email],
                    f"Your quote request: {subjects[action]}", text, now)
    queue_webhook(session, f"{DECIDED_EVENT}:{escalation.id}", DECIDED_EVENT, {
        "escalation_id": escalation.id, "quote_id": row.id, "company_id": row.company_id, "action": action,
        "status": row.status, "currency": row.currency,
        "total": str(escalation.decision_total) if escalation.decision_total is not None else None,
        "decided_by": escalation.decided_by, "on_behalf_of": escalation.decided_on_behalf_of}, now)
