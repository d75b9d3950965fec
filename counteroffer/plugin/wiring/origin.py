"""Cross-site writes to the JSON APIs are refused.

The APIs act as whoever the host's cookie says. A page on another site could post an
HTML form to ``/negotiate/api/offers/<id>/accept``: actions without a body (accept,
withdraw, escalate) take an empty one, and the browser would send the host's cookie along
if the host's cookie allows it (``SameSite=None``; the plugin defaults the Flask session
to ``Lax``, but the host's login may use its own cookie). So a write (POST, PUT, PATCH,
DELETE) under ``<prefix>/api/`` that a browser marks as coming from another site is a
403 before any view runs:

- ``Sec-Fetch-Site: cross-site`` (every current browser sends it), or
- an ``Origin`` header whose host is not this request's host (older browsers).

Scripts, servers and tests send neither header and are unaffected; the widget's
``fetch`` runs on the shop's own pages (same origin). Sibling subdomains
(``same-site``) are let through: they are the shop's own.

And a write whose ``Content-Type`` is one a browser sends cross-site without asking
first (an HTML form's ``application/x-www-form-urlencoded`` or ``multipart/form-data``,
or ``text/plain``) is a 415, even with an empty body: the APIs take JSON only, and a
cross-site ``application/json`` request needs a CORS preflight that the plugin never
grants. This holds for a browser that sends neither header above, and is why the host's
CSRF extension can leave the APIs alone (``host_csrf.py``, docs/security.md).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request

from ..errors import error_response

__all__ = ["FORM_TYPES", "install_same_site_writes", "is_cross_site"]

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: What a browser sends cross-site without a CORS preflight (the "simple" content types).
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})


def is_cross_site() -> bool:
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if not origin:
        return False
    if origin == "null":  # a sandboxed frame or a data: URL: never the shop's page
        return True
    return urlsplit(origin).netloc.lower() != request.host.lower()


def install_same_site_writes(app: Flask, url_prefix: str) -> None:
    api_root = url_prefix.rstrip("/") + "/api/"

    @app.before_request
    def _refuse_cross_site_writes() -> tuple[Response, int] | None:
        if request.method in _WRITES and request.path.startswith(api_root) and is_cross_site():
            return error_response(403, "cross_site", "Requests from other sites may not change "
                                  "anything here; nothing was changed.")
        if request.method in _WRITES and request.path.startswith(api_root) and request.mimetype in FORM_TYPES:
            return error_response(415, "unsupported_media_type", "Send JSON with Content-Type: "
                                  "application/json (or no body at all); nothing was changed.")
        return None
