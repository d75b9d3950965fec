"""Rule sets, their versions and what-if simulations (pricing managers' back office)."""
from __future__ import annotations

from .models import Base  # noqa: F401  (tables here share the plugin's metadata)
