"""The person's side of an export: ask for one to be prepared, download it, delete it."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone, translation

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.exports import tasks
from goalkeeper.exports.models import Export, Format, ListKind
from goalkeeper.exports.services.running import file_of
from goalkeeper.notifications.services import resolve_key


def start_export(
    *,
    person: Person,
    kind: ListKind,
    file_format: Format,
    filters: dict[str, str],
    rows: int,
    language: str | None = None,
) -> Export:
    """Queue an export of `kind` with `filters` (checked by the caller) for the worker.

    `rows` is the count the caller made (the progress bar's length until the worker counts
    again). The worker is handed the export once this transaction commits. The file is
    written in `language`, by default the language of the request asking for it.
    """
    with transaction.atomic():
        export = Export.objects.create(
            workspace_id=person.workspace_id,
            person=person,
            kind=kind,
            format=file_format,
            filters=filters,
            rows_total=rows,
            language=(language if language is not None else translation.get_language()) or "",
        )
        record(
            workspace=person.workspace,
            actor=person,
            action="export.requested",
            obj=export,
            changes={"list": kind.value, "format": file_format.value, "filters": filters},
        )
        transaction.on_commit(partial(tasks.run_export, export.pk))
    return export


def mark_downloaded(*, person: Person, export: Export) -> None:
    """Note the download and clear the "export ready" item of the person's inbox."""
    with transaction.atomic():
        Export.objects.filter(pk=export.pk, downloaded_at__isnull=True).update(
            downloaded_at=timezone.now()
        )
        resolve_key(
            workspace_id=export.workspace_id,
            person_id=person.pk,
            kind="export_ready",
            key=f"export:{export.pk}",
        )


def delete_export(*, person: Person, export: Export) -> None:
    """Delete an export and its file (a running one finishes into nothing)."""
    path = file_of(export)
    with transaction.atomic():
        record(
            workspace=person.workspace,
            actor=person,
            action="export.deleted",
            obj=export,
            changes={"list": export.kind, "format": export.format},
        )
        resolve_key(
            workspace_id=export.workspace_id,
            person_id=person.pk,
            kind="export_ready",
            key=f"export:{export.pk}",
        )
        export.delete()
        if path is not None:
            transaction.on_commit(partial(path.unlink, missing_ok=True))
