"""The reads behind the KPI board and the KPI page."""

from __future__ import annotations

import datetime as dt

from goalkeeper.accounts.services import create_team
from goalkeeper.domain.kpis import Health, Trend
from goalkeeper.domain.periods import Frequency
from goalkeeper.kpis import queries
from goalkeeper.kpis.board import BoardFilters, KpiBoard, kpi_board, parse_filters
from goalkeeper.kpis.models import Measurement
from goalkeeper.kpis.queries import kpi_page
from goalkeeper.kpis.services import create_kpi, record_measurements
from tests.conftest import World
from tests.kpis.conftest import DAY, NOW, MakeKpi, monthly

ALL = BoardFilters()


def board(world: World, filters: BoardFilters = ALL) -> KpiBoard:
    return kpi_board(world.acme, NOW, filters)


def healths(result: KpiBoard) -> dict[str, Health]:
    return {tile.name: tile.health for tile in result.tiles}


def test_each_kpi_is_judged_on_its_latest_complete_period(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    # Now is 20 November: October is the latest complete month.
    make_kpi("Green", monthly([100]), target=100, warning=80)
    make_kpi("Yellow", monthly([85]), target=100, warning=80)
    make_kpi("Red", monthly([79]), target=100, warning=80)
    make_kpi("No data")
    make_kpi("Stale", monthly([500], last=dt.datetime(2026, 8, 15, tzinfo=dt.UTC)))
    # A great November does not hide a bad October.
    make_kpi("Red so far", [*monthly([10]), (dt.datetime(2026, 11, 2, tzinfo=dt.UTC), 1000.0)])

    result = board(world)

    assert healths(result) == {
        "Green": Health.GREEN,
        "Yellow": Health.YELLOW,
        "Red": Health.RED,
        "No data": Health.NO_DATA,
        "Stale": Health.STALE,
        "Red so far": Health.RED,
    }
    assert [tile.name for tile in result.tiles] == [
        "Red",
        "Red so far",
        "Yellow",
        "Stale",
        "No data",
        "Green",
    ]
    assert result.tiles[0].value == 79.0
    assert result.tiles[0].status.period_label == "Oct 2026"


def test_a_tile_carries_twelve_periods_and_the_trend(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    make_kpi("Rising", monthly([10, 20, 30, 40, 50, 60]))
    make_kpi(
        "Gappy",
        [
            (dt.datetime(2026, 2, 15, tzinfo=dt.UTC), 5.0),
            (dt.datetime(2026, 10, 15, tzinfo=dt.UTC), 3.0),
        ],
        direction="lower_is_better",
        target=1,
    )

    tiles = {tile.name: tile for tile in board(world).tiles}

    rising = tiles["Rising"].status
    assert len(rising.recent) == 12
    assert rising.recent[-6:] == (10.0, 20.0, 30.0, 40.0, 50.0, 60.0)
    assert rising.recent[:6] == (None,) * 6
    assert rising.trend is Trend.IMPROVING
    gappy = tiles["Gappy"].status
    assert gappy.recent.count(None) == 10
    # Two values, one of them in the last six periods: no direction can be told.
    assert gappy.trend is Trend.NOT_ENOUGH_DATA


def test_a_new_kpi_without_values_has_no_trend_rather_than_a_flat_one(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    make_kpi("New")
    make_kpi("Two months", monthly([10, 20]))

    trends = {tile.name: tile.status.trend for tile in board(world).tiles}

    assert trends == {"New": Trend.NOT_ENOUGH_DATA, "Two months": Trend.NOT_ENOUGH_DATA}


def test_an_empty_last_period_is_judged_on_the_current_one_provisionally(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    # Monthly: October (the latest complete month) is empty; November so far holds 40.
    make_kpi("Revenue", [(dt.datetime(2026, 9, 15, tzinfo=dt.UTC), 120.0), (NOW - DAY, 40.0)])

    status = board(world).tiles[0].status

    assert (status.health, status.provisional) == (Health.RED, True)
    assert (status.value, status.period_label) == (40.0, "Nov 2026")


def test_filters_narrow_the_board_and_health_counts_stay_for_the_other_filters(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    make_kpi("Sales red", monthly([1]))
    make_kpi("Sales green", monthly([200]), owner=world.admin)
    make_kpi("Company daily", [(NOW - DAY, 200.0)], team=world.company, frequency="daily")
    create_kpi(actor=None, team=company_of_globex(world), name="Globex secret", target=1)

    sales = board(world, BoardFilters(team=str(world.sales.pk)))
    red = board(world, BoardFilters(team=str(world.sales.pk), health="red"))
    admins = board(world, BoardFilters(owner=str(world.admin.pk)))
    daily = board(world, BoardFilters(frequency="daily"))

    assert [t.name for t in sales.tiles] == ["Sales red", "Sales green"]
    assert sales.team == world.sales
    assert [t.name for t in red.tiles] == ["Sales red"]
    assert {c.health: c.count for c in red.counts}[Health.GREEN] == 1
    assert [t.name for t in admins.tiles] == ["Sales green"]
    assert [t.name for t in daily.tiles] == ["Company daily"]
    assert "Globex secret" not in healths(board(world))


def company_of_globex(world: World):
    return world.globex.teams.get(parent__isnull=True)


def test_filter_parameters_that_make_no_sense_are_ignored() -> None:
    filters = parse_filters(
        {"team": "1 OR 1=1", "owner": "7", "health": "purple", "frequency": "daily"}
    )

    assert filters == BoardFilters(owner="7", frequency="daily")
    assert filters.query(health="red") == "owner=7&health=red&frequency=daily"


def test_the_coach_flags_teams_with_too_many_or_too_few_kpis(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    busy = create_team(actor=None, workspace=world.acme, name="Busy", parent=world.company)
    for index in range(13):
        make_kpi(f"Busy {index}", team=busy)
    for index in range(3):
        make_kpi(f"Sales {index}")

    remarks = {(r.team_name, r.remark.code) for r in board(world).remarks}
    busy_only = board(world, BoardFilters(team=str(busy.pk))).remarks

    assert remarks == {("Busy", "too_many_kpis"), ("Acme", "too_few_kpis")}
    assert [(r.team_name, r.kpi_count) for r in busy_only] == [("Busy", 13)]


# --- The KPI page ---------------------------------------------------------------------------


def test_the_page_charts_the_kpis_own_periods_and_marks_the_current_one(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", [*monthly([80, 90, 120]), (NOW - DAY, 5.0)])

    page = kpi_page(kpi, NOW)

    assert page.chart_frequency is Frequency.MONTHLY
    assert [p.value for p in page.chart] == [80.0, 90.0, 120.0, 5.0]
    assert [p.complete for p in page.chart] == [True, True, True, False]
    assert [p.health for p in page.chart] == [Health.RED, Health.RED, Health.GREEN, Health.RED]
    assert page.status.health is Health.GREEN
    assert page.chart_frequencies == (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY)
    data = page.chart_data
    assert data["target"] == 100.0
    assert data["points"][0]["label"] == "Aug 2026"


def test_the_chart_switches_to_a_coarser_period_only(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Revenue", monthly([10, 20, 30, 40]), aggregation="sum")

    quarterly = kpi_page(kpi, NOW, chart_frequency=Frequency.QUARTERLY)
    finer = kpi_page(kpi, NOW, chart_frequency=Frequency.DAILY)

    # July to September make Q3; October alone is Q4 so far.
    assert [p.value for p in quarterly.chart] == [60.0, 40.0]
    assert quarterly.status.value == 40.0
    assert finer.chart_frequency is Frequency.MONTHLY


def test_raw_values_are_paged_newest_first(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    kpi = make_kpi("Hourly", frequency="hourly")
    record_measurements(
        actor=None,
        kpi=kpi,
        points=[(NOW - i * dt.timedelta(hours=1), float(i)) for i in range(queries.PAGE_SIZE + 5)],
    )

    first = kpi_page(kpi, NOW)
    second = kpi_page(kpi, NOW, page=2)

    assert [row.value for row in first.measurements][:3] == [0.0, 1.0, 2.0]
    assert (first.has_newer, first.has_older) == (False, True)
    assert [row.value for row in second.measurements] == [50.0, 51.0, 52.0, 53.0, 54.0]
    assert (second.has_newer, second.has_older) == (True, False)


def test_an_april_fiscal_year_names_april_to_june_2026_fy2027_q1_on_the_board(
    world: World, make_kpi: MakeKpi
) -> None:
    world.acme.fiscal_year_start_month = 4
    world.acme.save()
    make_kpi("Bookings", frequency="quarterly")

    # In July 2026 the latest complete quarter of an April fiscal year is April-June.
    result = kpi_board(world.acme, dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC), ALL)

    assert result.tiles[0].status.period_label == "FY2027-Q1"


def test_a_kpi_without_values_charts_nothing(
    world: World, now: dt.datetime, make_kpi: MakeKpi
) -> None:
    page = kpi_page(make_kpi("Empty"), NOW)

    assert [p.value for p in page.chart] == [None]
    assert page.status.health is Health.NO_DATA
    assert not Measurement.objects.exists()
