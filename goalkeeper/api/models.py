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


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with an `Idempotency-Key`, replayed to its retries.

    A key belongs to the person whose token sent it (a person is in one workspace). The row
    is written before the request runs (`status` null while it runs), so a concurrent
    duplicate meets the unique constraint instead of writing twice. Kept 24 hours.
    """

    person = models.ForeignKey(
        "accounts.Person", on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    # sha256 of method, path, query and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return self.key


class RateCount(models.Model):
    """Requests one client (a token's digest, else an address) sent in one minute.

    Counted in the database so that every process and machine serving the API shares the
    count; one upsert per request.
    """

    bucket = models.CharField(max_length=80)
    # The minute, as seconds since the epoch divided by the window.
    started = models.BigIntegerField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["bucket", "started"], name="rate_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bucket}@{self.started}: {self.hits}"
