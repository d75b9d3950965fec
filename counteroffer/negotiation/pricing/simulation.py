"""What-if simulation: the draft against the live version on real or uploaded requests.

``start_simulation`` writes the simulation row and an outbox message in one transaction;
a worker runs ``run_simulation(id)`` (the ``rules.simulate`` topic), which writes its
progress as it goes and stops between batches once ``cancel_simulation`` asked it to.
Requests are read in bulk (no ORM objects per row), products and segments are resolved
once per SKU and company, and the loop itself only calls the engine (``replay.py``).
The buyers' response model is fitted from the shop's answered offers before the loop
(``results/response_history.py``), so the result also forecasts the deals each side's
offers would bring (``forecast.py``, docs/forecast.md). The quotes of the last ``days``
days follow the lines, every round as it was asked (``quote_history.py``,
``quote_replay.py``): the result's ``quotes``.
"""
from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from ...adapters import BackOfficeUnavailableError, CatalogItem
from ...db import transaction
from ...db.models import Event, Negotiation, Told
from ...db.rulesets import Simulation
from ...jobs.outbox import add_message
from ...rules import AlternativeProduct, Citation, CompiledRules, PricingContext, RuleSet
from ...rules.guard import GuardDraws
from ..results.response_history import response_model
from ..shared.actors import Actor
from ..shared.deps import Deps
from ..shared.errors import ConflictError, NotFoundError
from ..shared.prices import engine_cost
from ..shared.records import new_id
from .quote_history import moved, past_quotes, resolved_quotes
from .quote_processes import QuoteRuns, quote_processes
from .quote_replay import QuoteComparison, ReplayedQuote
from .replay import Comparison, Replayed, replay, same_rules
from .rulebook import compiled_rules_for_version, live_version_id
from .rulesets import require_pricing_manager, version_id_for

__all__ = ["SIMULATE_TOPIC", "SimulationView", "start_simulation", "get_simulation",
           "cancel_simulation", "run_simulation", "simulation_handler", "MAX_DAYS"]

log = logging.getLogger(__name__)
SIMULATE_TOPIC = "rules.simulate"
MAX_DAYS = 366
_FINISHED = ("done", "cancelled", "failed")


@dataclass(frozen=True)
class SimulationView:
    id: str
    status: str
    source: str
    days: int | None
    total: int
    processed: int
    cancel_requested: bool
    result: dict[str, Any] | None
    error: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in _FINISHED

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0


def _view(row: Simulation) -> SimulationView:
    return SimulationView(id=row.id, status=row.status, source=row.source, days=row.days,
                          total=row.total, processed=row.processed,
                          cancel_requested=bool(row.cancel_requested), result=row.result,
                          error=row.error, created_by=row.created_by, created_at=row.created_at,
                          started_at=row.started_at, finished_at=row.finished_at)


def start_simulation(deps: Deps, actor: Actor, days: int | None = None,
                     requests: list[dict[str, Any]] | None = None) -> SimulationView:
    """Queue a run of the draft against the live version: on the requests of the last
    ``days`` days, or on ``requests`` (rows of an uploaded CSV, already checked)."""
    require_pricing_manager(actor)
    now = deps.clock()
    if requests is not None:  # stored as JSON: amounts as text, exactly as given
        requests = [{**asked, "target_unit_price": str(asked["target_unit_price"])} for asked in requests]
    with transaction(deps.session_factory) as session:
        draft_id = version_id_for(session, "draft")
        row = Simulation(id=new_id(), status="queued", source="csv" if requests is not None else "history",
                         days=days, requests=requests,
                         draft_version_id=draft_id, live_version_id=live_version_id(session),
                         total=len(requests) if requests is not None else 0, processed=0,
                         cancel_requested=False, created_by=actor.id, created_at=now)
        session.add(row)
        add_message(session, SIMULATE_TOPIC, f"simulation:{row.id}", {"simulation_id": row.id}, now)
        session.flush()
        return _view(row)


def get_simulation(deps: Deps, actor: Actor, simulation_id: str) -> SimulationView:
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        return _view(_simulation(session, simulation_id))


def _simulation(session: Session, simulation_id: str) -> Simulation:
    row = session.get(Simulation, simulation_id)
    if row is None:
        raise NotFoundError("There is no such simulation.")
    return row


def cancel_simulation(deps: Deps, actor: Actor, simulation_id: str) -> SimulationView:
    """Ask the run to stop: a queued one never starts, a running one stops at its next batch."""
    require_pricing_manager(actor)
    with transaction(deps.session_factory) as session:
        row = _simulation(session, simulation_id)
        if row.status in _FINISHED:
            raise ConflictError(f"This simulation is {row.status} already.")
        row.cancel_requested = True
        if row.status == "queued":
            row.status, row.finished_at = "cancelled", deps.clock()
        return _view(row)


def simulation_handler(deps: Deps) -> Callable[[dict[str, Any], str], object]:
    """The worker's handler for ``rules.simulate`` outbox messages."""
    return lambda payload, _key: run_simulation(deps, payload["simulation_id"])


