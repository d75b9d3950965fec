"""Use cases of a buyer's price request: ask, counter, withdraw, hand to a person."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError, CatalogItem, Customer
from ...db import transaction
from ...db.appends import append_object, new_object
from ...db.models import Document, Negotiation, Offer
from ...rules import Decision, EarlierBid, EarlierOffer, PriceRequest, decide, has_valid_places, places_message
from ..approvals.routing import open_escalation, void_open_escalation
from ..results.experiments import rules_for_buyer
from ..results.result_facts import record_decision
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import ConflictError, ForbiddenError, InvalidRequestError, unavailable_as_503
from ..shared.idempotency import Claim, remembered
from ..shared.prices import facts_from_decision, price_facts
from ..shared.records import close_open_offers, locked_negotiation, new_id, offers_of, record_event, write_offers
from ..shared.states import OfferStatus, Status, require_move, status_for
from ..shared.stock import require_stock_for_request
from .context import earlier_bids, earlier_offers, pricing_context
from .document_store import claim_document
from .limits import enforce_request_cap
from .told import NOTHING_TOLD, Tell, check_tell, store_tell
from .views import NegotiationView, negotiation_view
from .why_not import check_why_not, record_why_not

__all__ = ["request_price", "counter", "withdraw", "escalate", "places_message",
           "UNCHECKED_PRICE_NOTE", "UNCHECKED_PRICE_RETRY"]

#: What the buyer reads when the shop's back office could not confirm price and cost.
UNCHECKED_PRICE_NOTE = ("We could not check this price right now. "
                        "A sales rep has your request and will answer.")
UNCHECKED_PRICE_RETRY = ("We could not check this price right now; nothing has changed. "
                         "Please try again in a few minutes, or ask for a sales rep.")


def request_price(deps: Deps, actor: Actor, sku: str, quantity: int,
                  target_unit_price: Decimal, currency: str,
                  idempotency: Claim | None = None, tell: Tell = NOTHING_TOLD) -> NegotiationView:
    """``tell``: a competing offer and needed_by, if the buyer gave them (told.py)."""
    company_id = require_buyer(actor)
    now = deps.clock()
    check_tell(tell, currency, now.date())
    negotiation_id = new_id()  # before deciding: it keys this negotiation's jitter
    with transaction(deps.session_factory) as session:
        enforce_request_cap(deps.guards, session, company_id, sku, now)
        document = claim_document(session, company_id, tell.document_id)
        request = PriceRequest(sku, quantity, target_unit_price, currency, round=1,
                               jitter=deps.guards.jitter(negotiation_id),
                               citation=tell.citation(document is not None), needed_by=tell.needed_by)
        known = _Known()
        try:
            customer, item = _customer_and_item(deps, session, company_id, sku, currency, known)
            # Decide first, write after: every row goes out in one flush at commit, with its
            # final status, instead of an INSERT followed by an UPDATE.
            decision, version_id = _decide(deps, session, request, item, customer, now)
        except BackOfficeUnavailableError as error:
            return remembered(session, idempotency, now, _keep_for_rep(
                deps, session, actor, request, now, error, known.customer, tell, document))
        row = _new_negotiation(actor, company_id, request, status_for(decision.outcome), now,
                               negotiation_id=negotiation_id)
        row.rule_version_id = version_id
        _add_negotiation(session, row, tell, now, document)
        record_event(session, row, actor, "requested", None, now, quantity=quantity,
                     target_unit_price=target_unit_price, outcome=decision.outcome.value,
                     reason=decision.reason)
        offers = _apply(deps, session, row, decision, now, customer, item)
        # A new request has no older offers to read.
        return remembered(session, idempotency, now, negotiation_view(row, offers, now))


@dataclass
class _Known:
    """What was learnt before the back office stopped answering."""

    customer: Customer | None = None


def _new_negotiation(actor: Actor, company_id: str, request: PriceRequest, status: Status,
                     now: datetime, note: str | None = None,
                     negotiation_id: str | None = None) -> Negotiation:
    return new_object(Negotiation, id=negotiation_id or new_id(), company_id=company_id, buyer_id=actor.id,
                      sku=request.sku, currency=request.currency, quantity=request.quantity,
                      target_unit_price=request.target_unit_price, status=status.value, round=1,
                      buyer_note=note, buyer_name=actor.name or None, buyer_email=actor.email,
                      created_at=now, updated_at=now)


def counter(deps: Deps, actor: Actor, negotiation_id: str, target_unit_price: Decimal,
            quantity: int | None = None, tell: Tell = NOTHING_TOLD) -> NegotiationView:
    """The buyer's next round: a new target (and maybe quantity), a new decision."""
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_negotiation(session, negotiation_id, company_id)
        require_move("counter", row.status)
        _require_round_left(deps, row)
        _require_places(target_unit_price, row.currency)
        check_tell(tell, row.currency, now.date())
        document = claim_document(session, company_id, tell.document_id)
        request = PriceRequest(row.sku, quantity or row.quantity, target_unit_price, row.currency,
                               round=row.round + 1, jitter=deps.guards.jitter(row.id),
                               citation=tell.citation(document is not None), needed_by=tell.needed_by)
        with unavailable_as_503(UNCHECKED_PRICE_RETRY):
            customer, item = _customer_and_item(deps, session, company_id, row.sku, row.currency)
            decision, row.rule_version_id = _decide(deps, session, request, item, customer, now,
                                                    earlier_offers(session, row.id), earlier_bids(session, row.id))
        before = row.status
        _start_round(session, row, request, status_for(decision.outcome), now)
        store_tell(row, row.round, tell, now, document)
        record_event(session, row, actor, "countered", before, now, round=row.round,
                     quantity=row.quantity, target_unit_price=target_unit_price,
                     outcome=decision.outcome.value, reason=decision.reason)
        void_open_escalation(session, row, actor, before, now, "changed the request")
        _apply(deps, session, row, decision, now, customer, item)
        return negotiation_view(row, offers_of(session, row.id), now)


