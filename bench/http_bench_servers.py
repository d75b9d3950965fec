"""bench/http_bench.py's servers: the apps it loads, their environment, gunicorn started
and stopped on a free port, and the login and smoke test before any load."""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.http_bench_common import BODY, BUYER, ENDPOINT, EXPECTED_STATUS, LOGIN, BenchError

REPO = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# The demo through bench/load_app.py, which passes the rate-limit and request-cap keys on:
# the rate limits stay switched on (their Redis script is part of what a price request
# costs) but set far above what one buyer sends here, so none is refused.
DEMO_MODULE = "bench.load_app"
DEMO_APP, BARE_APP = f"{DEMO_MODULE}:create_app()", "bench.bare_app:app"
MINIMAL_APP = "bench.minimal_app:create_app()"
GUARDED_APP = "bench.guarded_app:create_app()"
LIMITS_NEVER_REACHED = {"COUNTEROFFER_RATE_LIMIT_PER_USER": "1000000000",
                        "COUNTEROFFER_RATE_LIMIT_PER_COMPANY": "1000000000",
                        # 0 = no cap: one buyer flooding one SKU is what the cap
                        # refuses by design; bench/load.py measures it on, with many
                        # companies. (Its cost is bounded: it reads at most cap rows.)
                        "COUNTEROFFER_REQUEST_CAP": "0",
                        "LOAD_COMPANIES": "1", "LOAD_BUYERS_PER_COMPANY": "1"}
# One list for both servers, so the comparison differs only in the app.
GUNICORN_ARGS = ["--workers", "2", "--worker-class", "sync", "--log-level", "warning"]
READY_TIMEOUT_S = 60


@dataclass(frozen=True)
class Server:
    name: str
    base_url: str
    log_path: Path

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def server_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["COUNTEROFFER_DATABASE_URL"] = database_url
    env.setdefault("COUNTEROFFER_REDIS_URL", DEFAULT_REDIS_URL)
    # One key for both workers: a session cookie signed by one must be valid in the other.
    env["SECRET_KEY"] = secrets.token_hex(32)
    env.update(LIMITS_NEVER_REACHED)
    return env


def prime_demo(env: dict[str, str]) -> None:
    """Migrate and seed once, before gunicorn: two workers doing it at once would race;
    the minimal endpoint's table likewise."""
    for name, code in (("the demo app", f"import {DEMO_MODULE} as demo; demo.create_app()"),
                       ("the minimal endpoint", "import bench.minimal_app as m; m.prepare()")):
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=180, check=False)
        if done.returncode != 0:
            raise BenchError(f"{name} failed to start:\n{done.stderr[-3000:]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(name: str, app_spec: str, env: dict[str, str], log_dir: Path,
             args: Sequence[str] = GUNICORN_ARGS) -> Iterator[Server]:
    """``app_spec`` served by gunicorn with ``args`` on a free port, stopped on leaving."""
    port = free_port()
    server = Server(name, f"http://127.0.0.1:{port}", log_dir / f"{name}.log")
    command = [sys.executable, "-m", "gunicorn", *args, "--bind", f"127.0.0.1:{port}", app_spec]
    with server.log_path.open("wb") as log:
        # A session of its own: Ctrl-C reaches only us, and we stop it in order below.
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_ready(process, server)
        yield server
    finally:
        stop(process)


def wait_until_ready(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn for {server.name} exited ({process.returncode}):\n"
                             f"{server.log_tail()}")
        try:
            requests.get(server.base_url + "/", timeout=5)
            return  # any HTTP answer, even 404, means a worker is serving
        except requests.RequestException:
            time.sleep(0.2)
    raise BenchError(f"gunicorn for {server.name} not ready after {READY_TIMEOUT_S} s:\n"
                     f"{server.log_tail()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: no 30 s graceful wait
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the master and its workers, by group id
        process.wait(timeout=5)


# -- talking to the apps -------------------------------------------------------------


def login(server: Server) -> str:
    """Log the demo buyer in; return the Cookie header that wrk will send."""
    with requests.Session() as session:
        answer = session.post(server.base_url + LOGIN, json=BUYER, timeout=30)
        if answer.status_code >= 400 or not session.cookies:
            raise BenchError(f"login at {LOGIN} failed: {answer.status_code} {answer.text[:500]}")
        return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def smoke_test(server: Server, cookie: str, body: dict = BODY, outcome: str | None = None) -> None:
    """One request by hand first, so a broken endpoint fails with its own message, and
    (for the demo) the negotiation status the body is meant to produce."""
    answer = requests.post(server.base_url + ENDPOINT, json=body, headers={"Cookie": cookie},
                           timeout=30)
    if answer.status_code != EXPECTED_STATUS:
        raise BenchError(f"{server.name}: POST {ENDPOINT} answered {answer.status_code}, "
                         f"not {EXPECTED_STATUS}: {answer.text[:500]}\n{server.log_tail()}")
    status = answer.json().get("status")
    if outcome is not None and status != outcome:
        raise BenchError(f"{server.name}: {body} became {status!r}, not {outcome!r}; the "
                         f"escalating and countered runs would not measure what they say.")
