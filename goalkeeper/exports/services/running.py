"""The worker's side of an export: claim it, write its file with progress, finish it (and
tell its maker), and expire old files (docs/exports.md)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goalkeeper.exports.filters import FilterError, list_kind, parse_query
from goalkeeper.exports.lists import Row, table_for
from goalkeeper.exports.models import Export, ExportState
from goalkeeper.exports.writing import write_table
from goalkeeper.notifications.services import notify

log = logging.getLogger(__name__)

# Progress is written after every this many rows.
PROGRESS_EVERY = 2000
KEPT_FOR = dt.timedelta(days=7)


def exports_dir() -> Path:
    """Where export files live: `exports/` in the data directory (never served as static)."""
    folder = Path(settings.EXPORTS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_of(export: Export) -> Path | None:
    """The file of a finished export, if it is still there."""
    if not export.file_name:
        return None
    path = exports_dir() / Path(export.file_name).name
    return path if path.is_file() else None


# A conditional UPDATE: of several workers handed the same export, one carries it out.
def claim(export_id: int) -> Export | None:
    """Mark a queued export running; None when it is not queued (already taken, deleted)."""
    now = timezone.now()
    taken = Export.objects.filter(pk=export_id, state=ExportState.QUEUED).update(
        state=ExportState.RUNNING, started_at=now
    )
    if not taken:
        return None
    return Export.objects.select_related("workspace", "person", "person__user").get(pk=export_id)


def run_export(export_id: int) -> Export | None:
    """Carry out a queued export: write its file, then mark it done (or failed, with the
    reason) and put an item in its maker's inbox. A no-op when it is not queued."""
    export = claim(export_id)
    if export is None:
        return None
    person = export.person
    # The file speaks the language of the request that asked for it.
    language = export.language or "en"
    workspace = export.workspace
    name = f"{export.pk}-{secrets.token_hex(8)}.{export.format}"
    path = exports_dir() / name
    done = 0
    try:
        if not (person.is_active and person.user.is_active):
            raise PermissionDenied("the person who asked for it is no longer active")
        person.workspace = workspace
        clock = workspace.clock()
        with translation.override(language):
            query = parse_query(list_kind(export.kind), export.filters, person, clock)
            table = table_for(workspace, person, clock, query)
        total = table.count()
        Export.objects.filter(pk=export.pk).update(rows_total=total)

        def through(rows: Iterable[Row]) -> Iterator[Row]:
            nonlocal done
            for row in rows:
                yield row
                done += 1
                if done % PROGRESS_EVERY == 0:
                    Export.objects.filter(pk=export.pk).update(
                        rows_done=done, rows_total=max(total, done)
                    )

        table.rows = through(table.rows)
        with translation.override(language):
            write_table(table, export.format, path)
    except (FilterError, Http404, PermissionDenied) as refused:
        path.unlink(missing_ok=True)
        with translation.override(language):
            reason = _reason(refused)
        return _fail(export, reason)
    except Exception:
        log.exception("export %s failed", export.pk)
        path.unlink(missing_ok=True)
        with translation.override(language):
            reason = _("the export failed; try again, or ask an admin to look at the log")
        return _fail(export, reason)
    return _finish(export, name, path.stat().st_size, done)


def _reason(refused: Exception) -> str:
    if isinstance(refused, Http404):
        return _("what it lists is no longer there")
    return str(refused)[:300]


def _finish(export: Export, name: str, size: int, rows: int) -> Export | None:
    now = timezone.now()
    with transaction.atomic():
        updated = Export.objects.filter(pk=export.pk, state=ExportState.RUNNING).update(
            state=ExportState.DONE,
            file_name=name,
            size=size,
            rows_done=rows,
            rows_total=rows,
            finished_at=now,
            expires_at=now + KEPT_FOR,
        )
        if not updated:
            # Deleted while it ran: nobody is waiting for the file.
            (exports_dir() / name).unlink(missing_ok=True)
            return None
        notify(
            workspace_id=export.workspace_id,
            people=[export.person_id],
            kind="export_ready",
            title=lambda: (
                ngettext(
                    "Your export is ready (%(count)s row)",
                    "Your export is ready (%(count)s rows)",
                    rows,
                )
                % {"count": rows}
            ),
            url=reverse("export_list"),
            key=f"export:{export.pk}",
        )
    export.refresh_from_db()
    return export


def _fail(export: Export, reason: str) -> Export | None:
    failed = Export.objects.filter(pk=export.pk).update(
        state=ExportState.FAILED, error=reason[:300], finished_at=timezone.now()
    )
    if not failed:
        return None
    export.refresh_from_db()
    return export


def expire_exports(now: dt.datetime | None = None) -> int:
    """Remove the files of exports past their expiry and mark them expired; returns how
    many. Each is marked first, so a download racing with this finds it expired."""
    now = now or timezone.now()
    due = list(
        Export.objects.filter(state=ExportState.DONE, expires_at__lte=now).values_list(
            "pk", "file_name"
        )
    )
    expired = 0
    for pk, name in due:
        marked = Export.objects.filter(pk=pk, state=ExportState.DONE).update(
            state=ExportState.EXPIRED, size=0
        )
        if marked and name:
            (exports_dir() / Path(name).name).unlink(missing_ok=True)
        expired += marked
    return expired
