"""Who may open the back office, and the headers its pages carry.

The host's login decides who is calling (through the extension's ``user_loader``); the
back office only lets reps and managers in. Session cookie flags stay the host's.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import request
from werkzeug.wrappers import Response

__all__ = ["STAFF_ROLES", "LOGIN_URL_KEY", "is_staff", "login_redirect_target",
           "add_security_headers"]

STAFF_ROLES = frozenset({"rep", "manager"})
#: Config key: the host's login page. Anonymous visitors are sent there with
#: ``next=<the page they asked for>``; when unset they get a 401 page instead.
LOGIN_URL_KEY = "COUNTEROFFER_LOGIN_URL"

# The pages load only their own stylesheet: no inline script or style, no frames, and
# forms post back to this site only. Cost, floor and margin are on every page, so no
# cache (browser or proxy) may keep them.
_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; base-uri 'none'; form-action 'self'; "
                                "frame-ancestors 'none'; object-src 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def is_staff(role: str | None) -> bool:
    return role in STAFF_ROLES


def login_redirect_target(login_url: str) -> str:
    """The login URL with ``next`` set to the current page (path and query only)."""
    here = request.path + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
    parts = urlsplit(login_url)
    query = [pair for pair in parse_qsl(parts.query, keep_blank_values=True) if pair[0] != "next"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("next", here)])))


def add_security_headers(response: Response, *, cacheable: bool = False) -> Response:
    for name, value in _HEADERS.items():
        response.headers[name] = value
    if not cacheable:
        response.headers["Cache-Control"] = "no-store"
    return response
