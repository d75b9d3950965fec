"""Writing a negotiation's result fact in the transaction that changes the negotiation.

The use cases call one ``record_*`` function each, after their own writes; each loads
the fact, changes it and moves the roll-ups by the difference (``rollups``). The prices
are the ones the engine decided with, kept because the catalog and rules change later.

"By rule" means the rule that produced an offer, named from the offer's kind and how
the engine found it (docs/results.md lists them).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError, CatalogItem, Customer
from ...db.appends import append_object, new_object, queued_objects
from ...db.models import Deal, Escalation, Negotiation, Offer
from ...db.quotes import Quote
from ...db.results import ResultFact
from ...rules import Decision
from ..shared.deps import Deps
from ..shared.prices import price_facts
from .experiments import experiment_arm
from .rollups import Contribution, contribution, queue_delta

__all__ = ["rule_of", "changing", "record_decision", "record_escalation", "record_person_decision",
           "record_person_decision_of", "record_deal", "record_redeemed", "OUTCOME_RULES", "PERSON_DECISIONS"]

#: The lead rule of a negotiation that has no offer on the table.
OUTCOME_RULES = {"escalate": "escalated", "decline": "declined", "reject": "rejected"}
#: A person's decision -> the fact's counter of it.
PERSON_DECISIONS = {"approve": "dec_approve", "counter": "dec_rep_counter", "reject": "dec_reject"}


class EscalationTimes(Protocol):
    """What a fact reads of an escalation: an ``Escalation`` row, or the ``OpenedEscalation``
    that ``approvals.routing`` writes (which calls ``record_escalation``, so it is not
    imported here)."""

    @property
    def created_at(self) -> datetime: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def assignee_id(self) -> str | None: ...


def rule_of(kind: str, explanation: str | None, terms: Sequence[dict[str, str]] | None) -> str:
    """The rule behind an offer: volume_break, margin_neutral_volume, terms:<groups>,
    alternative, last_price_anchor, concession, auto_accept or rep_decision."""
    if kind == "volume":
        return "margin_neutral_volume" if (explanation or "").startswith("margin-neutral") else "volume_break"
    if kind == "terms":
        groups = sorted({term.get("group", "?") for term in terms or ()})
        return "terms:" + "+".join(groups)
    return {"price": "auto_accept", "anchor": "last_price_anchor", "rep": "rep_decision"}.get(kind, kind)


def _offer_rule(offer: Offer) -> str:
    return rule_of(offer.kind, offer.explanation, offer.terms)


@contextmanager
def changing(session: Session, negotiation_id: str,
              create: Callable[[], ResultFact] | None = None) -> Iterator[ResultFact | None]:
    """The fact to change; the roll-ups move by what changed, once, just before commit.

    Nothing is flushed early: the use case's rows still go out together at commit (the
    roll-up statements touch no other table, so they need nothing flushed before them)."""
    touched = _touched(session)
    with session.no_autoflush:
        if negotiation_id in touched:  # changed before in this transaction: measured then
            yield touched[negotiation_id][0]
            return
        fact = _find(session, negotiation_id)
        if fact is None and create is not None:
            fact = create()
            append_object(session, fact)
            touched[negotiation_id] = (fact, Contribution())
        elif fact is not None:
            touched[negotiation_id] = (fact, contribution(fact))
        yield fact


# A use case may change a fact more than once (a request that escalates is decided, then
# escalated). Each fact's contribution is taken when it is first touched and again just
# before commit; the difference, summed over the transaction's facts, is queued as one
# row of counteroffer_result_deltas (rollups.queue_delta; folded in later by fold_pending).
_TOUCHED = "counteroffer_touched_facts"


def _touched(session: Session) -> dict[str, tuple[ResultFact, Contribution]]:
    touched = session.info.get(_TOUCHED)
    if touched is None:
        touched = session.info[_TOUCHED] = {}
    return touched


# insert=True: before db/appends.py's own before_commit hook, which writes the queued rows.
@event.listens_for(Session, "before_commit", insert=True)
def _move_rollups(session: Session) -> None:
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    changes = [_change(fact, before) for fact, before in touched.values()]
    delta = changes[0]  # one fact in most transactions: no sum to make
    for change in changes[1:]:
        delta.add(change)
    queue_delta(session, delta)


def _change(fact: ResultFact, before: Contribution) -> Contribution:
    """What ``fact`` adds to the roll-ups since ``before``. A fact new in this transaction
    (every price request's) had nothing before: its contribution is the change as it is,
    since ``contribution`` already leaves zero measures out (``minus`` against nothing,
    which rebuilt every key's counter, was about 0.18 ms of a price request's 1.9)."""
    if before.sums or before.cycles:
        return contribution(fact).minus(before)
    change = contribution(fact)
    for key in [key for key, sums in change.sums.items() if not sums]:
        del change.sums[key]  # as minus would: a key whose every measure is zero
    return change


@event.listens_for(Session, "after_rollback")
def _forget_rollups(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


def _find(session: Session, negotiation_id: str) -> ResultFact | None:
    pending = [*session.new, *queued_objects(session)]  # in this transaction, not written yet
    for row in pending:
        if isinstance(row, ResultFact) and row.negotiation_id == negotiation_id:
            return row
    if any(isinstance(row, (Negotiation, Quote)) and row.id == negotiation_id for row in pending):
        return None  # a request or quote being made: no fact to read yet
    return session.get(ResultFact, negotiation_id)


def record_decision(session: Session, row: Negotiation, decision: Decision | None,
                    customer: Customer | None, item: CatalogItem | None,
                    offers: Sequence[Offer], now: datetime) -> None:
    """An engine decision (``None``: escalated unchecked, the back office was down)."""
    outcome = decision.outcome.value if decision is not None else "escalate"
    create = lambda: _new_fact(row, customer, item, now, *experiment_arm(  # noqa: E731
        session, row.company_id, getattr(row, "rule_version_id", None)))
    with changing(session, row.id, create) as fact:
        assert fact is not None
        _fill_prices(fact, decision, customer, item)
        setattr(fact, f"dec_{outcome}", (getattr(fact, f"dec_{outcome}") or 0) + 1)
        fact.offered = bool(fact.offered or offers)
        if fact.deal_at is None:
            fact.rule = _offer_rule(offers[0]) if offers else OUTCOME_RULES.get(outcome, outcome)


def _new_fact(row: Negotiation, customer: Customer | None, item: CatalogItem | None,
              now: datetime, experiment_id: int | None = None, variant: str | None = None) -> ResultFact:
    version = getattr(row, "rule_version_id", None)  # set by rule-set versions, where present
    return new_object(
        ResultFact, negotiation_id=row.id, day=row.created_at.date(), requested_at=row.created_at,
        company_id=row.company_id, segment=customer.segment if customer else None, sku=row.sku,
        category=item.category if item else None, currency=row.currency,
        rule_version_id=str(version) if version is not None else None,
        experiment_id=experiment_id, variant=variant, asked_quantity=row.quantity, offered=False,
        rule="escalated", dec_accept=0, dec_counter=0, dec_escalate=0, dec_decline=0,
        dec_approve=0, dec_rep_counter=0, dec_reject=0, by_person=False)


def _fill_prices(fact: ResultFact, decision: Decision | None, customer: Customer | None,
                 item: CatalogItem | None) -> None:
    """The first prices known are kept: the ones the first decision was made on."""
    if fact.segment is None and customer is not None:
        fact.segment = customer.segment
    if item is None or decision is None or fact.list_price is not None:
        return
    fact.category, fact.list_price, fact.cost = item.category, item.list_price, item.cost
    fact.floor, fact.price_for_quantity = decision.floor, decision.price_for_quantity


def record_escalation(session: Session, row: Negotiation, escalation: EscalationTimes) -> None:
    """Until a person has decided, the latest escalation is the one measured."""
    with changing(session, row.id) as fact:
        if fact is not None and fact.decided_at is None:
            fact.escalated_at, fact.due_at = escalation.created_at, escalation.due_at
            fact.rep_id = escalation.assignee_id


def record_person_decision(session: Session, row: Negotiation, escalation: Escalation,
                           now: datetime) -> None:
    record_person_decision_of(session, row.id, escalation.decision_action or "", escalation.decided_by, now)


def record_person_decision_of(session: Session, negotiation_id: str, action: str, decided_by: str | None,
                              now: datetime) -> None:
    """A person's approve, counter or reject of a line request's or a quote's escalation
    (an approval's deal is recorded by its own hook)."""
    with changing(session, negotiation_id) as fact:
        if fact is None:
            return
        column = PERSON_DECISIONS[action]
        setattr(fact, column, (getattr(fact, column) or 0) + 1)
        if fact.decided_at is None:
            fact.decided_at, fact.rep_id = now, decided_by
        if action == "reject" and fact.deal_at is None:
            fact.rule = OUTCOME_RULES["reject"]
        elif action == "counter" and fact.deal_at is None:
            fact.rule, fact.offered = "rep_decision", True


def record_deal(deps: Deps, session: Session, row: Negotiation, offer: Offer, deal: Deal) -> None:
    with changing(session, row.id) as fact:
        if fact is None:
            return
        fact.deal_at, fact.deal_quantity, fact.deal_unit_price = deal.created_at, deal.quantity, deal.unit_price
        fact.rule, fact.offered = _offer_rule(offer), True
        fact.by_person = offer.kind == "rep"
        if offer.sku == fact.sku:
            prices = (fact.list_price, fact.cost, fact.floor)
        else:
            prices = _alternative_prices(deps, session, offer.sku, fact.segment, deal.quantity)
        fact.deal_list_price, fact.deal_cost, fact.deal_floor = prices


def _alternative_prices(deps: Deps, session: Session, sku: str, segment: str | None,
                        quantity: int) -> tuple[Any, Any, Any]:
    """List, cost and floor of an equivalent product dealt instead; unknown (left out of
    the price measures) when the back office cannot say: accepting never fails on it."""
    try:
        item = deps.catalog_item(session, sku)
        if item is None:
            return None, None, None
        facts = price_facts(deps, session, item, segment, quantity)
    except BackOfficeUnavailableError:
        return None, None, None
    return facts.list_price, facts.cost, facts.floor


def record_redeemed(session: Session, deal: Deal) -> None:
    with changing(session, deal.negotiation_id) as fact:
        if fact is not None:
            fact.redeemed_at = deal.redeemed_at

