"""Signed unsubscribe links: who and which kind, tamper-proof, no login needed.

The token carries the person's id and the kind (or "all"), signed with the site's secret
key; a changed character makes it invalid. It never expires: an old email's link still
works, as mail providers expect of one-click unsubscribe (RFC 8058).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "goalkeeper.notifications.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    person_id: int
    kind: str


def unsubscribe_token(person_id: int, kind: str) -> str:
    """The token of the link that stops `kind` emails (or every email, kind "all")."""
    return signing.dumps([person_id, kind], salt=_SALT, compress=True)


def read_token(token: str) -> Unsubscribe | None:
    """What a token asks, or None when it was not made here or was changed."""
    try:
        person_id, kind = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(person_id, int) or not isinstance(kind, str):
        return None
    return Unsubscribe(person_id, kind)


def absolute(path: str) -> str:
    """A link on SITE_URL (never on a request's Host header) for emails and chat."""
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(person_id: int, kind: str) -> str:
    """The absolute one-click unsubscribe link for an email."""
    return absolute(reverse("unsubscribe", args=[unsubscribe_token(person_id, kind)]))
