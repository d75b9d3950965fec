"""The extension's wiring: Counteroffer, settings, blueprints, headers, rate limits, OpenAPI, CLI, worker."""
