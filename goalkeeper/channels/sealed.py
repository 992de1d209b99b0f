"""A channel's webhook URL and signing secret, sealed in the database, hinted on pages.

The URL of an incoming webhook is itself the credential (Slack's, Teams', Mattermost's and
Rocket.Chat's carry a token in the path), so it is kept like a password: sealed with the
workspace keys (goalkeeper/sealing.py) and shown back only as `scheme://host/…last 4`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken

from goalkeeper import sealing

PURPOSE = b"chat channel urls"


class UnreadableTargetError(Exception):
    """The URL was sealed with a key the settings no longer hold."""


@dataclass(frozen=True)
class Target:
    """Where a channel posts and, for generic JSON channels, the key that signs its body."""

    url: str
    secret: str = ""


def seal(target: Target) -> str:
    """The sealed form of a target, for ChatChannel.sealed."""
    plain = json.dumps({"url": target.url, "secret": target.secret}, sort_keys=True)
    return sealing.box(PURPOSE).encrypt(plain.encode()).decode()


def unseal(token: str) -> Target:
    """The target a sealed token holds."""
    try:
        plain = sealing.box(PURPOSE).decrypt(token.encode())
    except InvalidToken:
        raise UnreadableTargetError(
            "the channel's URL cannot be decrypted with the current key: enter it again"
        ) from None
    loaded = json.loads(plain)
    return Target(url=str(loaded["url"]), secret=str(loaded.get("secret", "")))


def hint(url: str) -> str:
    """What pages and the API show of a URL: `scheme://host/…` and its last four characters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/…{url[-4:]}"


def scrub(text: str, url: str) -> str:
    """`text` with the URL and every longer piece of its path and query masked: error
    messages of the HTTP library may quote the URL, and the token is in it."""
    parts = urlsplit(url)
    pieces = {url, parts.path, parts.query, parts.netloc and url.split(parts.netloc, 1)[-1]}
    pieces.update(parts.path.split("/"))
    for pair in parts.query.split("&"):
        pieces.update(pair.split("=", 1))
    for piece in sorted((p for p in pieces if p and len(p) >= 6), key=len, reverse=True):
        text = text.replace(piece, "…")
    return text


def reseal(token: str) -> str:
    """The same target sealed with the newest key (for key rotation)."""
    return sealing.box(PURPOSE).rotate(token.encode()).decode()
