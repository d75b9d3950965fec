"""Use cases of a buyer's quote: ask for a whole cart, counter, withdraw, ask for a person.

One transaction each: the quote's change, its audit event and its outbox message commit
together. The engine (``rules.quotes.decide_quote``) decides before anything is written.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError, Customer
from ...db import transaction
from ...db.quotes import Quote, QuoteBid, QuoteLineRow
from ...rules import Outcome
from ...rules.quotes import (
    EarlierQuoteLine,
    EarlierQuoteOffer,
    OrderTarget,
    QuoteDecision,
    QuoteOfferKind,
    decide_quote,
)
from ..buying.document_store import claim_document
from ..buying.limits import enforce_request_caps
from ..buying.why_not import check_why_not
from ..pricing.quote_history import buyer_context_of
from ..results.experiments import rules_for_buyer
from ..results.quote_facts import PricedSku, record_quote_decision
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import ConflictError, ForbiddenError, unavailable_as_503
from ..shared.idempotency import Claim, remembered
from ..shared.records import new_id
from ..shared.states import OfferStatus, Status, require_move, status_for
from .approvals.escalation import open_quote_escalation, void_quote_escalation
from .asks import LineAsk, PricedLine, check_shape, engine_request, price_lines
from .records import close_open_offers, lines_of, locked_quote, offers_of, record_event, view_of, write_offers
from .told import NOTHING_TOLD, QuoteTell, check_quote_tell, store_quote_tell
from .views import QuoteView
from .why_not import record_quote_why_not

__all__ = ["request_quote", "counter_quote", "withdraw_quote", "escalate_quote", "UNCHECKED_QUOTE"]

UNCHECKED_QUOTE = ("We could not check these prices right now; nothing has changed. "
                   "Please try again in a few minutes, or ask for a sales rep.")


@dataclass(frozen=True)
class _Round:
    """One round's question, checked, and the engine's answer to it."""

    priced: list[PricedLine]
    target: OrderTarget | None
    decision: QuoteDecision
    version_id: int | None
    customer: Customer
    #: What applied to the buyer this round (segment, last prices paid): kept on the bid
    #: so that the what-if simulation replays the round as it was (pricing/quote_history.py).
    buyer_context: dict[str, Any]


def request_quote(deps: Deps, actor: Actor, lines: Sequence[LineAsk], currency: str,
                  order_target: OrderTarget | None = None, idempotency: Claim | None = None,
                  tell: QuoteTell = NOTHING_TOLD) -> QuoteView:
    """A quote for the whole cart: 1 to 200 lines of one currency, each SKU once; with
    what the buyer tells (a competing offer, needed_by: told.py), if anything."""
    company_id = require_buyer(actor)
    check_shape(lines, currency, order_target)
    now, quote_id = deps.clock(), new_id()
    check_quote_tell(tell, currency, now.date(), [line.sku for line in lines])
    with transaction(deps.session_factory) as session:
        enforce_request_caps(deps.guards, session, company_id, (line.sku for line in lines), now)
        document = claim_document(session, company_id, tell.document_id)
        decided = _decide(deps, session, company_id, quote_id, lines, currency, order_target, 1, now,
                          tell=tell, documented=document is not None)
        row = Quote(id=quote_id, company_id=company_id, buyer_id=actor.id, buyer_name=actor.name or None,
                    buyer_email=actor.email, currency=currency, round=1, created_at=now, updated_at=now)
        _set_round(row, decided, now)
        session.add(row)
        session.flush()  # the quote before its lines: no relationship orders their INSERTs
        session.add_all(QuoteLineRow(quote_id=row.id, position=index, sku=line.ask.sku, name=line.item.name,
                                     quantity=line.ask.quantity, target_unit_price=line.ask.target_unit_price,
                                     price_for_quantity=line.price_for_quantity, category=line.item.category)
                        for index, line in enumerate(decided.priced))
        store_quote_tell(session, row, tell, now, document)
        _record_round(deps, session, row, actor, "requested", None, decided, now)
        return remembered(session, idempotency, now, view_of(session, row, now, deps.policy.max_rounds))


def counter_quote(deps: Deps, actor: Actor, quote_id: str, lines: Sequence[LineAsk],
                  order_target: OrderTarget | None = None, tell: QuoteTell = NOTHING_TOLD) -> QuoteView:
    """The buyer's next round: the whole cart again, with new targets, quantities, lines
    added or removed. Offers the buyer holds stay valid until they expire."""
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_quote(session, quote_id, company_id)
        require_move("counter", row.status)
        if row.round >= deps.policy.max_rounds:
            raise ConflictError(f"This quote has used all {deps.policy.max_rounds} rounds; "
                                "accept an offer or ask for a person.")
        check_shape(lines, row.currency, order_target)
        check_quote_tell(tell, row.currency, now.date(), [line.sku for line in lines])
        document = claim_document(session, company_id, tell.document_id)
        # A line added is a new ask for its SKU.
        enforce_request_caps(deps.guards, session, company_id, {line.sku for line in lines} - _skus_asked(
            session, row.id), now)
        decided = _decide(deps, session, company_id, row.id, lines, row.currency, order_target,
                          row.round + 1, now, _earlier_offers(session, row.id), tell, document is not None)
        before = row.status
        row.round += 1
        _set_round(row, decided, now)
        _replace_lines(session, row, decided.priced)
        store_quote_tell(session, row, tell, now, document)
        void_quote_escalation(session, row, actor, before, now, "changed the quote")
        _record_round(deps, session, row, actor, "countered", before, decided, now)
        return view_of(session, row, now, deps.policy.max_rounds)


def _decide(deps: Deps, session: Session, company_id: str, quote_id: str, lines: Sequence[LineAsk],
            currency: str, target: OrderTarget | None, round_: int, now: datetime,
            earlier: tuple[EarlierQuoteOffer, ...] = (), tell: QuoteTell = NOTHING_TOLD,
            documented: bool = False) -> _Round:
    # The engine never prices what it could not hold against a floor: nothing is written.
    with unavailable_as_503(UNCHECKED_QUOTE):
        customer = deps.customer(session, company_id)
        if customer is None:
            raise ForbiddenError("Your company is not set up for price requests; contact your sales rep.")
        version_id, rules = rules_for_buyer(session, company_id)  # an experiment's arm, or live
        priced = price_lines(deps, session, rules, customer, lines, currency, target)
        request = engine_request(deps, session, rules, customer, priced, currency, target, round_,
                                 deps.guards.jitter(quote_id), earlier, tell.citation(documented), tell.needed_by)
    return _Round(priced, target, decide_quote(request, rules, now, deps.policy), version_id, customer,
                  buyer_context_of(request))


def _set_round(row: Quote, decided: _Round, now: datetime) -> None:
    target = decided.target
    row.target_total = target.total if target else None
    row.target_discount_pct = target.discount_pct if target else None
    row.cart_total = sum((line.cart_total for line in decided.priced), Decimal(0))
    row.status, row.updated_at = status_for(decided.decision.outcome).value, now
    row.rule_version_id = decided.version_id
    row.buyer_note = None  # a note on an earlier round is stale now


def _record_round(deps: Deps, session: Session, row: Quote, actor: Actor, action: str, before: str | None,
                  decided: _Round, now: datetime) -> None:
    """The round's bid, offers, audit event, and for an escalation the escalation."""
    decision = decided.decision
    asked = [{"sku": line.ask.sku, "quantity": line.ask.quantity,
              "target_unit_price": str(line.ask.target_unit_price) if line.ask.target_unit_price else None}
             for line in decided.priced]
    target = _target_json(decided.target)
    session.add(QuoteBid(quote_id=row.id, round=row.round, lines=asked, order_target=target,
                         outcome=decision.outcome.value, reason=decision.reason, created_at=now,
                         buyer_context=decided.buyer_context))
    offers = write_offers(session, row, decision, now)
    record_quote_decision(session, row, decision.outcome.value, decided.customer, [  # results (docs/results.md)
        PricedSku(line.ask.sku, line.ask.quantity, line.item.list_price, line.item.cost,
                  decision.floors.get(line.ask.sku)) for line in decided.priced], [o.kind for o, _ in offers])
    record_event(session, row, actor, action, before, now, round=row.round, lines=asked, order_target=target,
                 outcome=decision.outcome.value, reason=decision.reason, offers=[o.id for o, _ in offers])
    if decision.outcome is Outcome.ESCALATE:
        category = decided.priced[0].item.category if decided.priced else None
        open_quote_escalation(deps, session, row, decided.customer, category, decision.reason, now, decision)


