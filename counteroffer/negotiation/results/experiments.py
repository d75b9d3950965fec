"""Experiments: two published rule-set versions tried on buyers at once.

A buyer's company is in arm B when ``sha256(salt + ":" + company_id)`` read as a number,
modulo 100, is below the experiment's split (in percent); otherwise in arm A. The same
company always lands in the same arm for the experiment's life, across processes; a new
experiment has a new salt, so it draws new arms. At most one experiment runs at a time;
while it runs, price requests are decided with the arm's version instead of the live
one (``rules_for_buyer``) and their result facts carry the experiment and arm. Quotes
are decided with the arm's version too, so two versions that differ only in their quote
rules (order tiers, order floor, order-scope term levers) are an experiment like any
other; the results compare quotes per quote beside lines per request
(``experiment_quotes.py``).

Stopping ends the split (every buyer gets the live version again); promoting publishes
the winner's rules as the new live version, in the same transaction.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, literal, select
from sqlalchemy.orm import Session

from ...db import rule_changes, transaction
from ...db.results import Experiment, ResultFact
from ...db.rulesets import LIVE_ROW_ID, PUBLISHED, LiveRuleVersion, RuleVersion
from ..pricing.rulebook import LiveRules, compiled_rules_for_version, live_version_id, rules_at_revision
from ..pricing.rulesets import PRICING_ROLES, _locked_pointer, _next_number, _point_at, copy_rules, version_id_for
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ConflictError, ForbiddenError, InvalidRequestError, NotFoundError
from .experiment_quotes import QuoteArmResult, QuoteDifferences, QuoteSums, mean_interval, quote_differences
from .stats import SMALL_SAMPLE, Interval, Moments, newcombe_difference, welch_difference, wilson, z_for

__all__ = ["ExperimentView", "ArmResult", "ExperimentResults", "arm_for", "rules_for_buyer",
           "experiment_arm", "start_experiment", "stop_experiment", "promote_winner",
           "list_experiments", "experiment_results"]

RUNNING, STOPPED, PROMOTED = "running", "stopped", "promoted"
ARMS = ("A", "B")


@dataclass(frozen=True)
class ExperimentView:
    id: int
    name: str
    version_a: int
    version_b: int
    split_pct: int
    status: str
    started_at: datetime
    stopped_at: datetime | None
    promoted_variant: str | None
    note: str | None


def _view(row: Experiment) -> ExperimentView:
    return ExperimentView(id=row.id, name=row.name, version_a=_number(row.version_a),
                          version_b=_number(row.version_b), split_pct=row.split_pct,
                          status=row.status, started_at=row.started_at, stopped_at=row.stopped_at,
                          promoted_variant=row.promoted_variant, note=row.note)


def _number(version_number: str) -> int:
    return int(version_number)


def arm_for(salt: str, company_id: str, split_pct: int) -> str:
    digest = hashlib.sha256(f"{salt}:{company_id}".encode()).digest()
    return "B" if int.from_bytes(digest[:8], "big") % 100 < split_pct else "A"


def _running(session: Session) -> Experiment | None:
    return session.scalars(select(Experiment).where(Experiment.status == RUNNING).limit(1)).first()


@dataclass(frozen=True)
class _Arms:
    """What a price request needs of the running experiment."""

    id: int
    salt: str
    split_pct: int
    version_a: str
    version_b: str


@dataclass(frozen=True)
class _Choice:
    """The live version (id and revision, None before any rule) and the running experiment."""

    live_id: int | None
    live_revision: int | None
    experiment: _Arms | None


_ONE_ROW = select(literal(1).label("one")).subquery("one_row")
_live, _live_version, _experiment = LiveRuleVersion.__table__, RuleVersion.__table__, Experiment.__table__
#: Every price request asks both questions, so they are one statement: a row always
#: comes back (from the one-row base), with NULLs for what does not exist.
_CHOICE = (select(_live.c.version_id, _live_version.c.revision, _experiment.c.id, _experiment.c.salt,
                  _experiment.c.split_pct, _experiment.c.version_a, _experiment.c.version_b)
           .select_from(_ONE_ROW)
           .outerjoin(_live, _live.c.id == LIVE_ROW_ID)
           .outerjoin(_live_version, _live_version.c.id == _live.c.version_id)
           .outerjoin(_experiment, _experiment.c.status == RUNNING)
           .limit(1))


def _choice_for_request(session: Session) -> _Choice:
    """Once per price request's transaction (choosing the rules and recording the result
    fact both ask), from this process's memory while nothing changed (db/rule_changes.py:
    on PostgreSQL no request reads it), else read afresh."""
    choice = session.info.get(_REQUEST_MEMO)
    if choice is None:
        choice = session.info[_REQUEST_MEMO] = _current_choice(session)
    return choice


def _current_choice(session: Session) -> _Choice:
    engine = rule_changes.engine_of(session)
    generation = rule_changes.heard(engine)  # taken before the read: a change after it moves it
    remembered = _by_database.get(engine)
    if generation is not None and remembered is not None and remembered[0] == generation:
        return remembered[1]
    row = session.connection().execute(_CHOICE).one()
    arms = None if row.id is None else _Arms(row.id, row.salt, row.split_pct, row.version_a,
                                              row.version_b)
    choice = _Choice(row.version_id, row.revision, arms)
    if generation is not None:
        _by_database[engine] = (generation, choice)
    return choice


_REQUEST_MEMO = "counteroffer_rules_choice"
#: Per database: the generation a choice was read at, and the choice.
_by_database: WeakKeyDictionary[Engine, tuple[int, _Choice]] = WeakKeyDictionary()


def _arm_number(experiment: _Arms, company_id: str) -> str:
    b_arm = arm_for(experiment.salt, company_id, experiment.split_pct) == "B"
    return experiment.version_b if b_arm else experiment.version_a


def _version_id(session: Session, number: str) -> int:
    found = session.scalar(select(RuleVersion.id).where(RuleVersion.number == int(number)))
    if found is None:
        raise NotFoundError(f"There is no version {number}.")
    return found


def rules_for_buyer(session: Session, company_id: str) -> LiveRules:
    """The rules this buyer's request is decided with: the arm's version while an
    experiment runs, else the live version."""
    choice = _choice_for_request(session)
    if choice.experiment is None:
        return rules_at_revision(session, choice.live_id, choice.live_revision)
    version_id = _version_id(session, _arm_number(choice.experiment, company_id))
    return LiveRules(version_id, compiled_rules_for_version(session, version_id))


def experiment_arm(session: Session, company_id: str, version_id: int | None) -> tuple[int | None, str | None]:
    """(experiment id, arm) of a request decided now with ``version_id``; (None, None)
    outside an experiment."""
    experiment = _choice_for_request(session).experiment
    if experiment is None or version_id is None:
        return None, None
    arm = arm_for(experiment.salt, company_id, experiment.split_pct)
    number = experiment.version_b if arm == "B" else experiment.version_a
    return (experiment.id, arm) if _version_id(session, number) == version_id else (None, None)


def _require_pricing(actor: Actor) -> None:
    if actor.role not in PRICING_ROLES:
        raise ForbiddenError("Only pricing managers run experiments.")


def start_experiment(deps: Deps, actor: Actor, name: str, control: str | int, challenger: str | int,
                     split_pct: int = 50, note: str | None = None) -> ExperimentView:
    """Arm A is ``control``, arm B ``challenger``: "live" or published version numbers."""
    _require_pricing(actor)
    _check_start(name, split_pct)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        if _running(session) is not None:
            raise ConflictError("An experiment is already running: stop it first.")
        numbers = [_published_number(session, ref, field) for ref, field in
                   ((control, "control"), (challenger, "challenger"))]
        if numbers[0] == numbers[1]:
            raise InvalidRequestError("Compare two different versions.",
                                      {"challenger": ["The same version as the control."]})
        row = Experiment(name=name.strip(), version_a=str(numbers[0]), version_b=str(numbers[1]),
                         split_pct=split_pct, salt=secrets.token_hex(8), status=RUNNING,
                         started_at=now, note=note, created_by=actor.id)
        session.add(row)
        session.flush()
        return _view(row)


def _check_start(name: str, split_pct: int) -> None:
    if not name or not name.strip():
        raise InvalidRequestError("Name the experiment.", {"name": ["Required."]})
    if not 1 <= split_pct <= 99:
        raise InvalidRequestError("The split is the percent of buyers in arm B, 1 to 99.",
                                  {"split_pct": ["Between 1 and 99."]})


def _published_number(session: Session, ref: str | int, field: str) -> int:
    try:
        version = session.get(RuleVersion, version_id_for(session, ref))
    except NotFoundError as error:
        raise InvalidRequestError(error.message, {field: [error.message]}) from None
    if version is None or version.status != PUBLISHED or version.number is None:
        message = "Only published versions can be tried on buyers."
        raise InvalidRequestError(message, {field: [message]})
    return version.number


def stop_experiment(deps: Deps, actor: Actor, experiment_id: int) -> ExperimentView:
    _require_pricing(actor)
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = _locked(session, experiment_id)
        if row.status != RUNNING:
            raise ConflictError(f"This experiment is already {row.status}.")
        row.status, row.stopped_at = STOPPED, now
        return _view(row)


def promote_winner(deps: Deps, actor: Actor, experiment_id: int, arm: str) -> ExperimentView:
    """Stop the experiment (if running) and publish the arm's rules as the live version."""
    _require_pricing(actor)
    if arm not in ARMS:
        raise InvalidRequestError("The winner is arm A or B.", {"variant": ["A or B."]})
    now = deps.clock()
    with transaction(deps.session_factory) as session:
        row = _locked(session, experiment_id)
        if row.status == PROMOTED:
            raise ConflictError(f"Arm {row.promoted_variant} of this experiment was already promoted.")
        winner = _version_id(session, row.version_b if arm == "B" else row.version_a)
        if live_version_id(session) != winner:
            _publish_copy(session, winner, actor, now, f"Promoted from experiment {row.name!r}, arm {arm}")
        row.status, row.promoted_variant = PROMOTED, arm
        row.stopped_at = row.stopped_at or now
        return _view(row)


