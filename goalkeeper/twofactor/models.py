"""A login's authenticator, its recovery codes, and a workspace's requirement.

Kept apart from accounts: the login (`User`) and the workspace know nothing of them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from goalkeeper.accounts.models import User, Workspace


class Authenticator(models.Model):
    """A login's TOTP secret (sealed), usable once confirmed with a code.

    `last_step` is the 30-second time step of the last code accepted: a code of that step
    or an earlier one is refused, so an overheard code cannot be replayed.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="authenticator")
    sealed_secret = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"authenticator of {self.user.email}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A one-use code for when the phone is gone; only its SHA-256 is stored."""

    authenticator = models.ForeignKey(
        Authenticator, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk} of {self.authenticator.user.email}"


class Requirement(models.Model):
    """Whether a workspace requires its people to sign in with a second factor."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="twofactor"
    )
    required = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"two-factor requirement of {self.workspace.name}"
