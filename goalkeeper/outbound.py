"""Every request Goalkeeper makes to a URL someone typed: one policy, in one place.

Data sources, webhooks and chat channels reach URLs that workspace admins choose. Without a
fence an admin could make the server read its own loopback services, the private network
or a cloud's metadata endpoint, and read the answers back through error messages. So every
outbound request goes through `send`, which:

- resolves the host itself and refuses loopback, private, site-local, link-local,
  multicast, unspecified, reserved and cloud metadata addresses, however the address is
  spelled (``2130706433``, ``127.1``, ``0x7f.1``, IPv4-mapped, NAT64, 6to4 or Teredo IPv6),
  unless `OUTBOUND_ALLOW` (``GOALKEEPER_OUTBOUND_ALLOW``) lists the host or a network holding
  the address (a cloud metadata address only when listed itself, not inside a network);
- connects to the very address it checked (the Host header and TLS name stay the host's), so
  a name that resolves elsewhere a moment later (DNS rebinding) cannot slip through;
- follows redirects itself, checking each hop, at most `max_redirects` of them;
- bounds the whole exchange in time (every connect, read and write, the wait for headers
  included) and the answer in size (counted before it is unpacked);
- says what failed in its own words, never with the remote answer, and refuses before any
  connection is made, so a refused address cannot be told "closed" from "filtered".

See docs/security.md, "Outbound requests".
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Names that lead to a cloud's instance metadata, whatever they resolve to where we run.
METADATA_HOSTS = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "metadata.azure"}
)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text)
    for text in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200")
)
# NAT64 embeds an IPv4 address in its last 32 bits: the IPv4 address is the one that counts.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
MAX_REDIRECTS = 5


class OutboundError(Exception):
    """An outbound request that failed; the message is ours, safe to show and to store."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RefusedAddressError(OutboundError):
    """The policy refused the address: nothing was sent. `kind` says what it is."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


class TimedOutError(OutboundError):
    """The server did not answer within the time allowed."""


class TooLargeError(OutboundError):
    """The answer was larger than allowed."""


# --- The policy ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    """What `OUTBOUND_ALLOW` lets through: host names, and networks (CIDRs)."""

    hosts: frozenset[str]
    networks: tuple[Network, ...]


def allowance() -> Allowance:
    """The allowance from settings; an entry that is neither a network nor a name is a host."""
    hosts: set[str] = set()
    networks: list[Network] = []
    for entry in getattr(settings, "OUTBOUND_ALLOW", []) or []:
        text = str(entry).strip().lower()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            hosts.add(text.rstrip("."))
    return Allowance(frozenset(hosts), tuple(networks))


def _plain(address: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address, else the address.

    (A Teredo address holds two IPv4 addresses: see `_embedded`.)
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The addresses that count for `address`: the IPv4 one it wraps, or both ends of a
    Teredo address (its server and its client), or the address itself."""
    if isinstance(address, ipaddress.IPv6Address) and address.teredo is not None:
        return list(address.teredo)
    return [_plain(address)]


def _kind(address: IPAddress) -> str | None:
    if address in METADATA_ADDRESSES:
        return "cloud metadata"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private network"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        # fec0::/10: deprecated, yet a network may still route it, and Python calls it global.
        return "site-local"
    if not address.is_global:
        return "reserved"
    return None


def refusal(address: IPAddress) -> str | None:
    """What kind of address outbound requests may not reach, or None for a public one."""
    for inner in _embedded(address):
        kind = _kind(inner)
        if kind is not None:
            return kind
    if isinstance(address, ipaddress.IPv6Address) and address.teredo is not None:
        # Teredo (2001::/32) is a tunnel, not a global range, whatever its two ends are.
        return "reserved"
    return None


