"""The client secret of a workspace's provider, sealed in the database (goalkeeper/sealing.py)."""

from __future__ import annotations

from cryptography.fernet import InvalidToken

from goalkeeper import sealing

PURPOSE = b"single sign-on client secrets"


class UnreadableSecretError(Exception):
    """The secret was sealed with a key the settings no longer hold."""


def seal(secret: str) -> str:
    return sealing.box(PURPOSE).encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    try:
        return sealing.box(PURPOSE).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecretError(
            "the client secret cannot be decrypted with the current key: enter it again"
        ) from None


def reseal(token: str) -> str:
    """The same secret sealed with the newest key (for key rotation)."""
    return sealing.box(PURPOSE).rotate(token.encode()).decode() if token else ""
