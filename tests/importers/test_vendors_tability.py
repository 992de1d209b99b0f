"""Importing a Tability export (docs/importers.md, "Tability")."""

from __future__ import annotations

import datetime as dt

import pytest

from goalkeeper.importers.vendors.tability import IMPORTER, cycle_name, team_name
from goalkeeper.okrs.models import Cycle, KeyResult, Objective
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

FILE = "tability.csv"
DATA = sample(FILE)


@pytest.mark.parametrize(
    ("plan", "team"),
    [
        ("Sales OKRs Q4 2026", "Sales"),
        ("Product plan 2027", "Product"),
        ("Marketing - H1 2027", "Marketing"),
        ("Platform", "Platform"),
        ("Q1 2027", "Q1 2027"),
    ],
)
def test_a_plan_names_its_team_without_its_period(plan: str, team: str) -> None:
    assert team_name(plan) == team


def test_a_plan_names_its_cycle_by_its_period_when_the_dates_match() -> None:
    quarter = (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert cycle_name("Sales OKRs Q4 2026", *quarter) == "Q4 2026"
    assert cycle_name("Sales OKRs Q1 2027", *quarter) == "2026-10-01 to 2026-12-31"


def test_the_export_converts_plans_into_teams_and_says_what_it_leaves_out() -> None:
    converted = IMPORTER.convert(DATA, FILE, None)

    document = converted.document
    assert [(t["key"], t.get("parent")) for t in document["teams"]] == [
        ("company", None),
        ("sales", "company"),
        ("product", "company"),
        ("people", "company"),
    ]
    assert len(document["objectives"]) == 6
    assert kr_titles(document) == 15
    assert (
        converted.warnings[1]
        == "Tability initiatives are work, not outcomes: 2 initiatives skipped."
    )


def test_an_excel_export_gives_the_same_document_as_the_csv() -> None:
    assert IMPORTER.convert(as_xlsx(DATA), "tability.xlsx", None) == IMPORTER.convert(
        DATA, FILE, None
    )


@pytest.mark.django_db
def test_the_plan_says_what_an_empty_workspace_gets() -> None:
    workspace, _ = empty_workspace()

    plan = plan_of(IMPORTER.convert(DATA, FILE, None), workspace, FILE)

    assert plan.summary() == (
        "create 4 teams, 6 people, 1 cycle, 6 objectives, 15 key results, 15 check-ins, "
        "delete nothing"
    )


@pytest.mark.django_db
def test_importing_aligns_outcomes_and_a_second_import_changes_nothing() -> None:
    workspace, first, again = import_twice(IMPORTER, DATA, FILE)

    assert first.startswith("create 4 teams")
    assert again == "nothing to change"
    assert Cycle.objects.get(workspace=workspace).name == "Q4 2026"
    accounts = KeyResult.objects.get(workspace=workspace, title="Close 12 new mid-size accounts")
    assert accounts.contributes_to is not None
    assert accounts.contributes_to.title == "Reach 1.2M annual recurring revenue"
    sales = Objective.objects.get(workspace=workspace, title="Win more mid-size customers")
    assert sales.team.name == "Sales"
    assert sales.team.parent is not None
    assert sales.parent_key_result == accounts.contributes_to
    wizard = KeyResult.objects.get(workspace=workspace, title__startswith="Launch the onboarding")
    assert wizard.kind == "milestone"


def test_a_file_without_outcomes_is_refused_naming_the_column() -> None:
    assert refusal(IMPORTER, without_column(DATA, "Outcome"), FILE) == [
        "tability.csv:1: Outcome: is a required column: the file has none"
    ]


def test_a_bad_number_and_an_unknown_confidence_are_named_by_line_and_column() -> None:
    broken = with_cell(with_cell(DATA, 2, "Target", "twelve"), 3, "Confidence", "Fine")

    problems = refusal(IMPORTER, broken, FILE)

    assert problems == [
        "tability.csv:2: Target: 'twelve' is not a number",
        "tability.csv:3: Confidence: 'Fine' is not one of On track, At risk, Off track, Pending",
    ]
