"""bench/http_bench.py's database: a throwaway PostgreSQL schema or SQLite file per run,
removed again afterwards."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator

import psycopg

from bench.http_bench_common import BenchError

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
PG_APP_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """Yield a SQLAlchemy URL to an empty database, removed again afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="counteroffer-bench-db-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    schema = f"bench_{os.getpid()}"
    pg_execute(f'CREATE SCHEMA "{schema}"')
    try:
        # search_path makes the app create and use its tables in our schema only.
        yield f"{PG_APP_URL}?options=-csearch_path%3D{schema}"
    finally:
        pg_execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def pg_execute(sql: str) -> None:
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10) as connection:
            connection.execute("SET lock_timeout = '10s'")  # never hang on a stray lock
            connection.execute(sql)
    except psycopg.Error as error:
        raise BenchError(f"PostgreSQL at {PG_ADMIN_URL}: {sql}: {error}") from None
