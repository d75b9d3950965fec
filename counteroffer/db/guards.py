"""Idempotency keys and request caps: the defences against replays and floor probing."""
from __future__ import annotations

from .models import Base  # noqa: F401  (tables here share the plugin's metadata)
