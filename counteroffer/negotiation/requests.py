"""Use cases of a buyer's price request: ask, counter, withdraw, hand to a person."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from ..adapters import CatalogItem, Customer
from ..db import transaction
from ..db.models import Negotiation, Offer
from ..jobs.outbox import add_message
from ..rules import Decision, PriceRequest, decide, has_valid_places, minor_unit
from .context import previous_concession, pricing_context
from .actors import Actor, require_buyer
from .deps import Deps
from .errors import ConflictError, ForbiddenError, InvalidRequestError
from .records import close_open_offers, locked_negotiation, new_id, offers_of, record_event, write_offers
from .states import OfferStatus, Status, require_move, status_for
from .views import NegotiationView, negotiation_view

__all__ = ["request_price", "counter", "withdraw", "escalate", "places_message"]


def request_price(deps: Deps, actor: Actor, sku: str, quantity: int,
                  target_unit_price: Decimal, currency: str) -> NegotiationView:
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        customer, item = _customer_and_item(deps, session, company_id, sku, currency)
        # Decide first, write after: every row goes out in one flush at commit, with its
        # final status, instead of an INSERT followed by an UPDATE.
        request = PriceRequest(sku, quantity, target_unit_price, currency, round=1)
        decision = _decide(deps, session, request, item, customer, now)
        row = Negotiation(id=new_id(), company_id=company_id, buyer_id=actor.id, sku=sku,
                          currency=currency, quantity=quantity, target_unit_price=target_unit_price,
                          status=status_for(decision.outcome).value, round=1, created_at=now,
                          updated_at=now)
        session.add(row)
        offers = _apply(session, row, decision, now)
        record_event(session, row, actor, "requested", None, now, quantity=quantity,
                     target_unit_price=target_unit_price, outcome=decision.outcome.value,
                     reason=decision.reason)
        return negotiation_view(row, offers, now)  # a new request has no older offers to read


def counter(deps: Deps, actor: Actor, negotiation_id: str, target_unit_price: Decimal,
            quantity: int | None = None) -> NegotiationView:
    """The buyer's next round: a new target (and maybe quantity), a new decision."""
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_negotiation(session, negotiation_id, company_id)
        require_move("counter", row.status)
        _require_round_left(deps, row)
        _require_places(target_unit_price, row.currency)
        customer, item = _customer_and_item(deps, session, company_id, row.sku, row.currency)
        request = PriceRequest(row.sku, quantity or row.quantity, target_unit_price, row.currency,
                               round=row.round + 1)
        decision = _decide(deps, session, request, item, customer, now,
                           previous_concession(session, row.id))
        before = row.status
        close_open_offers(session, row.id, OfferStatus.SUPERSEDED)
        row.round, row.quantity, row.target_unit_price = request.round, request.quantity, target_unit_price
        row.status, row.updated_at = status_for(decision.outcome).value, now
        _apply(session, row, decision, now)
        record_event(session, row, actor, "countered", before, now, round=row.round,
                     quantity=row.quantity, target_unit_price=target_unit_price,
                     outcome=decision.outcome.value, reason=decision.reason)
        return negotiation_view(row, offers_of(session, row.id), now)


def withdraw(deps: Deps, actor: Actor, negotiation_id: str) -> NegotiationView:
    return _close_by_buyer(deps, actor, negotiation_id, "withdraw", Status.WITHDRAWN)


def escalate(deps: Deps, actor: Actor, negotiation_id: str) -> NegotiationView:
    """The buyer wants a person. Offers on the table stay valid until they expire."""
    return _close_by_buyer(deps, actor, negotiation_id, "escalate", Status.ESCALATED)


def _close_by_buyer(deps: Deps, actor: Actor, negotiation_id: str, action: str,
                    status: Status) -> NegotiationView:
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_negotiation(session, negotiation_id, company_id)
        require_move(action, row.status)
        before, row.status, row.updated_at = row.status, status.value, now
        if status is Status.WITHDRAWN:
            close_open_offers(session, row.id, OfferStatus.SUPERSEDED)
        if status is Status.ESCALATED:
            _queue_escalation(session, row, now, reason="the buyer asked for a person")
        record_event(session, row, actor, status.value, before, now)
        return negotiation_view(row, offers_of(session, row.id), now)


def _customer_and_item(deps: Deps, session: Session, company_id: str, sku: str,
                       currency: str) -> tuple[Customer, CatalogItem]:
    customer = deps.customer(session, company_id)
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
            customer: Customer, now: datetime, previous: Decimal | None = None) -> Decision:
    rules = deps.rules(session)
    context = pricing_context(deps, session, rules, item, customer, previous)
    return decide(request, context, rules, now, deps.policy)


def _apply(session: Session, row: Negotiation, decision: Decision, now: datetime) -> list[Offer]:
    """Write the decision's offers and, for an escalation, its outbox message."""
    offers = write_offers(session, row, decision, now)
    if row.status == Status.ESCALATED:
        _queue_escalation(session, row, now, reason=decision.reason)
    return offers


def _queue_escalation(session: Session, row: Negotiation, now: datetime, reason: str) -> None:
    add_message(session, "negotiation.escalated", f"escalated:{row.id}:{row.round}",
                {"negotiation_id": row.id, "round": row.round, "reason": reason}, now)


def places_message(currency: str) -> str:
    return f"{currency} prices have at most {minor_unit(currency)} decimal places."


def _require_places(amount: Decimal, currency: str) -> None:
    if not has_valid_places(amount, currency):
        message = places_message(currency)
        raise InvalidRequestError(message, {"target_unit_price": [message]})


def _require_round_left(deps: Deps, row: Negotiation) -> None:
    if row.round >= deps.policy.max_rounds:
        raise ConflictError(f"This request has used all {deps.policy.max_rounds} rounds; "
                            "accept an offer or ask for a person.")