def _start_round(session: Session, row: Negotiation, request: PriceRequest, status: Status,
                 now: datetime) -> None:
    # The offers the buyer holds are not touched: each stays valid until it expires, the
    # buyer accepts one or withdraws (issue 23: a counter after an escalation used to
    # supersede offers the widget said still held). The answer lists them with the new.
    row.round, row.quantity, row.target_unit_price = request.round, request.quantity, request.target_unit_price
    row.status, row.updated_at = status.value, now
    row.buyer_note = None  # a note on an earlier round ("could not check", a rep's answer) is stale now


def withdraw(deps: Deps, actor: Actor, negotiation_id: str, reason: str | None = None,
             note: str | None = None) -> NegotiationView:
    """``reason``, ``note``: why not, if the buyer says with the withdrawal (why_not.py)."""
    check_why_not(reason, note)
    return _close_by_buyer(deps, actor, negotiation_id, "withdraw", Status.WITHDRAWN, (reason, note))


def escalate(deps: Deps, actor: Actor, negotiation_id: str) -> NegotiationView:
    """The buyer wants a person. Offers on the table stay valid until they expire."""
    return _close_by_buyer(deps, actor, negotiation_id, "escalate", Status.ESCALATED)


def _close_by_buyer(deps: Deps, actor: Actor, negotiation_id: str, action: str,
                    status: Status, why_not: tuple[str | None, str | None] = (None, None)) -> NegotiationView:
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_negotiation(session, negotiation_id, company_id)
        require_move(action, row.status)
        before, row.status, row.updated_at = row.status, status.value, now
        record_event(session, row, actor, status.value, before, now)
        if status is Status.WITHDRAWN:
            close_open_offers(session, row.id, OfferStatus.SUPERSEDED)
            void_open_escalation(session, row, actor, before, now, "withdrew the request")
            record_why_not(session, row, actor, *why_not, now)
        if status is Status.ESCALATED:
            _hand_to_person(deps, session, row, now)
        return negotiation_view(row, offers_of(session, row.id), now)


