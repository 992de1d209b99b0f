"""Importing a Microsoft Viva Goals export (docs/importers.md, "Viva Goals")."""

from __future__ import annotations

import pytest

from goalkeeper.accounts.models import Person
from goalkeeper.importers.vendors.viva_goals import IMPORTER
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

FILE = "viva-goals.csv"
DATA = sample(FILE)


def test_the_export_converts_to_a_document_the_format_accepts() -> None:
    converted = IMPORTER.convert(DATA, FILE, None)

    document = converted.document
    assert [team["key"] for team in document["teams"]] == ["company", "sales", "product", "people"]
    assert len(document["objectives"]) == 6
    assert kr_titles(document) == 15
    assert [cycle["name"] for cycle in document["cycles"]] == ["Q4 2026"]
    assert converted.warnings == [
        "No email for 1 person in the Viva Goals export, so they are not added and what they "
        "own is imported without an owner: Priya Natarajan (2 items). Add them with their "
        "email and assign their items.",
        "Viva Goals projects are work, not key results: 4 projects skipped.",
    ]


def test_each_item_of_the_document_names_the_line_it_came_from() -> None:
    lines = IMPORTER.convert(DATA, FILE, None).lines

    assert lines[("objectives", 2)] == 9
    assert lines[("objectives", 2, "key_results", 0)] == 10
    assert lines[("teams", 1)] == 9
    assert lines[("cycles", 0)] == 2


def test_an_excel_export_gives_the_same_document_as_the_csv() -> None:
    from_csv = IMPORTER.convert(DATA, FILE, None)
    from_xlsx = IMPORTER.convert(as_xlsx(DATA), "viva-goals.xlsx", None)

    assert from_xlsx == from_csv


@pytest.mark.django_db
def test_the_plan_says_what_an_empty_workspace_gets() -> None:
    workspace, _ = empty_workspace()

    plan = plan_of(IMPORTER.convert(DATA, FILE, None), workspace, FILE)

    assert plan.summary() == (
        "create 4 teams, 6 people, 1 cycle, 6 objectives, 15 key results, 15 check-ins, "
        "delete nothing"
    )


@pytest.mark.django_db
def test_importing_creates_the_hierarchy_and_owners_and_a_second_import_changes_nothing() -> None:
    workspace, first, again = import_twice(IMPORTER, DATA, FILE)

    assert first.startswith("create 4 teams")
    assert again == "nothing to change"
    objectives = Objective.objects.filter(workspace=workspace)
    assert objectives.count() == 6
    assert KeyResult.objects.filter(workspace=workspace).count() == 15
    sales = objectives.get(title="Win more mid-size customers")
    assert sales.team.name == "Sales"
    assert sales.owner is not None
    assert sales.owner.user.email == "jonas@larkspur.example"
    assert sales.parent is not None
    assert sales.parent.title == "Grow into a profitable business"
    keep = objectives.get(title="Keep the customers we have")
    assert keep.parent_key_result is not None
    assert keep.parent_key_result.title == "Reach 1.2M annual recurring revenue"
    reviews = KeyResult.objects.get(objective=keep, title__startswith="Hold a business review")
    assert reviews.owner is None
    wizard = KeyResult.objects.get(title="Launch the onboarding wizard to all new accounts")
    assert wizard.kind == "milestone"
    assert CheckIn.objects.get(key_result=wizard).done
    burn = KeyResult.objects.get(title="Bring monthly burn below 80k")
    assert (burn.kind, burn.start, burn.target, burn.current) == ("decrease", 120000, 80000, 104000)
    assert CheckIn.objects.get(key_result=burn).confidence == 5
    people = Person.objects.filter(workspace=workspace)
    assert people.filter(is_active=False).count() == 6


@pytest.mark.django_db
def test_a_file_without_a_required_column_is_refused_naming_it() -> None:
    workspace, _ = empty_workspace()

    problems = refusal(IMPORTER, without_column(DATA, "Time Period"), FILE)

    assert problems == ["viva-goals.csv:1: Time Period: is a required column: the file has none"]
    assert not Objective.objects.filter(workspace=workspace).exists()


def test_a_bad_number_and_an_unknown_type_are_refused_naming_file_line_and_column() -> None:
    broken = with_cell(with_cell(DATA, 3, "Target Value", "1.2 million"), 5, "Type", "Goal")

    problems = refusal(IMPORTER, broken, FILE)

    assert len(problems) == 2
    assert problems[0].startswith("viva-goals.csv:5: Type: 'Goal' is not one of ")
    assert problems[1] == "viva-goals.csv:3: Target Value: '1.2 million' is not a number"


def test_a_target_equal_to_its_start_is_refused_at_its_cell() -> None:
    problems = refusal(IMPORTER, with_cell(DATA, 3, "Target Value", "900000"), FILE)

    assert problems == ["viva-goals.csv:3: Target Value: equals the start value"]


def test_a_key_result_below_a_key_result_contributes_to_it_and_a_level_is_kept() -> None:
    extra = (
        b"VG-305,Key Result,Sign 4 accounts in the north,VG-301,Rosa Delgado,,Sales,Q4 2026,"
        b",,On track,Increase to,0,4,1,accounts,2026-11-20,,\n"
        b"VG-306,Key Result,Keep the win rate above 25%,VG-300,Rosa Delgado,,Sales,Q4 2026,"
        b",,On track,Keep above,,25,27,%,2026-11-20,,\n"
    )

    document = IMPORTER.convert(DATA + extra, FILE, None).document

    sales = next(o for o in document["objectives"] if o["key"] == "win-more-mid-size-customers")
    north, level = sales["key_results"][-2:]
    assert north["contributes_to"] == "win-more-mid-size-customers/close-12-new-mid-size-accounts"
    assert (level["kind"], level["low"], level["check_ins"][0]["value"]) == ("maintain", 25, 27)
