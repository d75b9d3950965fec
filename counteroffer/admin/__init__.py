"""The back office for sales reps and pricing managers, as server-rendered pages: the approvals
inbox and the away page (``views.negotiation_admin``, under ``<prefix>/admin/``), the rule
editor (``rule_views.rules_admin``) and the results dashboard with its experiments. Like
``plugin``, it may import ``negotiation`` and ``rules``; only the extension's wiring
(``plugin/wiring/web.py``) imports it, to mount its blueprints."""
# The away page, results dashboard and experiments add their routes to views.negotiation_admin;
# importing them here registers those routes whichever admin module is imported first.
from . import away_views, experiments_views, results_views  # noqa: F401
