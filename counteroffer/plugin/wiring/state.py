"""What the wiring keeps for each app (``AppState``) and what it uses of the extension
(``Extension``): ``Counteroffer`` imports the web wiring and the worker, which name it
through this Protocol rather than import it back."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

from ...adapters import Mailer, Webhooks
from ...jobs.connection import RedisProvider
from ...negotiation import Actor, Deps
from .config import Settings

__all__ = ["AppState", "Extension"]


@dataclass
class AppState:
    """Everything the plugin keeps for one app."""

    settings: Settings
    engine: Engine
    deps: Deps
    redis: RedisProvider


class Extension(Protocol):
    """What ``web.register`` and the worker use of ``Counteroffer``."""

    @property
    def state(self) -> AppState: ...

    def current_actor(self) -> Actor | None: ...

    def mailer(self) -> Mailer | None: ...

    def webhooks(self) -> Webhooks | None: ...