def _publish_copy(session: Session, version_id: int, actor: Actor, now: datetime, note: str) -> None:
    """As ``rulesets.rollback``: the winner's rules, published as the next version, live."""
    pointer = _locked_pointer(session)
    old = session.get(RuleVersion, version_id)
    assert old is not None
    copy = RuleVersion(status=PUBLISHED, number=_next_number(session), revision=0, note=note,
                       currency=old.currency, based_on_id=old.id, created_at=now,
                       created_by=actor.id, published_at=now, published_by=actor.id)
    session.add(copy)
    session.flush()
    copy_rules(session, old.id, copy.id)
    _point_at(session, pointer, copy.id, now, actor)


def _locked(session: Session, experiment_id: int) -> Experiment:
    row = session.scalars(select(Experiment).where(Experiment.id == experiment_id)
                          .with_for_update().execution_options(populate_existing=True)).first()
    if row is None:
        raise NotFoundError("No such experiment.")
    return row


def list_experiments(deps: Deps, actor: Actor) -> list[ExperimentView]:
    _require_pricing(actor)
    with transaction(deps.session_factory) as session:
        rows = session.scalars(select(Experiment).order_by(Experiment.started_at.desc(), Experiment.id.desc()))
        return [_view(row) for row in rows]


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ArmResult:
    arm: str
    version: int
    requests: int
    offered: int
    deals: int
    acceptance: Interval  # deals / requests with an offer
    margin_per_request: Interval  # mean margin over cost of the deal (0 without one)
    volume_per_request: Interval  # mean extra units won (0 without a deal)
    #: The arm's whole-cart quotes, compared per quote (experiment_quotes.py).
    quotes: QuoteArmResult


