"""Where the demo's configuration comes from: the ``config`` dict, then the environment.

``gunicorn 'counteroffer.demo:create_app()'`` passes no dict, so the database, Redis and
secret key come from environment variables there; with neither, the demo runs on an
SQLite file and an embedded Redis in its instance folder.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

__all__ = ["ENV_KEYS", "resolve", "instance_path", "default_database_url", "secret_key"]

ENV_KEYS = ("COUNTEROFFER_DATABASE_URL", "COUNTEROFFER_REDIS_URL", "SECRET_KEY")


def resolve(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The dict wins over the environment, key by key."""
    merged = {key: os.environ[key] for key in ENV_KEYS if os.environ.get(key)}
    merged.update(config or {})
    return merged


def instance_path(config: Mapping[str, Any]) -> str | None:
    path = config.get("DEMO_INSTANCE_PATH") or os.environ.get("DEMO_INSTANCE_PATH")
    return os.path.abspath(path) if path else None


def default_database_url(folder: str) -> str:
    # Explicit, so the shop's own tables and the plugin's share one file for sure.
    os.makedirs(folder, exist_ok=True)
    return "sqlite:///" + os.path.join(folder, "demo-shop.sqlite3")


def secret_key(folder: str) -> str:
    """A key kept in the instance folder, made once: every worker must sign sessions
    with the same key, or a buyer is logged out whenever another worker answers."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "demo-secret-key")
    if not os.path.exists(path):
        draft = f"{path}.{os.getpid()}.{secrets.token_hex(4)}"
        with open(draft, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic, fails if another worker got there first
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    with open(path, encoding="ascii") as handle:
        return handle.read().strip()
