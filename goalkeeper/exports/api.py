"""REST endpoints of exports (docs/api.md#exports): ask for a list to be prepared by the
worker, follow it, download its file. An export is its maker's only: anyone else's is
missing (404)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from goalkeeper.api.auth import caller
from goalkeeper.api.errors import CREATE, READ_ONE, responses
from goalkeeper.api.schemas import MAX_ID, Id, Input
from goalkeeper.exports.access import access_export_by_id
from goalkeeper.exports.filters import PARAMETERS, FilterError
from goalkeeper.exports.models import Export, Format, ListKind
from goalkeeper.exports.queries import ask
from goalkeeper.exports.services.requests import mark_downloaded, start_export
from goalkeeper.exports.services.running import file_of
from goalkeeper.exports.writing import CONTENT_TYPES, download_name

router = Router(tags=["exports"])

ListName = Literal["objectives", "check_ins", "kpis", "measurements"]
FormatName = Literal["csv", "xlsx"]
StateName = Literal["queued", "running", "done", "failed", "expired"]
FilterName = Annotated[str, StringConstraints(min_length=1, max_length=30)]
FilterValue = (
    Annotated[str, StringConstraints(max_length=200)] | Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)]
)


class ExportIn(Input):
    kind: ListName = Field(description="the list to export")
    format: FormatName
    filters: dict[FilterName, FilterValue] = Field(
        default_factory=dict,
        max_length=20,
        description="the list's filters, named as in the web app's query strings "
        '(docs/exports.md): e.g. {"cycle": 3, "team": 7, "status": "at_risk"}',
    )


class ExportOut(Schema):
    id: int
    kind: ListName
    format: FormatName
    filters: dict[str, str]
    state: StateName = Field(description="queued, running, done, failed or expired")
    rows_done: int
    rows_total: int = Field(description="the rows counted when it started")
    size: int = Field(description="the file's size in bytes, once done")
    error: str = Field(description="why it failed; empty otherwise")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None = Field(description="when its file is removed")
    download_url: str | None = Field(description="where to download the file, once done")


def export_out(export: Export) -> ExportOut:
    done = export.state == "done"
    return ExportOut(
        id=export.pk,
        kind=export.kind,  # type: ignore[arg-type]
        format=export.format,  # type: ignore[arg-type]
        filters={str(k): str(v) for k, v in export.filters.items()},
        state=export.state,  # type: ignore[arg-type]
        rows_done=export.rows_done,
        rows_total=export.rows_total,
        size=export.size,
        error=export.error,
        created_at=export.created_at,
        started_at=export.started_at,
        finished_at=export.finished_at,
        expires_at=export.expires_at,
        download_url=reverse("api-v1:download_export", args=[export.pk]) if done else None,
    )


@router.post("/exports", response=responses({202: ExportOut}, CREATE))
def create_export(request: HttpRequest, body: ExportIn) -> Status[ExportOut]:
    """Ask for a list as CSV or XLSX, with filters: 202 with the export, which the worker
    prepares; follow it at `/exports/{id}` until `state` is `done`, then download it. 422
    names a bad filter; 404 when a cycle, objective, key result or KPI it names is not
    yours to see."""
    person = caller(request)
    known = PARAMETERS[ListKind(body.kind)]
    unknown = sorted(set(body.filters) - set(known))
    if unknown:
        raise ValidationError(
            {
                f"filters.{name}": f"not a filter of {body.kind}: {', '.join(known)}"
                for name in unknown
            }
        )
    params = {**{k: str(v) for k, v in body.filters.items()}, "list": body.kind}
    params["format"] = body.format
    try:
        asked = ask(person, params)
    except FilterError as refused:
        raise ValidationError({f"filters.{refused.field}": refused.message}) from None
    export = start_export(
        person=person,
        kind=asked.kind,
        file_format=asked.format,
        filters=asked.filters,
        rows=asked.rows,
    )
    return Status(202, export_out(export))


@router.get("/exports/{id}", response=responses({200: ExportOut}, READ_ONE))
def get_export(request: HttpRequest, id: Id) -> ExportOut:
    """One of your exports: its state and progress, and its download URL once done."""
    return export_out(access_export_by_id(caller(request), id))


@router.get(
    "/exports/{id}/download",
    response=responses({200: None}, READ_ONE),
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment",
                "content": {content: {} for content in CONTENT_TYPES.values()},
            }
        }
    },
)
def download_export(request: HttpRequest, id: Id) -> FileResponse:
    """The file of one of your finished exports (404 before it is done or once expired)."""
    person = caller(request)
    export = access_export_by_id(person, id)
    path = file_of(export) if export.state == "done" else None
    if path is None:
        raise Http404("this export has no file (not finished, or expired)")
    mark_downloaded(person=person, export=export)
    name = download_name(
        f"{export.get_kind_display()} {export.pk}", export.format, export.created_at.date()
    )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=CONTENT_TYPES[Format(export.format)],
    )
