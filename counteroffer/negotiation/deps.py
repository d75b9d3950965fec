"""What the use cases need from outside, handed in by the caller (the Flask extension)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session, sessionmaker

from ..adapters import Catalog, Customers, SqlCatalog, SqlCustomers
from ..rules import Policy

__all__ = ["Deps", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Deps:
    session_factory: sessionmaker[Session]
    catalog_for: Callable[[Session], Catalog] = SqlCatalog
    customers_for: Callable[[Session], Customers] = SqlCustomers
    policy: Policy = field(default_factory=Policy)
    deal_validity: timedelta = timedelta(days=7)
    clock: Callable[[], datetime] = utc_now
