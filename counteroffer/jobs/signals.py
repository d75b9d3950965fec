"""Signals the workers send when the outbox delivers a message (as Flask-Login's
``user_logged_in``). Hosts and later features (rep notifications, CRM pushes) connect
receivers; each receives ``payload=`` with the message's data and ``message_id=``."""
from __future__ import annotations

from blinker import Namespace

__all__ = ["negotiation_escalated", "deal_created", "deal_redeemed", "deal_released", "SIGNAL_BY_TOPIC"]

_signals = Namespace()

#: A price request needs a person: the rules could not settle it or the buyer asked.
negotiation_escalated = _signals.signal("negotiation-escalated")
#: A buyer accepted an offer; the deal token can now be redeemed at checkout.
deal_created = _signals.signal("deal-created")
#: The host's checkout placed an order with a deal.
deal_redeemed = _signals.signal("deal-redeemed")
#: The host gave a redemption back (the order failed or was cancelled): the deal is usable again.
deal_released = _signals.signal("deal-released")

SIGNAL_BY_TOPIC = {
    "negotiation.escalated": negotiation_escalated,
    "deal.created": deal_created,
    "deal.redeemed": deal_redeemed,
    "deal.released": deal_released,
}
