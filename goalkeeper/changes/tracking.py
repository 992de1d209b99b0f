"""Which models the changes feed follows, and the tombstones their deletions leave.

Each app registers the models its API lists (in its `AppConfig.ready`); a deletion of one of
them, directly or as part of a cascade (an objective's key results), leaves a tombstone.
Deleting a whole workspace leaves none: nobody is left to read them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models.signals import post_delete
from django.utils import timezone


@dataclass(frozen=True)
class Tracked:
    """A type of the changes feed: its model, its name, and who may read it."""

    name: str
    model: type[models.Model]
    # The workspace id of an object, read without a query.
    workspace_of: Callable[[Any], int]
    # Sources and webhooks hold credentials: their changes are for admins only.
    admins_only: bool = False
    # The lookup to the workspace in queries (`workspace_id`, `key_result__workspace_id`).
    workspace_lookup: str = "workspace_id"
    # The field that moves with every change (`created_at` for what never changes).
    changed: str = "updated_at"
    # The attribute naming the object it belongs to, for what is read through its parent
    # (a measurement's `kpi_id`); the feed shows it beside the id.
    parent: str | None = None


TRACKED: dict[str, Tracked] = {}


def track(
    type_name: str,
    model: type[models.Model],
    *,
    admins_only: bool = False,
    workspace_lookup: str = "workspace_id",
    workspace_of: Callable[[Any], int] | None = None,
    changed: str = "updated_at",
    parent: str | None = None,
    tombstones: bool = True,
) -> None:
    """Follow `model` in the changes feed under `type_name`; its deletions leave tombstones
    unless `tombstones` is false (what only goes along with its parent: check-ins)."""
    tracked = Tracked(
        name=type_name,
        model=model,
        workspace_of=workspace_of or (lambda obj: obj.workspace_id),
        admins_only=admins_only,
        workspace_lookup=workspace_lookup,
        changed=changed,
        parent=parent,
    )
    TRACKED[type_name] = tracked
    if not tombstones:
        return

    def deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
        if getattr(getattr(origin, "_meta", None), "label", None) == "accounts.Workspace":
            return
        record_deletion(
            tracked.workspace_of(instance),
            type_name,
            [instance.pk],
            parent=getattr(instance, parent) if parent else None,
        )

    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"changes.{type_name}")


def record_deletion(
    workspace_id: int, type_name: str, ids: list[int], *, parent: int | None = None
) -> None:
    """Tombstones for objects deleted without `Model.delete` (a bulk delete in a service),
    or of a type whose cascades leave none (measurements, with their KPI's id as `parent`)."""
    from goalkeeper.changes.models import Tombstone

    now = timezone.now()
    Tombstone.objects.bulk_create(
        [
            Tombstone(
                workspace_id=workspace_id,
                type=type_name,
                object_id=pk,
                parent_id=parent,
                deleted_at=now,
            )
            for pk in ids
        ]
    )
