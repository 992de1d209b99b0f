"""Writing a `Table` as CSV or XLSX: streamed to a response, or to a file with progress
(through `goalkeeper.documents.sheets`, which quotes away formulas)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from goalkeeper.documents.sheets import Sheet, csv_lines, write_xlsx
from goalkeeper.exports.lists import Table
from goalkeeper.exports.models import Format

# Excel reads a UTF-8 CSV as such only when it starts with a byte order mark.
BOM = "\ufeff"
CONTENT_TYPES = {
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_stream(table: Table) -> Iterator[str]:
    """The CSV text of `table`, line by line (for a streaming response)."""
    yield BOM
    yield from csv_lines(Sheet(table.title, table.header, table.rows))


def write_table(table: Table, file_format: str, target: Path | IO[bytes]) -> None:
    """Write `table` to a path or a binary file in `file_format` (rows are read as the file
    is written)."""
    if file_format == Format.XLSX:
        write_xlsx(target, [Sheet(table.title, table.header, table.rows)])
        return
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as out:
            out.writelines(csv_stream(table))
        return
    text = io.TextIOWrapper(target, encoding="utf-8", newline="")
    text.writelines(csv_stream(table))
    text.flush()
    text.detach()


def download_name(title: str, file_format: str, day: dt.date) -> str:
    """A safe file name for `title`: letters, digits and dashes, then the day."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "export"
    return f"{slug}-{day.isoformat()}.{file_format}"