def _hand_to_person(deps: Deps, session: Session, row: Negotiation, now: datetime) -> None:
    """The buyer asked for a person: route with what the back office can tell right now."""
    try:
        customer = deps.customer(session, row.company_id)
        item = deps.catalog_item(session, row.sku)
    except BackOfficeUnavailableError:
        customer, item = None, None
    facts = price_facts(deps, session, item, customer.segment if customer else None,
                        row.quantity) if item is not None else None
    open_escalation(deps, session, row, now, "the buyer asked for a person", customer, item, facts)


def _customer_and_item(deps: Deps, session: Session, company_id: str, sku: str,
                       currency: str, known: _Known | None = None) -> tuple[Customer, CatalogItem]:
    customer = deps.customer(session, company_id)
    if known is not None:
        known.customer = customer
    if customer is None:
        raise ForbiddenError("Your company is not set up for price requests; contact your sales rep.")
    item = deps.catalog_item(session, sku)
    if item is None:
        raise InvalidRequestError("No product with this SKU.", {"sku": ["No product with this SKU."]})
    if item.currency != currency:
        message = f"This product is priced in {item.currency}."
        raise InvalidRequestError(message, {"currency": [message]})
    return customer, item


def _decide(deps: Deps, session: Session, request: PriceRequest, item: CatalogItem,
            customer: Customer, now: datetime,
            earlier: tuple[EarlierOffer, ...] = (),
            bids: tuple[EarlierBid, ...] = ()) -> tuple[Decision, int | None]:
    """The decision, and the rule version that made it (recorded on the negotiation)."""
    require_stock_for_request(item, request.quantity)
    version_id, rules = rules_for_buyer(session, customer.company_id)  # an experiment's arm, or live
    context = pricing_context(deps, session, rules, item, customer, earlier, bids)
    return decide(request, context, rules, now, deps.policy), version_id


def _apply(deps: Deps, session: Session, row: Negotiation, decision: Decision, now: datetime,
           customer: Customer, item: CatalogItem) -> list[Offer]:
    """Write the decision's offers and, for an escalation, the escalation and its messages."""
    offers = write_offers(session, row, decision, now)
    record_decision(session, row, decision, customer, item, offers, now)  # results (docs/results.md)
    if row.status == Status.ESCALATED:
        open_escalation(deps, session, row, now, decision.reason, customer, item,
                        facts_from_decision(decision, item), decision)
    return offers


def _add_negotiation(session: Session, row: Negotiation, tell: Tell, now: datetime,
                     document: Document | None) -> None:
    """A new negotiation. What the buyer told (issue 16) hangs on it through ORM
    relationships, which must flush after it: then it goes through the ORM. Most requests
    tell nothing, and go out in the request's one INSERT (db/appends.py, issue 17)."""
    store_tell(row, 1, tell, now, document)
    if row.told or document is not None:
        session.add(row)
    else:
        append_object(session, row)


def _keep_for_rep(deps: Deps, session: Session, actor: Actor, request: PriceRequest, now: datetime,
                  error: BackOfficeUnavailableError, customer: Customer | None, tell: Tell,
                  document: Document | None) -> NegotiationView:
    """The price or cost could not be checked, so the engine is not asked (it must never
    offer what it could not hold against a floor): a person gets the request instead."""
    assert actor.company_id is not None  # a buyer: checked by the caller
    row = _new_negotiation(actor, actor.company_id, request, Status.ESCALATED, now,
                           note=UNCHECKED_PRICE_NOTE)
    _add_negotiation(session, row, tell, now, document)
    reason = f"the back office could not be asked: {error}"
    record_event(session, row, actor, "requested", None, now, quantity=request.quantity,
                 target_unit_price=request.target_unit_price, outcome="escalate", reason=reason)
    record_decision(session, row, None, customer, None, [], now)
    open_escalation(deps, session, row, now, reason, customer, None, None)
    return negotiation_view(row, [], now)


def _require_places(amount: Decimal, currency: str) -> None:
    if not has_valid_places(amount, currency):
        message = places_message(currency)
        raise InvalidRequestError(message, {"target_unit_price": [message]})


def _require_round_left(deps: Deps, row: Negotiation) -> None:
    if row.round >= deps.policy.max_rounds:
        raise ConflictError(f"This request has used all {deps.policy.max_rounds} rounds; "
                            "accept an offer or ask for a person.")
