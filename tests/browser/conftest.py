"""Browser fixtures: Debian's Chromium driven by Playwright, and the demo shop on a real port.

We never let Playwright download a browser: the system Chromium is used, and installed
with apt-get when it is missing (the test is skipped, with the reason, if that fails).
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
APT_TIMEOUT_S = 900


def ensure_chromium() -> str:
    """The path of Debian's Chromium, installing the package first if it is not there."""
    if CHROMIUM.exists():
        return str(CHROMIUM)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
            subprocess.run(command, check=True, capture_output=True, env=env, timeout=APT_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"{CHROMIUM} is missing and 'apt-get install -y chromium' failed: {error}")
    if not CHROMIUM.exists():
        pytest.skip(f"'apt-get install -y chromium' ran but {CHROMIUM} is still missing")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    executable = ensure_chromium()
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def served(app: Flask, name: str) -> Iterator[str]:
    """``app`` served over real HTTP from a thread, on a port the OS picks; its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture()
def demo_url(tmp_path: Path) -> Iterator[str]:
    """The demo storefront served over real HTTP from a thread, on its own SQLite file."""
    from counteroffer.demo import create_app

    app = create_app({"COUNTEROFFER_DATABASE_URL": f"sqlite:///{tmp_path}/shop.db",
                      "SECRET_KEY": "test", "TESTING": True})
    with served(app, "demo-server") as url:
        yield url
