"""The Flask extension: its wiring (wiring/), each role's JSON API (buying/, approvals/,
pricing/, results/) with the JSON errors and Idempotency-Key header they share, and the widget."""
from .wiring.extension import AppState, Counteroffer

__all__ = ["Counteroffer", "AppState"]
