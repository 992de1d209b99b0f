"""Passwords and tokens of data sources, sealed with Fernet (AES-128-CBC + HMAC-SHA256).

The key comes from the settings (GOALKEEPER_ENCRYPTION_KEYS, newest first, so an old key
can still open what it sealed while everything is re-sealed with the new one). Without
that setting a key is derived from SECRET_KEY, which the data directory keeps.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from cryptography.fernet import InvalidToken, MultiFernet

from goalkeeper import sealing

MASK = "••••••••"


class UnreadableSecretsError(Exception):
    """The stored secrets were sealed with a key the settings no longer hold."""


def _box() -> MultiFernet:
    # The label predates chat channels; changing it would make saved secrets unreadable.
    return sealing.box(b"data source secrets")


def seal(values: Mapping[str, str]) -> str:
    """Encrypt a mapping of secret parameters; "" when there is nothing to keep."""
    kept = {name: value for name, value in values.items() if value}
    if not kept:
        return ""
    return _box().encrypt(json.dumps(kept, sort_keys=True).encode()).decode()


def unseal(token: str) -> dict[str, str]:
    """The secret parameters a sealed token holds."""
    if not token:
        return {}
    try:
        plain = _box().decrypt(token.encode())
    except InvalidToken:
        raise UnreadableSecretsError(
            "the saved passwords and tokens cannot be decrypted with the current key: "
            "enter them again"
        ) from None
    loaded = json.loads(plain)
    return {str(name): str(value) for name, value in loaded.items()}


def open_secrets(token: str) -> tuple[dict[str, str], bool]:
    """The secrets a token holds and False, or nothing and True when the key that sealed
    them is gone (pages then ask for them again instead of failing)."""
    try:
        return unseal(token), False
    except UnreadableSecretsError:
        return {}, True


def reseal(token: str) -> str:
    """The same secrets sealed with the newest key (for key rotation)."""
    return _box().rotate(token.encode()).decode() if token else ""


def mask(value: str) -> str:
    """A secret as it may be shown back: never in full; the last four characters of a long
    one, so a person can tell which token is saved."""
    if not value:
        return ""
    if len(value) >= 16:
        return MASK + value[-4:]
    return MASK


def _fragments(secrets: Mapping[str, str]) -> list[str]:
    """Pieces of the secrets an error message could quote: each value, each of its lines,
    each header's value and its last word (the token of "Bearer <token>"). Longest first."""
    found: set[str] = set()
    for value in secrets.values():
        found.add(value.strip())
        for line in value.splitlines():
            found.add(line.strip())
            _, colon, rest = line.partition(":")
            if colon:
                found.add(rest.strip())
                words = rest.split()
                if words:
                    found.add(words[-1])
    # Shorter pieces would mangle ordinary words of a message.
    return sorted((piece for piece in found if len(piece) >= 4), key=len, reverse=True)


def scrub(text: str, secrets: Mapping[str, str]) -> str:
    """`text` with every piece of a secret replaced by the mask."""
    for piece in _fragments(secrets):
        text = text.replace(piece, MASK)
    return text
