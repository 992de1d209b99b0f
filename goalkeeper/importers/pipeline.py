"""One import, whatever the file: pick the importer, convert, match the workspace, plan.

The command, the page and the API all call `prepare`; applying the plan is the open
format's `import_document`, one transaction through the services (docs/importers.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from goalkeeper.accounts.models import Workspace
from goalkeeper.importers.fitting import fit
from goalkeeper.importers.registry import IMPORTERS, Importer
from goalkeeper.importers.table import is_xlsx
from goalkeeper.portability.document import (
    Document,
    DocumentError,
    Problem,
    parse,
    read_measurements,
)
from goalkeeper.portability.plan import Plan, make_plan

# The open format itself, as a source: YAML or JSON (docs/format.md).
OPEN_FORMAT = "goalkeeper"


@dataclass(frozen=True)
class Prepared:
    """A file's plan, the warnings of its conversion and the source it was read as."""

    plan: Plan
    source: str
    warnings: list[str] = field(default_factory=list)


def detect(data: bytes, filename: str) -> str:
    """The source a file is read as when none is chosen: a CSV file by its name, an XLSX
    workbook by its name or content; anything else is the open format (YAML or JSON)."""
    if is_xlsx(data, filename):
        return "xlsx"
    if filename.lower().endswith((".csv", ".tsv", ".txt")):
        return "csv"
    return OPEN_FORMAT


def importer_named(source: str, file: str) -> Importer:
    found = IMPORTERS.get(source)
    if found is None:
        known = ", ".join((OPEN_FORMAT, *IMPORTERS))
        raise DocumentError([Problem(file, None, "source", f"{source!r} is not one of {known}")])
    return found


def prepare(
    workspace: Workspace,
    data: bytes,
    filename: str,
    *,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    prune: bool = False,
    measurements: Path | None = None,
) -> Prepared:
    """The plan of importing the file `data` (named `filename` in every problem) read as
    `source` (detected when None), with the KPIs' values from the directory `measurements`
    (as `goalkeeper export --with-measurements` wrote them); refuses with every problem
    found, nothing written."""
    source = source or detect(data, filename)
    if source == OPEN_FORMAT:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise DocumentError([Problem(filename, None, "file", "is not UTF-8 text")]) from None
        return Prepared(_plan(workspace, parse(text, filename), prune, measurements), source)
    converted = importer_named(source, filename).convert(data, filename, mapping)
    document = fit(converted, workspace, filename, prune=prune)
    return Prepared(_plan(workspace, document, prune, measurements), source, converted.warnings)


def _plan(workspace: Workspace, document: Document, prune: bool, directory: Path | None) -> Plan:
    points = None
    if directory is not None:
        keys = [item["key"] for item in document.data.get("kpis", [])]
        points = read_measurements(directory, keys)
    return make_plan(workspace, document, prune=prune, measurements=points)
