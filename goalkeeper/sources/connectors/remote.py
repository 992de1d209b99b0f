"""HTTP for connectors: the "headers" secret, and one bounded GET.

Messages name the host only: a URL may carry a user name, a password or an API key in its
query string, and messages end up in sync runs that every admin can read.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext_noop

from goalkeeper.sources.connectors.base import Context, SourceError
from goalkeeper.sources.connectors.local import max_bytes

USER_AGENT = "Goalkeeper data source"
# A header name is an RFC 9110 token.
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def parse_headers(text: str) -> dict[str, str]:
    """ "Name: value" lines as a dict; blank lines and lines starting with # are skipped.

    Raises ValueError naming the first malformed line by its number, never by its content:
    the text is a secret.
    """
    headers: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, colon, value = stripped.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not name:
            raise ValueError(f"line {number} is not “Name: value”")
        if not _HEADER_NAME.match(name):
            raise ValueError(f"line {number}: the header name has characters a name cannot hold")
        if not value.isascii() or not value.isprintable():
            raise ValueError(
                f"line {number}: the value has characters a header cannot carry (use ASCII)"
            )
        headers[name] = value
    return headers


def is_url(location: str) -> bool:
    """True when `location` is written as a URL (any scheme), not as a path."""
    return bool(_URL_SCHEME.match(location.strip()))


def url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched, or None when it is an http(s) URL with a host."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return "this is not a valid URL"
    if parts.scheme.lower() not in {"http", "https"}:
        return gettext_noop("only http:// and https:// URLs can be read")
    if not parts.hostname:
        return "the URL has no host"
    return None


def host_of(url: str) -> str:
    """host[:port] of a URL, without the user, password, path or query."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return "the server"
    host = parts.hostname or "the server"
    return f"{host}:{port}" if port else host


@dataclass(frozen=True)
class Download:
    """What a GET brought back."""

    body: bytes
    content_type: str


def download(
    url: str, headers: Mapping[str, str], context: Context, *, accept: str = "*/*"
) -> Download:
    """GET `url` following redirects, within `context.timeout` and `SOURCE_MAX_BYTES`.

    SourceError when the server is down, slow, answers an error status or too much.
    """
    host = host_of(url)
    limit = max_bytes()
    timeout = context.timeout
    # httpx bounds each connect and each read; the deadline bounds the whole answer, so a
    # server dripping one byte a second cannot hold a sync forever.
    deadline = time.monotonic() + timeout
    sent = {"User-Agent": USER_AGENT, "Accept": accept, **headers}
    origin = _origin(httpx.URL(url.strip())) if url_problem(url) is None else None

    def keep_secrets_home(request: httpx.Request) -> None:
        # httpx drops Authorization when a redirect leads to another origin; the other
        # headers of the secret (X-Api-Key...) must not follow it there either.
        if _origin(request.url) != origin:
            for name in headers:
                request.headers.pop(name, None)

    try:
        with (
            httpx.Client(
                timeout=timeout,
                follow_redirects=True,
                max_redirects=5,
                event_hooks={"request": [keep_secrets_home]},
            ) as client,
            client.stream("GET", url.strip(), headers=sent) as response,
        ):
            if response.status_code >= 400:
                reason = f" {response.reason_phrase}" if response.reason_phrase else ""
                raise SourceError(f"{host} answered HTTP {response.status_code}{reason}")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise SourceError(_too_large(host, limit))
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise SourceError(_too_large(host, limit))
                if time.monotonic() > deadline:
                    raise SourceError(_timed_out(host, timeout))
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "")
    except httpx.TimeoutException:
        raise SourceError(_timed_out(host, timeout)) from None
    except httpx.ConnectError as error:
        raise SourceError(f"could not connect to {host}: {_connect_reason(error)}") from None
    except httpx.TooManyRedirects:
        raise SourceError(f"{host} redirected too many times") from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL):
        raise SourceError("only http:// and https:// URLs can be read") from None
    except httpx.HTTPError as error:
        raise SourceError(f"could not read from {host}: {type(error).__name__}") from None
    return Download(b"".join(chunks), content_type)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _timed_out(host: str, timeout: float) -> str:
    return f"timed out: {host} did not answer within {timeout:g} s"


def _too_large(host: str, limit: int) -> str:
    return f"the answer from {host} is larger than {limit / 1024 / 1024:g} MB, the limit"


def _connect_reason(error: httpx.ConnectError) -> str:
    text = str(error).lower()
    if "refused" in text:
        return "connection refused (is the server running?)"
    if any(
        sign in text
        for sign in ("name or service not known", "nodename nor servname", "name resolution")
    ):
        return "unknown host"
    if "certificate" in text:
        return "its TLS certificate could not be verified"
    if "unreachable" in text:
        return "the network or host is unreachable"
    return str(error) or type(error).__name__
