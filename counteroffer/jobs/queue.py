"""The rq queue the outbox feeds, with retries for handlers that fail."""
from __future__ import annotations

from collections.abc import Sequence

from redis import Redis
from rq import Queue, Retry

from .tasks import HANDLE_MESSAGE

__all__ = ["make_queue", "enqueue_message"]

#: Backoff between attempts, in seconds: a receiver's outage of minutes loses nothing.
RETRY_INTERVALS = [10, 60, 300, 900]


def make_queue(name: str, connection: Redis) -> Queue:
    return Queue(name, connection=connection)


def enqueue_message(queue: Queue, message_id: int,
                    intervals: Sequence[int] = RETRY_INTERVALS) -> None:
    # The job id is the message id: rq keeps one job per message even if relayed twice.
    queue.enqueue(HANDLE_MESSAGE, message_id, job_id=f"counteroffer-outbox-{message_id}",
                  retry=Retry(max=len(intervals), interval=list(intervals)))
