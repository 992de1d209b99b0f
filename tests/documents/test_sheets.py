"""Sheets: formulas are written as text, values keep their types, titles are valid."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from goalkeeper.documents.sheets import (
    FORMULA_STARTS,
    TITLE_MAX,
    Sheet,
    csv_lines,
    safe_text,
    write_xlsx,
    xlsx_bytes,
)

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.test","x")',
    "+1+cmd",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_is_quoted_as_text(text: str) -> None:
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["-12", "+3.5", "-1e3", "plain", "", "a=b", "'quoted"])
def test_numbers_and_plain_text_are_left_alone(text: str) -> None:
    assert safe_text(text) == text


@given(st.text())
def test_no_cell_text_starts_a_formula(text: str) -> None:
    safe = safe_text(text)
    assert safe.endswith(text)
    if safe.startswith(FORMULA_STARTS):
        float(safe)  # only a number may start with a sign


def test_csv_quotes_formulas_and_writes_plain_values() -> None:
    sheet = Sheet(
        "Check-ins",
        ["Note", "Value", "Done", "Day", "At", "Empty"],
        [
            [
                "=1+1",
                Decimal("1.5"),
                True,
                dt.date(2026, 11, 2),
                dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC),
                None,
            ]
        ],
    )
    rows = list(csv.reader(io.StringIO("".join(csv_lines(sheet)))))
    assert rows == [
        ["Note", "Value", "Done", "Day", "At", "Empty"],
        ["'=1+1", "1.5", "True", "2026-11-02", "2026-11-02T09:30:00+00:00", ""],
    ]


def test_xlsx_keeps_types_and_writes_formulas_as_text(tmp_path: Path) -> None:
    at = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    path = tmp_path / "list.xlsx"
    write_xlsx(
        path,
        [Sheet("KPIs", ["Name", "Value", "At"], [[HOSTILE[0], 2.5, at], ["-7", -7, None]])],
    )
    book = load_workbook(path)
    sheet = book["KPIs"]
    assert [c.value for c in sheet[2]] == ["'" + HOSTILE[0], 2.5, dt.datetime(2026, 11, 2, 9, 30)]
    assert sheet["A2"].data_type == "s"
    assert [c.value for c in sheet[3]] == ["-7", -7, None]


def test_rows_are_read_as_they_are_written() -> None:
    read: list[int] = []

    def rows():  # type: ignore[no-untyped-def]
        for n in range(3):
            read.append(n)
            yield [n]

    lines = csv_lines(Sheet("Numbers", ["n"], rows()))
    assert next(lines) == "n\r\n"
    assert read == []
    assert next(lines) == "0\r\n"
    assert read == [0]


def test_sheet_titles_are_made_valid_and_unique() -> None:
    content = xlsx_bytes(
        [
            Sheet("a/b:c*d?[e]", ["x"]),
            Sheet("A/B:C*D?[E]", ["x"]),
            Sheet("x" * 40, ["x"]),
            Sheet("", ["x"]),
        ]
    )
    names = load_workbook(io.BytesIO(content)).sheetnames
    assert names[0] == "a b c d  e"
    assert names[1] == "A B C D  E (2)"
    assert len(names[2]) == TITLE_MAX
    assert names[3] == "Sheet"


def test_a_workbook_without_sheets_has_an_empty_one() -> None:
    assert load_workbook(io.BytesIO(xlsx_bytes([]))).sheetnames == ["Empty"]
