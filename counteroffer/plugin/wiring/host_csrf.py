"""The host's CSRF extension leaves the plugin's blueprints to the plugin's own defences.

Flask shops usually protect every form with Flask-WTF's global ``CSRFProtect``: a
``before_request`` hook that refuses any POST without its token. The widget's ``fetch``
does not carry that token, and the back office's forms carry the plugin's own token in
a field of the same name (``csrf_token``), so with the host's hook in front every write
would be a 400 "The CSRF token is missing".

The plugin does not need the host's token, because it defends its writes itself
(docs/security.md, "Cross-site writes"):

- the JSON APIs take JSON only: a write whose ``Content-Type`` is one an HTML form or a
  cross-site ``fetch`` without a CORS preflight can send (``x-www-form-urlencoded``,
  ``multipart/form-data``, ``text/plain``) is a 415, empty body or not
  (``origin.py``); a cross-site ``application/json`` request needs a preflight, and the
  plugin grants none;
- a write that the browser marks as cross-site (``Sec-Fetch-Site``, ``Origin``) is a 403
  (``origin.py``);
- the back office's forms check their own per-session token (``admin/csrf.py``).

So the blueprints are exempted from the host's extension: any extension registered as
``app.extensions["csrf"]`` with an ``exempt(blueprint)`` method (Flask-WTF's has one).
The host may add it before or after ``init_app``: the exemption is made at ``init_app``
if it is already there, else by a hook that runs before every other ``before_request``
hook, on the first request.
"""
from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Flask

__all__ = ["exempt_from_host_csrf"]


def exempt_from_host_csrf(app: Flask, blueprints: Sequence[Blueprint]) -> None:
    exempted: list[object] = []  # the host extension(s) already told

    def exempt() -> None:
        extension = app.extensions.get("csrf")
        if extension is None or any(done is extension for done in exempted):
            return
        if callable(getattr(extension, "exempt", None)):
            for blueprint in blueprints:
                extension.exempt(blueprint)
        exempted.append(extension)

    exempt()
    # First in line: the host's CSRF hook, registered after init_app, runs after this one.
    app.before_request_funcs.setdefault(None, []).insert(0, exempt)
