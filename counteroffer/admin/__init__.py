"""The back office for sales reps and pricing managers: the approvals inbox
(``views.negotiation_admin``, server-rendered pages under ``<prefix>/admin/``) and the
validation of rule data (``schemas.RuleSchema``); the rule editor and results pages are to
come. Like ``plugin``, it may import ``negotiation`` and ``rules``; only the extension's
composition root (``plugin/web.py``) imports it, to mount its blueprint."""
