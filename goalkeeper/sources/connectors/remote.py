"""HTTP for connectors: the "headers" secret, and one bounded GET.

Messages name the host only: a URL may carry a user name, a password or an API key in its
query string, and messages end up in sync runs that every admin can read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext_noop

from goalkeeper import outbound
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
    """Why `url` cannot be fetched, or None when it is an http(s) URL with a host whose
    address the outbound policy lets through (docs/security.md, "Outbound requests")."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return "this is not a valid URL"
    if parts.scheme.lower() not in {"http", "https"}:
        return gettext_noop("only http:// and https:// URLs can be read")
    if not parts.hostname:
        return "the URL has no host"
    return outbound.url_problem(url)


# host[:port] of a URL, without the user, password, path or query.
host_of = outbound.host_of


@dataclass(frozen=True)
class Download:
    """What a GET brought back."""

    body: bytes
    content_type: str


def download(
    url: str, headers: Mapping[str, str], context: Context, *, accept: str = "*/*"
) -> Download:
    """GET `url` under the outbound policy, following up to 5 redirects (each checked),
    within `context.timeout` and `SOURCE_MAX_BYTES`.

    SourceError when the address is refused, or the server is down, slow, answers an error
    status or too much; its message never carries the server's answer.
    """
    host = host_of(url)
    sent = {"User-Agent": USER_AGENT, "Accept": accept, **headers}
    try:
        answer = outbound.send(
            "GET",
            url,
            headers=sent,
            timeout=context.timeout,
            max_bytes=max_bytes(),
            max_redirects=outbound.MAX_REDIRECTS,
            # The headers of the secret (X-Api-Key...) never follow a redirect elsewhere.
            private_headers=headers,
        )
    except outbound.OutboundError as error:
        raise SourceError(error.message) from None
    if answer.status_code >= 300:
        reason = f" {answer.reason}" if answer.reason else ""
        raise SourceError(f"{host} answered HTTP {answer.status_code}{reason}")
    return Download(answer.body, answer.headers.get("Content-Type", ""))
