"""The bridges' reads: what the KPI page shows of the OKRs, bounded; recovery states."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goalkeeper import pickers
from goalkeeper.bridges import queries
from goalkeeper.bridges.services import create_recovery_objective
from goalkeeper.okrs import kpi_links
from goalkeeper.okrs.models import CycleState, ObjectiveState
from goalkeeper.okrs.pickers import search_key_results
from goalkeeper.okrs.services import create_cycle
from tests.conftest import World
from tests.kpis.conftest import MakeKpi, monthly
from tests.web import factories


def test_a_board_knows_which_kpis_have_an_open_recovery(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    red = make_kpi("Red", monthly([1]))
    calm = make_kpi("Calm", monthly([200]))
    create_recovery_objective(actor=world.editor, kpi=red)

    assert queries.recovering_kpi_ids([red.pk, calm.pk]) == {red.pk}


def test_the_page_lists_driven_key_results_open_recoveries_and_candidates(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([1]))
    recovery = create_recovery_objective(actor=world.editor, kpi=kpi)
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    free = factories.key_result(objective, "Free")
    factories.key_result(objective, "Milestone", kind="milestone")
    closed = factories.objective(
        world.cycle, world.sales, "Old", owner=world.editor, state=ObjectiveState.CLOSED
    )
    factories.key_result(closed, "Finished")

    page = queries.kpi_bridges(kpi, world.editor)
    read_only = queries.kpi_bridges(kpi, world.viewer)

    assert [row.title for row in page.linked] == ["Revenue reaches 100"]
    assert page.linked[0].mode_label == "Latest value"
    assert [row.objective_id for row in page.recoveries] == [recovery.pk]
    assert page.link_form is not None
    linkable = search_key_results(world.editor, "", linkable=True, team=kpi.team_id)
    assert [option.id for option in linkable] == [free.pk]
    assert read_only.link_form is None

    recovery.state = ObjectiveState.CLOSED
    recovery.save()
    assert queries.kpi_bridges(kpi, world.editor).recoveries == ()


def test_key_results_to_link_are_bounded_and_the_kpis_team_comes_first(
    world: World, now: dt.datetime, make_kpi: MakeKpi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pickers, "LIMIT", 3)
    kpi = make_kpi("Revenue", team=world.sales)
    other = factories.objective(world.cycle, world.company, "Company goal", owner=world.editor)
    for n in range(4):
        factories.key_result(other, f"Company {n}")
    mine = factories.objective(world.cycle, world.sales, "Sales goal", owner=world.editor)
    own = factories.key_result(mine, "Sales calls")

    choices = search_key_results(world.viewer, "", linkable=True, team=kpi.team_id)

    assert len(choices) == 3
    assert choices[0].id == own.pk


def test_a_search_narrows_the_key_results_to_link(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    objective = factories.objective(world.cycle, world.sales, "Grow revenue", owner=world.editor)
    calls = factories.key_result(objective, "Sales calls")
    factories.key_result(objective, "Demos")

    def found(q: str) -> list[int]:
        return [o.id for o in search_key_results(world.editor, q, linkable=True)]

    assert found("CALLS") == [calls.pk]
    assert len(found("revenue")) == 2
    assert found("nothing like it") == []


def test_only_active_cycles_offer_key_results_to_link(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    planning = create_cycle(
        actor=None,
        workspace=world.acme,
        name="2027-Q1",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 3, 31),
        state=CycleState.PLANNING,
    )
    later = factories.objective(planning, world.sales, "Later", owner=world.editor)
    factories.key_result(later, "Planned")
    now_objective = factories.objective(world.cycle, world.sales, "Now", owner=world.editor)
    current = factories.key_result(now_objective, "Current")

    assert [o.id for o in search_key_results(world.editor, "", linkable=True)] == [current.pk]


def test_the_kpi_pages_bridges_run_a_fixed_number_of_queries(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([1]))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            queries.kpi_bridges(kpi, world.editor)
        return len(captured.captured_queries)

    few = count()
    create_recovery_objective(actor=world.editor, kpi=kpi)
    objective = factories.objective(world.cycle, world.sales, "Grow", owner=world.editor)
    for n in range(20):
        factories.key_result(objective, f"Key result {n}")

    assert count() == few == 2


def test_a_recovery_draft_of_a_closed_cycle_is_stale_and_listed_after_the_open_ones(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([1]))
    draft = create_recovery_objective(actor=world.editor, kpi=kpi)
    world.cycle.state = CycleState.CLOSED
    world.cycle.save()

    rows = queries.kpi_recoveries(kpi)

    assert [(row.objective_id, row.stale) for row in rows] == [(draft.pk, True)]
    assert queries.open_recovery(kpi) is None
    assert queries.recovering_kpi_ids([kpi.pk]) == frozenset()
    assert queries.kpi_bridges(kpi, world.editor).open_recoveries == ()


def test_the_key_result_form_takes_the_workspaces_kpis_and_keeps_an_archived_link(
    world: World, make_kpi: MakeKpi
) -> None:
    revenue = make_kpi("Revenue")
    archived = make_kpi("Old")
    archived.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    archived.save()

    source = kpi_links.kpi_source(world.acme)
    keeping = kpi_links.kpi_source(world.acme, archived.pk)

    assert source.find(revenue.pk) == revenue
    assert source.find(archived.pk) is None
    assert keeping.find(archived.pk) == archived
    assert source.label(revenue) == "Revenue · Sales"
    assert kpi_links.kpi_source(world.globex).find(revenue.pk) is None
    assert queries.kpi_for_key_result(world.globex.pk, revenue.pk) is None
