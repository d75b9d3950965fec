"""``make demo`` runs the whole product (issue 22): web server, worker, Redis and a mail
catcher whose messages ``/demo/mail`` shows, all stopped together by Ctrl-C."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from counteroffer.demo import create_app
from counteroffer.demo.mailcatcher import MailCatcher, free_port
from tests.e2e.test_demo_shop import close, login, shop_config

ROOT = Path(__file__).resolve().parents[2]


def test_mail_the_plugin_sends_is_caught_and_shown_on_the_mail_page(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    catcher = MailCatcher(str(instance / "demo-mail"))
    catcher.start()
    app = create_app({**shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path), "DEMO_SMTP_PORT": catcher.port})
    try:
        with app.app_context():  # the plugin's own SMTP mailer, configured by the demo
            app.extensions["counteroffer"].mailer().send_email(
                ["rita@seller.example"], "New price request from Acme", "1,000 x DEMO-120 at $90.00")
        client = app.test_client()
        assert client.get("/demo/mail").status_code == 302  # log in first
        login(client, "rep@seller")
        page = client.get("/demo/mail").get_data(as_text=True)
        assert "New price request from Acme" in page and "To rita@seller.example" in page
        assert "1,000 x DEMO-120 at $90.00" in page and "No mail catcher is running" not in page
    finally:
        catcher.stop()
        close(app)


def test_without_the_catcher_the_mail_page_says_how_to_get_one(tmp_path: Path) -> None:
    app = create_app(shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path))
    try:
        client = app.test_client()
        login(client, "buyer@acme")
        page = client.get("/demo/mail").get_data(as_text=True)
        assert "No mail catcher is running" in page and "make demo" in page and "No e-mail yet." in page
    finally:
        close(app)


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """``make demo``'s start command (the Makefile's second line), on a free port."""
    port, log = free_port(), tmp_path / "demo.log"
    env = dict(os.environ, DEMO_INSTANCE_PATH=str(tmp_path / "instance"))
    env.pop("COUNTEROFFER_REDIS_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "counteroffer.demo.run", "--port", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process, f"http://127.0.0.1:{port}", log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(check, seconds: float, what: str):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except requests.RequestException:  # not listening yet, or its workers still booting (a read timeout)
            found = None
        if found:
            return found
        time.sleep(0.3)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def group_members(pgid: int) -> list[str]:
    ps = subprocess.run(["ps", "-eo", "pgid=,pid=,args="], capture_output=True, text=True, check=True)
    return [line for line in ps.stdout.splitlines() if line.split()[0] == str(pgid)]


def test_the_demo_runs_web_worker_redis_and_mail_and_ctrl_c_stops_them_all(demo) -> None:
    process, url, log = demo
    buyer, rep = requests.Session(), requests.Session()
    wait_for(lambda: buyer.get(url + "/", timeout=5).ok, 60, "the web server")
    wait_for(lambda: re.search(r"counteroffer worker \S+ started", log.read_text()), 30,
             "the worker's start in the log")
    socket_file = re.search(r"embedded Redis on unix://(\S+)", log.read_text()).group(1)
    assert buyer.post(url + "/demo/login", json={"username": "buyer@acme"}).ok
    asked = buyer.post(url + "/negotiate/api/requests", json={
        "sku": "DEMO-120", "quantity": 1000, "target_unit_price": "110.00", "currency": "USD"}).json()
    assert buyer.post(f"{url}/negotiate/api/requests/{asked['id']}/escalate").ok
    # The worker relays the escalation, writes Rita's e-mail and sends it to the catcher.
    assert rep.post(url + "/demo/login", json={"username": "rep@seller"}).ok
    wait_for(lambda: "rita@seller.example" in rep.get(url + "/demo/mail").text, 45, "Rita's e-mail")

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    assert process.wait(timeout=30) == 0
    assert wait_for(lambda: not group_members(process.pid), 10, "every process of the demo to stop") is True
    assert not os.path.exists(socket_file)  # the embedded Redis was stopped too
    assert "stopping the web server, the worker, the mail catcher and Redis" in log.read_text()


@pytest.mark.parametrize("user, linked", [("manager@seller", True), ("rep@seller", False), ("buyer@acme", False)])
def test_the_results_dashboard_is_linked_from_the_header_for_managers(tmp_path: Path, user: str, linked: bool) -> None:
    """Issue 22: no link led to the results dashboard."""
    app = create_app(shop_config(f"sqlite:///{tmp_path}/shop.db", tmp_path))
    try:
        client = app.test_client()
        login(client, user)
        page = client.get("/").get_data(as_text=True)
        assert ('<a href="/negotiate/admin/results">Results</a>' in page) is linked
        if linked:
            assert client.get("/negotiate/admin/results").status_code == 200
    finally:
        close(app)
