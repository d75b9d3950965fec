"""Worker heartbeats: what pages read to say plainly that no worker runs (issue 22)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from counteroffer.db.workers import WorkerBeat
from counteroffer.jobs.heartbeat import beat, last_seen, worker_missing


def _deps(app):  # noqa: ANN001, ANN202
    with app.app_context():
        return app.extensions["counteroffer"].deps


def test_no_worker_until_one_beats_and_again_a_minute_after_its_last_beat(app, clock):
    deps = _deps(app)
    assert last_seen(deps.session_factory) is None
    assert worker_missing(deps.session_factory, clock)
    started = clock()
    beat(deps.session_factory, "host:1", started, clock())
    assert not worker_missing(deps.session_factory, clock)
    clock.advance(seconds=50)
    beat(deps.session_factory, "host:1", started, clock())  # the same worker: one row, moved on
    clock.advance(seconds=60)
    assert not worker_missing(deps.session_factory, clock)
    clock.advance(seconds=1)
    assert worker_missing(deps.session_factory, clock)
    assert last_seen(deps.session_factory) == started + timedelta(seconds=50)


def test_the_newest_of_several_workers_counts_and_long_gone_ones_are_forgotten(app, clock):
    deps = _deps(app)
    beat(deps.session_factory, "old:1", clock(), clock())
    clock.advance(days=2)
    beat(deps.session_factory, "new:2", clock(), clock())
    assert last_seen(deps.session_factory) == clock()
    with deps.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(WorkerBeat)) == 1
