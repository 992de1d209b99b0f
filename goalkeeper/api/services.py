"""Writes and look-ups for personal access tokens.

Each write is one transaction with an audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person
from goalkeeper.api.models import ApiToken
from goalkeeper.audit.services import record

TOKEN_PREFIX = "gk_"  # noqa: S105 - the public marker of a token, no secret
# Characters of the token kept in clear to tell tokens apart: "gk_" and 8 more.
DISPLAY_PREFIX_LENGTH = 11
# Writing last_used_at on every request would turn every read into a write; once a minute
# is precise enough for "last used" and spares the write lock.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def digest_of(raw: str) -> str:
    """The stored form of a token: sha256, hex."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_token(
    *, actor: Person | None, person: Person, name: str, read_only: bool = False
) -> tuple[ApiToken, str]:
    """Create a token for `person`; returns it with the raw token, which is never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("a token needs a name")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        person=person,
        name=name,
        prefix=raw[:DISPLAY_PREFIX_LENGTH],
        digest=digest_of(raw),
        read_only=read_only,
    )
    token.full_clean()
    token.save()
    record(
        workspace=person.workspace,
        actor=actor,
        action="api_token.created",
        obj=token,
        changes={"person": [None, person.pk], "read_only": [None, read_only]},
    )
    return token, raw


@transaction.atomic
def revoke_token(*, actor: Person | None, token: ApiToken) -> ApiToken:
    """Revoke a token; it stops working at once. Revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        workspace=token.person.workspace,
        actor=actor,
        action="api_token.revoked",
        obj=token,
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token


def authenticate(raw: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token for `raw`, with its person and workspace; None if unknown or revoked.

    One query, plus one short write at most once a minute to keep `last_used_at`.
    """
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("person", "person__workspace", "person__user")
        .filter(
            digest=digest_of(raw),
            revoked_at__isnull=True,
            person__is_active=True,
            person__user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(person: Person) -> list[ApiToken]:
    """A person's tokens, newest first, revoked ones included."""
    return list(ApiToken.objects.filter(person=person).order_by("-created_at", "-id"))