def _allowed(address: IPAddress, rules: Allowance) -> bool:
    """Whether a listed network holds the address. A cloud metadata address is let through
    only by a network of that one address: listing 169.254.0.0/16 or 100.64.0.0/10 does not
    open the metadata endpoint inside it."""
    candidates = {address, *_embedded(address)}
    metadata = any(candidate in METADATA_ADDRESSES for candidate in candidates)
    return any(
        candidate in network and (not metadata or network.num_addresses == 1)
        for network in rules.networks
        for candidate in candidates
        if candidate.version == network.version
    )


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (a literal address, however spelled, is itself).

    Tests replace this to play DNS; OutboundError when the name does not resolve.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise OutboundError(f"the host name {host} could not be resolved") from None
    addresses: list[IPAddress] = []
    for *_rest, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OutboundError(f"the host name {host} could not be resolved")
    return addresses


def _literal(host: str) -> IPAddress | None:
    """The address a host written as a number spells (127.1, 0x7f.1, 2130706433, ::1)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _refused(host: str, kind: str, *, literal: bool) -> RefusedAddressError:
    subject = f"{host} is" if literal else f"{host} resolves to"
    article = "an" if kind[0] in "aeiou" else "a"
    return RefusedAddressError(
        f"{subject} {article} {kind} address, which outbound requests may not reach", kind
    )


def checked_address(host: str, port: int) -> IPAddress:
    """The address to connect to for `host`: resolved once, every answer checked.

    RefusedAddressError when any address the name resolves to is refused (a name answering
    one public and one private address is refused: which one a connection would use is not
    ours to choose); OutboundError when it does not resolve.
    """
    name = host.strip().strip("[]").lower().rstrip(".")
    rules = allowance()
    by_name = name in rules.hosts
    literal = _literal(name)
    if not by_name and literal is None and name in METADATA_HOSTS:
        raise _refused(name, "cloud metadata", literal=False)
    if literal is not None:
        addresses = [literal]
    elif name == "localhost" or name.endswith(".localhost"):
        # Loopback by definition (RFC 6761), whatever a resolver would make of it.
        addresses = [ipaddress.ip_address("127.0.0.1")]
    else:
        addresses = resolve(name, port)
    if not by_name:
        for address in addresses:
            kind = refusal(address)
            if kind is not None and not _allowed(address, rules):
                raise _refused(name, kind, literal=literal is not None)
    return addresses[0]


def url_problem(url: str, *, resolve_names: bool = True) -> str | None:
    """Why `url` may not be reached, checked when it is saved; None when it may.

    A name that does not resolve now is accepted (it may exist where and when the request
    is sent, which checks it again); an address that is refused is not.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return "this is not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        return "only http:// and https:// URLs can be reached"
    if not parts.hostname:
        return "the URL has no host"
    try:
        if resolve_names or _literal(parts.hostname) is not None:
            checked_address(parts.hostname, port or (443 if scheme == "https" else 80))
    except RefusedAddressError as error:
        return error.message
    except OutboundError:
        return None
    return None


# --- The transport ---------------------------------------------------------------------------


class PinnedTransport(httpx.BaseTransport):
    """Checks the host of every request and connects to the address it checked.

    The URL handed to the inner transport carries the address; the Host header (set by
    httpx from the original URL) and the TLS server name stay the host's, so certificates
    are verified against the name that was typed.
    """

    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self.inner = inner or httpx.HTTPTransport(retries=0)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = checked_address(host, port)
        if host != str(address):
            request.url = request.url.copy_with(host=str(address))
            if request.url.scheme == "https":
                request.extensions = {**request.extensions, "sni_hostname": host}
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write waits at most until the deadline: a server
    answering ``102 Processing`` for ever, or dripping its headers, is cut off in time."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self.inner = inner
        self.deadline = deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("the deadline has passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        left = self._left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self.inner.start_tls(ssl_context, server_hostname, left), self.deadline
        )

    def get_extra_info(self, info: str) -> object:
        return self.inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    """The network below httpx, every connection bounded by one deadline."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the deadline has passed")
        stream = super().connect_tcp(
            host,
            port,
            left if timeout is None else min(timeout, left),
            local_address,
            socket_options,
        )
        return _DeadlineStream(stream, self.deadline)


def bounded_transport(deadline: float) -> httpx.HTTPTransport:
    """httpx's own transport, each connect, read and write ending by `deadline` (a
    `time.monotonic()` instant)."""
    transport = httpx.HTTPTransport(retries=0)
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        retries=0,
        network_backend=_DeadlineBackend(deadline),
    )
    return transport


# --- One exchange ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What came back: the status, its headers, and (if asked for) the body, bounded."""

    status_code: int
    reason: str  # the standard phrase of the status, never the server's own words
    headers: httpx.Headers
    body: bytes
    url: str


