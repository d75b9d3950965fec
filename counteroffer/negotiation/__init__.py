"""The use cases of a negotiation and its state machine. Each public function is one
transaction: it takes primitives, returns plain views, and commits once."""
from .actors import Actor
from .deals import accept_offer, deal_for_token, redeem_deal
from .deps import Deps
from .errors import (ConflictError, ForbiddenError, InvalidRequestError, NegotiationError,
                     NotFoundError, ServiceUnavailableError, UnauthenticatedError)
from .expiry import expire_lapsed
from .releases import release_deal, release_order
from .queries import ProductTerms, get_negotiation, list_negotiations, product_terms
from .requests import counter, escalate, places_message, request_price, withdraw
from .escalations import (AuditEvent, BeyondAuthorityError, EscalationView, Rep, audit_csv,
                          audit_trail, decide_escalation, get_escalation, list_escalations,
                          sweep_escalations)
from .service_levels import ServiceLevel, ServiceLevels
from .states import OfferStatus, Role, Status
from .views import DealView, NegotiationView, OfferView

__all__ = [
    "Actor", "Deps", "accept_offer", "deal_for_token", "redeem_deal", "release_deal", "release_order",
    "expire_lapsed",
    "get_negotiation", "list_negotiations", "product_terms", "ProductTerms", "counter",
    "escalate", "request_price", "withdraw", "places_message", "OfferStatus", "Role", "Status", "DealView",
    "NegotiationView", "OfferView", "ConflictError", "ForbiddenError", "InvalidRequestError",
    "NegotiationError", "NotFoundError", "UnauthenticatedError", "ServiceUnavailableError",
    "Rep", "EscalationView", "AuditEvent", "BeyondAuthorityError", "list_escalations",
    "get_escalation", "decide_escalation", "audit_trail", "audit_csv", "sweep_escalations",
    "ServiceLevel", "ServiceLevels",
]
