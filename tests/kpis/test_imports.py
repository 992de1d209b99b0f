"""Reading values from pasted lines, CSV files and XLSX workbooks (no database)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook  # type: ignore[import-untyped]

from goalkeeper.kpis import imports
from goalkeeper.kpis.imports import DateFormat, RowError

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def parse(text: str, date_format: DateFormat = DateFormat.ISO, **options) -> imports.ParseResult:
    return imports.parse_rows(
        imports.csv_rows(text), date_format=date_format, zone=PARIS, **options
    )


def xlsx(rows: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream


def test_a_headerless_column_is_read_as_date_then_value() -> None:
    result = parse("2026-10-01,12.5\n2026-10-02,13\n")

    assert result.ok
    assert result.points == [
        (dt.datetime(2026, 10, 1, tzinfo=PARIS), 12.5),
        (dt.datetime(2026, 10, 2, tzinfo=PARIS), 13.0),
    ]


def test_a_date_without_time_is_midnight_in_the_workspace_zone() -> None:
    (when, _), *_ = parse("2026-07-01,1").points

    assert when.astimezone(UTC) == dt.datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


def test_an_explicit_offset_is_kept() -> None:
    (first, _), (second, _) = parse("2026-07-01T10:00:00Z,1\n2026-07-01T10:00+02:00,2").points

    assert first.astimezone(UTC) == dt.datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert second.astimezone(UTC) == dt.datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("2026-03-04", DateFormat.ISO, dt.datetime(2026, 3, 4)),
        ("2026-03-04 14:30", DateFormat.ISO, dt.datetime(2026, 3, 4, 14, 30)),
        ("2026-03", DateFormat.ISO, dt.datetime(2026, 3, 1)),
        ("03/04/2026", DateFormat.DMY, dt.datetime(2026, 4, 3)),
        ("3.4.2026", DateFormat.DMY, dt.datetime(2026, 4, 3)),
        ("03/04/2026", DateFormat.MDY, dt.datetime(2026, 3, 4)),
        ("03/04/2026 08:15", DateFormat.MDY, dt.datetime(2026, 3, 4, 8, 15)),
    ],
)
def test_each_date_format_reads_its_dates(
    text: str, date_format: DateFormat, expected: dt.datetime
) -> None:
    (when, _), *_ = parse(f"{text},1", date_format).points

    assert when.replace(tzinfo=None) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12.0), ("-3.5", -3.5), ("1 234,5", 1234.5), ("1,234.5", 1234.5), ("1.234,5", 1234.5)],
)
def test_values_accept_common_spreadsheet_spellings(text: str, value: float) -> None:
    assert imports.parse_value(text) == value


def test_semicolons_and_decimal_commas_are_sniffed() -> None:
    result = parse("date;value\n2026-10-01;12,5\n2026-10-02;3\n")

    assert [v for _, v in result.points] == [12.5, 3.0]


def test_tabs_pasted_from_a_spreadsheet_are_read() -> None:
    assert [v for _, v in parse("2026-10-01\t7\n2026-10-02\t8").points] == [7.0, 8.0]


def test_a_header_names_the_columns_in_any_order() -> None:
    result = parse("Value,Comment,Timestamp\n5,ok,2026-10-01\n6,,2026-10-02\n")

    assert [v for _, v in result.points] == [5.0, 6.0]


def test_the_kpi_name_is_a_value_header() -> None:
    result = parse("day,Revenue,other\n2026-10-01,5,9\n", kpi_name="Revenue")

    assert [v for _, v in result.points] == [5.0]


def test_with_two_columns_the_one_that_is_not_the_date_holds_the_values() -> None:
    result = parse("date,MRR (EUR)\n2026-10-01,5\n")

    assert [v for _, v in result.points] == [5.0]


def test_the_user_may_name_the_columns_by_header_or_number() -> None:
    text = "when it was,a,b\n2026-10-01,1,2\n"
    by_name = parse(text, date_column="when it was", value_column="b")
    by_number = parse(text, date_column="1", value_column="3")

    assert [v for _, v in by_name.points] == [v for _, v in by_number.points] == [2.0]


def test_an_unknown_column_is_a_problem_not_a_crash() -> None:
    result = parse("date,value\n2026-10-01,1\n", value_column="price")

    assert not result.ok
    assert result.problems == ["There is no column “price” in the file."]


def test_a_header_without_a_date_column_says_which_headers_it_found() -> None:
    result = parse("name,amount\nx,1\n")

    assert not result.ok
    assert "“name”, “amount”" in result.problems[0]


def test_every_bad_line_is_reported_with_its_line_number() -> None:
    text = (
        "date,value\n"  # line 1
        "2026-10-01,1\n"  # 2
        "2026-13-01,2\n"  # 3: no month 13
        "2026-10-03,abc\n"  # 4
        "2026-10-04,\n"  # 5
        "\n"  # 6: blank, skipped
        "2026-10-05\n"  # 7: one column
        "2026-10-01,9\n"  # 8: repeats line 2
        "2026-10-06,nan\n"  # 9
        "2026-10-07,7\n"  # 10
    )
    result = parse(text)

    assert not result.ok
    assert [error.line for error in result.errors] == [3, 4, 5, 7, 8, 9]
    messages = [str(error) for error in result.errors]
    assert messages[0] == "Line 3: “2026-13-01” is not a date in the ISO (YYYY-MM-DD) format"
    assert messages[1] == "Line 4: “abc” is not a number"
    assert messages[2] == "Line 5: the value is missing"
    assert messages[3].startswith("Line 7: expected a date and a value, found 1 column")
    assert messages[4] == "Line 8: 2026-10-01 already appears on line 2"
    assert messages[5] == "Line 9: the value must be a finite number"


def test_a_value_beyond_the_limits_is_refused_on_its_line() -> None:
    result = parse("date,value\n2026-10-01,1e15\n2026-10-02,-1.7e308\n2026-10-03,2e15\n")

    assert [str(error) for error in result.errors] == [
        "Line 3: the value must be between -1e15 and 1e15",
        "Line 4: the value must be between -1e15 and 1e15",
    ]
    assert [value for _, value in result.points] == [1e15]


def test_each_bad_line_names_the_column_at_fault() -> None:
    result = parse("date,value\n2026-10-01,x\n2026-13-01,2\n2026-10-02\n2026-10-03,4\n")

    assert [(error.line, error.column) for error in result.errors] == [
        (2, "value"),
        (3, "date"),
        (4, ""),
    ]
    assert result.partly_ok
    assert not result.ok


def test_a_file_whose_every_line_is_bad_cannot_be_written_in_part() -> None:
    result = parse("date,value\n2026-10-01,x\n")

    assert not result.partly_ok


def test_a_day_first_date_read_as_month_first_is_an_error_not_a_guess() -> None:
    result = parse("25/12/2026,1", DateFormat.MDY)

    assert result.errors == [
        RowError(1, "“25/12/2026” is not a date in the MM/DD/YYYY format", "date")
    ]


def test_more_rows_than_the_limit_is_refused_as_a_whole() -> None:
    text = "\n".join(f"2026-01-01T{h:02d}:00,1" for h in range(5))

    result = parse(text, max_rows=4)

    assert not result.ok
    assert result.problems == ["The input has more than 4 rows: split it into smaller files."]


def test_an_empty_input_or_a_lone_header_is_a_problem() -> None:
    assert parse("").problems == ["There is nothing to read: the input is empty."]
    assert parse("date,value\n").problems == ["There are no values under the header."]


def test_a_csv_file_in_windows_1252_is_decoded() -> None:
    data = "date;Umsatz (€)\n2026-10-01;1\n".encode("cp1252")

    result = imports.parse_file(
        "export.csv", io.BytesIO(data), len(data), date_format=DateFormat.ISO, zone=PARIS
    )

    assert result.ok


def test_a_file_over_the_size_limit_is_not_read() -> None:
    stream = io.BytesIO(b"")

    result = imports.parse_file(
        "big.csv", stream, imports.MAX_FILE_BYTES + 1, date_format=DateFormat.ISO, zone=PARIS
    )

    assert result.problems == [
        "The file is 5.0 MB; the limit is 5 MB. Split it into smaller files."
    ]


def test_an_xlsx_file_is_read_with_real_dates_numbers_and_text() -> None:
    stream = xlsx(
        [
            ["Date", "Value"],
            [dt.datetime(2026, 10, 1, 9, 30), 12],
            [dt.date(2026, 10, 2), 13.5],
            ["2026-10-03", "14"],
            [None, None],
            ["2026-10-04", "oops"],
        ]
    )

    result = imports.parse_file("values.xlsx", stream, 1000, date_format=DateFormat.ISO, zone=PARIS)

    assert [v for _, v in result.points] == [12.0, 13.5, 14.0]
    assert result.points[0][0] == dt.datetime(2026, 10, 1, 9, 30, tzinfo=PARIS)
    assert result.errors == [RowError(6, "“oops” is not a number", "value")]


def test_a_broken_workbook_is_a_clear_problem() -> None:
    result = imports.parse_file(
        "values.xlsx", io.BytesIO(b"not a zip"), 9, date_format=DateFormat.ISO, zone=PARIS
    )

    assert result.problems == ["This file could not be read as an Excel workbook (.xlsx)."]


def test_old_excel_files_are_refused_with_what_to_do() -> None:
    result = imports.parse_file(
        "values.xls", io.BytesIO(b"x"), 1, date_format=DateFormat.ISO, zone=PARIS
    )

    assert "save the sheet" in result.problems[0]


@given(
    st.lists(
        st.tuples(
            st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)),
            # Within the limits (|x| <= 1e15); 2**49 is the nearest bound a float32 holds.
            st.floats(min_value=-(2.0**49), max_value=2.0**49, width=32),
        ),
        max_size=20,
        unique_by=lambda pair: pair[0].replace(second=0, microsecond=0),
    )
)
def test_written_lines_read_back_as_the_same_points(
    pairs: list[tuple[dt.datetime, float]],
) -> None:
    rows = [(moment.replace(second=0, microsecond=0), value) for moment, value in pairs]
    text = "\n".join(f"{moment:%Y-%m-%d %H:%M},{value!r}" for moment, value in rows)

    result = imports.parse_rows(imports.csv_rows(text), date_format=DateFormat.ISO, zone=UTC)

    assert result.errors == []
    assert [(m.replace(tzinfo=None), v) for m, v in result.points] == rows