def run_simulation(deps: Deps, simulation_id: str) -> str:
    """Run one simulation to its end (done, cancelled or failed); returns the status.
    Runs once: a redelivered message finds it started and does nothing."""
    if not _claim(deps, simulation_id):
        return "skipped"
    try:
        status, payload = _run(deps, simulation_id)
    except Exception as error:  # the page must say it failed rather than spin forever
        log.exception("simulation %s failed", simulation_id)
        status, payload = "failed", {"error": f"{type(error).__name__}: {error}"}
    _finish(deps, simulation_id, status, payload)
    return status


def _claim(deps: Deps, simulation_id: str) -> bool:
    with transaction(deps.session_factory) as session:
        claimed = session.execute(update(Simulation).where(
            Simulation.id == simulation_id, Simulation.status == "queued").values(
            status="running", started_at=deps.clock()))
        return cast(CursorResult[Any], claimed).rowcount == 1


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off for the run. A simulation holds hundreds of thousands
    of long-lived objects (contexts, rounds, lines) and makes millions of short-lived ones
    that reference counting frees (the run makes no garbage cycles: its peak memory is
    the same either way); the collector's full passes over the growing heap were about 2 s
    of a run of 100,000 requests and 10,000 quotes (bench/README.md)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(deps: Deps, simulation_id: str) -> tuple[str, dict[str, Any]]:
    with _without_cycle_collection():
        return _run_all(deps, simulation_id)


def _run_all(deps: Deps, simulation_id: str) -> tuple[str, dict[str, Any]]:
    with transaction(deps.session_factory) as session:
        row = _simulation(session, simulation_id)
        live = _compiled(session, row.live_version_id)
        draft = _compiled(session, row.draft_version_id)
        asked = (cast(list[dict[str, Any]], row.requests) if row.source == "csv"
                 else _history(session, deps, row.days or 30))
        contexts = _Contexts(deps, session)
        requests, skipped = _resolved(deps, session, asked, live, draft, contexts)
        quotes, quotes_skipped = _past_quotes(deps, session, row.days if row.source == "csv" else row.days or 30,
                                              live, draft, contexts)
        model = response_model(session, deps.clock())  # how buyers took offers: the forecast
    total = len(requests) + len(quotes)
    _progress(deps, simulation_id, 0, total)
    quoted = QuoteComparison()
    # The quotes start on other cores (quote_processes.py) while the lines replay here.
    with QuoteRuns(quotes, live, draft, deps.clock(), deps.policy, quote_processes()) as runs:
        comparison = replay(requests, live, draft, deps.clock(), deps.policy, Comparison(model=model),
                            on_progress=lambda done: _progress(deps, simulation_id, done))
        processed = comparison.live.requests
        if processed == len(requests):  # not cancelled during the lines
            runs.collect(quoted, on_progress=lambda done: _progress(deps, simulation_id, processed + done))
    processed += quoted.live.quotes
    _progress(deps, simulation_id, processed)
    status = "done" if processed == total else "cancelled"
    return status, {"result": {**comparison.result(), "skipped": skipped,
                               "quotes": {**quoted.result(), "skipped": quotes_skipped}}}


def _past_quotes(deps: Deps, session: Session, days: int | None, live: CompiledRules, draft: CompiledRules,
                 contexts: _Contexts) -> tuple[list[ReplayedQuote], int]:
    """The quotes of the last ``days`` days with their contexts (none without ``days``)."""
    if not days:
        return [], 0
    segments: dict[str, str | None] = {}

    def segment_today(company_id: str) -> str | None:  # only for rounds asked before 0017
        if company_id not in segments:
            segments[company_id] = _segment(deps, session, company_id)
        return segments[company_id]

    asked = past_quotes(session, deps.clock(), days, segment_today)
    return resolved_quotes(asked, live, draft, contexts.context,
                           lambda sku, category, segment: same_rules(live, draft, sku, category, segment))


def _compiled(session: Session, version_id: int | None) -> CompiledRules:
    if version_id is None:
        return CompiledRules(RuleSet())
    try:
        return compiled_rules_for_version(session, version_id)
    except LookupError:
        raise ConflictError("The draft was discarded before the simulation ran.") from None


def _progress(deps: Deps, simulation_id: str, done: int, total: int | None = None) -> bool:
    """Write how far it is; False once a cancel was asked for."""
    values: dict[str, Any] = {"processed": done}
    if total is not None:
        values["total"] = total
    with transaction(deps.session_factory) as session:
        session.execute(update(Simulation).where(Simulation.id == simulation_id).values(**values))
        return not session.scalar(select(Simulation.cancel_requested).where(Simulation.id == simulation_id))


def _finish(deps: Deps, simulation_id: str, status: str, payload: dict[str, Any]) -> None:
    with transaction(deps.session_factory) as session:
        session.execute(update(Simulation).where(Simulation.id == simulation_id).values(
            status=status, finished_at=deps.clock(), result=payload.get("result"),
            error=payload.get("error")))


