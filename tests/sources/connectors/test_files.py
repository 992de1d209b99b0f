"""CSV and XLSX connectors against real files on disk and a real local HTTP server."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from pytest_httpserver import HTTPServer

from goalkeeper.sources.connectors import Context, SourceError, connector_class
from goalkeeper.sources.connectors.files import CsvConnector, XlsxConnector
from tests.sources.connectors.conftest import paris

CSV = "date,value\n2026-05-01,10\n2026-05-02,11.5\n\n2026-05-03 14:00,12\n"


def csv_source(context: Context, location: str | Path, headers: str = "", **settings: str):
    return CsvConnector(
        {"location": str(location), **settings}, {"headers": headers} if headers else {}, context
    )


def xlsx_source(context: Context, location: str | Path, **settings: str):
    return XlsxConnector({"location": str(location), **settings}, {}, context)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def workbook(path: Path, rows: list[list[object]], title: str = "Data", extra: str = "") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if extra:
        book.create_sheet(extra).append(["nothing", "here"])
        book.move_sheet(extra, offset=-1)
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_both_kinds_are_registered():
    assert connector_class("csv") is CsvConnector
    assert connector_class("xlsx") is XlsxConnector
    assert CsvConnector.label == "CSV file"
    assert XlsxConnector.label == "Excel file (XLSX)"
    assert CsvConnector.secret_names() == XlsxConnector.secret_names() == {"headers"}
    assert [p.name for p in XlsxConnector.parameters] == [
        "location",
        "sheet",
        "timestamp_column",
        "value_column",
        "date_format",
        "headers",
    ]


# --- CSV from a path ---------------------------------------------------------------------------


def test_a_csv_file_is_read_with_its_line_numbers(file_root, context):
    rows = csv_source(context, write(file_root / "m.csv", CSV)).fetch(None)
    # The header is line 1 and the blank line 4 is skipped, but still counted.
    assert [(r.line, r.timestamp, r.value) for r in rows] == [
        (2, paris(2026, 5, 1), 10.0),
        (3, paris(2026, 5, 2), 11.5),
        (5, paris(2026, 5, 3, 14), 12.0),
    ]


def test_since_keeps_the_rows_from_that_instant_on(file_root, context):
    path = write(file_root / "m.csv", CSV)
    rows = csv_source(context, path).fetch(paris(2026, 5, 2))
    assert [r.value for r in rows] == [11.5, 12.0]


def test_named_columns_semicolons_decimal_commas_and_day_first_dates(file_root, context):
    text = "Note;Amount;Day\nx;1 234,5;03/04/2026\ny;7;04/04/2026\n"
    path = write(file_root / "eu.csv", text)
    connector = csv_source(
        context, path, timestamp_column="Day", value_column="amount", date_format="dmy"
    )
    rows = connector.fetch(None)
    assert [(r.timestamp, r.value) for r in rows] == [
        (paris(2026, 4, 3), 1234.5),
        (paris(2026, 4, 4), 7.0),
    ]


def test_preview_reads_the_first_ten_rows(file_root, context):
    lines = "\n".join(f"2026-06-{d:02},{d}" for d in range(1, 31))
    path = write(file_root / "june.csv", "date,value\n" + lines + "\n")
    assert [r.value for r in csv_source(context, path).preview()] == list(map(float, range(1, 11)))


def test_text_where_a_number_belongs_names_the_line(file_root, context):
    path = write(file_root / "bad.csv", "date,value\n2026-05-01,1\n2026-05-02,abc\n")
    with pytest.raises(SourceError) as caught:
        csv_source(context, path).fetch(None)
    assert str(caught.value) == "row 3: value: “abc” is not a number"
    assert caught.value.row == 3


def test_a_value_beyond_the_limits_names_the_line_and_the_limit(file_root, context):
    path = write(file_root / "big.csv", "date,value\n2026-05-01,1e15\n2026-05-02,1.7e308\n")
    with pytest.raises(SourceError) as caught:
        csv_source(context, path).fetch(None)
    assert str(caught.value) == "row 3: value: the value must be between -1e15 and 1e15"


def test_a_bad_date_names_the_line(file_root, context):
    path = write(file_root / "bad.csv", "date,value\n2026-05-01,1\n\n1st of May,2\n")
    with pytest.raises(SourceError, match=r"^row 4: timestamp: “1st of May” is not a date"):
        csv_source(context, path).fetch(None)


def test_a_short_row_names_the_line(file_root, context):
    path = write(file_root / "short.csv", "date,note,value\n2026-05-01,x,1\n2026-05-02,y\n")
    with pytest.raises(SourceError, match=r"^row 3: expected at least 3 columns, found 2$"):
        csv_source(context, path).fetch(None)


def test_a_missing_column_names_it_and_the_headers_found(file_root, context):
    path = write(file_root / "m.csv", CSV)
    with pytest.raises(SourceError) as caught:
        csv_source(context, path, value_column="revenue").fetch(None)
    assert str(caught.value) == (
        "there is no column “revenue” (value_column); the headers are: “date”, “value”"
    )


def test_without_a_date_column_the_headers_found_are_listed(file_root, context):
    path = write(file_root / "m.csv", "when?,how much\n2026-05-01,1\n")
    with pytest.raises(SourceError, match=r"No date column was found .*“when\?”, “how much”"):
        csv_source(context, path).fetch(None)


def test_an_empty_file_says_so(file_root, context):
    with pytest.raises(SourceError, match="the file is empty"):
        csv_source(context, write(file_root / "empty.csv", "\n\n")).fetch(None)


def test_a_missing_file_is_a_source_that_is_down(file_root, context):
    with pytest.raises(SourceError, match=r"^there is no file at .*gone\.csv$"):
        csv_source(context, file_root / "gone.csv").fetch(None)


def test_a_file_larger_than_the_limit_is_refused(file_root, context, settings):
    settings.SOURCE_MAX_BYTES = 20
    with pytest.raises(SourceError, match="the file is larger than"):
        csv_source(context, write(file_root / "m.csv", CSV)).fetch(None)


# --- Where files may be read from ---------------------------------------------------------------


def test_a_path_outside_the_allowed_folders_is_a_field_error(file_root, context, tmp_path):
    outside = write(tmp_path / "secret.csv", CSV)
    assert csv_source(context, outside).check() == {
        "location": f"the path must be inside one of: {file_root}"
    }
    with pytest.raises(SourceError, match="the path must be inside one of"):
        csv_source(context, outside).fetch(None)


def test_dot_dot_and_symlinks_cannot_lead_out_of_the_allowed_folders(file_root, context, tmp_path):
    outside = write(tmp_path / "secret.csv", CSV)
    (file_root / "link.csv").symlink_to(outside)
    for location in (file_root / ".." / "secret.csv", file_root / "link.csv"):
        assert "location" in csv_source(context, location).check(), location
        with pytest.raises(SourceError, match="must be inside"):
            csv_source(context, location).fetch(None)


def test_a_symlink_inside_the_allowed_folders_is_followed(file_root, context):
    target = write(file_root / "real.csv", CSV)
    (file_root / "alias.csv").symlink_to(target)
    assert len(csv_source(context, file_root / "alias.csv").fetch(None)) == 3


def test_a_relative_path_is_a_field_error(file_root, context):
    assert csv_source(context, "m.csv").check() == {
        "location": "the path must be absolute (start with /)"
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({}, "location", "this field is required"),
        ({"location": "ftp://example.com/m.csv"}, "location", "only http:// and https://"),
        ({"location": "https:///m.csv"}, "location", "the URL has no host"),
        ({"location": "/x.csv", "date_format": "ydm"}, "date_format", "must be one of iso"),
    ],
)
def test_configuration_errors_name_the_field(file_root, context, values, field, message):
    errors = CsvConnector(values, {}, context).check()
    assert field in errors
    assert message in errors[field]


def test_malformed_headers_are_a_field_error_naming_the_line(file_root, context):
    connector = csv_source(context, "https://example.com/m.csv", headers="A: 1\nno colon here")
    assert connector.check() == {"headers": "line 2 is not “Name: value”"}


# --- CSV from a URL ------------------------------------------------------------------------------


@pytest.mark.usefixtures("allow_local_outbound")
def test_a_csv_at_a_url_is_read_with_the_headers_sent(httpserver: HTTPServer, file_root, context):
    httpserver.expect_request(
        "/export.csv", headers={"Authorization": "Bearer t0ken"}
    ).respond_with_data(CSV, content_type="text/csv")
    url = httpserver.url_for("/export.csv")
    connector = csv_source(context, url, headers="Authorization: Bearer t0ken")
    assert connector.check() == {}
    assert [r.value for r in connector.fetch(None)] == [10.0, 11.5, 12.0]
    assert connector.describe() == f"CSV file: {httpserver.host}:{httpserver.port}"


def test_describe_shows_a_urls_host_only_and_a_paths_path(file_root, context):
    url = "https://ada:pw@files.example.com/x.csv?token=s3cret"
    assert csv_source(context, url).describe() == "CSV file: files.example.com"
    assert csv_source(context, "/srv/m.csv").describe() == "CSV file: /srv/m.csv"


@pytest.mark.usefixtures("allow_local_outbound")
def test_an_error_status_at_the_url_says_which(httpserver: HTTPServer, file_root, context):
    httpserver.expect_request("/export.csv").respond_with_data("nope", status=404)
    with pytest.raises(SourceError, match=r"answered HTTP 404 Not Found$"):
        csv_source(context, httpserver.url_for("/export.csv")).fetch(None)


@pytest.mark.usefixtures("allow_local_outbound")
def test_a_closed_port_is_a_source_that_is_down(file_root, context, closed_port):
    url = f"http://127.0.0.1:{closed_port}/export.csv"
    with pytest.raises(SourceError, match=r"could not connect to 127\.0\.0\.1:.*refused"):
        csv_source(context, url).fetch(None)


# --- XLSX ----------------------------------------------------------------------------------------


def test_an_xlsx_file_is_read_with_its_row_numbers(file_root, context):
    path = workbook(
        file_root / "m.xlsx",
        [
            ["Day", "Revenue"],
            [dt.datetime(2026, 7, 1), 100],
            [None, None],
            [dt.date(2026, 7, 2), 150.5],
            ["2026-07-03", "175"],
        ],
    )
    rows = xlsx_source(context, path, value_column="revenue").fetch(None)
    assert [(r.line, r.timestamp, r.value) for r in rows] == [
        (2, paris(2026, 7, 1), 100.0),
        (4, paris(2026, 7, 2), 150.5),
        (5, paris(2026, 7, 3), 175.0),
    ]


def test_a_named_sheet_is_read_and_a_missing_one_lists_the_sheets(file_root, context):
    path = workbook(
        file_root / "m.xlsx",
        [["date", "value"], [dt.datetime(2026, 7, 1), 1]],
        title="KPIs",
        extra="Cover",
    )
    assert [r.value for r in xlsx_source(context, path, sheet="KPIs").fetch(None)] == [1.0]
    with pytest.raises(
        SourceError, match="there is no sheet “Nope”; the sheets are: “Cover”, “KPIs”"
    ):
        xlsx_source(context, path, sheet="Nope").fetch(None)


def test_xlsx_since_keeps_the_rows_from_that_instant_on(file_root, context):
    path = workbook(
        file_root / "m.xlsx",
        [["date", "value"], *[[dt.datetime(2026, 7, d), d] for d in range(1, 6)]],
    )
    assert [r.value for r in xlsx_source(context, path).fetch(paris(2026, 7, 4))] == [4.0, 5.0]


def test_xlsx_text_where_a_number_belongs_names_the_row(file_root, context):
    path = workbook(
        file_root / "m.xlsx",
        [["date", "value"], [dt.datetime(2026, 7, 1), 1], [dt.datetime(2026, 7, 2), "abc"]],
    )
    with pytest.raises(SourceError) as caught:
        xlsx_source(context, path).fetch(None)
    assert str(caught.value) == "row 3: value: “abc” is not a number"


def test_a_file_that_is_not_a_workbook_says_so(file_root, context):
    path = write(file_root / "m.xlsx", CSV)
    with pytest.raises(SourceError, match=r"could not be read as an Excel workbook \(\.xlsx\)"):
        xlsx_source(context, path).fetch(None)


@pytest.mark.usefixtures("allow_local_outbound")
def test_an_xlsx_at_a_url_is_read(httpserver: HTTPServer, file_root, context):
    buffer = io.BytesIO()
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "value"])
    sheet.append([dt.datetime(2026, 7, 1, 9, 30), 42])
    book.save(buffer)
    httpserver.expect_request("/book.xlsx").respond_with_data(buffer.getvalue())
    [row] = xlsx_source(context, httpserver.url_for("/book.xlsx")).fetch(None)
    assert (row.line, row.timestamp, row.value) == (2, paris(2026, 7, 1, 9, 30), 42.0)
