"""Outbound calls: webhook, chat and CRM targets are checked before every send (no
loopback, private, link-local or metadata address unless allowed), every HTTP call has a
timeout and follows no redirect."""
from __future__ import annotations

import ast
import socket
import threading
from pathlib import Path

import pytest
from flask import Flask

import counteroffer.adapters as adapters_package
from counteroffer.adapters import ChatWebhook, DeliveryError, HttpCrm, SignedWebhooks
from counteroffer.adapters.url_safety import UnsafeTargetError, check_target, public_only_session
from tests.conftest import FrozenClock, make_app
from tests.integration.test_notify import OUTCOME


def resolving_to(*addresses: str):  # noqa: ANN201
    return lambda host, port: list(addresses)


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "169.254.170.2", "100.64.0.1", "0.0.0.0", "::", "fd00::1", "fe80::1", "224.0.0.1", "ff02::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "192.0.2.1",
    "fd00:ec2::254",
])
def test_internal_addresses_are_refused(address: str) -> None:
    with pytest.raises(UnsafeTargetError, match="not a public address"):
        check_target("https://hooks.example.com/x", resolve=resolving_to(address))


def test_one_internal_address_among_public_ones_is_enough_to_refuse() -> None:
    with pytest.raises(UnsafeTargetError, match="10.0.0.7"):
        check_target("https://hooks.example.com/x", resolve=resolving_to("93.184.215.14", "10.0.0.7"))
    check_target("https://hooks.example.com/x", resolve=resolving_to("93.184.215.14", "2606:2800:21f::1"))


@pytest.mark.parametrize("url, message", [
    ("ftp://hooks.example.com/x", "https or http"), ("file:///etc/passwd", "https or http"),
    ("gopher://hooks.example.com/", "https or http"), ("https:///x", "no host"),
    ("https://user:pw@hooks.example.com/x", "credentials"), ("http://[::1/x", "valid URL"),
])
def test_only_plain_http_urls_are_called(url: str, message: str) -> None:
    with pytest.raises(UnsafeTargetError, match=message):
        check_target(url, resolve=resolving_to("93.184.215.14"))


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "2130706433", "0x7f000001", "[::1]",
                                  "169.254.169.254"])
def test_the_real_resolver_sees_through_spellings_of_loopback(host: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check_target(f"http://{host}:8080/hook")


def test_allowing_private_targets_still_checks_the_scheme() -> None:
    check_target("http://127.0.0.1:9/hook", allow_private=True)
    with pytest.raises(UnsafeTargetError):
        check_target("file:///etc/passwd", allow_private=True)


SENDERS = {
    "webhook": lambda url, **o: SignedWebhooks(url, "whsec", timeout=0.5, **o).deliver("deal.created", {}),
    "chat": lambda url, **o: ChatWebhook(url, timeout=0.5, **o).post("hello"),
    "crm": lambda url, **o: HttpCrm(url, timeout=0.5, **o).record_outcome(OUTCOME),
}


@pytest.mark.parametrize("sender", SENDERS)
def test_a_loopback_receiver_gets_nothing_unless_private_targets_are_allowed(backoffice, sender) -> None:
    with pytest.raises(UnsafeTargetError):
        SENDERS[sender](backoffice.url + "/hooks/x")
    assert backoffice.hits("/hooks/x") == []
    SENDERS[sender](backoffice.url + "/hooks/x", allow_private=True)
    assert len(backoffice.hits("/hooks/x")) == 1


@pytest.mark.parametrize("sender", SENDERS)
@pytest.mark.parametrize("mode, error", [("redirect", "302"), ("slow", "Timeout")])
def test_every_sender_times_out_and_follows_no_redirect(backoffice, sender, mode, error) -> None:
    backoffice.answer(mode)
    with pytest.raises(DeliveryError, match=error):
        SENDERS[sender](backoffice.url + "/hooks/x", allow_private=True)
    assert backoffice.hits("/elsewhere") == []


@pytest.mark.parametrize("setting, allowed", [(None, False), (True, True), ("1", True), ("false", False)])
def test_the_configured_webhook_follows_COUNTEROFFER_WEBHOOK_ALLOW_PRIVATE(
        tmp_path: Path, sqlite_url: str, setting, allowed: bool) -> None:
    config = {"COUNTEROFFER_WEBHOOK_URL": "http://127.0.0.1:9/hook", "COUNTEROFFER_WEBHOOK_SECRET": "s"}
    if setting is not None:
        config["COUNTEROFFER_WEBHOOK_ALLOW_PRIVATE"] = setting
    app: Flask = make_app(sqlite_url, FrozenClock(), tmp_path, **config)
    with app.app_context():
        assert app.extensions["counteroffer"].webhooks().allow_private is allowed


def test_every_http_call_in_the_adapters_has_a_timeout_and_follows_no_redirect() -> None:
    calls = []
    for path in Path(adapters_package.__file__).parent.glob("*.py"):
        if "import requests" not in path.read_text():
            continue  # a SQLAlchemy session's get is no HTTP call
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"get", "post", "put", "patch", "delete", "request"}
                    and "session" in ast.unparse(node.func.value)):
                keywords = {k.arg: ast.unparse(k.value) for k in node.keywords}
                calls.append((path.name, node.lineno, keywords))
    assert len(calls) >= 2, calls
    for name, line, keywords in calls:
        assert "timeout" in keywords and keywords.get("allow_redirects") == "False", (name, line)


def test_connections_check_the_address_they_reached_whatever_dns_said_before(backoffice) -> None:
    """DNS rebinding: the name looked public when checked, then led to loopback. The
    session the senders use refuses the connection before a byte of the request is sent."""
    url = backoffice.url + "/hooks/x"
    check_target(url, resolve=resolving_to("93.184.215.14"))  # what DNS said a moment ago
    with pytest.raises(UnsafeTargetError, match="connected to 127.0.0.1"):
        public_only_session().post(url, data=b"{}", timeout=0.5, allow_redirects=False)
    assert backoffice.hits("/hooks/x") == []


@pytest.mark.parametrize("sender", SENDERS)
def test_senders_connect_through_the_checking_session_unless_private_targets_are_allowed(sender) -> None:
    made = {"webhook": lambda **o: SignedWebhooks("https://hooks.example.com/x", "whsec", **o),
            "chat": lambda **o: ChatWebhook("https://hooks.example.com/x", **o),
            "crm": lambda **o: HttpCrm("https://hooks.example.com/x", **o)}[sender]
    assert isinstance(made().session.get_adapter("https://x/"), type(public_only_session().get_adapter("https://x/")))
    assert type(made(allow_private=True).session.get_adapter("https://x/")).__name__ == "HTTPAdapter"


def test_an_https_target_is_refused_before_the_tls_handshake() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(2)
            received.append(connection.recv(64))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with pytest.raises(UnsafeTargetError):
        public_only_session().post(f"https://127.0.0.1:{listener.getsockname()[1]}/", data=b"{}", timeout=2)
    thread.join(timeout=3)
    listener.close()
    assert received == [b""]  # not even a TLS ClientHello reached it