def host_of(url: str) -> str:
    """host[:port] of a URL, without the user, password, path or query."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return "the server"
    host = parts.hostname or "the server"
    return f"{host}:{port}" if port else host


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _too_large(host: str, limit: int) -> TooLargeError:
    return TooLargeError(
        f"the answer from {host} is larger than {limit / 1024 / 1024:.3g} MB, the limit"
    )


def _timed_out(host: str, timeout: float) -> TimedOutError:
    return TimedOutError(f"the server {host} did not answer in time (within {timeout:g} s)")


def send(
    method: str,
    url: str,
    *,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    read_body: bool = True,
    max_bytes: int = 1024 * 1024,
    max_redirects: int = 0,
    private_headers: Iterable[str] = (),
    transport: httpx.BaseTransport | None = None,
) -> Answer:
    """One request under the policy; OutboundError (a subclass says which) when it fails.

    With `max_redirects` > 0 a redirect is followed as a GET, each hop checked again (one
    more than allowed is an error); the `private_headers` (tokens) are dropped once it
    leads to another origin. With none allowed, a 3xx is returned as it came. `transport`
    replaces the network below the policy (tests).
    """
    host = host_of(url)
    sent = dict(headers or {})
    private = {name.lower() for name in private_headers} | {"authorization", "cookie"}
    # httpx bounds each connect and each read; the deadline bounds the whole exchange (each
    # socket read waits at most until it), so a server dripping one byte a second, or
    # answering "102 Processing" over and over, cannot hold a worker for ever.
    deadline = time.monotonic() + timeout
    try:
        target = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError):
        raise OutboundError("this is not a valid URL") from None
    if target.scheme not in {"http", "https"}:
        raise OutboundError("only http:// and https:// URLs can be reached")
    origin = _origin(target)
    try:
        with httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            transport=PinnedTransport(transport or bounded_transport(deadline)),
            trust_env=False,
        ) as client:
            for hop in range(max_redirects + 1):
                if _origin(target) != origin:
                    sent = {k: v for k, v in sent.items() if k.lower() not in private}
                sent.setdefault("Accept-Encoding", ACCEPTED_ENCODINGS)
                response = _hop(client, method, target, sent, content, host, first=hop == 0)
                with contextlib.closing(response):
                    location = response.headers.get("Location", "")
                    if response.is_redirect and location and max_redirects:
                        if hop == max_redirects:
                            raise OutboundError(f"{host} redirected too many times")
                        try:
                            target = target.join(location)
                        except (httpx.InvalidURL, ValueError):
                            raise OutboundError(f"{host} redirected to an invalid URL") from None
                        if target.scheme not in {"http", "https"}:
                            raise OutboundError(
                                f"{host} redirected to a URL that is not http:// or https://"
                            )
                        method, content = "GET", None
                        continue
                    body = _read(response, read_body, max_bytes, deadline, host, timeout)
                    return Answer(
                        status_code=response.status_code,
                        reason=_reason(response.status_code),
                        headers=response.headers,
                        body=body,
                        url=str(target),
                    )
            raise OutboundError(f"{host} redirected too many times")  # not reached
    except httpx.TimeoutException:
        raise _timed_out(host, timeout) from None
    except httpx.ConnectError as error:
        raise OutboundError(f"could not connect to {host}{_connect_reason(error)}") from None
    except httpx.HTTPError as error:
        raise OutboundError(f"could not talk to {host}: {type(error).__name__}") from None


def _hop(
    client: httpx.Client,
    method: str,
    target: httpx.URL,
    headers: Mapping[str, str],
    content: bytes | None,
    host: str,
    *,
    first: bool,
) -> httpx.Response:
    """One request of the exchange, its body still to read (the caller closes it). Past
    the first, the address came from the server (a redirect): a refusal names neither it
    nor its host, which are the server's words."""
    request = client.build_request(method, target, headers=headers, content=content)
    try:
        return client.send(request, stream=True)
    except RefusedAddressError as refused:
        if first:
            raise
        kind = refused.kind or "refused"
        article = "an" if kind[0] in "aeiou" else "a"
        raise RefusedAddressError(
            f"{host} redirected to {article} {kind} address, which outbound requests may not reach",
            refused.kind,
        ) from None
    except OutboundError:
        if first:
            raise
        raise OutboundError(
            f"{host} redirected to a host name that could not be resolved"
        ) from None


