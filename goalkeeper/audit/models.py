"""The audit trail: who changed what, when. Append-only."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Reads and appends only: a bulk update would rewrite history, so it is refused.

    A queryset delete stays possible for one purpose: erasing a whole workspace together
    with the trail that describes it (what a cascade from the workspace does anyway).
    """

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit entries are append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One write: the actor, the object and the field changes as {field: [old, new]}."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the trail still names the actor after the person is gone.
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=60)  # e.g. "objective.created"
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    objects: ClassVar[AuditQuerySet] = AuditQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar = ["-at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "-at"], name="audit_ws_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'system'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The trail is append-only: an entry once written is never rewritten.
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")
