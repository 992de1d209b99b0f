"""The outbound policy's bounds that a hostile server tests: time spent before the headers
arrive, compressed answers, what a redirect may make us say, metadata inside an allowed
network, and IPv6 spellings of internal addresses (docs/security.md, "Outbound requests")."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from goalkeeper import outbound
from tests.outbound.conftest import Sentinel

# --- Time: the deadline covers the wait for the headers ---------------------------------------


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], int]]:
    """A TCP listener on 127.0.0.1 that talks to each connection as `talk` says; gives its port."""
    servers: list[socket.socket] = []
    stop = threading.Event()

    def start(talk: Callable[[socket.socket], None]) -> int:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.bind(("127.0.0.1", 0))
        server.listen(4)
        server.settimeout(0.05)
        servers.append(server)

        def serve() -> None:
            while not stop.is_set():
                try:
                    conn, _peer = server.accept()
                except OSError:
                    continue
                # OSError: the client hung up, which is what the test wants.
                with conn, contextlib.suppress(OSError):
                    conn.recv(65536)
                    talk(conn)

        threading.Thread(target=serve, daemon=True).start()
        return int(server.getsockname()[1])

    yield start
    stop.set()
    for server in servers:
        server.close()


def _processing_for_ever(conn: socket.socket) -> None:
    for _ in range(40):
        conn.sendall(b"HTTP/1.1 102 Processing\r\n\r\n")
        time.sleep(0.2)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def _headers_dripped(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for number in range(40):
        conn.sendall(f"X-Slow-{number}: 1\r\n".encode())
        time.sleep(0.2)
    conn.sendall(b"Content-Length: 0\r\n\r\n")


@pytest.mark.parametrize("talk", [_processing_for_ever, _headers_dripped])
@pytest.mark.parametrize("read_body", [False, True])
def test_a_server_that_holds_back_its_headers_is_cut_off_at_the_deadline(
    allow_local_outbound: None, raw_server: Any, talk: Any, read_body: bool
) -> None:
    port = raw_server(talk)
    started = time.monotonic()
    with pytest.raises(outbound.TimedOutError, match=r"did not answer in time \(within 1 s\)"):
        outbound.send("POST", f"http://127.0.0.1:{port}/", timeout=1, read_body=read_body)
    assert time.monotonic() - started < 2.5  # the server would go on for 8 s


# --- Size: compressed answers are counted as they unpack ---------------------------------------


def _bomb(size: int, layers: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    body = b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()
    for _ in range(layers - 1):
        body = gzip.compress(body, 9)
    return body


@pytest.mark.parametrize(("layers", "encoding"), [(1, "gzip"), (2, "gzip, gzip")])
def test_a_compressed_answer_larger_than_the_cap_unpacked_is_refused_without_unpacking_it(
    allow_local_outbound: None, httpserver: HTTPServer, layers: int, encoding: str
) -> None:
    bomb = _bomb(200 * 1024 * 1024, layers)
    assert len(bomb) < 250_000
    httpserver.expect_request("/bomb").respond_with_response(
        Response(bomb, headers={"Content-Encoding": encoding})
    )
    tracemalloc.start()
    try:
        with pytest.raises(outbound.TooLargeError, match=r"larger than 1 MB, the limit"):
            outbound.send("GET", httpserver.url_for("/bomb"), timeout=5, max_bytes=1024 * 1024)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # 200 MB unpacked, never held


def test_a_compressed_answer_within_the_cap_is_unpacked(
    allow_local_outbound: None, httpserver: HTTPServer
) -> None:
    text = b'{"value": 42}' * 1000
    httpserver.expect_request("/gz").respond_with_response(
        Response(gzip.compress(gzip.compress(text)), headers={"Content-Encoding": "gzip, gzip"})
    )
    httpserver.expect_request("/deflate").respond_with_response(
        Response(zlib.compress(text), headers={"Content-Encoding": "deflate"})
    )
    for path in ("/gz", "/deflate"):
        assert outbound.send("GET", httpserver.url_for(path), timeout=5).body == text
    assert httpserver.log[0][0].headers["Accept-Encoding"] == "gzip, deflate"


def test_an_answer_in_an_encoding_we_do_not_read_is_refused(
    allow_local_outbound: None, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/br").respond_with_response(
        Response(b"\x0b\x02\x80hi\x03", headers={"Content-Encoding": "br"})
    )
    with pytest.raises(outbound.OutboundError, match="compressed in a way we do not read"):
        outbound.send("GET", httpserver.url_for("/br"), timeout=5)


# --- Words: a redirect's target is the server's text -------------------------------------------


def test_a_refused_redirect_names_neither_the_host_nor_the_address(
    settings: Any, httpserver: HTTPServer, sentinel: Sentinel
) -> None:
    settings.OUTBOUND_ALLOW = ["localhost"]
    name = "secret-lookup-word.localhost"
    for path, location in [
        ("/literal", f"http://127.0.0.1:{sentinel.port}/"),
        ("/name", f"http://{name}:{sentinel.port}/"),
    ]:
        httpserver.expect_request(path).respond_with_response(
            Response("", status=302, headers={"Location": location})
        )
        with pytest.raises(outbound.RefusedAddressError) as refused:
            outbound.send(
                "GET", f"http://localhost:{httpserver.port}{path}", timeout=2, max_redirects=5
            )
        assert refused.value.message == (
            f"localhost:{httpserver.port} redirected to a loopback address, which outbound "
            "requests may not reach"
        )
    assert sentinel.accepted == []


def test_a_redirect_to_a_name_that_does_not_resolve_does_not_repeat_the_name(
    allow_local_outbound: None, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def nowhere(host: str, port: int) -> list[Any]:
        raise outbound.OutboundError(f"the host name {host} could not be resolved")

    monkeypatch.setattr(outbound, "resolve", nowhere)
    httpserver.expect_request("/away").respond_with_response(
        Response("", status=302, headers={"Location": "http://exfil-word.example/"})
    )
    with pytest.raises(outbound.OutboundError) as failed:
        outbound.send("GET", httpserver.url_for("/away"), timeout=2, max_redirects=5)
    assert "exfil-word" not in failed.value.message
    assert failed.value.message.endswith("redirected to a host name that could not be resolved")


# --- Addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allowed", "address"),
    [
        ("100.64.0.0/10", "100.100.100.200"),
        ("169.254.0.0/16", "169.254.169.254"),
        ("169.254.0.0/16", "169.254.170.2"),
        ("fd00::/8", "fd00:ec2::254"),
        ("169.254.0.0/16", "::ffff:169.254.169.254"),
    ],
)
def test_a_metadata_address_inside_an_allowed_network_is_still_refused(
    settings: Any, allowed: str, address: str
) -> None:
    settings.OUTBOUND_ALLOW = [allowed]
    with pytest.raises(outbound.RefusedAddressError, match="a cloud metadata address"):
        outbound.checked_address(address, 80)


def test_a_metadata_address_listed_itself_is_let_through(settings: Any) -> None:
    settings.OUTBOUND_ALLOW = ["169.254.169.254/32", "100.100.100.200"]
    for address in ("169.254.169.254", "100.100.100.200"):
        assert outbound.checked_address(address, 80) == ipaddress.ip_address(address)


def test_other_addresses_of_an_allowed_network_still_pass(settings: Any) -> None:
    settings.OUTBOUND_ALLOW = ["100.64.0.0/10", "169.254.0.0/16"]
    for address in ("100.100.100.100", "169.254.1.1"):
        assert outbound.checked_address(address, 80) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("fec0::1", "site-local"),
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", "private network"),  # 6to4 of 10.0.0.1
        ("2002:a9fe:a9fe::", "cloud metadata"),  # 6to4 of 169.254.169.254
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo, client 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:a247:27dd", "reserved"),  # Teredo, public ends
    ],
)
def test_ipv6_tunnel_and_site_local_addresses_are_refused(address: str, kind: str) -> None:
    with pytest.raises(outbound.RefusedAddressError, match=f" an? {kind} address, which"):
        outbound.checked_address(address, 80)


def test_a_6to4_address_of_a_public_one_passes() -> None:
    assert outbound.refusal(ipaddress.ip_address("2002:5db8:d822::1")) is None
