"""The import page (docs/importers.md, "Web"): upload a spreadsheet or another tool's
export, see its first rows with the field each column maps to, the warnings and the plan,
change a column's field (the preview follows), then apply the plan."""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from goalkeeper.accounts.decorators import admin_required
from goalkeeper.accounts.models import Person
from goalkeeper.importers.columns import FIELDS, IGNORE, guess_mapping
from goalkeeper.importers.pipeline import OPEN_FORMAT, Prepared, detect, prepare
from goalkeeper.importers.registry import IMPORTERS
from goalkeeper.importers.table import Table, read_table
from goalkeeper.portability.document import DocumentError, Problem
from goalkeeper.portability.services import import_document

# An uploaded file larger than this is refused before it is read.
MAX_UPLOAD = 20_000_000
# The file goes back and forth with the preview form, compressed; a form field holds at
# most Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), so a larger one is for the command.
MAX_PAYLOAD = 2_300_000
# The rows the preview shows.
PREVIEW_ROWS = 8
# The sources only the generic importer maps column by column.
MAPPED = ("csv", "xlsx")
LABELS = {
    OPEN_FORMAT: gettext_lazy("Goalkeeper document (YAML or JSON)"),
    "csv": gettext_lazy("CSV file, one row per key result"),
    "xlsx": gettext_lazy("Excel workbook (XLSX), one row per key result"),
}


def _sources() -> list[tuple[str, str]]:
    return [
        (OPEN_FORMAT, str(LABELS[OPEN_FORMAT])),
        *((name, str(LABELS.get(name, importer.label))) for name, importer in IMPORTERS.items()),
    ]


def _pack(data: bytes) -> str:
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii")


def _unpack(payload: str) -> bytes | None:
    try:
        packed = base64.b64decode(payload, validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(packed, MAX_UPLOAD + 1)
    except (binascii.Error, zlib.error, ValueError):
        return None
    return data if len(data) <= MAX_UPLOAD and not inflater.unconsumed_tail else None


def _uploaded(request: HttpRequest) -> tuple[bytes, str] | Problem:
    """The file sent: an upload, or the one the preview form carries back."""
    upload = request.FILES.get("file")
    if upload is not None:
        name = (upload.name or "upload")[:200]
        if upload.size is not None and upload.size > MAX_UPLOAD:
            return Problem(name, None, "file", _("the file is larger than 20 MB"))
        return upload.read(), name
    payload = request.POST.get("payload", "")
    if not payload:
        return Problem("", None, "file", _("choose a file to import"))
    data = _unpack(payload)
    if data is None:
        return Problem("", None, "file", _("the file was lost on the way: upload it again"))
    return data, request.POST.get("filename", "upload")[:200]


def _mapping(request: HttpRequest, table: Table) -> dict[str, str] | None:
    """The field of each column as the preview form chose them; None before the first preview."""
    if "map-0" not in request.POST:
        return None
    mapping: dict[str, str] = {}
    for index, header in enumerate(table.headers):
        if header not in mapping:
            mapping[header] = request.POST.get(f"map-{index}", IGNORE)
    return mapping


def _columns(table: Table, mapping: dict[str, str] | None, problems: list[Problem]) -> list[Any]:
    chosen = guess_mapping(table.headers)
    chosen.update(mapping or {})
    seen: set[str] = set()
    columns = []
    for index, header in enumerate(table.headers):
        first = header not in seen
        seen.add(header)
        columns.append(
            {
                "index": index,
                "header": header or _("column %(n)s") % {"n": index + 1},
                "field": chosen.get(header, IGNORE) if first else IGNORE,
                "problems": [p.message for p in problems if p.field == header and first],
            }
        )
    return columns


def _preview(request: HttpRequest, person: Person) -> dict[str, Any]:
    """Everything the preview shows; `prepared` is None when the file was refused."""
    sent = _uploaded(request)
    if isinstance(sent, Problem):
        return {"problems": [sent]}
    data, filename = sent
    chosen = request.POST.get("source", "")
    source = chosen if chosen in (OPEN_FORMAT, *IMPORTERS) else detect(data, filename)
    prune = request.POST.get("prune") == "on"
    payload = _pack(data)
    state: dict[str, Any] = {
        "filename": filename,
        "source": source,
        "chosen_source": chosen,
        "prune": prune,
        "payload": payload,
        "problems": [],
        "warnings": [],
    }
    if len(payload) > MAX_PAYLOAD:
        state["payload"] = ""
        state["problems"] = [
            Problem(
                filename,
                None,
                "file",
                _("the file is too large to preview here: import it with `goalkeeper import`"),
            )
        ]
        return state
    mapping = None
    table = None
    try:
        if source in MAPPED:
            table = read_table(data, filename)
            mapping = _mapping(request, table)
        prepared: Prepared = prepare(
            person.workspace, data, filename, source=source, mapping=mapping, prune=prune
        )
        state.update(plan=prepared.plan, warnings=prepared.warnings)
    except DocumentError as refused:
        state["problems"] = refused.problems
    if table is not None:
        lines = {problem.line for problem in state["problems"] if problem.line}
        state.update(
            table=table,
            columns=_columns(table, mapping, state["problems"]),
            rows=[
                {"line": row.line, "cells": row.cells, "problem": row.line in lines}
                for row in table.rows[:PREVIEW_ROWS]
            ],
            more_rows=max(0, len(table.rows) - PREVIEW_ROWS),
        )
    return state


def _page(
    request: HttpRequest, person: Person, state: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {
        "workspace": person.workspace,
        "sources": _sources(),
        "fields": [(field.name, field.label) for field in FIELDS],
        **state,
    }
    if getattr(request, "htmx", False):
        # A refused file comes back in place, as a 200 (htmx swaps only those).
        return render(request, "importers/_preview.html", context)
    return render(request, "importers/import.html", context, status=status)


@require_GET
@admin_required
def import_page(request: HttpRequest, person: Person) -> HttpResponse:
    """Upload a file to import."""
    return _page(request, person, {})


@require_POST
@admin_required
def import_preview(request: HttpRequest, person: Person) -> HttpResponse:
    """The preview of an uploaded file: its first rows, their columns' fields, the plan."""
    state = _preview(request, person)
    return _page(request, person, state, status=422 if state["problems"] else 200)


@require_POST
@admin_required
def import_apply(request: HttpRequest, person: Person) -> HttpResponse:
    """Apply the plan of the previewed file, in one transaction."""
    state = _preview(request, person)
    plan = state.get("plan")
    if plan is None:
        return _page(request, person, state, status=422)
    try:
        import_document(plan, workspace=person.workspace, actor=person)
    except DocumentError as refused:
        state.update(problems=refused.problems, plan=None)
        return _page(request, person, state, status=422)
    return _page(request, person, {"applied": plan.summary(), "applied_file": state["filename"]})
