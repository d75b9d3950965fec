"""Ports to the shop's systems (``ports.py``), and their implementations: the plugin's own
tables (``sql.py``, the default), host functions (``functions.py``), HTTP/JSON back
offices (``backoffice.py``), e-mail, webhooks and chat (``notify.py``), a CRM (``crm.py``)
and CSV files (``csv_import.py``)."""
from .backoffice import HttpCatalog, HttpCustomers, HttpOrders
from .crm import HttpCrm
from .errors import AdapterError, BackOfficeUnavailableError, CircuitOpenError, DeliveryError, MalformedAnswerError
from .functions import FunctionCatalog, FunctionCustomers, FunctionOrders
from .notify import ChatWebhook, SignedWebhooks, SmtpMailer, verify_signature
from .ports import (
                     ORDER_CANCELLED,
                     ORDER_FAILED,
                     ORDER_PLACED,
                     ORDER_STATUSES,
                     Catalog,
                     CatalogItem,
                     Chat,
                     Crm,
                     Customer,
                     Customers,
                     LastPrice,
                     Mailer,
                     NegotiationOutcome,
                     OrderLine,
                     Orders,
                     Webhooks,
)
from .resilience import BreakerState, CircuitBreaker, RetryPolicy
from .sql import SqlCatalog, SqlCustomers, SqlOrders

__all__ = [
    "Catalog", "CatalogItem", "Customer", "Customers", "LastPrice", "Orders", "OrderLine",
    "Mailer", "Webhooks", "Chat", "Crm", "NegotiationOutcome",
    "ORDER_PLACED", "ORDER_FAILED", "ORDER_CANCELLED", "ORDER_STATUSES",
    "FunctionCatalog", "FunctionCustomers", "FunctionOrders", "SqlCatalog", "SqlCustomers", "SqlOrders",
    "HttpCatalog", "HttpCustomers", "HttpOrders", "HttpCrm", "SmtpMailer", "SignedWebhooks",
    "ChatWebhook", "verify_signature", "CircuitBreaker", "BreakerState", "RetryPolicy",
    "AdapterError", "BackOfficeUnavailableError", "CircuitOpenError", "MalformedAnswerError",
    "DeliveryError",
]
