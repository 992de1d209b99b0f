"""The outbound policy on its own: which addresses, however spelled; the allowance;
redirects, DNS rebinding, size and time (docs/security.md, "Outbound requests")."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from goalkeeper import outbound
from tests.outbound.conftest import INTERNAL, SECRET, Sentinel


@pytest.mark.parametrize("url", INTERNAL)
def test_an_internal_address_is_refused_before_anything_is_sent(
    url: str, sentinel: Sentinel, dialled: list[Any]
) -> None:
    with pytest.raises(outbound.RefusedAddressError) as refused:
        outbound.send("GET", url.format(port=sentinel.port), timeout=2)
    assert refused.value.message.endswith("address, which outbound requests may not reach")
    assert dialled == []
    assert sentinel.accepted == []


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.1", "loopback"),
        ("0x7f.1", "loopback"),
        ("2130706433", "loopback"),
        ("017700000001", "loopback"),
        ("localhost", "loopback"),
        ("api.localhost", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::7f00:1", "loopback"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - refused, not bound
        ("::", "unspecified"),
        ("10.1.2.3", "private network"),
        ("172.16.0.1", "private network"),
        ("192.168.1.1", "private network"),
        ("fd12:3456::1", "private network"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("metadata.google.internal", "cloud metadata"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("100.64.0.1", "reserved"),
        ("240.0.0.1", "reserved"),
    ],
)
def test_each_kind_of_internal_address_is_named(host: str, kind: str) -> None:
    with pytest.raises(outbound.RefusedAddressError, match=f" an? {kind} address, which"):
        outbound.checked_address(host, 80)


def test_a_public_address_passes() -> None:
    assert outbound.checked_address("93.184.216.34", 443) == ipaddress.ip_address("93.184.216.34")
    assert outbound.refusal(ipaddress.ip_address("2606:4700::1111")) is None


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[list[str]]]:
    """A DNS that answers each name from a list of answers, one per lookup (the last one
    repeats); a name it does not know does not resolve."""
    answers: dict[str, list[list[str]]] = {}
    asked: list[str] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        asked.append(host)
        if host not in answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        queue = answers[host]
        found = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port),
            )
            for ip in found
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    answers["__asked__"] = [asked]
    return answers


def test_a_name_with_one_private_answer_among_public_ones_is_refused(dns) -> None:
    dns["mixed.example"] = [["93.184.216.34", "10.0.0.7"]]
    with pytest.raises(outbound.RefusedAddressError, match="resolves to a private network"):
        outbound.checked_address("mixed.example", 80)


class Spy(httpx.BaseTransport):
    """The network below the policy: records what it was asked to reach, answers 200."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, content=b"{}")


def test_the_connection_goes_to_the_address_that_was_checked(dns) -> None:
    # DNS rebinding: public when checked, loopback a moment later.
    dns["rebind.example"] = [["93.184.216.34"], ["127.0.0.1"]]
    spy = Spy()

    answer = outbound.send("GET", "https://rebind.example/v1/metric", timeout=2, transport=spy)

    assert answer.status_code == 200
    (request,) = spy.requests
    assert request.url.host == "93.184.216.34"
    assert request.url.path == "/v1/metric"
    assert request.headers["Host"] == "rebind.example"
    assert request.extensions["sni_hostname"] == "rebind.example"
    assert dns["__asked__"][0] == ["rebind.example"]  # looked up once, never again


def test_a_name_that_turned_internal_since_it_was_saved_is_refused(dns) -> None:
    dns["turned.example"] = [["127.0.0.1"]]
    spy = Spy()
    with pytest.raises(outbound.RefusedAddressError, match="resolves to a loopback address"):
        outbound.send("POST", "http://turned.example/hook", timeout=2, transport=spy)
    assert spy.requests == []


def test_a_name_that_does_not_resolve_says_so(dns) -> None:
    with pytest.raises(outbound.OutboundError, match=r"^the host name nowhere\.example could not"):
        outbound.send("GET", "http://nowhere.example/", timeout=2)


def test_a_name_that_does_not_resolve_is_accepted_when_saved(dns) -> None:
    assert outbound.url_problem("https://later.example/hook") is None
    dns["inside.example"] = [["192.168.0.5"]]
    assert outbound.url_problem("https://inside.example/hook") == (
        "inside.example resolves to a private network address, which outbound requests may "
        "not reach"
    )
    assert outbound.url_problem("ftp://files.example/") is not None


# --- The allowance -----------------------------------------------------------------------------


