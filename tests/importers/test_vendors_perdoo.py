"""Importing a Perdoo export (docs/importers.md, "Perdoo")."""

from __future__ import annotations

import pytest

from goalkeeper.importers.vendors.perdoo import IMPORTER
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from tests.importers.test_vendors_common import (
    as_xlsx,
    empty_workspace,
    import_twice,
    kr_titles,
    plan_of,
    refusal,
    sample,
    with_cell,
    without_column,
)

FILE = "perdoo.csv"
DATA = sample(FILE)


def test_the_export_converts_with_its_kpis_and_says_what_it_leaves_out() -> None:
    converted = IMPORTER.convert(DATA, FILE, None)

    document = converted.document
    assert document["teams"][0] == {"key": "larkspur-labs", "name": "Larkspur Labs"}
    assert len(document["objectives"]) == 6
    assert kr_titles(document) == 15
    assert [(k["key"], k["team"], k["direction"]) for k in document["kpis"]] == [
        ("monthly-recurring-revenue", "larkspur-labs", "higher_is_better"),
        ("support-first-response-time", "product", "lower_is_better"),
        ("open-engineering-roles", "people", "lower_is_better"),
    ]
    assert converted.warnings[1:] == [
        "Perdoo initiatives are work, not key results: 3 initiatives skipped.",
        "Perdoo KPI values are not carried (3 current values): the KPIs arrive without "
        "measurements; enter or connect their values on the KPI pages.",
        "1 key result accomplished in Perdoo: the last check-in of each carries a "
        "confidence of 10.",
    ]
    assert converted.warnings[0].startswith("No email for 1 person in the Perdoo export")


def test_an_excel_export_gives_the_same_document_as_the_csv() -> None:
    assert IMPORTER.convert(as_xlsx(DATA), "perdoo.xlsx", None) == IMPORTER.convert(
        DATA, FILE, None
    )


@pytest.mark.django_db
def test_the_company_is_the_workspace_root_and_the_plan_says_what_arrives() -> None:
    workspace, _ = empty_workspace()

    plan = plan_of(IMPORTER.convert(DATA, FILE, None), workspace, FILE)

    assert plan.summary() == (
        "create 3 teams, 6 people, 1 cycle, 3 KPIs, 6 objectives, 15 key results, "
        "15 check-ins, delete nothing"
    )


@pytest.mark.django_db
def test_importing_creates_kpis_objectives_and_alignment_and_a_second_import_changes_nothing() -> (
    None
):
    workspace, first, again = import_twice(IMPORTER, DATA, FILE)

    assert first.startswith("create 3 teams")
    assert again == "nothing to change"
    assert Kpi.objects.filter(workspace=workspace).count() == 3
    assert Objective.objects.filter(workspace=workspace).count() == 6
    assert KeyResult.objects.filter(workspace=workspace).count() == 15
    hire = Objective.objects.get(workspace=workspace, title="Hire and onboard well")
    assert hire.team.name == "People"
    assert hire.parent is not None
    assert hire.parent.title == "Be a place people want to stay"
    wizard = KeyResult.objects.get(workspace=workspace, title__startswith="Launch the onboarding")
    check_in = CheckIn.objects.get(key_result=wizard)
    assert (check_in.done, check_in.confidence) == (True, 10)


@pytest.mark.django_db
def test_a_file_without_the_type_column_is_refused_and_nothing_is_written() -> None:
    workspace, _ = empty_workspace()

    assert refusal(IMPORTER, without_column(DATA, "Type"), FILE) == [
        "perdoo.csv:1: Type: is a required column: the file has none"
    ]
    assert not Objective.objects.filter(workspace=workspace).exists()


def test_a_bad_number_and_a_result_of_no_objective_are_named_by_line_and_column() -> None:
    broken = with_cell(with_cell(DATA, 4, "Current Value", "n/a"), 10, "Parent ID", "P99")

    assert refusal(IMPORTER, broken, FILE) == [
        "perdoo.csv:4: Current Value: 'n/a' is not a number",
        "perdoo.csv:10: Parent ID: 'P99' is not an objective of the file",
    ]


def test_a_lead_named_without_an_email_is_found_by_the_email_another_row_gives() -> None:
    document = IMPORTER.convert(with_cell(DATA, 3, "Lead Email", ""), FILE, None).document

    revenue = document["objectives"][0]["key_results"][0]
    assert revenue["owner"] == "helena@larkspur.example"
