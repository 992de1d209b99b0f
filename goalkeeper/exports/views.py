"""Pages of the exports app: ask for a list (a small one downloads at once, a large one is
prepared by the worker), my exports with their progress, download, delete (docs/exports.md).
Thin: parse, check access, call a service, render."""

from __future__ import annotations

import tempfile

from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.exports.access import access_export_by_id
from goalkeeper.exports.filters import FilterError
from goalkeeper.exports.models import Export, ExportState, Format
from goalkeeper.exports.queries import Asked, ask, my_exports
from goalkeeper.exports.services.requests import delete_export, mark_downloaded, start_export
from goalkeeper.exports.services.running import file_of
from goalkeeper.exports.writing import CONTENT_TYPES, csv_stream, download_name, write_table


@require_GET
@member_required
def export_list(request: HttpRequest, person: Person) -> HttpResponse:
    """The person's exports, newest first, with progress while the worker runs them."""
    return render_page(
        request,
        person,
        "exports/list.html",
        {"exports": my_exports(person), "started": request.GET.get("started", "")},
    )


@require_GET
@member_required
def export_row(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """One export's row, which the page asks for every few seconds while it runs."""
    export = access_export_by_id(person, pk)
    return render_page(request, person, "exports/_row.html", {"export": export})


@require_POST
@member_required
def export_start(request: HttpRequest, person: Person) -> HttpResponseBase:
    """Export a list with the page's filters: a small one is the response itself, a large
    one is queued for the worker and the exports page shows its progress."""
    try:
        asked = ask(person, request.POST)
    except FilterError as refused:
        return render_page(request, person, "exports/refused.html", {"error": refused}, status=400)
    if asked.inline:
        return _download_now(asked)
    export = start_export(
        person=person,
        kind=asked.kind,
        file_format=asked.format,
        filters=asked.filters,
        rows=asked.rows,
    )
    return redirect(f"{reverse('export_list')}?started={export.pk}", permanent=False)


def _download_now(asked: Asked) -> HttpResponseBase:
    name = download_name(asked.table.title, asked.format, asked.day)
    if asked.format == Format.CSV:
        response = StreamingHttpResponse(
            csv_stream(asked.table), content_type=CONTENT_TYPES[Format.CSV]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # A workbook is a zip, written whole before it is sent: a temporary file, not memory.
    spool = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    write_table(asked.table, Format.XLSX, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=name, content_type=CONTENT_TYPES[Format.XLSX]
    )


@require_GET
@member_required
def export_download(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """The file of one of my finished exports."""
    export = access_export_by_id(person, pk)
    path = file_of(export) if export.state == ExportState.DONE else None
    if path is None:
        raise Http404("this export has no file (not finished, or expired)")
    mark_downloaded(person=person, export=export)
    name = download_name(_title(export), export.format, export.created_at.date())
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES[Format(export.format)],
    )


def _title(export: Export) -> str:
    return f"{export.get_kind_display()} {export.pk}"


@require_POST
@member_required
def export_delete(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Delete one of my exports and its file."""
    delete_export(person=person, export=access_export_by_id(person, pk))
    return redirect("export_list")
