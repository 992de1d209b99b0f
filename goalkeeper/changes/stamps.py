"""`updated_at` that moves with real changes only.

A model mixing in `Stamped` remembers the values it was read with; saving it moves
`updated_at` to now when a stored value differs from them, and leaves it alone when nothing
changed (a form or a PATCH sent back as it was, a close that finds the object closed). A save
with `update_fields` compares those fields only and writes `updated_at` along with them.

Writes that bypass `save()` (`QuerySet.update`) set `updated_at` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

STAMP = "updated_at"


class Stamped(models.Model):
    """An abstract base adding nothing to the table: the dirty check behind `updated_at`."""

    # Columns that are bookkeeping rather than the resource (leases, counters): changing
    # them alone does not move `updated_at`.
    STAMP_IGNORED: ClassVar[frozenset[str]] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if (
            not self._state.adding
            and not self._stamped_by_caller()
            and self.changed_fields(update_fields)
        ):
            setattr(self, STAMP, timezone.now())
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, STAMP}
        super().save(*args, **kwargs)
        self._remember()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        instance._stored = dict(zip(field_names, values, strict=True))
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._remember()

    def _remember(self) -> None:
        deferred = self.get_deferred_fields()
        self._stored = {
            field.attname: getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.attname not in deferred
        }

    def _stamped_by_caller(self) -> bool:
        """Whether the caller set `updated_at` itself (a backdated import, the demo)."""
        stored: dict[str, Any] | None = getattr(self, "_stored", None)
        return stored is not None and stored.get(STAMP) != getattr(self, STAMP)

    def changed_fields(self, only: Iterable[str] | None = None) -> list[str]:
        """The attributes (attnames) whose value differs from the one read from the database."""
        stored: dict[str, Any] | None = getattr(self, "_stored", None)
        if stored is None:
            return ["*"]
        names = set(stored) if only is None else {self._attname(name) for name in only}
        ignored = {STAMP, *self.STAMP_IGNORED}
        return sorted(
            name
            for name in names - ignored
            if name in stored
            and stored[name] is not models.DEFERRED
            and getattr(self, name) != stored[name]
        )

    def _attname(self, name: str) -> str:
        return str(getattr(self._meta.get_field(name), "attname", name))
