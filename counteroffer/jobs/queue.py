"""The rq queue the outbox feeds, with retries for handlers that fail."""
from __future__ import annotations

from collections.abc import Sequence

from redis import Redis
from rq import Queue, Retry

from .tasks import HANDLE_MESSAGE

__all__ = ["make_queue", "enqueue_message"]

#: Backoff between attempts, in seconds: a receiver's outage of minutes loses nothing.
RETRY_INTERVALS = [10, 60, 300, 900]
#: A job still running after this long is stopped and retried. Every send has its own
#: shorter timeout; this also bounds how long a dead worker's job looks alive (rq calls it
#: abandoned once its heartbeat, this plus 60 s, has lapsed).
JOB_TIMEOUT_SECONDS = 60


def make_queue(name: str, connection: Redis) -> Queue:
    return Queue(name, connection=connection)


def enqueue_message(queue: Queue, message_id: int,
                    intervals: Sequence[int] = RETRY_INTERVALS) -> None:
    # The job id is the message id: rq keeps one job per message even if relayed twice.
    queue.enqueue(HANDLE_MESSAGE, message_id, job_id=f"counteroffer-outbox-{message_id}",
                  job_timeout=JOB_TIMEOUT_SECONDS,
                  retry=Retry(max=len(intervals), interval=list(intervals)))
