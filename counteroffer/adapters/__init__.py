"""Ports to the shop's systems (``ports.py``), and their implementations: the plugin's own
tables (``sql.py``, the default), host functions (``functions.py``) and HTTP/JSON back
offices (``backoffice.py``)."""
from .backoffice import HttpCatalog, HttpCustomers, HttpOrders
from .errors import (AdapterError, BackOfficeUnavailableError, CircuitOpenError, DeliveryError,
                     MalformedAnswerError)
from .functions import FunctionCatalog, FunctionCustomers
from .ports import (Catalog, CatalogItem, Chat, Crm, Customer, Customers, LastPrice, Mailer,
                    NegotiationOutcome, OrderLine, Orders, Webhooks)
from .resilience import BreakerState, CircuitBreaker, RetryPolicy
from .sql import SqlCatalog, SqlCustomers, SqlOrders

__all__ = [
    "Catalog", "CatalogItem", "Customer", "Customers", "LastPrice", "Orders", "OrderLine",
    "Mailer", "Webhooks", "Chat", "Crm", "NegotiationOutcome",
    "FunctionCatalog", "FunctionCustomers", "SqlCatalog", "SqlCustomers", "SqlOrders",
    "HttpCatalog", "HttpCustomers", "HttpOrders", "CircuitBreaker", "BreakerState", "RetryPolicy",
    "AdapterError", "BackOfficeUnavailableError", "CircuitOpenError", "MalformedAnswerError",
    "DeliveryError",
]
