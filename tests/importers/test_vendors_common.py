"""What every vendor importer shares: reading a table, naming periods, and the helpers the
tests of each tool use (docs/importers.md, "From other tools")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from goalkeeper.accounts.models import Person, Role, Team, Workspace
from goalkeeper.accounts.services import add_person, company_team, create_workspace
from goalkeeper.importers.pipeline import prepare
from goalkeeper.importers.vendors.base import Converted, Importer
from goalkeeper.importers.vendors.document import period_dates
from goalkeeper.importers.vendors.tables import Column, read_table
from goalkeeper.portability.document import DocumentError, parse
from goalkeeper.portability.export import dump
from goalkeeper.portability.plan import Plan, make_plan
from goalkeeper.portability.services import import_document

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def as_xlsx(data: bytes) -> bytes:
    """The same table as an Excel workbook, numbers written as numbers."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for cells in csv.reader(io.StringIO(data.decode("utf-8"))):
        sheet.append([_cell(cell) for cell in cells])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(text: str) -> object:
    try:
        return float(text) if text else None
    except ValueError:
        return text


def with_cell(data: bytes, line: int, heading: str, value: str) -> bytes:
    """The CSV `data` with the cell of `heading` on `line` (1 is the headings) replaced."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    rows[line - 1][rows[0].index(heading)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def without_column(data: bytes, heading: str) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    index = rows[0].index(heading)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [cells[:index] + cells[index + 1 :] for cells in rows]
    )
    return out.getvalue().encode()


def empty_workspace() -> tuple[Workspace, Person]:
    workspace = create_workspace(name="Larkspur Labs")
    admin = add_person(
        actor=None,
        workspace=workspace,
        email="admin@larkspur.example",
        name="Noor Haddad",
        role=Role.ADMIN,
        existing_login=True,
    )
    return workspace, admin


def plan_of(converted: Converted, workspace: Workspace, file: str) -> Plan:
    """The plan of a converted document, read back through the format's own parser."""
    return make_plan(workspace, parse(dump(converted.document, "yaml"), file))


def import_twice(importer: Importer, data: bytes, file: str) -> tuple[Workspace, str, str]:
    """Import `data` into an empty workspace, then again: both plans' summaries."""
    workspace, admin = empty_workspace()
    plan = plan_of(importer.convert(data, file, None), workspace, file)
    import_document(plan, workspace=workspace, actor=admin)
    again = plan_of(importer.convert(data, file, None), workspace, file)
    import_document(again, workspace=workspace, actor=admin)
    return workspace, plan.summary(), again.summary()


def refusal(importer: Importer, data: bytes, file: str) -> list[str]:
    with pytest.raises(DocumentError) as refused:
        importer.convert(data, file, None)
    return [str(problem) for problem in refused.value.problems]


# --- Tables and periods ----------------------------------------------------------------------

COLUMNS = (Column("title", ("Title",), required=True), Column("target", ("Target Value",)))


def test_headings_match_without_case_or_punctuation_and_unknown_columns_are_named() -> None:
    table = read_table(
        b"TITLE;target_value;Colour\nShip it;12;red\nGrow;3;blue\n", "x.csv", COLUMNS
    )

    assert [row.cells for row in table.rows] == [
        {"title": "Ship it", "target": "12"},
        {"title": "Grow", "target": "3"},
    ]
    assert table.ignored == ["Colour"]


def test_a_missing_column_and_bad_cells_are_each_named_with_file_and_line() -> None:
    with pytest.raises(DocumentError) as refused:
        read_table(b"Name,Target Value\nA,1\n", "okrs.csv", COLUMNS)
    assert str(refused.value) == "okrs.csv:1: Title: is a required column: the file has none"

    table = read_table(b"Title,Target Value\nA,lots\n,3\n", "okrs.csv", COLUMNS)
    assert table.number(table.rows[0], "target") is None
    table.required(table.rows[1], "title")
    with pytest.raises(DocumentError) as refused:
        table.check()
    assert [str(p) for p in refused.value.problems] == [
        "okrs.csv:2: Target Value: 'lots' is not a number",
        "okrs.csv:3: Title: is empty: every row needs one",
    ]


def test_a_file_that_is_not_a_workbook_is_refused_as_a_whole() -> None:
    with pytest.raises(DocumentError) as refused:
        read_table(b"not a zip", "okrs.xlsx", COLUMNS)
    assert str(refused.value).startswith("okrs.xlsx: document: ")


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("Q1 2027", dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("H2 2027", dt.date(2027, 7, 1), dt.date(2027, 12, 31)),
        ("FY2027", dt.date(2027, 1, 1), dt.date(2027, 12, 31)),
    ],
)
def test_a_period_named_like_a_quarter_half_or_year_gives_its_dates(
    name: str, start: dt.date, end: dt.date
) -> None:
    assert period_dates(name) == (start, end)


def test_a_period_with_another_name_gives_no_dates() -> None:
    assert period_dates("Autumn push") is None


@given(st.integers(1900, 2999), st.integers(1, 4))
def test_every_quarter_ends_the_day_before_the_next_starts(year: int, quarter: int) -> None:
    dates = period_dates(f"Q{quarter} {year}")
    assert dates is not None
    following = period_dates(f"Q{quarter % 4 + 1} {year + (quarter == 4)}")
    assert following is not None
    assert dates[1] + dt.timedelta(days=1) == following[0]
    assert dates[0] < dates[1]


def kr_titles(document: dict[str, Any]) -> int:
    return sum(len(item["key_results"]) for item in document["objectives"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "file"),
    [("viva-goals", "viva-goals.csv"), ("perdoo", "perdoo.csv"), ("tability", "tability.csv")],
)
def test_a_tools_company_is_the_workspaces_own_root_through_the_pipeline(
    source: str, file: str
) -> None:
    workspace, admin = empty_workspace()
    root = company_team(workspace)

    prepared = prepare(workspace, sample(file), file, source=source)
    created = [step for step in prepared.plan.steps if step.kind == "team"]
    import_document(prepared.plan, workspace=workspace, actor=admin)
    again = prepare(workspace, sample(file), file, source=source)

    assert all(step.action == "create" for step in created)
    root.refresh_from_db()
    assert root.name == "Larkspur Labs"
    assert Team.objects.filter(workspace=workspace, parent__isnull=True).count() == 1
    assert again.plan.summary() == "nothing to change"
