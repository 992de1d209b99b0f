"""CSV and XLSX files, on the server (inside `SOURCE_FILE_ROOTS`) or at an http(s) URL.

The first non-blank row is the header; rows are named by their line in the file (the
header is line 1 when the file starts with it), so an error points where a person looks.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from typing import IO, ClassVar

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from goalkeeper.kpis.imports import (
    Columns,
    DateFormat,
    UnreadableFileError,
    csv_rows,
    decode,
    find_columns,
)
from goalkeeper.sources.connectors.base import (
    PREVIEW_ROWS,
    Connector,
    Parameter,
    Row,
    SourceError,
    make_row,
    register,
)
from goalkeeper.sources.connectors.local import allowed_path, read_local
from goalkeeper.sources.connectors.remote import (
    download,
    host_of,
    is_url,
    parse_headers,
    url_problem,
)

LOCATION = Parameter(
    name="location",
    label=_("File path or URL"),
    help=_(
        "A path on the Goalkeeper server, inside one of the folders the operator allowed "
        "(SOURCE_FILE_ROOTS), or an http:// or https:// URL."
    ),
    placeholder="/srv/goalkeeper/files/revenue.csv",
)
TIMESTAMP_COLUMN = Parameter(
    name="timestamp_column",
    label=_("Timestamp column"),
    help=_(
        "The header of the column holding the dates (or its number, from 1). Blank: the "
        "column headed date, timestamp, day, month…"
    ),
    required=False,
    placeholder="date",
)
VALUE_COLUMN = Parameter(
    name="value_column",
    label=_("Value column"),
    help=_(
        "The header of the column holding the values (or its number, from 1). Blank: the "
        "column headed value, amount, count, total…"
    ),
    required=False,
    placeholder="value",
)
DATE_FORMAT = Parameter(
    name="date_format",
    label=_("Date format"),
    help=_("How the dates are written; dates without a zone are the workspace's local time."),
    choices=tuple((choice.value, choice.label) for choice in DateFormat),
    default=DateFormat.ISO.value,
)
HEADERS = Parameter(
    name="headers",
    label=_("HTTP headers"),
    help=_("Sent when the location is a URL: one “Name: value” a line, e.g. for a token."),
    secret=True,
    required=False,
    multiline=True,
    placeholder="Authorization: Bearer …",
)
SHEET = Parameter(
    name="sheet",
    label=_("Sheet"),
    help=_("The name of the sheet to read. Blank: the first sheet."),
    required=False,
)


class FileConnector(Connector):
    """What CSV and XLSX share: where the file is, which columns, how dates are written."""

    accept: ClassVar[str] = "*/*"

    def check(self) -> dict[str, str]:
        errors = super().check()
        location = self.value("location")
        if location and "location" not in errors:
            if is_url(location):
                problem = url_problem(location)
                if problem:
                    errors["location"] = problem
            else:
                try:
                    allowed_path(location)
                except ValueError as error:
                    errors["location"] = str(error)
        try:
            parse_headers(self.value("headers"))
        except ValueError as error:
            errors["headers"] = str(error)
        return errors

    def fetch(self, since: dt.datetime | None) -> list[Row]:
        return self._read(since, limit=None)

    def preview(self) -> list[Row]:
        return self._read(None, limit=PREVIEW_ROWS)

    def describe(self) -> str:
        location = self.value("location")
        where = host_of(location) if is_url(location) else location
        return f"{self.label}: {where}"

    def _read(self, since: dt.datetime | None, limit: int | None) -> list[Row]:
        errors = self.check()
        if errors:
            raise SourceError("; ".join(f"{name}: {text}" for name, text in errors.items()))
        date_format = DateFormat(self.value("date_format"))
        rows: list[Row] = []
        # What a server answered is never quoted back (see make_row); a file on the
        # operator's disk, which the admin chose inside the allowed folders, may be.
        echo = not is_url(self.value("location"))
        lines = self._lines(self._bytes())
        columns: Columns | None = None
        for line, cells in lines:
            if columns is None:
                columns = self._columns(cells, echo=echo)
                continue
            needed = max(columns.date, columns.value) + 1
            if len(cells) < needed:
                raise SourceError(
                    f"expected at least {needed} columns, found {len(cells)}"
                    + (" (is the separator right?)" if len(cells) <= 1 else ""),
                    row=line,
                )
            row = make_row(
                line,
                cells[columns.date],
                cells[columns.value],
                self.context.zone,
                date_format,
                echo=echo,
            )
            if since is None or row.timestamp >= since:
                rows.append(row)
                if limit is not None and len(rows) >= limit:
                    break
        if columns is None:
            raise SourceError(gettext_noop("the file is empty: it has no header row"))
        return rows

    def _bytes(self) -> bytes:
        location = self.value("location")
        if is_url(location):
            headers = parse_headers(self.value("headers"))
            return download(location, headers, self.context, accept=self.accept).body
        return read_local(location)

    def _columns(self, header: Sequence[object], *, echo: bool = True) -> Columns:
        names = [str(cell if cell is not None else "").strip().lower() for cell in header]
        found = ", ".join(f"“{name}”" for name in names if name) or "none"
        if not echo:
            found = f"{sum(1 for name in names if name)} named columns (not shown)"
        for parameter in ("timestamp_column", "value_column"):
            chosen = self.value(parameter).lower()
            by_number = chosen.isdigit() and 1 <= int(chosen) <= len(names)
            if chosen and not by_number and chosen not in names:
                raise SourceError(
                    f"there is no column “{chosen}” ({parameter}); the headers are: {found}"
                )
        try:
            return find_columns(
                header,
                date_column=self.value("timestamp_column"),
                value_column=self.value("value_column"),
            )
        except UnreadableFileError as error:
            if not echo:
                raise SourceError(
                    "the date or the value column was not found: name them “date” and "
                    "“value”, or say which columns hold them (the headers are not shown)"
                ) from None
            raise SourceError(str(error)) from None

    def _lines(self, data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
        raise NotImplementedError


@register
class CsvConnector(FileConnector):
    """A CSV file: comma, semicolon, tab or pipe separated; UTF-8 or Windows-1252."""

    kind = "csv"
    label = _("CSV file")
    description = _(
        "A CSV file on the server or at a URL, with a header row naming a date column and "
        "a value column."
    )
    parameters = (LOCATION, TIMESTAMP_COLUMN, VALUE_COLUMN, DATE_FORMAT, HEADERS)
    accept = "text/csv, text/plain;q=0.9, */*;q=0.1"

    def _lines(self, data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
        yield from csv_rows(decode(data))


@register
class XlsxConnector(FileConnector):
    """An Excel workbook (.xlsx): one sheet, cached values of formulas."""

    kind = "xlsx"
    label = _("Excel file (XLSX)")
    description = _(
        "An Excel workbook on the server or at a URL; one sheet with a header row naming a "
        "date column and a value column."
    )
    parameters = (LOCATION, SHEET, TIMESTAMP_COLUMN, VALUE_COLUMN, DATE_FORMAT, HEADERS)
    accept = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, */*;q=0.1"

    def _lines(self, data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
        location = self.value("location")
        yield from sheet_rows(io.BytesIO(data), self.value("sheet"), echo=not is_url(location))


_NOT_XLSX = "the file could not be read as an Excel workbook (.xlsx)"


def sheet_rows(
    stream: IO[bytes], sheet: str = "", *, echo: bool = True
) -> Iterator[tuple[int, list[object]]]:
    """Rows of one sheet (the first when `sheet` is blank) with their row numbers; blank
    rows are skipped. SourceError when the workbook or the sheet cannot be read (naming
    the sheets there are only when `echo`: a downloaded workbook is not quoted)."""
    from openpyxl import load_workbook

    # openpyxl reads bytes from elsewhere: whatever it raises (bad zip, bad XML...) means
    # the same thing to the person reading the message.
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        raise SourceError(_NOT_XLSX) from None
    try:
        sheets = workbook.worksheets
        chosen = [one for one in sheets if one.title == sheet] if sheet else sheets[:1]
        if not chosen:
            names = ", ".join(f"“{one.title}”" for one in sheets) or "none"
            if not echo:
                names = f"{len(sheets)} (not shown)"
            raise SourceError(f"there is no sheet “{sheet}”; the sheets are: {names}")
        worksheet = chosen[0]
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells: list[object] = list(values)
            if any(cell is not None and str(cell).strip() for cell in cells):
                yield number, cells
    except SourceError:
        raise
    except Exception:
        raise SourceError(_NOT_XLSX) from None
    finally:
        workbook.close()
