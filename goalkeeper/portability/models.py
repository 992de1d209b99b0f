"""The stable keys of the open format (docs/format.md, "Keys")."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class KeyKind(models.TextChoices):
    TEAM = "team", "team"
    OBJECTIVE = "objective", "objective"
    KEY_RESULT = "key_result", "key result"
    KPI = "kpi", "KPI"


class PortableKey(models.Model):
    """The key a document gave a team, objective, key result or KPI, so that the next import of
    the same document finds it again whatever its title has become since.

    Items without a row take a key derived from their title (`goalkeeper.portability.keys`);
    a team without one is known by its slug.
    A key result's key is unique within its objective; the others' within the workspace.
    """

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=KeyKind.choices)
    object_id = models.PositiveBigIntegerField()
    key = models.CharField(max_length=80)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["workspace", "kind", "object_id"], name="portable_key_per_object"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["workspace", "kind", "key"], name="portable_key_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} = {self.key}"