@dataclass(frozen=True)
class ExperimentResults:
    experiment: ExperimentView
    arms: tuple[ArmResult, ArmResult]
    acceptance_difference: Interval  # B - A
    margin_difference: Interval
    volume_difference: Interval
    small_sample: bool
    quote_differences: QuoteDifferences


def experiment_results(deps: Deps, actor: Actor, experiment_id: int) -> ExperimentResults:
    _require_pricing(actor)
    z = z_for()
    with transaction(deps.session_factory) as session:
        row = session.get(Experiment, experiment_id)
        if row is None:
            raise NotFoundError("No such experiment.")
        sums = {arm: _ArmSums() for arm in ARMS}
        quotes = {arm: QuoteSums() for arm in ARMS}
        query = select(ResultFact.variant, ResultFact.kind, ResultFact.offered, ResultFact.deal_at,
                       ResultFact.deal_quantity, ResultFact.deal_unit_price, ResultFact.deal_cost,
                       ResultFact.asked_quantity, ResultFact.deal_value, ResultFact.deal_list_value,
                       ResultFact.deal_floor_value, ResultFact.deal_cost_value).where(
            ResultFact.experiment_id == experiment_id)
        for fact in session.execute(query.execution_options(yield_per=5000)):
            # A line per request of one SKU; a whole-cart quote per quote, its order totals.
            (quotes if fact.kind == "quote" else sums)[fact.variant].add(fact)
        view = _view(row)
    a, b = (sums[arm].result(arm, view, z, quotes[arm].result(z)) for arm in ARMS)
    return ExperimentResults(
        experiment=view, arms=(a, b),
        acceptance_difference=newcombe_difference(a.acceptance, b.acceptance),
        margin_difference=welch_difference(sums["A"].margin, sums["B"].margin, z),
        volume_difference=welch_difference(sums["A"].volume, sums["B"].volume, z),
        small_sample=min(a.requests, b.requests) < SMALL_SAMPLE,
        quote_differences=quote_differences(quotes["A"], quotes["B"], z))


