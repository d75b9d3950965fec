"""The back office for sales reps and pricing managers, as server-rendered pages, one folder
per capability: ``approvals`` (the inbox, a decision, out of office), ``pricing`` (the rule
editor, versions, what-if, CSV) and ``results`` (the dashboard and its experiments); what
they share (blueprint hooks, CSRF, headers, display helpers, header links) sits here. Like
``plugin``, it may import ``negotiation`` and ``rules``; only the extension's wiring
(``plugin/wiring/web.py``) imports it, to mount ``negotiation_admin`` and ``rules_admin``."""
from .approvals import away_views, inbox_views, quote_views  # noqa: F401  (register their routes)
from .base import negotiation_admin
from .pricing.rule_views import rules_admin
from .results import experiments_views, results_views  # noqa: F401  (register their routes)

__all__ = ["negotiation_admin", "rules_admin"]
