"""The Flask extension and the buyer-facing surface: JSON API and widget."""
from .wiring.extension import AppState, Counteroffer

__all__ = ["Counteroffer", "AppState"]
