"""Fixtures for the security tests: the bare host of tests/conftest.py, with sessions."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import FrozenClock, make_app
from tests.security.world import World, build_world
from tests.seed import seed_scenario


@pytest.fixture
def host(db_url: str, clock: FrozenClock, tmp_path: Path) -> Iterator[Flask]:
    """The test host with a session secret, so the back office's CSRF token works."""
    app = make_app(db_url, clock, tmp_path, SECRET_KEY="security-tests")
    with app.app_context():
        seed_scenario(app.extensions["counteroffer"])
    yield app
    with app.app_context():
        app.extensions["counteroffer"].close()


@pytest.fixture
def world(host: Flask) -> World:
    return build_world(host)
