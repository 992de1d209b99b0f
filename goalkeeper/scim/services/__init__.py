"""Writes and look-ups for SCIM tokens. Each write is one transaction with an audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from goalkeeper.accounts.access import require_admin
from goalkeeper.accounts.models import Person, Role
from goalkeeper.audit.services import record
from goalkeeper.scim.models import ScimToken

TOKEN_PREFIX = "gks_"  # noqa: S105 - the public marker of a SCIM token, no secret
# Characters of the token kept in clear to tell tokens apart: "gks_" and 8 more.
DISPLAY_PREFIX_LENGTH = 12
# As for API tokens: "last used" to the minute spares a write on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def digest_of(raw: str) -> str:
    """The stored form of a token: sha256, hex."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_token(*, actor: Person, name: str) -> tuple[ScimToken, str]:
    """A SCIM token for the admin's workspace; returns it with the raw token, never stored."""
    require_admin(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("a token needs a name")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(
        workspace_id=actor.workspace_id,
        created_by=actor,
        name=name,
        prefix=raw[:DISPLAY_PREFIX_LENGTH],
        digest=digest_of(raw),
    )
    token.full_clean()
    token.save()
    record(workspace=actor.workspace, actor=actor, action="scim_token.created", obj=token)
    return token, raw


@transaction.atomic
def revoke_token(*, actor: Person, token: ScimToken) -> ScimToken:
    """Revoke a token; it stops working at once. Revoking twice changes nothing."""
    require_admin(actor)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        workspace=actor.workspace,
        actor=actor,
        action="scim_token.revoked",
        obj=token,
        changes={"revoked_at": [None, token.revoked_at.isoformat()]},
    )
    return token


def authenticate(raw: str, now: dt.datetime | None = None) -> ScimToken | None:
    """The live token for `raw`, with its workspace and admin; None if unknown or revoked,
    or when the admin who made it is no longer an active admin. One query, plus a short
    write at most once a minute to keep `last_used_at`."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ScimToken.objects.select_related("workspace", "created_by", "created_by__user")
        .filter(
            digest=digest_of(raw),
            revoked_at__isnull=True,
            created_by__is_active=True,
            created_by__role=Role.ADMIN,
            created_by__user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(actor: Person) -> list[ScimToken]:
    """The workspace's SCIM tokens, newest first, revoked ones included."""
    return list(
        ScimToken.objects.filter(workspace_id=actor.workspace_id)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