def _history(session: Session, deps: Deps, days: int) -> list[dict[str, Any]]:
    """First rounds of the price requests of the last ``days`` days, oldest first, each
    with what the buyer told with it (``counteroffer_told``: a cited competing offer,
    needed_by), its dates moved by the days since, as for quotes (quote_history.py)."""
    now = deps.clock()
    rows = session.execute(
        select(Negotiation.sku, Negotiation.company_id, Event.detail, Negotiation.created_at,
               Told.competitor, Told.unit_price, Told.valid_until, Told.needed_by, Told.document_id)
        .join(Event, Event.negotiation_id == Negotiation.id)
        .outerjoin(Told, (Told.negotiation_id == Negotiation.id) & (Told.round == 1))
        .where(Negotiation.created_at >= now - timedelta(days=days), Event.action == "requested")
        .order_by(Negotiation.created_at, Negotiation.id))
    segments: dict[str, str | None] = {}
    asked = []
    for sku, company_id, detail, asked_at, competitor, price, valid_until, needed_by, document_id in rows:
        if company_id not in segments:
            segments[company_id] = _segment(deps, session, company_id)
        shift = now.date() - asked_at.date()
        cited = None if competitor is None or price is None else Citation(
            competitor, price, moved(valid_until, shift), document_id is not None)
        asked.append({"sku": sku, "quantity": detail.get("quantity"),
                      "target_unit_price": detail.get("target_unit_price"),
                      "segment": segments[company_id], "citation": cited, "needed_by": moved(needed_by, shift)})
    return asked


def _segment(deps: Deps, session: Session, company_id: str) -> str | None:
    try:
        customer = deps.customer(session, company_id)
    except BackOfficeUnavailableError:
        return None
    return customer.segment if customer else None


class _Contexts:
    """Products and pricing contexts, each looked up once per simulation."""

    def __init__(self, deps: Deps, session: Session) -> None:
        self._deps, self._session = deps, session
        self._items: dict[str, CatalogItem | None] = {}
        self._contexts: dict[tuple[int, str, str | None], PricingContext | None] = {}

    def item(self, sku: str) -> CatalogItem | None:
        if sku not in self._items:
            try:
                self._items[sku] = self._deps.catalog_item(self._session, sku)
            except BackOfficeUnavailableError:
                self._items[sku] = None
        return self._items[sku]

    def context(self, rules: CompiledRules, sku: str, segment: str | None) -> PricingContext | None:
        key = (id(rules), sku, segment)
        if key not in self._contexts:
            self._contexts[key] = self._build(rules, sku, segment)
        return self._contexts[key]

    def _build(self, rules: CompiledRules, sku: str, segment: str | None) -> PricingContext | None:
        item = self.item(sku)
        if item is None:
            return None
        wanted = rules.resolve(sku, item.category, segment).alternatives
        alternatives = tuple(_alternative(found) for found in map(self.item, wanted)
                             if found is not None and found.currency == item.currency
                             and found.cost is not None)  # as buying/context.py
        return PricingContext(list_price=item.list_price, **engine_cost(item), currency=item.currency,
                              segment=segment, order_multiple=item.order_multiple,
                              category=item.category, alternatives=alternatives,
                              guard_draws=MIDDLE_OF_THE_BAND)


#: Each company's guard price is drawn from a secret (rules/guard.py); the simulation
#: replays by SKU and segment, not company, so it decides at the middle of the band:
#: what the shop's buyers meet on average.
MIDDLE_OF_THE_BAND = GuardDraws(floor=Decimal("0.5"), cost=Decimal("0.5"))


def _alternative(item: CatalogItem) -> AlternativeProduct:
    assert item.cost is not None  # _build keeps only alternatives with a cost
    return AlternativeProduct(sku=item.sku, name=item.name, list_price=item.list_price,
                              cost=item.cost, category=item.category, order_multiple=item.order_multiple,
                              guard_draws=MIDDLE_OF_THE_BAND)


def _resolved(deps: Deps, session: Session, asked: Iterable[dict[str, Any]], live: CompiledRules,
              draft: CompiledRules, contexts: _Contexts) -> tuple[list[Replayed], int]:
    """Requests with their contexts; those for products no longer sold are skipped."""
    found, skipped = [], 0
    sides: dict[tuple[str, str | None], tuple[PricingContext, PricingContext, bool] | None] = {}
    for line, request in enumerate(asked, start=1):
        sku, segment = request["sku"], request.get("segment")
        key = (sku, segment)
        if key not in sides:
            sides[key] = _sides(contexts, live, draft, sku, segment)
        both = sides[key]
        if both is None or not request.get("quantity"):
            skipped += 1
            continue
        found.append(Replayed(request.get("line", line), sku, int(request["quantity"]),
                              Decimal(request["target_unit_price"]), segment, *both,
                              request.get("citation"), request.get("needed_by")))
    return found, skipped


def _sides(contexts: _Contexts, live: CompiledRules, draft: CompiledRules, sku: str,
           segment: str | None) -> tuple[PricingContext, PricingContext, bool] | None:
    """Both contexts of a SKU and segment, and whether both sides decide it alike."""
    before, after = contexts.context(live, sku, segment), contexts.context(draft, sku, segment)
    if before is None or after is None:
        return None
    return before, after, before == after and same_rules(live, draft, sku, before.category, segment)
