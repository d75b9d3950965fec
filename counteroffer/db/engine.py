"""Engines and sessions. Nothing is created at import time: the extension asks."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from .appends import CLOSES_AFTER_COMMIT

__all__ = ["make_engine", "make_session_factory", "transaction", "is_sqlite"]


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once; busy_timeout waits for the lock
    # instead of failing at once when two requests write together.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, **options: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # No pool_pre_ping by default: it costs a round trip on every request. A connection
    # the server dropped fails one request and the pool reconnects; hosts whose network
    # drops idle connections set COUNTEROFFER_ENGINE_OPTIONS={"pool_pre_ping": True}.
    options.setdefault("pool_recycle", 1800)
    return create_engine(url, **options)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commits if the block ends normally, rolls back otherwise."""
    session = factory()
    try:
        yield session
        session.info[CLOSES_AFTER_COMMIT] = True
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
