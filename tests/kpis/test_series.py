"""Period values aggregated by the database agree with the domain's definition."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from goalkeeper.domain.periods import Aggregation, Frequency, aggregate_by_period, period_of
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.series import PeriodIndex, period_stats, period_window, window_values
from goalkeeper.kpis.services import create_kpi
from tests.conftest import World

PARIS = ZoneInfo("Europe/Paris")
# Saturday 2 January 2027, 15:00 in Paris: windows reach back across both 2026 DST changes.
NOW = dt.datetime(2027, 1, 2, 15, 0, tzinfo=PARIS)


def kpi_with_random_series(world: World, seed: int, count: int, start: dt.datetime) -> Kpi:
    """`count` values at random instants between `start` and NOW."""
    kpi = create_kpi(actor=None, team=world.sales, name=f"Random {seed}", target=1.0)
    rng = random.Random(seed)
    span = NOW - start
    moments = {
        start + dt.timedelta(seconds=rng.randrange(int(span.total_seconds()))) for _ in range(count)
    }
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, timestamp=moment.astimezone(dt.UTC), value=rng.uniform(-50, 150))
        for moment in moments
    )
    return kpi


@pytest.mark.parametrize(
    ("frequency", "periods", "fiscal_start"),
    [
        (Frequency.HOURLY, 24 * 10, 1),
        (Frequency.DAILY, 400, 1),
        (Frequency.WEEKLY, 60, 1),
        (Frequency.MONTHLY, 15, 1),
        (Frequency.QUARTERLY, 6, 4),
        (Frequency.YEARLY, 3, 7),
    ],
)
def test_sql_period_values_equal_the_domains(
    world: World, frequency: Frequency, periods: int, fiscal_start: int
) -> None:
    window = period_window(NOW, frequency, periods, fiscal_start)
    kpi = kpi_with_random_series(world, seed=periods, count=600, start=window[0].start)
    points = [
        (ts.astimezone(PARIS), value)
        for ts, value in Measurement.objects.filter(kpi=kpi).values_list("timestamp", "value")
    ]

    stats = period_stats([kpi.pk], window)

    for aggregation in Aggregation:
        expected = {
            pv.period.start: pv.value
            for pv in aggregate_by_period(points, frequency, aggregation, fiscal_start)
        }
        actual = {
            window[index].start: found.value(aggregation) for (_, index), found in stats.items()
        }
        assert actual.keys() == expected.keys(), aggregation
        for start, value in expected.items():
            assert actual[start] == pytest.approx(value, rel=1e-9, abs=1e-9), (aggregation, start)


def test_weeks_start_on_monday_and_days_follow_the_wall_clock_across_dst(world: World) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Edges", target=1.0)
    # Sunday 25 Oct 2026 is 25 hours long in Paris (clocks go back at 03:00).
    late_sunday = dt.datetime(2026, 10, 25, 23, 30, tzinfo=PARIS)
    monday = dt.datetime(2026, 10, 26, 0, 0, tzinfo=PARIS)
    Measurement.objects.bulk_create(
        [
            Measurement(kpi=kpi, timestamp=late_sunday, value=1),
            Measurement(kpi=kpi, timestamp=monday, value=2),
        ]
    )
    at = dt.datetime(2026, 10, 28, 12, tzinfo=PARIS)

    days = period_window(at, Frequency.DAILY, 5, 1)
    weeks = period_window(at, Frequency.WEEKLY, 2, 1)
    by_day = period_stats([kpi.pk], days)
    by_week = period_stats([kpi.pk], weeks)

    assert [days[i].start.date() for (_, i) in sorted(by_day)] == [
        dt.date(2026, 10, 25),
        dt.date(2026, 10, 26),
    ]
    assert {weeks[i].start.date(): s.total for (_, i), s in by_week.items()} == {
        dt.date(2026, 10, 19): 1.0,
        dt.date(2026, 10, 26): 2.0,
    }


def test_fiscal_quarters_follow_the_workspaces_first_month(world: World) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Fiscal", target=1.0)
    for month, value in ((3, 1.0), (4, 10.0), (6, 100.0)):
        Measurement.objects.create(
            kpi=kpi, timestamp=dt.datetime(2026, month, 15, tzinfo=dt.UTC), value=value
        )

    quarters = period_window(dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC), Frequency.QUARTERLY, 3, 4)
    stats = period_stats([kpi.pk], quarters)

    # With a fiscal year from April, March closes Q4 and April-June make Q1.
    assert [(quarters[i].start.month, s.total) for (_, i), s in sorted(stats.items())] == [
        (1, 1.0),
        (4, 110.0),
    ]


def test_last_is_the_value_at_the_newest_timestamp_of_each_period(world: World) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Last", target=1.0)
    base = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    for hours, value in ((5, 7.0), (1, 9.0), (30, 4.0), (26, 8.0)):
        Measurement.objects.create(kpi=kpi, timestamp=base + dt.timedelta(hours=hours), value=value)
    days = period_window(base + dt.timedelta(days=1, hours=12), Frequency.DAILY, 2, 1)

    stats = period_stats([kpi.pk], days)

    assert [stats[(kpi.pk, i)].last for i in (0, 1)] == [7.0, 4.0]
    assert [stats[(kpi.pk, i)].count for i in (0, 1)] == [2, 2]


def test_several_kpis_are_aggregated_in_one_query(world: World, django_assert_num_queries) -> None:
    kpis = [create_kpi(actor=None, team=world.sales, name=f"K{i}", target=1.0) for i in range(5)]
    for index, kpi in enumerate(kpis):
        Measurement.objects.create(kpi=kpi, timestamp=NOW - dt.timedelta(days=3), value=index)
    window = period_window(NOW, Frequency.WEEKLY, 4, 1)

    with django_assert_num_queries(1):
        stats = period_stats([kpi.pk for kpi in kpis], window)

    assert sorted(s.total for s in stats.values()) == [0, 1, 2, 3, 4]


def test_window_values_aggregate_each_window_in_one_query(
    world: World, django_assert_num_queries
) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="W", target=1.0, aggregation="sum")
    base = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    for day in range(10):
        Measurement.objects.create(kpi=kpi, timestamp=base + dt.timedelta(days=day), value=day)

    with django_assert_num_queries(1):
        values = window_values(
            kpi,
            {
                "first": (base, base + dt.timedelta(days=3)),
                "rest": (base + dt.timedelta(days=3), base + dt.timedelta(days=30)),
                "none": (base - dt.timedelta(days=30), base),
            },
        )

    assert values == {"first": 3.0, "rest": 42.0, "none": None}


def test_a_period_index_needs_at_least_one_period() -> None:
    with pytest.raises(ValueError, match="at least one period"):
        PeriodIndex([NOW])


def test_the_window_ends_with_the_period_holding_now() -> None:
    window = period_window(NOW, Frequency.MONTHLY, 3, 1)

    assert [p.start.month for p in window] == [11, 12, 1]
    assert window[-1] == period_of(NOW, Frequency.MONTHLY)
