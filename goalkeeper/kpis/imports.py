"""Read measurements from pasted lines, CSV files and XLSX workbooks.

Nothing here touches the database: a file becomes a list of `(timestamp, value)` points
and a list of errors, each naming the line of the file it was found on. The caller writes
the points only when the error list is empty, so a file with one bad line writes nothing,
unless the person chooses to skip the bad lines (docs/kpis.md, "Skipping bad rows").

Dates without a time of day are midnight in the workspace's time zone; timestamps with an
explicit offset ("2026-11-20T14:00+01:00", "...Z") keep it. The user says how dates are
written (ISO, DD/MM/YYYY or MM/DD/YYYY), because 03/04/2026 cannot be told apart otherwise.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO

from goalkeeper.domain.limits import check_value

# A file may hold at most this many values: the same bound as one write batch.
MAX_ROWS = 10_000
MAX_FILE_BYTES = 5 * 1024 * 1024

DATE_HEADERS = frozenset(
    {"timestamp", "date", "time", "datetime", "date/time", "day", "period", "month", "week", "when"}
)
VALUE_HEADERS = frozenset(
    {"value", "values", "amount", "count", "total", "measurement", "number", "kpi", "metric"}
)


class DateFormat(StrEnum):
    """How the dates of a file are written."""

    ISO = "iso"
    DMY = "dmy"
    MDY = "mdy"

    @property
    def label(self) -> str:
        """The choice as the upload form shows it."""
        return _FORMAT_LABELS[self]


_FORMAT_LABELS = {
    DateFormat.ISO: "ISO: 2026-11-20 or 2026-11-20 14:00",
    DateFormat.DMY: "Day first: 20/11/2026",
    DateFormat.MDY: "Month first: 11/20/2026",
}
_FORMAT_NAMES = {
    DateFormat.ISO: "ISO (YYYY-MM-DD)",
    DateFormat.DMY: "DD/MM/YYYY",
    DateFormat.MDY: "MM/DD/YYYY",
}
_SLASHED = re.compile(
    r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class RowError:
    """One problem on one line of the input (line 1 is the first line of the file)."""

    line: int
    message: str
    # The column at fault: "date" or "value"; "" for the row as a whole.
    column: str = ""

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


@dataclass
class ParseResult:
    """What a file holds: the points to write, or why it cannot be written."""

    points: list[tuple[dt.datetime, float]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Problems with the file as a whole (too large, no value column...), not with one line.
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every line was read and there is something to write."""
        return not self.errors and not self.problems and bool(self.points)

    @property
    def partly_ok(self) -> bool:
        """True when some lines cannot be read but the others can be written without them
        (the file as a whole was read): the person may choose to skip the bad ones."""
        return bool(self.errors) and not self.problems and bool(self.points)


class UnreadableFileError(ValueError):
    """The file as a whole cannot be read (size, encoding, format)."""


