"""Past quotes replayed on other cores: ``replay_quotes`` split over forked processes.

The quotes' replay is pure CPU (the engine on data already read), about two thirds of a
simulation with 10,000 quotes, and one core is not enough for its goal (bench/README.md).
The processes start on the quotes as soon as they are read, while this process replays
the line requests. Each replays runs of consecutive quotes (``QUOTE_PROGRESS_EVERY`` of
them) into their own ``QuoteComparison``; this process adds them up in the quotes'
order, so the result is the one a single process gives, to the changes listed. Progress
is written and a cancel looked for after each run, as the single process does every that
many quotes; a simulation cancelled during the lines drops the quotes' runs.

Forked, not spawned: a child starts with the rules and quotes already in memory (pickling
them would cost what it saves). That is safe here because a child only runs
``rules/quotes`` on those objects: it never touches the database, Redis, logging or a
lock another thread might hold (the worker has an outbox thread), and it ends through
``os._exit`` (multiprocessing's fork), so the inherited connections are never closed by
it. ``gc.freeze()`` before the fork keeps a child from collecting (and finalising) the
parent's objects. Where fork does not exist, or for fewer quotes than two runs, the
replay stays in this process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime

from ...rules import CompiledRules, Policy
from .quote_replay import QUOTE_PROGRESS_EVERY, QuoteComparison, ReplayedQuote, merge, replay_quotes

__all__ = ["QuoteRuns", "quote_processes", "MOST_PROCESSES"]

#: A simulation shares the machine with the shop: at most this many processes.
MOST_PROCESSES = 2

#: What the forked children replay: set just before the pool forks, cleared after.
_shared: tuple[list[ReplayedQuote], CompiledRules, CompiledRules, datetime, Policy] | None = None


def quote_processes() -> int:
    """The cores this process may run on, at most ``MOST_PROCESSES``."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(MOST_PROCESSES, cores))


class QuoteRuns:
    """The quotes' replay, started on other processes (``start``) so that it runs while
    this one replays the lines, then added up (``collect``); ``close`` drops what was not
    collected. With one process, ``collect`` replays them here."""

    def __init__(self, quotes: list[ReplayedQuote], live: CompiledRules, draft: CompiledRules, now: datetime,
                 policy: Policy, processes: int = 1, every: int | None = None) -> None:
        self._args = (quotes, live, draft, now, policy)
        self._every = every = QUOTE_PROGRESS_EVERY if every is None else every
        self._runs = [(first, min(first + every, len(quotes))) for first in range(0, len(quotes), every)]
        self._processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._pending: list[Future[QuoteComparison]] = []

    def start(self) -> QuoteRuns:
        if self._processes < 2 or len(self._runs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            return self
        global _shared
        _shared = self._args
        gc.freeze()
        try:  # the pool forks its processes on the first submit: all of them, at once
            self._pool = ProcessPoolExecutor(min(self._processes, len(self._runs)),
                                             mp_context=multiprocessing.get_context("fork"))
            self._pending = [self._pool.submit(_replay_run, first, last) for first, last in self._runs]
        finally:
            _shared = None
            gc.unfreeze()
        return self

    def collect(self, comparison: QuoteComparison,
                on_progress: Callable[[int], bool] | None = None) -> QuoteComparison:
        """Each run's comparison added in the quotes' order, progress every ``every``
        quotes as ``replay_quotes``; on a cancel, the runs after it are dropped."""
        if self._pool is None:
            return replay_quotes(*self._args, comparison, on_progress, self._every)
        for future in self._pending:
            merge(comparison, future.result())
            done = comparison.live.quotes
            if on_progress is not None and done % self._every == 0 and not on_progress(done):
                break
        return comparison

    def close(self) -> None:
        """Runs not started are cancelled; a running one ends unread (at most one run each)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> QuoteRuns:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _replay_run(start: int, stop: int) -> QuoteComparison:
    """In a child: the quotes ``start`` to ``stop`` of the shared ones."""
    assert _shared is not None, "only in a process QuoteRuns.start forked"
    quotes, live, draft, now, policy = _shared
    return replay_quotes(quotes[start:stop], live, draft, now, policy, QuoteComparison())
