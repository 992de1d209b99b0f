"""Tables written as XLSX (one worksheet each) or CSV, streamed row by row.

A `Sheet` is a title, a header and rows of plain values (str, int, float, Decimal, date,
datetime, bool or None). XLSX is written in openpyxl's write-only mode, so a sheet of a
million rows costs little memory; cells that a spreadsheet would read as a formula are
written as text (CSV and XLSX alike: formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

Cell = str | int | float | Decimal | dt.date | dt.datetime | bool | None

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's own limit on a worksheet's name.
TITLE_MAX = 31


@dataclass
class Sheet:
    """One table: a title (the worksheet's name), column names and rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]] = field(default_factory=list)


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as written: a leading formula character is quoted away."""
    if value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _cell(value: Cell) -> Cell:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # XLSX has no time zones: the time is written as the caller's clock gave it.
        return value.replace(tzinfo=None)
    return value


def write_xlsx(target: Path | IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Write `sheets` as one workbook to a path or a binary stream."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        worksheet = book.create_sheet(_title(sheet.title, used))
        worksheet.append(list(sheet.header))
        for row in sheet.rows:
            worksheet.append([_cell(value) for value in row])
    if not used:
        book.create_sheet(_("Empty"))
    book.save(target)


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The workbook of `sheets` in memory (small documents: reports, one dashboard)."""
    stream = io.BytesIO()
    write_xlsx(stream, sheets)
    return stream.getvalue()


def _title(title: str, used: set[str]) -> str:
    base = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()[:TITLE_MAX] or _("Sheet")
    name, number = base, 2
    while name.lower() in used:
        suffix = f" ({number})"
        name = base[: TITLE_MAX - len(suffix)] + suffix
        number += 1
    used.add(name.lower())
    return name


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(sheet: Sheet) -> Iterator[str]:
    """The CSV lines of one sheet (header first), for a streaming response or a file."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(sheet.header))
    for row in sheet.rows:
        yield writer.writerow(["" if value is None else _text(value) for value in row])


def _text(value: Cell) -> str:
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)
