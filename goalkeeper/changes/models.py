"""Tombstones: what was deleted, so that a client mirroring a workspace can delete it too."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class Tombstone(models.Model):
    """One deleted object of a type the API lists (`objective`, `kpi`, ...), by its old id."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=30)
    object_id = models.BigIntegerField()
    # The object it belonged to, for types read through their parent (a measurement's KPI).
    parent_id = models.BigIntegerField(null=True, blank=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["deleted_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "deleted_at"], name="tombstone_ws_at"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id} deleted"
