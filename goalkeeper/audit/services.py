"""Write audit entries. Every service function calls `record` inside its transaction.

The trail sits below every app, accounts included (docs/architecture.md): it knows the
workspace and the actor only as rows with an id (and the actor's name), not their models.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any, Protocol

from django.db import models

from goalkeeper.audit.models import AuditEntry


class Actor(Protocol):
    """Who made a change: a person (by id), named in the trail for good."""

    @property
    def pk(self) -> Any: ...

    @property
    def name(self) -> str: ...


def _plain(value: Any) -> Any:
    """Make a field value JSON-friendly for the trail."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields`, taken before a change to diff against later."""
    return {name: _plain(getattr(instance, _attname(instance, name))) for name in fields}


def _attname(instance: models.Model, name: str) -> str:
    field = instance._meta.get_field(name)
    return getattr(field, "attname", name)


def diff(before: dict[str, Any], instance: models.Model) -> dict[str, list[Any]]:
    """The fields whose values changed since `before`, as {field: [old, new]}."""
    after = snapshot(instance, before.keys())
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def object_type_of(obj: models.Model) -> str:
    """The name the trail files an object under: "objective", "keyresult", "kpi"..."""
    return obj._meta.model_name or obj.__class__.__name__.lower()


def entry(
    *,
    workspace: models.Model,
    actor: Actor | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved audit entry for `obj`, to append many at once with `record_many`."""
    return AuditEntry(
        workspace_id=workspace.pk,
        actor_id=actor.pk if actor is not None else None,
        actor_name=actor.name if actor else "system",
        action=action,
        object_type=object_type_of(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        changes=changes or {},
    )


def record(
    *,
    workspace: models.Model,
    actor: Actor | None,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry for `obj`."""
    created = entry(workspace=workspace, actor=actor, action=action, obj=obj, changes=changes)
    created.save()
    return created


def record_many(entries: Iterable[AuditEntry]) -> int:
    """Append several entries in one statement (a bulk write audits each row it touched)."""
    created = AuditEntry.objects.bulk_create(list(entries), batch_size=500)
    return len(created)
