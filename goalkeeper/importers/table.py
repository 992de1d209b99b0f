"""Reading a spreadsheet: a CSV or XLSX file as a header and rows, each row with its line.

The line of a row is where a person finds it: the line of a CSV file a record starts on,
the row number of an XLSX sheet. Empty rows are skipped; the first row with a value is the
header (docs/importers.md, "The file").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from goalkeeper.portability.document import DocumentError, Problem

# A spreadsheet of OKRs is a few hundred rows; more is refused before anything is planned.
MAX_ROWS = 10_000
MAX_COLUMNS = 100
DELIMITERS = (",", ";", "\t")

Cell = str | int | float | dt.date


@dataclass(frozen=True)
class Row:
    """One row of values (strings stripped, numbers and dates as the sheet holds them)."""

    line: int
    cells: tuple[Cell, ...]

    def get(self, column: int) -> Cell:
        return self.cells[column] if column < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    file: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    warnings: tuple[str, ...] = ()


def refused(file: str, message: str, line: int | None = None, field: str = "file") -> DocumentError:
    return DocumentError([Problem(file, line, field, message)])


def is_xlsx(data: bytes, filename: str) -> bool:
    """An XLSX workbook (a zip file), whatever its name says."""
    return filename.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def read_table(data: bytes, filename: str) -> Table:
    """The table of a CSV or XLSX file; refuses one that is neither, or too large."""
    return read_xlsx(data, filename) if is_xlsx(data, filename) else read_csv(data, filename)


def _cell(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, int | float | dt.date):
        return value
    return str(value).strip()


def _table(file: str, numbered: Any, warnings: tuple[str, ...] = ()) -> Table:
    headers: tuple[str, ...] | None = None
    rows: list[Row] = []
    for line, values in numbered:
        cells = tuple(_cell(value) for value in values)
        if not any(cell != "" for cell in cells):
            continue
        if headers is None:
            while cells and cells[-1] == "":
                cells = cells[:-1]
            if len(cells) > MAX_COLUMNS:
                raise refused(file, f"has more than {MAX_COLUMNS} columns", line)
            headers = tuple(str(cell) for cell in cells)
            continue
        if len(rows) >= MAX_ROWS:
            raise refused(file, f"has more than {MAX_ROWS} rows: split it, one cycle a file")
        rows.append(Row(line, cells[: len(headers)]))
    if headers is None:
        raise refused(file, "is empty: the first row names the columns")
    return Table(file=file, headers=headers, rows=tuple(rows), warnings=warnings)


def read_csv(data: bytes, file: str) -> Table:
    """A CSV file: UTF-8 (with or without a byte order mark), else Windows-1252 as older
    spreadsheet programs write it; the delimiter (comma, semicolon or tab) the header uses most."""
    warnings: tuple[str, ...] = ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise refused(file, "is neither UTF-8 nor Windows-1252 text") from None
        warnings = (f"{file} is not UTF-8: it was read as Windows-1252.",)
    if "\x00" in text:
        raise refused(file, "is not a CSV or XLSX file")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def numbered() -> Any:
        start = 1
        try:
            for record in reader:
                yield start, record
                start = reader.line_num + 1
        except csv.Error as error:
            raise refused(file, f"is not valid CSV: {error}", reader.line_num) from None

    return _table(file, numbered(), warnings)


def read_xlsx(data: bytes, file: str) -> Table:
    """The first sheet of an XLSX workbook, values as last calculated (not formulas)."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise refused(file, "is not an XLSX workbook") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1)
        return _table(file, enumerate(rows, start=1))
    finally:
        workbook.close()
