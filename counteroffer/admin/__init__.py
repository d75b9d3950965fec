"""The back office for sales reps and pricing managers. So far: validation of rule data
(``schemas.RuleSchema``); the approval inbox, rule editor and results pages are to come.
Like ``plugin``, it may import ``negotiation`` and ``rules``; nothing imports it."""