def _target_json(target: OrderTarget | None) -> dict[str, str] | None:
    if target is None:
        return None
    return {key: str(value) for key, value in (("total", target.total), ("discount_pct", target.discount_pct))
            if value is not None}


def _replace_lines(session: Session, row: Quote, priced: list[PricedLine]) -> None:
    """This round's lines; a line no longer asked keeps its row, marked removed."""
    existing = {line.sku: line for line in lines_of(session, row.id)}
    for index, line in enumerate(priced):
        kept = existing.pop(line.ask.sku, None)
        if kept is None:
            kept = QuoteLineRow(quote_id=row.id, sku=line.ask.sku)
            session.add(kept)
        kept.position, kept.name, kept.quantity = index, line.item.name, line.ask.quantity
        kept.target_unit_price, kept.price_for_quantity = line.ask.target_unit_price, line.price_for_quantity
        kept.removed_round, kept.category = None, line.item.category
    for gone in existing.values():
        if gone.removed_round is None:
            gone.removed_round, gone.position = row.round, len(priced) + gone.position


def _skus_asked(session: Session, quote_id: str) -> set[str]:
    return set(session.scalars(select(QuoteLineRow.sku).where(QuoteLineRow.quote_id == quote_id)))


def _earlier_offers(session: Session, quote_id: str) -> tuple[EarlierQuoteOffer, ...]:
    """The whole-quote offers of earlier rounds, oldest first: the engine never goes back
    on their price-only moves (rules/quotes, as rules/concession.py for one line)."""
    return tuple(EarlierQuoteOffer(tuple(EarlierQuoteLine(line.sku, line.quantity, Decimal(line.unit_price))
                                         for line in lines), QuoteOfferKind(offer.kind))
                 for offer, lines in offers_of(session, quote_id) if offer.kind in _KINDS)


