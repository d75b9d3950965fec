"""Ports to the shop's catalog and customers, and their default SQL implementations."""
from .ports import Catalog, CatalogItem, Customer, Customers
from .functions import FunctionCatalog, FunctionCustomers
from .sql import SqlCatalog, SqlCustomers

__all__ = ["Catalog", "CatalogItem", "Customer", "Customers", "FunctionCatalog", "FunctionCustomers",
           "SqlCatalog", "SqlCustomers"]