# --- Readers: a source becomes (line number, cells) rows -------------------------------------


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """The delimiter of a CSV text: comma, semicolon, tab or pipe; comma when unsure."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of a CSV text with the line each one ends on; blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), sniff_dialect(text))
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[object]]]:
    """Rows of the first sheet of a workbook, with their row numbers; blank rows skipped."""
    from openpyxl import load_workbook

    # openpyxl reads untrusted bytes: whatever it raises (bad zip, bad XML...) means the
    # same thing to the person uploading, so it becomes one clear message.
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFileError(_NOT_XLSX) from exc
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells: list[object] = list(row)
            if any(cell is not None and str(cell).strip() for cell in cells):
                yield number, cells
    except UnreadableFileError:
        raise
    except Exception as exc:
        raise UnreadableFileError(_NOT_XLSX) from exc
    finally:
        workbook.close()


_NOT_XLSX = "This file could not be read as an Excel workbook (.xlsx)."


# --- Cells: one date and one value ------------------------------------------------------------


def parse_when(cell: object, date_format: DateFormat, zone: dt.tzinfo) -> dt.datetime:
    """A cell as an aware timestamp; raises ValueError with a message for the user."""
    if isinstance(cell, dt.datetime):
        return _aware(cell, zone)
    if isinstance(cell, dt.date):
        return _aware(dt.datetime(cell.year, cell.month, cell.day, tzinfo=zone), zone)
    text = str(cell if cell is not None else "").strip()
    if not text:
        raise ValueError("the date is missing")
    try:
        if date_format is DateFormat.ISO:
            return _aware(_iso(text, zone), zone)
        return _aware(_slashed(text, zone, day_first=date_format is DateFormat.DMY), zone)
    except ValueError:
        raise ValueError(
            f"“{_short(text)}” is not a date in the {_FORMAT_NAMES[date_format]} format"
        ) from None


def _iso(text: str, zone: dt.tzinfo) -> dt.datetime:
    month = _YEAR_MONTH.match(text)
    if month:
        return dt.datetime(int(month[1]), int(month[2]), 1, tzinfo=zone)
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    # Naive here means "the workspace's wall clock": `_aware` attaches the zone.
    return dt.datetime.fromisoformat(text)


def _slashed(text: str, zone: dt.tzinfo, *, day_first: bool) -> dt.datetime:
    match = _SLASHED.match(text)
    if not match:
        raise ValueError(text)
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    day, month = (first, second) if day_first else (second, first)
    hour, minute, second_ = (int(match[i]) if match[i] else 0 for i in (4, 5, 6))
    return dt.datetime(year, month, day, hour, minute, second_, tzinfo=zone)


def _aware(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    # The UTC round trip settles wall times that a daylight-saving change skips.
    return moment.astimezone(dt.UTC).astimezone(moment.tzinfo)


def parse_value(cell: object) -> float:
    """A cell as a number that can be stored: "1234.5", "1 234,5", "1,234.5", 12; raises
    ValueError when it is none, or is not finite, or lies beyond the limits."""
    if isinstance(cell, bool):
        raise ValueError("the value must be a number, not TRUE or FALSE")
    if isinstance(cell, int | float):
        number = float(cell)
    else:
        text = str(cell if cell is not None else "").strip()
        if not text:
            raise ValueError("the value is missing")
        number = _number(text)
    # The range every stored value keeps (docs/scoring.md, "Limits"), told here so that a
    # preview or a sync run names the line rather than the whole batch failing later.
    for error in check_value("value", number):
        raise ValueError(f"the value {error.message}")
    return number


def _number(text: str) -> float:
    cleaned = re.sub(r"[\s\u00a0\u202f_']", "", text)
    if "," in cleaned and "." in cleaned:
        # The separator written last is the decimal one: "1,234.5" and "1.234,5".
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"“{_short(text)}” is not a number") from None


def _is_number(cell: object) -> bool:
    try:
        parse_value(cell)
    except ValueError:
        return False
    return True


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Rows: find the columns, read every line ---------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """Which cells of a row hold the date and the value (0-based)."""

    date: int
    value: int


def _header_name(cell: object) -> str:
    return str(cell if cell is not None else "").strip().lower()


def find_columns(
    header: Sequence[object],
    kpi_name: str = "",
    date_column: str = "",
    value_column: str = "",
) -> Columns:
    """Map a header row to the date and value columns; raises UnreadableFileError when unsure.

    A column may be named by the user (its header or its number from 1); otherwise a
    "date"/"timestamp"-like header and a "value"-like header (or the KPI's name) are
    looked for; with two columns only, the one that is not the date is the value.
    """
    names = [_header_name(cell) for cell in header]
    found = ", ".join(f"“{n}”" for n in names if n) or "none"
    date = _pick(names, date_column, DATE_HEADERS)
    if date is None:
        raise UnreadableFileError(
            f"No date column was found (headers: {found}). Name it “date” or “timestamp”, "
            "or say which column holds the dates."
        )
    wanted_values = VALUE_HEADERS | ({kpi_name.strip().lower()} if kpi_name.strip() else set())
    value = _pick(names, value_column, wanted_values)
    if value is None and len(names) == 2:
        value = 1 - date
    if value is None or value == date:
        raise UnreadableFileError(
            f"No value column was found (headers: {found}). Name it “value”, "
            "or say which column holds the values."
        )
    return Columns(date, value)


def _pick(names: Sequence[str], chosen: str, known: Iterable[str]) -> int | None:
    chosen = chosen.strip().lower()
    if chosen:
        if chosen.isdigit() and 1 <= int(chosen) <= len(names):
            return int(chosen) - 1
        if chosen in names:
            return names.index(chosen)
        raise UnreadableFileError(f"There is no column “{chosen}” in the file.")
    for index, name in enumerate(names):
        if name in known:
            return index
    return None


def parse_rows(
    rows: Iterable[tuple[int, Sequence[object]]],
    *,
    date_format: DateFormat,
    zone: dt.tzinfo,
    kpi_name: str = "",
    date_column: str = "",
    value_column: str = "",
    max_rows: int = MAX_ROWS,
) -> ParseResult:
    """Read every row into points; collect one error per bad line, never stop at the first.

    The first row is a header when its date cell is not a date (and then it names the
    columns); without a header the date is the first column and the value the second.
    A timestamp repeated inside one input is an error: which of the two is meant?
    """
    result = ParseResult()
    seen: dict[dt.datetime, int] = {}
    columns: Columns | None = None
    for line, cells in rows:
        if columns is None:
            try:
                columns = _columns_for_first_row(
                    cells, date_format, zone, kpi_name, date_column, value_column
                )
            except UnreadableFileError as problem:
                result.problems.append(str(problem))
                return result
            if columns is _HEADER:
                columns = find_columns(cells, kpi_name, date_column, value_column)
                continue
        if len(result.points) + len(result.errors) >= max_rows:
            result.problems.append(
                f"The input has more than {max_rows:,} rows: split it into smaller files."
            )
            return result
        _read_row(line, cells, columns, date_format, zone, seen, result)
    if columns is None:
        result.problems.append("There is nothing to read: the input is empty.")
    elif not result.points and not result.errors:
        result.problems.append("There are no values under the header.")
    return result


# Marker: the first row is a header, resolved by `find_columns` in the caller's loop.
_HEADER = Columns(-1, -1)


def _columns_for_first_row(
    cells: Sequence[object],
    date_format: DateFormat,
    zone: dt.tzinfo,
    kpi_name: str,
    date_column: str,
    value_column: str,
) -> Columns:
    if date_column or value_column:
        # The user named the columns: the first row must be the header that holds them.
        find_columns(cells, kpi_name, date_column, value_column)
        return _HEADER
    try:
        parse_when(cells[0] if cells else None, date_format, zone)
    except ValueError:
        names = {_header_name(cell) for cell in cells}
        known = DATE_HEADERS | VALUE_HEADERS | {kpi_name.strip().lower()}
        if not names & known and len(cells) >= 2 and _is_number(cells[1]):
            # A data row whose date is wrong, not a header: report it on its line.
            return Columns(0, 1)
        find_columns(cells, kpi_name)  # raises UnreadableFileError when nothing matches
        return _HEADER
    return Columns(0, 1)


def _read_row(
    line: int,
    cells: Sequence[object],
    columns: Columns,
    date_format: DateFormat,
    zone: dt.tzinfo,
    seen: dict[dt.datetime, int],
    result: ParseResult,
) -> None:
    needed = max(columns.date, columns.value) + 1
    if len(cells) < needed:
        count = len(cells)
        result.errors.append(
            RowError(
                line,
                f"expected a date and a value, found {count} column{'s' if count != 1 else ''} "
                "(is the separator right?)",
            )
        )
        return
    try:
        when = parse_when(cells[columns.date], date_format, zone)
    except ValueError as exc:
        result.errors.append(RowError(line, str(exc), "date"))
        return
    try:
        value = parse_value(cells[columns.value])
    except ValueError as exc:
        result.errors.append(RowError(line, str(exc), "value"))
        return
    key = when.astimezone(dt.UTC)
    if key in seen:
        result.errors.append(
            RowError(line, f"{_show(when, zone)} already appears on line {seen[key]}", "date")
        )
        return
    seen[key] = line
    result.points.append((when, value))


def _show(moment: dt.datetime, zone: dt.tzinfo) -> str:
    local = moment.astimezone(zone)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return local.strftime("%Y-%m-%d")
    return local.strftime("%Y-%m-%d %H:%M")


# --- Whole inputs -----------------------------------------------------------------------------


def parse_text(
    text: str, *, date_format: DateFormat, zone: dt.tzinfo, kpi_name: str = ""
) -> ParseResult:
    """Pasted "date,value" lines (comma, semicolon or tab separated)."""
    return parse_rows(csv_rows(text), date_format=date_format, zone=zone, kpi_name=kpi_name)


def parse_file(
    name: str,
    stream: IO[bytes],
    size: int,
    *,
    date_format: DateFormat,
    zone: dt.tzinfo,
    kpi_name: str = "",
    date_column: str = "",
    value_column: str = "",
) -> ParseResult:
    """An uploaded .csv/.txt or .xlsx file; its size is checked before anything is read."""
    if size > MAX_FILE_BYTES:
        return ParseResult(
            problems=[
                f"The file is {size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB. Split it into smaller files."
            ]
        )
    options = {
        "date_format": date_format,
        "zone": zone,
        "kpi_name": kpi_name,
        "date_column": date_column,
        "value_column": value_column,
    }
    lower = name.lower()
    try:
        if lower.endswith((".xlsx", ".xlsm")):
            return parse_rows(xlsx_rows(stream), **options)  # type: ignore[arg-type]
        if lower.endswith((".xls", ".ods", ".numbers")):
            raise UnreadableFileError(
                "Only .csv and .xlsx files can be read: save the sheet as one of them."
            )
        return parse_rows(csv_rows(decode(stream.read())), **options)  # type: ignore[arg-type]
    except UnreadableFileError as problem:
        return ParseResult(problems=[str(problem)])
