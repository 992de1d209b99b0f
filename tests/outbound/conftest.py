"""Listeners that must hear nothing, and a record of every connection the policy lets out."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from goalkeeper import outbound
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import create_kpi
from tests.api.conftest import _keep_the_test_connection, token_for  # noqa: F401
from tests.conftest import World
from tests.sources.api.conftest import SourceApi
from tests.webhooks.conftest import huey_immediate  # noqa: F401 - shared fixture

# What an internal service would answer, if it were ever reached: it must never show.
SECRET = "sND5-internal-admin-token-7Qx"


@dataclass
class Sentinel:
    """A TCP listener on 127.0.0.1 (and ::1 when the machine has it), same port, counting
    every connection it accepts."""

    port: int
    accepted: list[str] = field(default_factory=list)


def _serve(server: socket.socket, sentinel: Sentinel, stop: threading.Event) -> None:
    server.settimeout(0.05)
    while not stop.is_set():
        try:
            conn, peer = server.accept()
        except OSError:
            continue
        sentinel.accepted.append(str(peer[0]))
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 29\r\n\r\n" + SECRET.encode())
        conn.close()


@pytest.fixture
def sentinel() -> Iterator[Sentinel]:
    v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    v4.bind(("127.0.0.1", 0))
    v4.listen(16)
    port = v4.getsockname()[1]
    servers = [v4]
    try:
        v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        v6.bind(("::1", port))
        v6.listen(16)
        servers.append(v6)
    except OSError:
        pass
    found = Sentinel(port=port)
    stop = threading.Event()
    threads = [
        threading.Thread(target=_serve, args=(server, found, stop), daemon=True)
        for server in servers
    ]
    for thread in threads:
        thread.start()
    yield found
    stop.set()
    for thread in threads:
        thread.join(timeout=2)
    for server in servers:
        server.close()


@pytest.fixture
def dialled(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a connection was opened to (httpx's sync network backend dials with
    socket.create_connection)."""
    seen: list[Any] = []
    real = socket.create_connection

    def record(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        seen.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", record)
    return seen


# The internal addresses of the issue, each spelled as an attacker would; `{port}` is the
# sentinel's.
INTERNAL = [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://0.0.0.0:{port}/",
    "http://2130706433:{port}/",
    "http://127.1:{port}/",
    "http://0x7f.1:{port}/",
    "http://[::1]:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",
    "http://169.254.169.254:{port}/latest/meta-data/",
    "http://10.20.30.40:{port}/",
    "http://metadata.google.internal:{port}/",
]


@pytest.fixture
def kpi(world: World) -> Kpi:
    return create_kpi(
        actor=world.admin, team=world.sales, name="Signed deals", frequency="daily", target=100
    )


# Saved while the operator allowed every address, then taken back: what was saved must
# be refused when it is sent (as when DNS changes after a URL was checked). A metadata
# address is let through only when listed itself.
WIDE = [
    "0.0.0.0/0",
    "::/0",
    "metadata.google.internal",
    *(str(address) for address in outbound.METADATA_ADDRESSES),
]


@pytest.fixture
def admin_api(world: World) -> SourceApi:
    return SourceApi(token_for(world.admin, False))
