"""Results roll-ups and rule-set experiments."""
from __future__ import annotations

from .models import Base  # noqa: F401  (tables here share the plugin's metadata)
