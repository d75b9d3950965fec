"""What the newcomer test (test_newcomer_browser.py) needs around the walk itself: the
demo started with the Makefile's own commands, a watch on every page for console errors
and 5xx answers, and the false states of issue 22 looked for on every screen."""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from counteroffer.demo.mailcatcher import free_port
from counteroffer.demo.settings import ENV_KEYS

ROOT = Path(__file__).resolve().parents[2]
#: The widget's quantity limit (COUNTEROFFER_MAX_QUANTITY's default): never priced above it.
MAX_QUANTITY = 10_000_000
#: How long a page may say it waits for a worker before the test calls it stuck.
WORKER_PATIENCE_S = 30


def makefile_demo_commands(host: str, port: int) -> list[list[str]]:
    """The recipe of the Makefile's ``demo`` target, as ``make demo`` would run it here:
    ``$(BIN)`` is this interpreter's folder (the .venv's), the host and port ours."""
    recipe, inside = [], False
    for line in (ROOT / "Makefile").read_text().splitlines():
        if re.match(r"^demo:", line):
            inside = True
        elif inside and line.startswith("\t"):
            recipe.append(line.strip())
        elif inside and line.strip() and not line.startswith("#"):
            break
    values = {"$(BIN)": str(Path(sys.executable).parent), "$(HOST)": host, "$(PORT)": str(port)}
    commands = []
    for line in recipe:
        for name, value in values.items():
            line = line.replace(name, value)
        assert "$(" not in line, f"the demo recipe uses a variable this test does not know: {line}"
        commands.append(shlex.split(line))
    assert len(commands) == 2 and commands[1][1:3] == ["-m", "counteroffer.demo.run"], commands
    return commands


@dataclass
class RunningDemo:
    url: str
    log: Path
    instance: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def demo_as_make_runs_it(folder: Path) -> Iterator[RunningDemo]:
    """``make demo`` in ``folder``: its own instance folder (SQLite, secret, embedded Redis,
    mail), nothing configured from this machine's environment, on a free port."""
    port = free_port()
    migrate, run = makefile_demo_commands("127.0.0.1", port)
    env = {key: value for key, value in os.environ.items() if key not in ENV_KEYS + ("XDG_RUNTIME_DIR",)}
    env["DEMO_INSTANCE_PATH"] = str(folder / "instance")
    env["HOME"] = str(folder / "home")  # to see that the demo writes nothing outside its folder
    log = folder / "demo.log"
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    with log.open("wb") as out:
        process = subprocess.Popen(run, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    demo = RunningDemo(f"http://127.0.0.1:{port}", log, folder / "instance")
    try:
        _wait(lambda: requests.get(demo.url + "/", timeout=10).ok, 90, "the web server", process, demo)
        _wait(lambda: re.search(r"counteroffer worker \S+ started", demo.log_text()), 60,
              "the worker's start in the log", process, demo)
        yield demo
        assert not os.path.exists(env["HOME"]), f"the demo wrote into the home folder: {os.listdir(env['HOME'])}"
    finally:
        _stop(process)


def _wait(check: Any, seconds: float, what: str, process: subprocess.Popen[bytes], demo: RunningDemo) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the demo stopped (exit {process.returncode}):\n{demo.log_text()}")
        try:
            if check():
                return
        except requests.RequestException:  # not listening yet, or still starting up
            pass
        time.sleep(0.3)
    raise AssertionError(f"waited {seconds:.0f} s for {what}:\n{demo.log_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person stops it; the whole group killed if it does not stop in time."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Watch:
    """Everything that went wrong in the browser, whoever's page it was on."""

    problems: list[str] = field(default_factory=list)

    def page(self, page: Any, who: str) -> Any:
        page.on("console", lambda message: self.problems.append(
            f"{who}: console error on {page.url}: {message.text} ({message.location.get('url')})")
            if message.type == "error" else None)
        page.on("pageerror", lambda error: self.problems.append(f"{who}: script error: {error}"))
        page.on("response", lambda response: self.problems.append(
            f"{who}: HTTP {response.status} from {response.request.method} {response.url}")
            if response.status >= 500 else None)
        # ERR_ABORTED: the page moved on before a load finished (a click mid-load), no fault.
        page.on("requestfailed", lambda request: self.problems.append(
            f"{who}: request failed: {request.method} {request.url} ({request.failure})")
            if "ERR_ABORTED" not in (request.failure or "") else None)
        return page


def false_states(page: Any) -> list[str]:
    """Issue 22's false states, wherever the widget is on the page now."""
    found = []
    widget = page.locator(".co-widget")
    if widget.count() == 0:
        return found
    text = widget.inner_text()
    heading = widget.locator(".co-result-title")
    title = heading.inner_text() if heading.count() and heading.is_visible() else ""
    cart_links = widget.get_by_role("link", name="Add to cart at this price").count()
    if cart_links and title in ("Deal used in an order", "Deal expired"):
        found.append(f"a deal shown as '{title}' is still offered with 'Add to cart at this price'")
    if title not in ("Deal agreed", "Deal usable again", "Deal used in an order", "Deal expired") and (
            "We can do that price" in text or re.search(r"\bAgreed\b", text)):
        found.append(f"'agreed' before the buyer accepted (heading '{title}')")
    finished = title.startswith("Deal") or title in (
        "We cannot offer that price", "Request withdrawn", "This request has expired")
    if finished and (widget.locator(".co-round").count() or widget.locator(".co-counter").count()):
        found.append(f"a round counter or counter-offer form on a finished negotiation ('{title}')")
    quote = widget.locator(".co-quote")
    if quote.count() and quote.is_visible():
        priced = re.search(r"At ([\d,]+) units?:", quote.inner_text())
        if priced and int(priced.group(1).replace(",", "")) > MAX_QUANTITY:
            found.append(f"the summary prices an invalid quantity: {quote.inner_text()!r}")
    return found


def no_stuck_worker(page: Any, patience: float = WORKER_PATIENCE_S) -> None:
    """A page that waits on background work must stop waiting within ``patience`` seconds."""
    deadline = time.monotonic() + patience
    waiting = page.get_by_text(re.compile("Waiting for a worker|No worker is running"))
    while waiting.count() and time.monotonic() < deadline:
        page.wait_for_timeout(500)
    assert waiting.count() == 0, f"'{waiting.first.inner_text()}' still shown after {patience:.0f} s"
