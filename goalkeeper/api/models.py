"""Personal access tokens for the REST API."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A token acts as its person, with that person's role; only its hash is stored.

    The token itself (`gk_...`) is shown once, when it is created. `prefix` keeps its first
    characters so that a person can tell their tokens apart on the tokens page.
    """

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    # sha256 of the whole token, hex: a stolen database does not hand out working tokens.
    digest = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}...)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
