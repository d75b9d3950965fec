"""First start: migrate the plugin's tables, create the shop's, and fill an empty database.

Two gunicorn workers boot at the same moment against the same database, and neither
Alembic nor a "count, then insert" seed is safe to run twice at once. So the whole
start-up runs under one lock: a PostgreSQL advisory lock (works across hosts), or a file
lock beside the SQLite file. The second worker waits, then finds the work done.
"""
from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

from counteroffer import Counteroffer

from .shop import catalog

__all__ = ["prepare_database", "seed_if_empty"]

# Any fixed 64-bit number; it only has to differ from other apps' advisory locks.
ADVISORY_KEY = 0x0C0FFE12_0DE40000


def prepare_database(engine: Engine, ext: Counteroffer, create_shop_tables: Callable[[], None]) -> None:
    """Run once per worker at start-up, inside an app context."""
    with _startup_lock(engine):
        ext.upgrade_database()
        create_shop_tables()
        seed_if_empty(ext)


def seed_if_empty(ext: Counteroffer) -> bool:
    """Load the demo data into a database that has no products yet; True if it did."""
    if ext.catalog_size() > 0:
        return False
    ext.save_reps(catalog.REPS)
    ext.save_customers(catalog.CUSTOMERS)
    for kind, params, sku, segment in catalog.RULES:
        ext.save_rule(kind, params, sku=sku, segment=segment)
    # Products last: a non-empty catalog is the "seeded" mark, so it must come after
    # everything else the shop needs.
    ext.save_products(catalog.PRODUCTS)
    return True


@contextmanager
def _startup_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine):
            yield
    else:
        with _file_lock(_lock_path(engine)):
            yield


@contextmanager
def _advisory_lock(engine: Engine) -> Iterator[None]:
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_KEY})
        connection.commit()  # the lock belongs to the session, not to this transaction
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            connection.commit()


@contextmanager
def _file_lock(path: str) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        return os.path.join(tempfile.gettempdir(), "counteroffer-demo-startup.lock")
    os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)  # SQLite will not
    return os.path.abspath(database) + ".startup-lock"
