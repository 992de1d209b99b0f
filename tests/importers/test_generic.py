"""The generic importer: rows of key results to a document (docs/importers.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalkeeper.importers.generic import convert_table, cycle_name, parse_number, quarter_dates
from goalkeeper.importers.table import read_csv, read_xlsx
from goalkeeper.portability.document import DocumentError
from tests.importers.conftest import ROWS, csv_bytes, xlsx_bytes

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def test_rows_of_one_objective_make_one_objective_with_its_key_results() -> None:
    converted = convert_table(read_csv(csv_bytes(), "okrs.csv"), None, NOW)
    document = converted.document
    assert [o["key"] for o in document["objectives"]] == ["grow-revenue", "delight-customers"]
    grow = document["objectives"][0]
    assert (grow["team"], grow["cycle"]) == ("sales", "2026-Q4")
    assert grow["owner"] == "eddie@acme.test"
    assert grow["key_results"][0] == {
        "key": "reach-120k-mrr",
        "title": "Reach 120k MRR",
        "owner": "eddie@acme.test",
        "unit": "EUR",
        "start": 80000,
        "target": 120000,
        "check_ins": [{"at": "2026-11-02T09:30:00Z", "value": 90000}],
    }
    # A target below the start is a key result that decreases.
    assert document["objectives"][1]["key_results"][0]["kind"] == "decrease"
    # Quarters named like 2027-Q1 carry their dates, should the workspace not have them.
    assert document["cycles"] == [
        {"name": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31"},
        {"name": "2027-Q1", "start": "2027-01-01", "end": "2027-03-31"},
    ]
    assert {p["email"]: p["name"] for p in document["people"]}[
        "new.person@acme.test"
    ] == "New Person"
    # Lines are the file's: the header is line 1.
    assert converted.lines[("objectives", 1)] == 4
    assert converted.lines[("objectives", 0, "key_results", 1)] == 3


def test_an_xlsx_file_reads_as_the_same_csv() -> None:
    from_csv = convert_table(read_csv(csv_bytes(), "f"), None, NOW).document
    from_xlsx = convert_table(read_xlsx(xlsx_bytes(), "f"), None, NOW).document
    assert from_xlsx == from_csv


def test_a_semicolon_csv_with_german_headers_and_numbers() -> None:
    data = csv_bytes(
        [
            (
                "Umsatz steigern",
                "Vertrieb",
                "01.01.2027 bis 31.03.2027",
                "MRR erreichen",
                "1.200,5",
                "ja",
            )
        ],
        ["Ziel", "Abteilung", "Zeitraum", "Schlüsselergebnis", "Zielwert", "Typ"],
        delimiter=";",
    )
    with pytest.raises(DocumentError, match="Typ: 'ja' is not increase"):
        convert_table(read_csv(data, "de.csv"), None, NOW)
    converted = convert_table(read_csv(data, "de.csv"), {"Typ": ""}, NOW)
    objective = converted.document["objectives"][0]
    assert objective["cycle"] == "2027-Q1"
    assert objective["key_results"][0]["target"] == 1200.5


def test_a_wrong_value_names_the_file_the_row_and_the_column() -> None:
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][8] = "abc"
    with pytest.raises(DocumentError) as refused:
        convert_table(read_csv(csv_bytes(rows), "okrs.csv"), None, NOW)
    assert str(refused.value) == "okrs.csv:3: Target: 'abc' is not a number"


def test_every_problem_of_every_row_is_named_at_once() -> None:
    rows = [["", "Sales", "2026-Q4", "", "x", "", "", "", "1", ""], list(ROWS[0])]
    rows[1][7] = "many"
    with pytest.raises(DocumentError) as refused:
        convert_table(read_csv(csv_bytes(rows), "okrs.csv"), None, NOW)
    assert [str(p) for p in refused.value.problems] == [
        "okrs.csv:2: Objective: is empty: every row names its objective",
        "okrs.csv:3: Start value: 'many' is not a number",
    ]


def test_an_empty_cycle_in_a_cycle_column_is_refused_at_its_row() -> None:
    rows = [list(ROWS[0])]
    rows[0][2] = ""
    with pytest.raises(DocumentError, match=r"^okrs\.csv:2: Cycle: is empty$"):
        convert_table(read_csv(csv_bytes(rows), "okrs.csv"), None, NOW)


def test_a_milestone_is_done_or_open() -> None:
    headers = ("Objective", "Cycle", "KR", "Direction", "Current")
    rows = [
        ("Ship", "2026-Q4", "Launch", "Milestone", "Done"),
        ("Ship", "2026-Q4", "Docs", "milestone", "no"),
    ]
    document = convert_table(read_csv(csv_bytes(rows, headers), "f.csv"), None, NOW).document
    krs = document["objectives"][0]["key_results"]
    assert [kr["check_ins"][0]["done"] for kr in krs] == [True, False]
    assert {kr["kind"] for kr in krs} == {"milestone"}


def test_not_a_workbook_and_an_empty_file_are_refused() -> None:
    with pytest.raises(DocumentError, match=r"f\.xlsx: file: is not an XLSX workbook"):
        read_xlsx(b"PK\x03\x04 not really", "f.xlsx")
    with pytest.raises(DocumentError, match="is empty"):
        read_csv(b"\n\n", "f.csv")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 2)))
def test_numbers_read_back_in_english_and_german_writing(value: float) -> None:
    english = f"{value:,.2f}"
    german = english.replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_number(english) == pytest.approx(value)
    if abs(value) >= 1000 or round(value % 1, 2) != 0:
        assert parse_number(german) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "1..2", "12-3", "--1"])
def test_what_is_not_a_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (parse_number raises it bare)
        parse_number(text)


@given(st.integers(2000, 2100), st.integers(1, 4))
def test_a_quarter_names_its_dates_and_its_dates_name_it(year: int, quarter: int) -> None:
    dates = quarter_dates(f"Q{quarter} {year}")
    assert dates == quarter_dates(f"{year}-Q{quarter}")
    assert dates is not None
    assert cycle_name(*dates) == f"{year}-Q{quarter}"
    assert (dates[1] - dates[0]).days in (89, 90, 91)