class _ArmSums:
    def __init__(self) -> None:
        self.requests = self.offered = self.deals = 0
        self.margin = Moments(0, Decimal(0), Decimal(0))
        self.volume = Moments(0, Decimal(0), Decimal(0))

    def add(self, fact: object) -> None:
        self.requests += 1
        self.offered += int(bool(fact.offered))  # type: ignore[attr-defined]
        margin, volume = Decimal(0), Decimal(0)
        if fact.deal_at is not None:  # type: ignore[attr-defined]
            self.deals += 1
            quantity = fact.deal_quantity or 0  # type: ignore[attr-defined]
            cost = fact.deal_cost  # type: ignore[attr-defined]
            margin = (fact.deal_unit_price - cost) * quantity if cost is not None else Decimal(0)  # type: ignore[attr-defined]
            volume = Decimal(quantity - fact.asked_quantity)  # type: ignore[attr-defined]
        self.margin = _plus(self.margin, margin)
        self.volume = _plus(self.volume, volume)

    def result(self, arm: str, view: ExperimentView, z: Decimal, quotes: QuoteArmResult) -> ArmResult:
        return ArmResult(arm=arm, version=view.version_b if arm == "B" else view.version_a,
                         requests=self.requests, offered=self.offered, deals=self.deals,
                         acceptance=wilson(self.deals, self.offered, z),
                         margin_per_request=mean_interval(self.margin, z),
                         volume_per_request=mean_interval(self.volume, z), quotes=quotes)


def _plus(moments: Moments, value: Decimal) -> Moments:
    return Moments(moments.n + 1, moments.total + value, moments.squares + value * value)
