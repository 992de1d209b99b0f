"""POST /import (docs/format.md and docs/importers.md, "API"): an admin imports a document
of the open format, a CSV or XLSX file of key results, or another tool's export; a dry run
shows the plan only."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import StringConstraints

from goalkeeper.api.errors import responses
from goalkeeper.api.schemas import Input
from goalkeeper.importers.pipeline import prepare
from goalkeeper.portability.api import admin_caller, refusal
from goalkeeper.portability.document import DocumentError, Problem
from goalkeeper.portability.services import import_document

router = Router(tags=["open format"])

# A document of the demo company is about 400 kB; a large company's a few MB (base64 adds
# a third).
MAX_DOCUMENT = 27_000_000


class ImportIn(Input):
    document: Annotated[str, StringConstraints(min_length=1, max_length=MAX_DOCUMENT)] = Field(
        description="the file: YAML or JSON text (docs/format.md), CSV text, or any file "
        "in base64 (`encoding`), as an XLSX workbook must be"
    )
    filename: str = Field(
        default="document",
        max_length=200,
        description="named in errors; its ending tells the source when `source` is not given",
    )
    encoding: Literal["text", "base64"] = Field(
        default="text", description="`base64` for a binary file such as an XLSX workbook"
    )
    source: str | None = Field(
        default=None,
        max_length=40,
        description="what the file is: `goalkeeper` (the open format), `csv`, `xlsx`, or "
        "another tool (`viva-goals`, `perdoo`, `tability`); by default read from `filename` "
        "(.csv, .xlsx; anything else is the open format)",
    )
    mapping: dict[str, str] | None = Field(
        default=None,
        description="csv and xlsx: the field each column holds, by its header, instead of "
        'the guess (`{"Goal": "objective", "Notes": ""}`; empty leaves it out)',
    )
    dry_run: bool = Field(default=False, description="show the plan without applying it")
    prune: bool = Field(default=False, description="delete what the document no longer has")


class ImportOut(Schema):
    summary: str = Field(description='e.g. "create 12 objectives, delete nothing"')
    changes: list[str] = Field(description="each change, in the order it is applied")
    applied: bool = Field(description="false on a dry run or when there is nothing to change")
    warnings: list[str] = Field(
        default_factory=list, description="what a converted file did not map one to one"
    )


def _data(body: ImportIn) -> bytes:
    if body.encoding == "text":
        return body.document.encode("utf-8")
    try:
        return base64.b64decode(body.document, validate=True)
    except (binascii.Error, ValueError):
        raise DocumentError([Problem(body.filename, None, "document", "is not base64")]) from None


@router.post("/import", response=responses({200: ImportOut}, (400, 401, 403, 413, 422)))
def import_workspace(request: HttpRequest, body: ImportIn) -> ImportOut:
    """Import a document, a spreadsheet of key results or another tool's export: its plan,
    applied in one transaction unless `dry_run`. Admins only. 422 names the file, line (row)
    and field of every problem; nothing is then written."""
    person = admin_caller(request)
    try:
        prepared = prepare(
            person.workspace,
            _data(body),
            body.filename,
            source=body.source,
            mapping=body.mapping,
            prune=body.prune,
        )
        plan = prepared.plan
        import_document(plan, workspace=person.workspace, actor=person, dry_run=body.dry_run)
    except DocumentError as error:
        raise refusal(error) from None
    return ImportOut(
        summary=plan.summary(),
        changes=[str(step) for step in plan.steps],
        applied=not body.dry_run and not plan.empty,
        warnings=prepared.warnings,
    )
