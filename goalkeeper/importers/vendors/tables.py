"""Reading another tool's export: a CSV or Excel table whose columns are known by heading.

A file is read whole before anything is built: every bad cell is reported at once, each
naming the file, the line and the column (docs/importers.md, "From other tools"), and a
refused file gives no document at all.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from goalkeeper.kpis.imports import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    UnreadableFileError,
    csv_rows,
    decode,
    parse_value,
    xlsx_rows,
)
from goalkeeper.portability.document import DocumentError, Problem

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """A column of an export: our name for it and the headings the tool writes for it
    (the first is the one the tool's export uses; headings compare without case, spaces
    or punctuation)."""

    name: str
    headings: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class Row:
    """One line of the table: its line in the file and its cells by column name."""

    line: int
    cells: dict[str, object]


def heading_key(text: object) -> str:
    """`Owner Email`, `owner_email` and `OWNER-EMAIL` all read `owneremail`."""
    return re.sub(r"[^a-z0-9]", "", str(text if text is not None else "").lower())


@dataclass
class Table:
    """The rows of a file and the headings its columns had, for messages."""

    file: str
    rows: list[Row]
    headings: dict[str, str]
    ignored: list[str]
    problems: list[Problem] = field(default_factory=list)

    def problem(self, row: Row | int | None, column: str, message: str) -> None:
        line = row.line if isinstance(row, Row) else row
        self.problems.append(Problem(self.file, line, self.headings.get(column, column), message))

    def check(self) -> None:
        """Refuse the file with every problem found so far."""
        if self.problems:
            raise DocumentError(self.problems)

    # --- Cells ------------------------------------------------------------------------------

    def text(self, row: Row, column: str) -> str:
        cell = row.cells.get(column)
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        if isinstance(cell, dt.datetime | dt.date):
            return cell.isoformat()
        return " ".join(str(cell).split())

    def required(self, row: Row, column: str) -> str:
        value = self.text(row, column)
        if not value:
            self.problem(row, column, "is empty: every row needs one")
        return value

    def number(self, row: Row, column: str) -> float | None:
        """The cell as a number, `None` when empty; "45%" reads 45."""
        cell = row.cells.get(column)
        if isinstance(cell, str):
            cell = cell.strip().removesuffix("%").strip()
        if cell is None or cell == "":
            return None
        try:
            return parse_value(cell)
        except ValueError as error:
            reason = str(error)
            why = (
                "is not a number"
                if "is not a number" in reason
                else reason.removeprefix("the value ")
            )
            self.problem(row, column, f"{self.text(row, column)!r} {why}")
            return None

    def day(self, row: Row, column: str) -> dt.date | None:
        """The cell as a date, `None` when empty: 2027-01-15 (a time of day is ignored)
        or an Excel date."""
        cell = row.cells.get(column)
        if isinstance(cell, dt.datetime):
            return cell.date()
        if isinstance(cell, dt.date):
            return cell
        text = self.text(row, column)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            self.problem(row, column, f"{text!r} is not a date: write it as YYYY-MM-DD")
            return None

    def choice(self, row: Row, column: str, choices: Mapping[str, T], default: T) -> T:
        """The cell as one of `choices` (the tool's words, compared as `heading_key` does);
        `default` when empty."""
        text = self.text(row, column)
        if not text:
            return default
        by_key = {heading_key(label): value for label, value in choices.items()}
        key = heading_key(text)
        if key not in by_key:
            self.problem(row, column, f"{text!r} is not one of {', '.join(choices)}")
            return default
        return by_key[key]


def read_table(data: bytes, file: str, columns: Sequence[Column]) -> Table:
    """The rows of a CSV or XLSX export (by the file's name), the first non-blank row being
    the headings; refuses a file that cannot be read or lacks a required column."""
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError([Problem(file, None, "", "the file is larger than 5 MB")])
    try:
        raw = list(_raw_rows(data, file))
    except UnreadableFileError as error:
        raise DocumentError([Problem(file, None, "", str(error))]) from None
    if not raw:
        raise DocumentError([Problem(file, None, "", "the file is empty")])
    if len(raw) > MAX_ROWS + 1:
        raise DocumentError([Problem(file, None, "", f"more than {MAX_ROWS} rows")])
    header_line, header = raw[0]
    by_heading = {heading_key(h): column for column in columns for h in column.headings}
    positions: dict[str, int] = {}
    headings: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        column = by_heading.get(heading_key(cell))
        if column is not None and column.name not in positions:
            positions[column.name] = index
            headings[column.name] = str(cell).strip()
        elif cell is not None and str(cell).strip():
            ignored.append(str(cell).strip())
    missing = [c for c in columns if c.required and c.name not in positions]
    if missing:
        raise DocumentError(
            [
                Problem(file, header_line, c.headings[0], "is a required column: the file has none")
                for c in missing
            ]
        )
    rows = [
        Row(line, {name: cells[i] if i < len(cells) else None for name, i in positions.items()})
        for line, cells in raw[1:]
    ]
    for column in columns:
        headings.setdefault(column.name, column.headings[0])
    return Table(file=file, rows=rows, headings=headings, ignored=ignored)


def _raw_rows(data: bytes, file: str) -> Iterator[tuple[int, Sequence[object]]]:
    if file.lower().endswith((".xlsx", ".xlsm")):
        yield from xlsx_rows(io.BytesIO(data))
    else:
        yield from csv_rows(decode(data))
