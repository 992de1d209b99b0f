"""The paged KPI board: stored figures, search, filters, sort, pages, table view, size."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from goalkeeper.accounts.services import update_workspace
from goalkeeper.domain.kpis import Health
from goalkeeper.kpis.board import CARDS_PAGE_SIZE, BoardFilters, Sort, View, kpi_board
from goalkeeper.kpis.figures import change_now, health_now, kpi_health_now
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.queries import kpi_status
from goalkeeper.kpis.services import (
    reassign_owner,
    record_measurements,
    refresh_figures,
    update_kpi,
)
from tests.conftest import World
from tests.kpis.conftest import DAY, NOW, MakeKpi, monthly


def stored(kpi: Kpi, at: dt.datetime) -> tuple[str, float | None]:
    row = (
        Kpi.objects.filter(pk=kpi.pk)
        .annotate(h=health_now(at), c=change_now(at))
        .values_list("h", "c")
        .get()
    )
    return row[0], row[1]


def assert_parity(kpi: Kpi, at: dt.datetime) -> None:
    """The stored figures read at `at` say what the read model computes at `at`."""
    kpi = Kpi.objects.select_related("workspace").get(pk=kpi.pk)
    health, _ = stored(kpi, at)
    computed = kpi_health_now(kpi, kpi.workspace.clock(at))
    assert health == computed.value
    assert health == kpi_status(kpi, kpi.workspace, at).health.value


def test_stored_figures_equal_the_read_model_after_every_kind_of_write(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", target=100, warning=80)
    assert_parity(kpi, NOW)
    assert stored(kpi, NOW)[0] == Health.NO_DATA

    record_measurements(actor=world.editor, kpi=kpi, points=monthly([50, 90]))
    assert_parity(kpi, NOW)
    assert stored(kpi, NOW) == (Health.YELLOW, 0.8)

    update_kpi(actor=world.editor, kpi=kpi, target=85, warning=60)
    assert_parity(kpi, NOW)
    assert stored(kpi, NOW)[0] == Health.GREEN

    update_kpi(actor=world.editor, kpi=kpi, frequency="weekly")
    assert_parity(kpi, NOW)

    update_kpi(actor=world.editor, kpi=kpi, frequency="monthly", aggregation="sum")
    record_measurements(actor=world.editor, kpi=kpi, points=[(NOW - DAY, 10.0)])
    assert_parity(kpi, NOW)

    reassign_owner(actor=world.admin, person=world.editor, new_owner=world.admin)
    assert_parity(kpi, NOW)


def test_stored_figures_stay_true_across_a_period_end_and_into_staleness(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    # October red, November (so far) green: from 1 December November is judged.
    kpi = make_kpi("Revenue", [*monthly([10]), (NOW - DAY, 500.0)], target=100)
    later = [
        dt.datetime(2026, 12, 1, 0, 0, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 20, tzinfo=dt.UTC),
        dt.datetime(2027, 1, 20, tzinfo=dt.UTC),
    ]
    assert stored(kpi, NOW)[0] == Health.RED
    for at in later:
        assert_parity(kpi, at)
    assert stored(kpi, later[0])[0] == Health.GREEN
    assert stored(kpi, later[-1])[0] == Health.STALE


def test_the_refresh_moves_on_figures_whose_period_ended(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([90]), target=100, warning=80)
    assert refresh_figures(due_only=True) == 0
    december = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    with time_machine.travel(december, tick=False):
        assert refresh_figures(due_only=True) == 1
    kpi.refresh_from_db()
    assert kpi.figures_at == december
    assert_parity(kpi, december)


def many_kpis(world: World, count: int, prefix: str = "KPI") -> None:
    """`count` KPIs without values, written in bulk, their figures filled by the refresh."""
    Kpi.objects.bulk_create(
        Kpi(
            workspace=world.acme,
            team=world.sales,
            owner=world.editor,
            name=f"{prefix} {index:04d}",
            target=10.0,
        )
        for index in range(count)
    )
    refresh_figures(due_only=True)


def test_a_page_holds_at_most_the_page_size_and_the_counts_cover_every_kpi(
    world: World, now: dt.datetime
) -> None:
    many_kpis(world, CARDS_PAGE_SIZE + 12)

    first = kpi_board(world.acme, NOW, BoardFilters())
    second = kpi_board(world.acme, NOW, BoardFilters(page=2))
    beyond = kpi_board(world.acme, NOW, BoardFilters(page=99))

    assert len(first.rows) == CARDS_PAGE_SIZE
    assert len(second.rows) == 12
    assert beyond.page.number == 2
    assert first.total == CARDS_PAGE_SIZE + 12
    assert {c.health: c.count for c in first.counts}[Health.NO_DATA] == CARDS_PAGE_SIZE + 12
    assert first.page.next_query == "page=2"
    assert second.page.previous_query == ""
    assert {r.tile.id for r in first.rows}.isdisjoint({r.tile.id for r in second.rows})


def test_search_matches_kpi_and_team_names_word_by_word(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    make_kpi("Monthly revenue")
    make_kpi("Churn", team=world.company)
    make_kpi("Revenue per head", team=world.company)

    def names(q: str) -> list[str]:
        board = kpi_board(world.acme, NOW, BoardFilters(q=q, sort=Sort.NAME))
        return [row.tile.name for row in board.rows]

    assert names("revenue") == ["Monthly revenue", "Revenue per head"]
    assert names("REVENUE month") == ["Monthly revenue"]
    assert names(world.sales.name) == ["Monthly revenue"]
    assert names("nothing like it") == []


def test_sorts_by_health_name_team_and_biggest_change(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    make_kpi("b steady", monthly([100, 101]), target=50)
    make_kpi("a falling", monthly([100, 40]), target=50, team=world.company)
    make_kpi("c rising", monthly([100, 180]), target=50)

    def order(sort: Sort) -> list[str]:
        return [row.tile.name for row in kpi_board(world.acme, NOW, BoardFilters(sort=sort)).rows]

    assert order(Sort.HEALTH)[0] == "a falling"
    assert order(Sort.NAME) == ["a falling", "b steady", "c rising"]
    by_team = sorted(
        [
            (world.company.name, "a falling"),
            (world.sales.name, "b steady"),
            (world.sales.name, "c rising"),
        ]
    )
    assert order(Sort.TEAM) == [name for _, name in by_team]
    assert order(Sort.CHANGE) == ["c rising", "a falling", "b steady"]


def test_mine_and_archived_filters(world: World, now: dt.datetime, make_kpi: MakeKpi) -> None:
    make_kpi("Editor's")
    make_kpi("Admin's", owner=world.admin)
    old = make_kpi("Old")
    Kpi.objects.filter(pk=old.pk).update(archived_at=timezone.now())

    mine = kpi_board(world.acme, NOW, BoardFilters(owner="mine"), world.admin)
    archived = kpi_board(world.acme, NOW, BoardFilters(archived=True))
    board = kpi_board(world.acme, NOW, BoardFilters())

    assert [row.tile.name for row in mine.rows] == ["Admin's"]
    assert [row.tile.name for row in archived.rows] == ["Old"]
    assert "Old" not in [row.tile.name for row in board.rows]


def test_the_page_searches_without_js_and_says_what_to_do_when_nothing_matches(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    make_kpi("Revenue")
    client = world.client_for(world.viewer)

    found = client.get(reverse("kpis"), {"q": "reven", "view": "table"})
    nothing = client.get(reverse("kpis"), {"q": "<xyz>"})
    partial = client.get(
        reverse("kpis"), {"q": "reven"}, headers={"HX-Request": "true", "HX-Target": "kpi-results"}
    )

    assert found.status_code == 200
    assert b'data-testid="kpi-table"' in found.content
    assert b"Revenue" in found.content
    body = nothing.content.decode()
    assert "No KPI matches “&lt;xyz&gt;”" in body
    assert "Clear the search" in body
    assert "<xyz>" not in body
    assert partial.content.decode().startswith('<div id="kpi-results"')
    assert b"<html" not in partial.content


def board_html(world: World, view: View) -> int:
    client = world.client_for(world.viewer)
    query = {"view": view.value}
    client.get(reverse("kpis"), query)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("kpis"), query)
    assert response.status_code == 200
    return len(response.content), len(captured.captured_queries)


def test_the_board_stays_the_same_size_and_queries_for_ten_times_more_kpis(
    world: World, now: dt.datetime
) -> None:
    many_kpis(world, 120, "Small")
    small = {view: board_html(world, view) for view in View}
    many_kpis(world, 1080, "Large")
    large = {view: board_html(world, view) for view in View}

    for view in View:
        (small_size, small_queries), (large_size, large_queries) = small[view], large[view]
        assert large_queries == small_queries
        assert large_size <= small_size * 1.05


def test_a_new_time_zone_recomputes_the_stored_figures(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    # Days are cut in the workspace's zone: in Tokyo they end 9 hours earlier.
    kpi = make_kpi(
        "Orders",
        [
            (dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC), 500.0),
            (dt.datetime(2026, 11, 19, 20, tzinfo=dt.UTC), 50.0),
        ],
        frequency="daily",
        target=100,
    )
    before = Kpi.objects.get(pk=kpi.pk).health_turns_at

    update_workspace(actor=world.admin, workspace=world.acme, timezone="Asia/Tokyo")

    after = Kpi.objects.get(pk=kpi.pk)
    assert after.health_turns_at != before
    assert_parity(kpi, NOW)
