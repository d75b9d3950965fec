"""The worker process: an rq worker (with its scheduler) plus the outbox pump.

Web processes only write rows; workers move them to Redis and run them. Each kind of
process scales out on its own: more gunicorn workers, more ``flask counteroffer worker``.
The pump relays the outbox every second; once a minute it also expires lapsed offers,
sends escalation reminders, moves overdue escalations to managers, deletes documents past
their retention, and hands over again messages that were relayed but never handled (a
Redis restarted without its data).
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime

from flask import Flask
from redis.exceptions import RedisError
from rq import SimpleWorker

from ...jobs import JobRuntime, bind_runtime, relay_pending, relay_stale
from ...jobs.heartbeat import BEAT_SECONDS, beat, worker_name
from ...jobs.notifications import EMAIL_TOPIC, WEBHOOK_TOPIC, email_sender, webhook_sender
from ...jobs.queue import enqueue_message, make_queue
from ...jobs.tasks import RUN_PERIODIC
from ...negotiation import expire_lapsed, expire_lapsed_quotes, purge_documents, sweep_escalations
from ...negotiation.approvals.notices import ESCALATED_TOPIC, VOIDED_TOPIC, tell_assigned, tell_voided
from ...negotiation.pricing.simulation import SIMULATE_TOPIC, simulation_handler
from ...negotiation.quotes.approvals.escalation import ESCALATED_TOPIC as QUOTE_ESCALATED_TOPIC
from ...negotiation.quotes.approvals.notices import tell_quote_assigned
from ...negotiation.quotes.approvals.sla import remind_quote_escalations, sweep_quote_escalations
from ...negotiation.results.reports import fold_results
from ...negotiation.shared.idempotency import prune_keys
from .state import Extension

__all__ = ["OutboxPump", "run_worker", "relay_once", "job_runtime", "sweep_once"]

log = logging.getLogger(__name__)

#: The name of the once-a-minute periodic job.
MINUTELY = "minutely"

#: How often a worker looks for jobs a dead worker left behind, and retries them.
MAINTENANCE_SECONDS = 60


def _enqueue(extension: Extension):  # noqa: ANN202 - a function of a message id
    state = extension.state
    queue = make_queue(state.settings.queue_name, state.redis.client())
    return lambda message_id: enqueue_message(queue, message_id, state.settings.retry_seconds)


def relay_once(extension: Extension) -> int:
    """Hand every committed outbox message to rq once; returns how many."""
    state = extension.state
    return relay_pending(state.deps.session_factory, _enqueue(extension), state.deps.clock)


def sweep_once(extension: Extension) -> None:
    """The once-a-minute work: expiry, escalation service levels, lost messages,
    idempotency keys past 24 hours, the results' waiting roll-up deltas, and buyers'
    documents past their retention."""
    state = extension.state
    expire_lapsed(state.deps)
    expire_lapsed_quotes(state.deps)
    fold_results(state.deps)
    prune_keys(state.deps)
    sweep_escalations(state.deps)
    remind_quote_escalations(state.deps)
    sweep_quote_escalations(state.deps)
    purge_documents(state.deps, state.settings.document_retention)
    relay_stale(state.deps.session_factory, _enqueue(extension), state.deps.clock,
                state.settings.republish_after)


def job_runtime(app: Flask, extension: Extension) -> JobRuntime:
    """What the tasks run against: this app's database, clock and notification ports."""
    deps = extension.state.deps
    handlers = {EMAIL_TOPIC: email_sender(extension.mailer()),
                WEBHOOK_TOPIC: webhook_sender(extension.webhooks()),
                SIMULATE_TOPIC: simulation_handler(deps)}
    writers = {ESCALATED_TOPIC: lambda session, payload, _key: tell_assigned(session, payload, deps.clock()),
               VOIDED_TOPIC: lambda session, payload, _key: tell_voided(session, payload, deps.clock()),
               QUOTE_ESCALATED_TOPIC: lambda session, payload, _: tell_quote_assigned(session, payload, deps.clock())}
    return JobRuntime(deps.session_factory, deps.clock, app, handlers, writers=writers,
                      periodic={MINUTELY: lambda: sweep_once(extension)})


class OutboxPump(threading.Thread):
    """Relays the outbox every ``interval`` seconds and runs ``sweep_once`` each minute."""

    def __init__(self, app: Flask, extension: Extension, interval: float = 1.0) -> None:
        super().__init__(name="counteroffer-outbox", daemon=True)
        self._app, self._extension, self._interval = app, extension, interval
        self._stop_event = threading.Event()
        self._name = worker_name()
        self._started_at: datetime | None = None

    def stop(self) -> None:
        self._stop_event.set()

    def run(self) -> None:
        ticks = 0
        with self._app.app_context():
            self._beat()  # at once: a page waiting on a worker may stop saying none runs
            while not self._stop_event.wait(self._interval):
                self._pass(sweep=ticks % max(1, int(60 / self._interval)) == 0,
                           heartbeat=ticks % max(1, int(BEAT_SECONDS / self._interval)) == 0)
                ticks += 1

    def _beat(self) -> None:
        deps = self._extension.state.deps
        self._started_at = self._started_at or deps.clock()
        try:
            beat(deps.session_factory, self._name, self._started_at, deps.clock())
        except Exception:  # a missed beat only makes pages warn; keep pumping
            log.exception("worker heartbeat failed")

    def _pass(self, sweep: bool, heartbeat: bool = False) -> None:
        if heartbeat:
            self._beat()
        try:
            relay_once(self._extension)
            if sweep:
                schedule_sweep(self._extension)
        except Exception:  # keep pumping: a failed pass is retried on the next tick
            log.exception("outbox pass failed")


def schedule_sweep(extension: Extension) -> None:
    """Enqueue this minute's sweep as an rq job, once however many pumps run (the first to
    set the minute's token wins); with Redis away, run it here: service levels must not
    wait for Redis."""
    state = extension.state
    minute = int(state.deps.clock().timestamp() // 60)
    try:
        client = state.redis.client()
        queue = make_queue(state.settings.queue_name, client)
        if client.set(f"counteroffer:{queue.name}:{MINUTELY}:{minute}", 1, nx=True, ex=300):
            queue.enqueue(RUN_PERIODIC, MINUTELY, job_id=f"counteroffer-{MINUTELY}-{minute}")
    except RedisError:
        sweep_once(extension)


def run_worker(app: Flask, extension: Extension, burst: bool = False) -> None:
    state = extension.state
    bind_runtime(job_runtime(app, extension))
    pump = OutboxPump(app, extension)
    if burst:
        relay_once(extension)
    else:
        pump.start()
    queue = make_queue(state.settings.queue_name, state.redis.client())
    try:
        # SimpleWorker runs jobs in this process: no fork, so the SQLAlchemy pool and the
        # app context stay valid; scale out by starting more worker processes. Maintenance
        # (finding jobs of workers that died) every minute rather than rq's ten.
        worker = SimpleWorker([queue], connection=queue.connection,
                              maintenance_interval=MAINTENANCE_SECONDS)
        worker.work(burst=burst, with_scheduler=not burst)
    finally:
        pump.stop()