def test_a_listed_network_lets_its_addresses_through(settings: Any, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/m").respond_with_data("fine")
    settings.OUTBOUND_ALLOW = ["127.0.0.0/8"]
    assert outbound.send("GET", httpserver.url_for("/m"), timeout=2).body == b"fine"
    settings.OUTBOUND_ALLOW = ["10.0.0.0/8"]
    with pytest.raises(outbound.RefusedAddressError):
        outbound.send("GET", httpserver.url_for("/m"), timeout=2)


def test_a_listed_host_name_is_let_through_and_its_address_alone_is_not(
    settings: Any, httpserver: HTTPServer, sentinel: Sentinel
) -> None:
    httpserver.expect_request("/m").respond_with_data("fine")
    settings.OUTBOUND_ALLOW = ["localhost"]
    assert outbound.send("GET", f"http://localhost:{httpserver.port}/m", timeout=2).status_code
    with pytest.raises(outbound.RefusedAddressError):
        outbound.send("GET", f"http://127.0.0.1:{sentinel.port}/", timeout=2)
    assert sentinel.accepted == []


def test_the_allowance_reads_networks_and_names(settings: Any) -> None:
    settings.OUTBOUND_ALLOW = ["10.0.0.0/8", " Warehouse.Corp. ", "fd00::/8", ""]
    rules = outbound.allowance()
    assert rules.hosts == {"warehouse.corp"}
    assert [str(n) for n in rules.networks] == ["10.0.0.0/8", "fd00::/8"]


# --- Redirects, size and time --------------------------------------------------------------------


def test_a_redirect_to_loopback_from_an_allowed_server_is_refused(
    settings: Any, httpserver: HTTPServer, sentinel: Sentinel
) -> None:
    settings.OUTBOUND_ALLOW = ["localhost"]
    httpserver.expect_request("/start").respond_with_response(
        Response("", status=302, headers={"Location": f"http://127.0.0.1:{sentinel.port}/"})
    )
    with pytest.raises(outbound.RefusedAddressError, match=r"redirected to a loopback address"):
        outbound.send(
            "GET", f"http://localhost:{httpserver.port}/start", timeout=2, max_redirects=5
        )
    assert sentinel.accepted == []


def test_redirects_are_counted(allow_local_outbound: None, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/loop").respond_with_response(
        Response("", status=302, headers={"Location": "/loop"})
    )
    with pytest.raises(outbound.OutboundError, match="redirected too many times"):
        outbound.send("GET", httpserver.url_for("/loop"), timeout=2, max_redirects=3)
    assert len(httpserver.log) == 4  # the first request and 3 redirects followed


def test_without_redirects_allowed_a_redirect_is_returned_as_it_came(
    allow_local_outbound: None, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/moved").respond_with_response(
        Response("", status=301, headers={"Location": "http://169.254.169.254/"})
    )
    answer = outbound.send("POST", httpserver.url_for("/moved"), timeout=2, content=b"{}")
    assert answer.status_code == 301
    assert len(httpserver.log) == 1


def test_an_answer_larger_than_the_cap_is_refused(
    allow_local_outbound: None, httpserver: HTTPServer
) -> None:
    def chunked(request: Any) -> Response:
        return Response(iter([b"x" * 4096] * 64))  # no Content-Length: counted as it comes

    httpserver.expect_request("/declared").respond_with_data(b"x" * 300_000)
    httpserver.expect_request("/chunked").respond_with_handler(chunked)
    for path in ("/declared", "/chunked"):
        with pytest.raises(outbound.TooLargeError, match=r"larger than 0\.1 MB, the limit"):
            outbound.send("GET", httpserver.url_for(path), timeout=2, max_bytes=104_857)


def test_a_server_that_drips_its_answer_is_cut_off_at_the_deadline(
    allow_local_outbound: None, httpserver: HTTPServer
) -> None:
    def drip(request: Any) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(40):
                time.sleep(0.1)
                yield SECRET.encode()

        return Response(body())

    httpserver.expect_request("/drip").respond_with_handler(drip)
    started = time.monotonic()
    with pytest.raises(outbound.TimedOutError) as slow:
        outbound.send("GET", httpserver.url_for("/drip"), timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert slow.value.message.endswith("did not answer in time (within 0.5 s)")
    assert SECRET not in slow.value.message


def test_a_status_is_told_in_standard_words_not_the_servers(
    allow_local_outbound: None, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/x").respond_with_response(Response(SECRET, status=f"403 {SECRET}"))
    answer = outbound.send("GET", httpserver.url_for("/x"), timeout=2, read_body=False)
    assert (answer.status_code, answer.reason, answer.body) == (403, "Forbidden", b"")
