"""Security headers on everything the plugin serves, and safer session-cookie defaults.

The back office sets its own (``admin/security.py``: a CSP for pages with a stylesheet).
Everything else under the plugin's prefix (the JSON APIs, the OpenAPI document, the
widget's script and stylesheet, JSON 404s and 405s) gets the headers below, unless a view
set one itself. JSON answers are no documents: ``default-src 'none'`` lets nothing load
should a browser ever render one, and nobody may frame them. API answers carry prices and
deal tokens, so no cache keeps them; the widget's assets stay cacheable.

Session cookies belong to the host. The plugin's CSRF token lives in that cookie, so
``init_app`` fills in what the host left unset: ``HttpOnly`` (Flask's default already) and
``SameSite=Lax`` (Flask's default is none). ``Secure`` needs HTTPS, which the plugin
cannot know: outside debug and testing a cookie without it is logged as a warning.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, request

__all__ = ["API_HEADERS", "install_security_headers", "harden_session_cookie"]

log = logging.getLogger(__name__)

API_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def install_security_headers(app: Flask, url_prefix: str) -> None:
    root = url_prefix.rstrip("/") + "/"

    @app.after_request
    def _plugin_headers(response: Response) -> Response:
        if not request.path.startswith(root):
            return response  # the host's own pages are the host's business
        for name, value in API_HEADERS.items():
            response.headers.setdefault(name, value)
        if not (request.endpoint or "").endswith(".static"):  # assets may be cached
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def harden_session_cookie(app: Flask) -> None:
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    if app.config.get("SESSION_COOKIE_SAMESITE") is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    if not app.config.get("SESSION_COOKIE_SECURE") and not (app.debug or app.testing):
        log.warning("SESSION_COOKIE_SECURE is off: the session cookie (which carries the "
                    "back office's CSRF token) is also sent over plain HTTP. Serve the shop "
                    "over HTTPS and set SESSION_COOKIE_SECURE = True.")
