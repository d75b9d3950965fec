"""Where outbound notices may go: no loopback, private, link-local or metadata addresses.

A webhook URL that names ``http://169.254.169.254/`` (a cloud's metadata service),
``http://localhost:6379/`` or ``http://10.0.0.5/admin`` would turn the plugin into a way
into the shop's own network (server-side request forgery, OWASP API7:2023). So before
each send the target is checked: scheme ``https`` or ``http``, a host, no user name or
password in it, and every address its name resolves to is a public unicast address.
Checking every address (not the first) matters: a name may resolve to one public and one
private address, and the HTTP client may pick either.

A name whose DNS answer changes between this check and the connection (DNS rebinding)
is caught by ``public_only_session``: its connections check the address they actually
reached, before a byte is sent (the senders use it unless given a session of their own).

Tests post to receivers on loopback; they (and a shop whose receivers are on its own
network, deliberately) pass ``allow_private=True`` (``COUNTEROFFER_WEBHOOK_ALLOW_PRIVATE``).
"""
from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .errors import DeliveryError

__all__ = ["UnsafeTargetError", "check_target", "check_url_shape", "is_public_address",
           "public_only_session"]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: (host, port) -> the addresses it resolves to; ``socket.getaddrinfo`` by default.
Resolver = Callable[[str, int], Iterable[str]]
_SCHEMES = {"https": 443, "http": 80}


class UnsafeTargetError(DeliveryError, ValueError):
    """The URL may not be called: its scheme, or an address it resolves to. A ValueError
    too: given to a constructor, it is a configuration mistake."""


def check_url_shape(url: str) -> tuple[str, int]:
    """``(host, port)`` if the URL is http(s) with a host and no credentials; else raises."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeTargetError(f"not a valid URL: {error}") from None
    if parts.scheme not in _SCHEMES:
        raise UnsafeTargetError(f"only https or http targets are called, not {parts.scheme!r}")
    if not parts.hostname:
        raise UnsafeTargetError("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTargetError("credentials in a URL are refused; use a header or the signature")
    return parts.hostname, port or _SCHEMES[parts.scheme]


def check_target(url: str, allow_private: bool = False, resolve: Resolver | None = None) -> None:
    """Raise ``UnsafeTargetError`` unless ``url`` may be called (see the module's doc)."""
    host, port = check_url_shape(url)
    if allow_private:
        return
    addresses = list((resolve or _getaddrinfo)(host, port))
    if not addresses:
        raise UnsafeTargetError(f"{host} resolves to no address")
    for text in addresses:
        if not is_public_address(ipaddress.ip_address(text.split("%", 1)[0])):
            raise UnsafeTargetError(f"{host} resolves to {text}, which is not a public address")


def is_public_address(address: IpAddress) -> bool:
    """A globally routable unicast address: not loopback, private (RFC 1918, fc00::/7),
    link-local (169.254/16 with the metadata services, fe80::/10), shared (100.64/10),
    multicast, reserved or unspecified; IPv4 inside IPv6 is judged as the IPv4 it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or _nat64(address)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not address.is_multicast


def _nat64(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address in ipaddress.IPv6Network("64:ff9b::/96"):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _getaddrinfo(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        # Not unsafe, just not deliverable now: the job queue tries again later.
        raise DeliveryError(f"{host} cannot be resolved: {error}") from None
    return [str(info[4][0]) for info in infos]


class _PublicPeerOnly:
    """Checks the address a new connection reached, before TLS or the request is sent."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()  # type: ignore[misc]
        peer = str(sock.getpeername()[0])
        if not is_public_address(ipaddress.ip_address(peer.split("%", 1)[0])):
            sock.close()
            raise UnsafeTargetError(f"connected to {peer}, which is not a public address")
        return sock


class _PublicHTTPConnection(_PublicPeerOnly, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicPeerOnly, HTTPSConnection):
    pass


class _PublicHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _PublicOnlyAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _PublicHTTPPool, "https": _PublicHTTPSPool}


def public_only_session() -> requests.Session:
    """A session whose direct connections refuse non-public peers (through a proxy, the
    peer is the proxy: then only ``check_target`` applies)."""
    session = requests.Session()
    adapter = _PublicOnlyAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
