"""A per-session CSRF token for the back office's forms.

The token lives in the host's signed session cookie and travels back in a hidden field.
A cross-site page can make the browser send the cookie, but cannot read the page to
learn the token, so a forged POST arrives without it. Tokens are compared in constant
time so the comparison itself leaks nothing.
"""
from __future__ import annotations

import hmac
import secrets

from flask import session

__all__ = ["FIELD", "csrf_token", "is_valid_csrf"]

FIELD = "csrf_token"
_SESSION_KEY = "_counteroffer_csrf"


def csrf_token() -> str:
    """The current session's token, made on first use (a template global)."""
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def is_valid_csrf(sent: str | None) -> bool:
    expected = session.get(_SESSION_KEY)
    if not isinstance(expected, str) or not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())
