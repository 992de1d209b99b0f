"""The exporters: every row's figures are the pages' figures, the board's filters give the
board's rows, and rows are read a page at a time."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goalkeeper.accounts.models import Person
from goalkeeper.exports import lists
from goalkeeper.exports.filters import FilterError, parse_query
from goalkeeper.exports.lists import Table, table_for
from goalkeeper.exports.models import ListKind
from goalkeeper.kpis.models import Measurement
from goalkeeper.okrs.pages.board import cycle_board, parse_board_filters
from tests.exports.conftest import Company


def table(person: Person, list_kind: ListKind, /, **params: object) -> Table:
    clock = person.workspace.clock()
    query = parse_query(list_kind, {k: str(v) for k, v in params.items()}, person, clock)
    return table_for(person.workspace, person, clock, query)


def rows_of(found: Table) -> list[dict[str, object]]:
    return [dict(zip(found.header, row, strict=True)) for row in found.rows]


def test_objective_rows_carry_the_objective_pages_figures(company: Company) -> None:
    world = company.world
    client = world.client_for(world.viewer)
    exported = rows_of(table(world.viewer, ListKind.OBJECTIVES, cycle=world.cycle.pk))
    checked = 0
    for objective in (company.growth, company.quality, company.formula):
        page = client.get(reverse("objective_detail", args=[objective.pk]))
        shown = page.context["detail"].row
        mine = [r for r in exported if r["Objective"] == objective.title]
        assert len(mine) == len(shown.key_results)
        for row, key_result in zip(mine, shown.key_results, strict=True):
            assert row["Objective progress"] == pytest.approx(shown.progress, abs=1e-6)
            assert row["Objective score"] == shown.score
            assert row["Objective pace"] == shown.status.value
            assert row["Key result"] == key_result.title
            assert row["Progress"] == pytest.approx(key_result.progress, abs=1e-6)
            assert row["Score"] == pytest.approx(key_result.score, abs=1e-6)
            assert row["Pace"] == key_result.status.value
            assert row["Confidence"] == key_result.confidence
            assert row["Last check-in"] == (
                key_result.last_check_in_at.astimezone(world.acme.zone)
                if key_result.last_check_in_at
                else None
            )
            checked += 1
    assert checked == 4


def test_a_roll_up_objective_counts_its_children_as_on_its_page(company: Company) -> None:
    world = company.world
    exported = rows_of(table(world.viewer, ListKind.OBJECTIVES, cycle=world.cycle.pk))
    page = world.client_for(world.viewer).get(reverse("objective_detail", args=[company.growth.pk]))
    growth = next(r for r in exported if r["Objective"] == "Grow revenue")
    assert growth["Objective progress"] == pytest.approx(page.context["detail"].row.progress)


def test_an_objective_without_key_results_is_one_row_with_blank_key_result_columns(
    company: Company,
) -> None:
    world = company.world
    exported = rows_of(table(world.viewer, ListKind.OBJECTIVES, cycle=world.cycle.pk))
    empty = [r for r in exported if r["Objective"] == "Nothing measured yet"]
    assert len(empty) == 1
    assert empty[0]["Key result"] is None
    assert empty[0]["Objective progress"] is None


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"team": "sales"},
        {"kind": "aspirational"},
        {"owner": "editor"},
        {"status": "not_started"},
        {"q": "supp"},
    ],
)
def test_a_filtered_export_holds_exactly_the_boards_objectives(
    company: Company, filters: dict[str, str]
) -> None:
    world = company.world
    values = dict(filters)
    if "team" in values:
        values["team"] = str(company.world.sales.pk)
    if "owner" in values:
        values["owner"] = str(world.editor.pk)
    board = cycle_board(
        world.acme, world.cycle, world.acme.clock().now, parse_board_filters(values), world.viewer
    )
    on_board = {o.id for team in board.teams for o in team.objectives}
    assert len(on_board) == board.matching
    found = table(world.viewer, ListKind.OBJECTIVES, cycle=world.cycle.pk, **values)
    titles = {row["Objective"] for row in rows_of(found)}
    expected = {o.title for team in board.teams for o in team.objectives}
    assert titles == expected
    assert found.count() == sum(
        max(len(o.key_results), 1) for team in board.teams for o in team.objectives
    )


def test_objectives_come_in_board_order_company_first(company: Company) -> None:
    world = company.world
    teams = [
        r["Team"] for r in rows_of(table(world.viewer, ListKind.OBJECTIVES, cycle=world.cycle.pk))
    ]
    assert teams[0] == world.company.name
    assert teams.index("Sales") < teams.index("Support")


def test_check_ins_of_a_cycle_in_time_order_in_the_workspace_zone(company: Company) -> None:
    world = company.world
    world.acme.timezone = "Europe/Paris"
    world.acme.save()
    found = rows_of(table(world.viewer, ListKind.CHECK_INS, cycle=world.cycle.pk))
    assert [r["Key result"] for r in found] == [
        "Revenue to 2M",
        "Churn down to 2%",
        "Revenue to 2M",
        "Launch the help centre",
    ]
    first = found[0]
    assert first["Value"] == 1_300_000
    assert first["Author"] == world.editor.name
    assert first["Time"] == dt.datetime(2026, 11, 2, 10, 0, tzinfo=world.acme.zone)
    assert found[3]["Done"] is True


def test_check_ins_narrowed_by_dates_team_objective_and_key_result(company: Company) -> None:
    world = company.world
    between = table(
        world.viewer,
        ListKind.CHECK_INS,
        cycle=world.cycle.pk,
        **{"from": "2026-11-10", "to": "2026-11-16"},
    )
    assert [r["Value"] for r in rows_of(between)] == [4, 1_450_000]
    assert between.count() == 2
    support = table(world.viewer, ListKind.CHECK_INS, cycle=world.cycle.pk, team=company.support.pk)
    assert [r["Key result"] for r in rows_of(support)] == ["Launch the help centre"]
    assert support.count() == 1
    objective = table(world.viewer, ListKind.CHECK_INS, objective=company.growth.pk)
    assert len(rows_of(objective)) == 3
    key_result = table(world.viewer, ListKind.CHECK_INS, key_result=company.churn.pk)
    assert [r["Value"] for r in rows_of(key_result)] == [4]


def test_kpi_rows_carry_the_kpi_pages_figures(company: Company) -> None:
    world = company.world
    client = world.client_for(world.viewer)
    exported = {r["KPI"]: r for r in rows_of(table(world.viewer, ListKind.KPIS))}
    for kpi in (company.signups, company.latency):
        status = client.get(reverse("kpi_detail", args=[kpi.pk])).context["page"].status
        row = exported[kpi.name]
        assert row["Latest value"] == pytest.approx(status.value)
        assert row["Period"] == status.period_label
        assert row["Health"] == status.health.value
        assert row["Trend"] == status.trend.value
        assert row["Provisional"] == status.provisional


def test_kpis_narrowed_as_the_kpi_board(company: Company) -> None:
    world = company.world
    support = rows_of(table(world.viewer, ListKind.KPIS, team=company.support.pk))
    assert [r["KPI"] for r in support] == ["Latency"]
    mine = rows_of(table(world.editor, ListKind.KPIS, owner="mine"))
    assert [r["KPI"] for r in mine] == ["Signups"]
    weekly = table(world.viewer, ListKind.KPIS, frequency="weekly")
    assert weekly.count() == 1


def test_measurements_of_one_kpi_in_a_date_range(company: Company) -> None:
    world = company.world
    found = table(
        world.viewer,
        ListKind.MEASUREMENTS,
        kpi=company.latency.pk,
        **{"from": "2026-11-03", "to": "2026-11-04"},
    )
    rows = rows_of(found)
    assert found.count() == len(rows) == 4
    assert [r["Value"] for r in rows] == [189.0, 201.0, 190.0, 202.0]
    assert rows[0]["Timestamp"] == dt.datetime(2026, 11, 3, 6, 0, tzinfo=dt.UTC)


def test_measurements_of_the_boards_kpis(company: Company) -> None:
    world = company.world
    found = table(world.viewer, ListKind.MEASUREMENTS, sort="name")
    rows = rows_of(found)
    assert (
        found.count() == len(rows) == Measurement.objects.filter(kpi__workspace=world.acme).count()
    )
    assert rows[0]["KPI"] == "Latency"


def test_rows_are_read_a_page_at_a_time(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    world = company.world
    monkeypatch.setattr(lists, "PAGE_ROWS", 5)
    found = table(world.viewer, ListKind.MEASUREMENTS, kpi=company.latency.pk)
    with CaptureQueriesContext(connection) as nothing_yet:
        rows = iter(found.rows)
    assert len(nothing_yet) == 0
    with CaptureQueriesContext(connection) as first:
        next(rows)
    with CaptureQueriesContext(connection) as rest:
        remaining = sum(1 for _ in rows)
    assert remaining == 37
    assert len(first) == 2  # the KPI, then one page
    assert len(rest) == math.ceil(38 / 5) - 1
    for query in rest.captured_queries:
        assert "LIMIT 5" in query["sql"]


def test_objectives_are_read_a_chunk_at_a_time(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = company.world
    monkeypatch.setattr(lists, "CHUNK", 1)
    found = table(world.viewer, ListKind.OBJECTIVES, cycle=world.cycle.pk, kind="committed")
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(found)
    assert len({r["Objective"] for r in rows}) == 3
    assert len(rows) == 4
    # Where objectives stand (at most three queries), the teams (for the filters, then for
    # the order), then for each chunk of one objective: its roll-up's neighbourhood (when it
    # rolls up), objectives, key results.
    assert 5 + 2 * 3 <= len(queries) <= 5 + 2 * 3 + 1


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        (ListKind.OBJECTIVES, {}, "cycle"),
        (ListKind.OBJECTIVES, {"cycle": "x"}, "cycle"),
        (ListKind.OBJECTIVES, {"cycle": "{cycle}", "status": "green"}, "status"),
        (ListKind.OBJECTIVES, {"cycle": "{cycle}", "team": "sales"}, "team"),
        (ListKind.CHECK_INS, {"cycle": "{cycle}", "from": "2026-13-01"}, "from"),
        (ListKind.CHECK_INS, {"cycle": "{cycle}", "from": "2026-11-10", "to": "2026-11-01"}, "to"),
        (ListKind.KPIS, {"health": "purple"}, "health"),
        (ListKind.KPIS, {"owner": "someone"}, "owner"),
        (ListKind.MEASUREMENTS, {"kpi": "-1"}, "kpi"),
    ],
)
def test_a_bad_filter_is_refused_naming_its_field(
    company: Company, kind: ListKind, params: dict[str, str], field: str
) -> None:
    world = company.world
    values = {k: v.format(cycle=world.cycle.pk) for k, v in params.items()}
    with pytest.raises(FilterError) as refused:
        parse_query(kind, values, world.viewer, world.acme.clock())
    assert refused.value.field == field
    assert field in str(refused.value)
