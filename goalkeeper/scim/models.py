"""SCIM tokens, and the identity provider's own ids for the people and teams it provisions."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class ScimToken(models.Model):
    """The credential an identity provider sends to /scim/v2/; only its hash is stored.

    It provisions one workspace, and its writes are made in the name of the admin who
    created it (the audit trail names them): when that admin leaves or stops being an
    admin, the token stops working.
    """

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="scim_tokens"
    )
    created_by = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    # sha256 of the whole token, hex: a stolen database does not hand out working tokens.
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"


class ExternalPerson(models.Model):
    """The identity provider's `externalId` of a person."""

    person = models.OneToOneField(
        "accounts.Person", on_delete=models.CASCADE, related_name="scim_external"
    )
    external_id = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.external_id


class ExternalTeam(models.Model):
    """The identity provider's `externalId` of a team (a SCIM group)."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="scim_external"
    )
    external_id = models.CharField(max_length=255)

    def __str__(self) -> str:
        return self.external_id
