"""A provider's address goes through the outbound policy (docs/security.md, "Outbound
requests"): an issuer on this machine's own network is refused before anything is sent."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test import override_settings
from pytest_httpserver import HTTPServer

from goalkeeper.sso import client
from tests.conftest import World


@contextmanager
def _listening(host: str, port: int = 0) -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener that records whatever reaches it and answers a 404."""
    received: list[bytes] = []
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen()
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    received.append(connection.recv(4096) or b"<connected>")
                    connection.sendall(NOT_FOUND)
                except OSError:
                    received.append(b"<connected>")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP listener on 127.0.0.1 that records whatever reaches it."""
    with _listening("127.0.0.1") as found:
        yield found


@override_settings(OUTBOUND_ALLOW=[])
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.1"])
def test_an_issuer_on_this_machine_is_refused_and_reached_by_nothing(
    listener: tuple[int, list[bytes]], host: str
) -> None:
    port, received = listener

    with pytest.raises(client.DiscoveryError) as refused:
        client.discover(f"http://{host}:{port}/realms/acme")

    assert "loopback" in str(refused.value) or "this machine" in str(refused.value)
    assert received == []


@override_settings(OUTBOUND_ALLOW=[])
def test_a_metadata_address_is_refused() -> None:
    with pytest.raises(client.DiscoveryError):
        client.discover("http://169.254.169.254/latest")


@override_settings(OUTBOUND_ALLOW=["127.0.0.0/8"])
def test_the_allow_setting_lets_an_internal_provider_through(
    listener: tuple[int, list[bytes]],
) -> None:
    port, received = listener

    with pytest.raises(client.DiscoveryError):
        client.discover(f"http://127.0.0.1:{port}/realms/acme")

    assert received
    assert received[0].startswith(b"GET /realms/acme/.well-known/")


@override_settings(OUTBOUND_ALLOW=["127.0.0.2/32"])
def test_the_provider_is_reached_at_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name that resolves to an allowed address when checked and to a refused one a
    moment later (DNS rebinding) is reached at the checked address: nothing else hears."""
    with _listening("127.0.0.1") as (port, refused_heard):  # noqa: SIM117 - port of the first
        with _listening("127.0.0.2", port) as (_port, checked_heard):
            real = socket.getaddrinfo
            answers = iter(["127.0.0.2"])

            def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
                if host == "rebind.test":
                    return real(next(answers, "127.0.0.1"), *args, **kwargs)
                return real(host, *args, **kwargs)

            monkeypatch.setattr(socket, "getaddrinfo", rebinding)
            with pytest.raises(client.DiscoveryError, match="HTTP 404"):
                client.discover(f"http://rebind.test:{port}/realms/acme")

    assert refused_heard == []
    assert checked_heard
    assert checked_heard[0].startswith(b"GET /realms/acme/.well-known/")
    assert b"Host: rebind.test" in checked_heard[0]


def _document(issuer: str, **endpoints: str) -> dict[str, str]:
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "jwks_uri": f"{issuer}/jwks",
        **endpoints,
    }


@pytest.mark.parametrize(
    ("key", "url"),
    [
        ("authorization_endpoint", "javascript:alert(1)"),
        ("authorization_endpoint", "http://login.acme.test/authorize"),
        ("token_endpoint", "http://login.acme.test/token"),
        ("userinfo_endpoint", "ftp://login.acme.test/userinfo"),
        ("jwks_uri", "//login.acme.test/jwks"),
    ],
)
def test_an_endpoint_that_is_not_https_is_refused(
    httpserver: HTTPServer, key: str, url: str
) -> None:
    issuer = httpserver.url_for("/openid")
    httpserver.expect_request("/openid/.well-known/openid-configuration").respond_with_json(
        _document(issuer, **{key: url})
    )
    with pytest.raises(client.DiscoveryError) as refused:
        client.discover(issuer)
    assert key in str(refused.value)


def test_https_endpoints_and_http_ones_the_allow_setting_lets_through_are_kept(
    httpserver: HTTPServer,
) -> None:
    issuer = httpserver.url_for("/openid")
    httpserver.expect_request("/openid/.well-known/openid-configuration").respond_with_json(
        _document(issuer, authorization_endpoint="https://login.acme.test/authorize")
    )
    metadata = client.discover(issuer)
    assert metadata["authorization_endpoint"] == "https://login.acme.test/authorize"
    assert metadata["token_endpoint"] == f"{issuer}/token"


@pytest.mark.django_db
@override_settings(OUTBOUND_ALLOW=["localhost"])
def test_the_signing_keys_address_goes_through_the_policy(world: World) -> None:
    """The document is the admin's: a keys address on this machine is refused, unheard."""
    from goalkeeper.accounts.models import Role
    from goalkeeper.sso import services

    with _listening("127.0.0.1") as (port, heard):
        provider = services.save_provider(
            actor=world.admin,
            workspace=world.acme,
            settings=services.ProviderSettings(
                enabled=True,
                issuer="https://login.acme.test",
                client_id="goalkeeper",
                client_secret="secret",
                allowed_domains="acme.test",
                default_role=Role.VIEWER,
            ),
        )
        metadata = _document("https://login.acme.test", jwks_uri=f"https://127.0.0.1:{port}/k")
        with pytest.raises(Exception, match="loopback"):
            client.app_for(provider, metadata).fetch_jwk_set()
    assert heard == []
