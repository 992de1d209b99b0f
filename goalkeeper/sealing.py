"""Fernet boxes (AES-128-CBC + HMAC-SHA256) for secrets kept in the database.

The keys come from the settings (GOALKEEPER_ENCRYPTION_KEYS, newest first, so an old key
can still open what it sealed while everything is re-sealed with the new one). Without
that setting, each purpose gets its own key derived from SECRET_KEY, which the data
directory keeps. Used by data sources (passwords, tokens) and chat channels (webhook URLs).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def derived_key(secret_key: str, purpose: bytes) -> bytes:
    """A Fernet key for one purpose, derived from SECRET_KEY.

    HKDF with a purpose label: the same SECRET_KEY signs sessions, and a key must not
    serve two purposes.
    """
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"goalkeeper", info=purpose)
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


def box(purpose: bytes) -> MultiFernet:
    """The box that seals and opens secrets of `purpose` with the configured keys."""
    keys = [key.encode() for key in settings.SOURCE_ENCRYPTION_KEYS] or [
        derived_key(settings.SECRET_KEY, purpose)
    ]
    return MultiFernet([Fernet(key) for key in keys])