# Compressed answers are unpacked here, under the size cap, never by httpx (which would
# unpack a small "gzip bomb" whole before anything could count it).
ACCEPTED_ENCODINGS = "gzip, deflate"
_UNPACKED = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


def _read(
    response: httpx.Response,
    wanted: bool,
    limit: int,
    deadline: float,
    host: str,
    timeout: float,
) -> bytes:
    if not wanted:
        return b""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(host, limit)
    encodings = [
        name.strip().lower()
        for name in response.headers.get("Content-Encoding", "").split(",")
        if name.strip() and name.strip().lower() != "identity"
    ]
    if any(name not in _UNPACKED for name in encodings):
        raise OutboundError(f"the answer from {host} is compressed in a way we do not read")
    # Applied in reverse of the order they are listed in; each stage yields at most
    # `limit` + 1 bytes per call, so nothing larger than the cap is ever held.
    stages = [zlib.decompressobj(_UNPACKED[name]) for name in reversed(encodings)]
    chunks: list[bytes] = []
    size = 0

    def keep(data: bytes) -> None:
        nonlocal size
        size += len(data)
        if size > limit:
            raise _too_large(host, limit)
        chunks.append(data)

    try:
        # An answer made up whole (a test's transport) has nothing left to stream.
        raws = [response.content] if response.is_stream_consumed else response.iter_raw()
        for raw in raws:
            if time.monotonic() > deadline:
                raise _timed_out(host, timeout)
            if not stages:
                keep(raw)
                continue
            _unpack(stages, 0, raw, limit - size + 1, keep)
        for index, stage in enumerate(stages):
            _unpack(stages, index, b"", limit - size + 1, keep)
            _unpack(stages, index + 1, stage.flush(), limit - size + 1, keep)
    except zlib.error:
        raise OutboundError(f"the answer from {host} is not validly compressed") from None
    return b"".join(chunks)


def _unpack(
    stages: list[zlib._Decompress],
    index: int,
    data: bytes,
    room: int,
    keep: Callable[[bytes], None],
) -> None:
    """Feed `data` to stage `index` and what comes out onwards, never taking more than
    `room` bytes out of a stage at once (what a stage holds back stays in it)."""
    if index == len(stages):
        keep(data)
        return
    stage = stages[index]
    while True:
        out = stage.decompress(data, room)
        data = stage.unconsumed_tail
        if out:
            _unpack(stages, index + 1, out, room, keep)
        # Done when the input is used up and the output did not fill its room (a full
        # room may mean more is waiting inside the stage).
        if not out or (not data and len(out) < room):
            return


def _reason(status_code: int) -> str:
    """The standard phrase of a status: the server's own phrase is its text, not ours."""
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return ""


def _connect_reason(error: httpx.ConnectError) -> str:
    # Only ever about an address the policy allowed: a refused one never gets this far.
    text = str(error).lower()
    if "refused" in text:
        return ": the connection was refused (is the server running?)"
    if "certificate" in text:
        return ": its TLS certificate could not be verified"
    if "unreachable" in text:
        return ": the network or host is unreachable"
    return ""
