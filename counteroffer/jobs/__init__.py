"""Background work: the transactional outbox, its relay into rq, and the tasks."""
from .outbox import add_message
from .relay import relay_pending, relay_stale
from .signals import deal_created, deal_redeemed, deal_released, negotiation_escalated
from .tasks import JobRuntime, bind_runtime, handle_message

__all__ = ["add_message", "relay_pending", "relay_stale", "deal_created", "deal_redeemed", "deal_released",
           "negotiation_escalated", "JobRuntime", "bind_runtime", "handle_message"]
