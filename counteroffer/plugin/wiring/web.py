"""Wiring the plugin into a host app: blueprints (API, widget, back office), JSON errors,
template helper, CLI."""
from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

# The one place anything imports ``admin``: the extension is the composition root that
# mounts every blueprint (docs/architecture.md).
from ...admin import negotiation_admin, rules_admin
from ..approvals.rep_api import rep_api
from ..buying import quote_document_api, quotes_api  # noqa: F401 - add the quote routes to ``api``
from ..buying.api import api
from ..errors import http_error_response
from ..input_guard import install_input_guard
from ..pricing.rules_api import rules_api
from ..quote_panel import company_quotes_context, company_quotes_macro, quote_panel_context, quote_panel_macro
from ..results import told_api  # noqa: F401 - add the told results route to ``results_api``
from ..results.experiments_api import experiments_api
from ..results.results_api import results_api
from ..widget import assets_blueprint, widget_context, widget_macro
from .cli import counteroffer_cli
from .config import Settings
from .headers import harden_session_cookie, install_security_headers
from .host_csrf import exempt_from_host_csrf
from .openapi import openapi_blueprint
from .origin import install_same_site_writes
from .ratelimit import install_rate_limits
from .state import Extension

__all__ = ["register"]


def register(app: Flask, extension: Extension, settings: Settings) -> None:
    app.register_blueprint(api, url_prefix=settings.url_prefix)
    app.register_blueprint(rep_api, url_prefix=settings.url_prefix)
    app.register_blueprint(rules_api, url_prefix=settings.url_prefix)
    app.register_blueprint(results_api, url_prefix=settings.url_prefix)
    app.register_blueprint(experiments_api, url_prefix=settings.url_prefix)
    app.register_blueprint(openapi_blueprint, url_prefix=settings.url_prefix)
    app.register_blueprint(assets_blueprint, url_prefix=settings.url_prefix)
    app.register_blueprint(negotiation_admin, url_prefix=settings.url_prefix)  # back-office pages
    app.register_blueprint(rules_admin, url_prefix=settings.url_prefix)  # the rule editor
    app.jinja_env.globals["counteroffer_widget"] = widget_context
    app.jinja_env.globals["price_request_widget"] = widget_macro
    app.jinja_env.globals["counteroffer_quote_panel"] = quote_panel_context
    app.jinja_env.globals["counteroffer_company_quotes"] = company_quotes_context
    app.jinja_env.globals["quote_request_panel"] = quote_panel_macro
    app.jinja_env.globals["company_quotes"] = company_quotes_macro
    app.cli.add_command(counteroffer_cli)
    _json_errors_for_api(app, settings.url_prefix + "/api/")
    install_security_headers(app, settings.url_prefix)
    harden_session_cookie(app)
    install_same_site_writes(app, settings.url_prefix)
    # They defend their writes themselves (host_csrf.py): the host's CSRFProtect need not.
    exempt_from_host_csrf(app, [api, rep_api, rules_api, results_api, experiments_api,
                                negotiation_admin, rules_admin])
    shared_redis = (lambda: extension.state.redis.client()) if settings.redis_url is not None else None
    install_rate_limits(app, extension.current_actor, settings.rate_limits, redis=shared_redis,
                        clock=lambda: extension.state.deps.clock())
    # After the rate limits, so that a flood of bad input is counted like any other.
    install_input_guard(app, settings.url_prefix, settings.input_limits)


def _json_errors_for_api(app: Flask, api_root: str) -> None:
    """Unmatched URLs and wrong methods under the API answer JSON, not the host's HTML
    (a 405 with its ``Allow`` header). No blueprint owns an unmatched URL, so no blueprint
    error handler can answer it, and a host's ``errorhandler(404)`` registered after
    ``init_app`` would replace an app-level one: the routing error is answered before
    dispatch instead, where no error handler is consulted."""

    @app.before_request
    def _unrouted_api_request() -> tuple[Response, int] | None:
        error = request.routing_exception
        if isinstance(error, (NotFound, MethodNotAllowed)) and request.path.startswith(api_root):
            return http_error_response(error)
        return None