_KINDS = frozenset(kind.value for kind in QuoteOfferKind)


def withdraw_quote(deps: Deps, actor: Actor, quote_id: str, reason: str | None = None,
                   note: str | None = None) -> QuoteView:
    """Also declines a rep's counter; may carry why (why_not.py), asked once."""
    check_why_not(reason, note)
    return _close_by_buyer(deps, actor, quote_id, "withdraw", Status.WITHDRAWN, (reason, note))


def escalate_quote(deps: Deps, actor: Actor, quote_id: str) -> QuoteView:
    """The buyer wants a person. Offers on the table stay valid until they expire."""
    return _close_by_buyer(deps, actor, quote_id, "escalate", Status.ESCALATED)


def _close_by_buyer(deps: Deps, actor: Actor, quote_id: str, action: str, status: Status,
                    why: tuple[str | None, str | None] = (None, None)) -> QuoteView:
    company_id = require_buyer(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = locked_quote(session, quote_id, company_id)
        require_move(action, row.status)
        before, row.status, row.updated_at = row.status, status.value, now
        record_event(session, row, actor, status.value, before, now)
        if status is Status.WITHDRAWN:
            close_open_offers(session, row.id, OfferStatus.SUPERSEDED)
            void_quote_escalation(session, row, actor, before, now, "withdrew the quote")
            record_quote_why_not(session, row, actor, *why, now)
        else:
            customer, category = _for_routing(deps, session, row)
            open_quote_escalation(deps, session, row, customer, category, "the buyer asked for a person", now)
        return view_of(session, row, now, deps.policy.max_rounds)


def _for_routing(deps: Deps, session: Session, row: Quote) -> tuple[Customer | None, str | None]:
    """What the back office can tell right now: routing goes on without it."""
    try:
        customer = deps.customer(session, row.company_id)
        first = session.scalar(select(QuoteLineRow.sku).where(
            QuoteLineRow.quote_id == row.id, QuoteLineRow.removed_round.is_(None))
            .order_by(QuoteLineRow.position).limit(1))
        item = deps.catalog_item(session, first) if first is not None else None
    except BackOfficeUnavailableError:
        return None, None
    return customer, item.category if item else None
