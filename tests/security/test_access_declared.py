"""Deny by default: every route the plugin registers says who may call it."""
from __future__ import annotations

from flask import Flask

from counteroffer.access import PUBLIC, declared_roles


def plugin_endpoints(app: Flask) -> list[tuple[str, str]]:
    """(rule, endpoint) of every URL the plugin's blueprints added to the host."""
    ours = {name for name, blueprint in app.blueprints.items()
            if blueprint.import_name.startswith("counteroffer.")
            and not blueprint.import_name.startswith("counteroffer.demo")}
    return [(rule.rule, rule.endpoint) for rule in app.url_map.iter_rules()
            if rule.endpoint.partition(".")[0] in ours]


def test_every_plugin_route_declares_its_roles(app: Flask) -> None:
    routes = plugin_endpoints(app)
    assert len(routes) >= 15, routes  # the walk found the plugin's blueprints at all
    undeclared = [rule for rule, endpoint in routes if declared_roles(app, endpoint) is None]
    assert undeclared == [], f"routes without @allow(...) or @public: {undeclared}"


def test_only_assets_and_documents_are_public(app: Flask) -> None:
    public = sorted(rule for rule, endpoint in plugin_endpoints(app)
                    if declared_roles(app, endpoint) == PUBLIC)
    assert all("/static/" in rule or rule.endswith("openapi.json") for rule in public), public
