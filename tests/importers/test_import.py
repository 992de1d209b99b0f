"""Importing a spreadsheet: the plan, a second import, refusals, prune and the command
(docs/importers.md)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from goalkeeper.accounts.models import Person, Team
from goalkeeper.audit.models import AuditEntry
from goalkeeper.importers.pipeline import detect, prepare
from goalkeeper.okrs.models import CheckIn, Cycle, KeyResult, Objective
from goalkeeper.okrs.services.objectives import create_objective
from goalkeeper.portability.document import DocumentError
from goalkeeper.portability.services import import_document
from tests.conftest import World
from tests.importers.conftest import HEADERS, ROWS, csv_bytes, xlsx_bytes

NOW = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def _import(world: World, data: bytes, name: str = "okrs.csv", **options: object) -> str:
    prepared = prepare(world.acme, data, name, **options)  # type: ignore[arg-type]
    import_document(prepared.plan, workspace=world.acme, actor=world.admin)
    return prepared.plan.summary()


@time_machine.travel(NOW, tick=False)
def test_a_spreadsheet_creates_what_it_names_and_a_second_import_changes_nothing(
    world: World,
) -> None:
    summary = _import(world, csv_bytes())

    assert summary == (
        "create 1 team, 1 person, 1 cycle, 2 objectives, 3 key results, 2 check-ins, delete nothing"
    )
    grow = Objective.objects.get(workspace=world.acme, title="Grow revenue")
    assert (grow.team, grow.cycle, grow.owner) == (world.sales, world.cycle, world.editor)
    support = Team.objects.get(workspace=world.acme, name="Support")
    assert support.parent == world.company
    assert Cycle.objects.get(workspace=world.acme, name="2027-Q1").start_date == dt.date(2027, 1, 1)
    delight = Objective.objects.get(workspace=world.acme, title="Delight customers")
    assert delight.owner == world.owner  # named by name, found in the workspace
    newcomer = Person.objects.get(workspace=world.acme, user__email="new.person@acme.test")
    assert not newcomer.is_active
    mrr = KeyResult.objects.get(objective=grow, title="Reach 120k MRR")
    assert (mrr.start, mrr.target, mrr.unit) == (80000, 120000, "EUR")
    assert CheckIn.objects.get(key_result=mrr).value == 90000
    assert AuditEntry.objects.filter(action="objective.created", actor=world.admin).count() == 2

    # The same file, as CSV again or as XLSX, later: nothing to change.
    assert _import(world, csv_bytes()) == "nothing to change"
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        assert _import(world, xlsx_bytes(), "okrs.xlsx") == "nothing to change"


@time_machine.travel(NOW, tick=False)
def test_a_changed_row_updates_only_what_it_says_and_keeps_the_rest(world: World) -> None:
    _import(world, csv_bytes())
    grow = Objective.objects.get(workspace=world.acme, title="Grow revenue")
    grow.description = "Written on the page"
    grow.save(update_fields=["description"])
    rows = [list(row) for row in ROWS]
    rows[0][8] = "130000"
    rows[0][9] = "95000"
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        prepared = prepare(world.acme, csv_bytes(rows), "okrs.csv")
    assert [str(step) for step in prepared.plan.steps] == [
        "update key result grow-revenue/reach-120k-mrr: target",
        "create check-in grow-revenue/reach-120k-mrr@2026-11-03T09:30:00Z",
    ]


@time_machine.travel(NOW, tick=False)
def test_an_objective_of_the_same_title_in_another_cycle_is_another_objective(
    world: World,
) -> None:
    create_objective(
        actor=world.admin,
        workspace=world.acme,
        cycle=Cycle.objects.create(
            workspace=world.acme, name="2026-Q3", start_date=dt.date(2026, 7, 1),
            end_date=dt.date(2026, 9, 30),
        ),
        team=world.sales,
        title="Grow revenue",
    )  # fmt: skip
    prepared = prepare(world.acme, csv_bytes(ROWS[:1]), "okrs.csv")
    assert "create objective grow-revenue-2" in [str(step) for step in prepared.plan.steps]


def test_a_wrong_value_is_refused_naming_file_row_and_field_and_nothing_is_written(
    world: World,
) -> None:
    rows = [list(row) for row in ROWS]
    rows[2][8] = "abc"
    before = (Objective.objects.count(), Team.objects.count(), Person.objects.count())
    for data, name in ((csv_bytes(rows), "okrs.csv"), (xlsx_bytes(rows), "okrs.xlsx")):
        with pytest.raises(DocumentError) as refused:
            _import(world, data, name)
        assert str(refused.value) == f"{name}:4: Target: 'abc' is not a number"
    assert (Objective.objects.count(), Team.objects.count(), Person.objects.count()) == before


def test_an_owner_no_one_is_named_is_refused_at_the_row(world: World) -> None:
    rows = [list(ROWS[0])]
    rows[0][3] = "Nobody Known"
    with pytest.raises(DocumentError) as refused:
        prepare(world.acme, csv_bytes(rows), "okrs.csv")
    assert str(refused.value) == (
        "okrs.csv:2: objectives[0].owner: no one in the workspace is named 'Nobody Known': "
        "give their email instead"
    )


def test_an_unknown_cycle_without_dates_is_refused_at_the_row(world: World) -> None:
    rows = [list(ROWS[0])]
    rows[0][2] = "Spring push"
    with pytest.raises(DocumentError, match=r"okrs\.csv:2: objectives\[0\]\.cycle: no cycle"):
        prepare(world.acme, csv_bytes(rows), "okrs.csv")


@time_machine.travel(NOW, tick=False)
def test_without_a_cycle_column_the_active_cycle_is_taken(world: World) -> None:
    data = csv_bytes(
        [("Grow revenue", "Reach 120k", "80000", "120000")], ("Objective", "KR", "Start", "Target")
    )
    _import(world, data)
    assert Objective.objects.get(title="Grow revenue").cycle == world.cycle


@time_machine.travel(NOW, tick=False)
def test_prune_deletes_only_what_the_files_cycles_no_longer_have(world: World) -> None:
    _import(world, csv_bytes())
    kept_elsewhere = Objective.objects.get(title="Delight customers")
    summary = _import(world, csv_bytes([ROWS[0], ROWS[2]]), prune=True)
    assert summary == "delete 1 key result"
    win = ("Win deals", "Sales", "2026-Q4", "", "Close 5 deals", "", "", "0", "5", "")
    summary = _import(world, csv_bytes([win, ROWS[2]]), prune=True)
    assert summary == "create 1 objective, 1 key result, delete 1 objective"
    assert Objective.objects.filter(pk=kept_elsewhere.pk).exists()
    assert not Objective.objects.filter(title="Grow revenue").exists()


def test_a_file_is_read_as_its_name_says() -> None:
    assert detect(b"version: 1\n", "okrs.yaml") == "goalkeeper"
    assert detect(b"{}", "okrs.json") == "goalkeeper"
    assert detect(xlsx_bytes(), "export") == "xlsx"
    assert detect(b"Objective,KR\n", "okrs.csv") == "csv"


@time_machine.travel(NOW, tick=False)
def test_the_command_maps_columns_prints_warnings_and_the_plan(
    world: World, tmp_path: Path
) -> None:
    headers = ["Aim", *HEADERS[1:], "Notes"]
    path = tmp_path / "okrs.txt"
    path.write_bytes(csv_bytes([(*row, "x") for row in ROWS[:2]], headers))
    out, err = StringIO(), StringIO()
    args = ["import", str(path), "--from", "csv", "--workspace", world.acme.slug]
    with pytest.raises(CommandError, match="objective: no column holds"):
        call_command(*args, "--dry-run", stdout=out)
    call_command(*args, "--map", "Aim=objective", "--dry-run", stdout=out, stderr=err)
    assert out.getvalue() == (
        "Plan: create 1 person, 1 objective, 2 key results, 1 check-in, delete nothing.\n"
    )
    assert not Objective.objects.filter(title="Grow revenue").exists()
    call_command(*args, "--map", "Aim=objective", stdout=StringIO())
    assert Objective.objects.filter(title="Grow revenue").exists()
    with pytest.raises(CommandError, match=r"--map: 'Aim' is not COLUMN=field"):
        call_command(*args, "--map", "Aim", stdout=StringIO())


def test_the_command_refuses_a_wrong_value_naming_the_row(world: World, tmp_path: Path) -> None:
    rows = [list(ROWS[0])]
    rows[0][7] = "lots"
    path = tmp_path / "okrs.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    with pytest.raises(CommandError) as refused:
        call_command("import", str(path), "--workspace", world.acme.slug, stdout=StringIO())
    assert str(refused.value) == (
        f"nothing was imported:\n{path}:2: Start value: 'lots' is not a number"
    )
    assert not Objective.objects.filter(title="Grow revenue").exists()
