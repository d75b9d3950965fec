"""The use cases of a negotiation and its state machine. Each public function is one
transaction: it takes primitives, returns plain views, and commits once.

A folder per part of the product: buying/ (a price request and its deals), approvals/ (a
person decides), pricing/ (rule versions), results/ (facts, reports, experiments), and
shared/ (what they all use). This module re-exports what the web and hosts call."""
from .approvals.escalations import (
                     AuditEvent,
                     BeyondAuthorityError,
                     EscalationView,
                     Rep,
                     audit_csv,
                     audit_trail,
                     decide_escalation,
                     get_escalation,
                     list_escalations,
                     sweep_escalations,
)
from .approvals.service_levels import ServiceLevel, ServiceLevels
from .buying.deals import accept_offer, deal_for_token, redeem_deal
from .buying.document_store import staff_document, upload_document
from .buying.expiry import expire_lapsed
from .buying.queries import ProductTerms, deals_for_order, get_negotiation, list_negotiations, product_terms
from .buying.releases import release_deal, release_order
from .buying.requests import counter, escalate, places_message, request_price, withdraw
from .buying.retention import PurgeResult, purge_documents
from .buying.told import Tell
from .buying.views import DealView, NegotiationView, OfferView
from .buying.why_not import LOST_REASONS, tell_why_not
from .quotes.approvals.decision import decide_quote_escalation
from .quotes.approvals.proposal import LineEdit
from .quotes.approvals.view import QuoteEscalationView, get_quote_escalation, list_quote_escalations
from .quotes.asks import MAX_LINES, LineAsk, order_target_of
from .quotes.deals import (
                     CartLine,
                     QuoteCartPrices,
                     accept_quote_offer,
                     quote_prices,
                     redeem_quote,
                     release_quote,
                     release_quote_order,
)
from .quotes.document import QuoteDocument, QuoteDocumentLine, quote_document, quote_document_path
from .quotes.expiry import expire_lapsed_quotes
from .quotes.queries import get_quote, list_quotes, quote_deal_for_order
from .quotes.requests import counter_quote, escalate_quote, request_quote, withdraw_quote
from .quotes.told import QuoteTell
from .quotes.views import QuoteDealView, QuoteView
from .quotes.why_not import tell_quote_why_not
from .shared.actors import Actor
from .shared.deps import Deps
from .shared.errors import (
                     ConflictError,
                     ForbiddenError,
                     InvalidRequestError,
                     NegotiationError,
                     NotFoundError,
                     ServiceUnavailableError,
                     UnauthenticatedError,
)
from .shared.states import OfferStatus, Role, Status

__all__ = [
    "Actor", "Deps", "Tell", "LOST_REASONS", "tell_why_not", "upload_document", "staff_document",
    "accept_offer", "deal_for_token", "deals_for_order", "redeem_deal", "release_deal",
    "release_order",
    "expire_lapsed", "purge_documents", "PurgeResult",
    "get_negotiation", "list_negotiations", "product_terms", "ProductTerms", "counter",
    "escalate", "request_price", "withdraw", "places_message", "OfferStatus", "Role", "Status", "DealView",
    "NegotiationView", "OfferView", "ConflictError", "ForbiddenError", "InvalidRequestError",
    "NegotiationError", "NotFoundError", "UnauthenticatedError", "ServiceUnavailableError",
    "Rep", "EscalationView", "AuditEvent", "BeyondAuthorityError", "list_escalations",
    "get_escalation", "decide_escalation", "audit_trail", "audit_csv", "sweep_escalations",
    "ServiceLevel", "ServiceLevels",
    "LineAsk", "CartLine", "MAX_LINES", "order_target_of", "request_quote", "counter_quote", "withdraw_quote",
    "QuoteTell", "tell_quote_why_not",
    "escalate_quote", "decide_quote_escalation", "LineEdit", "QuoteEscalationView", "get_quote_escalation",
    "list_quote_escalations", "accept_quote_offer", "quote_prices", "redeem_quote", "release_quote",
    "release_quote_order", "quote_deal_for_order", "list_quotes", "get_quote", "expire_lapsed_quotes",
    "QuoteView", "QuoteDealView", "QuoteCartPrices", "QuoteDocument", "QuoteDocumentLine", "quote_document",
    "quote_document_path",
]
