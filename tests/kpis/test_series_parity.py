"""A series aggregated by period in SQL (`series_by_period`, behind the API's `?period=`)
equals the domain's pure aggregation (`aggregate_by_period`) for random series, in zones
with and without daylight saving, with odd offsets and with fiscal years starting in any
month; on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from goalkeeper.domain.periods import Aggregation, Frequency, aggregate_by_period
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.series import series_by_period
from goalkeeper.kpis.services import create_kpi
from tests.conftest import World

ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    # +5:45, no daylight saving; +9:30 with it; daylight saving that began at midnight.
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "America/Sao_Paulo",
)
# Each frequency with the span its random series covers.
SPANS = {
    Frequency.HOURLY: dt.timedelta(days=12),
    Frequency.DAILY: dt.timedelta(days=400),
    Frequency.WEEKLY: dt.timedelta(days=500),
    Frequency.MONTHLY: dt.timedelta(days=900),
    Frequency.QUARTERLY: dt.timedelta(days=1500),
    Frequency.YEARLY: dt.timedelta(days=3000),
}
# Daylight-saving changes of these zones fall inside 2017-2019 (Sao Paulo's at midnight).
EARLIEST = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)


def random_series(
    world: World, rng: random.Random, span: dt.timedelta
) -> tuple[Kpi, list[dt.datetime]]:
    """A KPI with 300 values at random instants (some on exact hours and midnights)."""
    start = EARLIEST + dt.timedelta(days=rng.randrange(800))
    kpi = create_kpi(actor=None, team=world.sales, name=f"Random {rng.random()}", target=1.0)
    moments = set()
    for _ in range(300):
        moment = start + dt.timedelta(seconds=rng.randrange(int(span.total_seconds())))
        if rng.random() < 0.2:
            moment = moment.replace(minute=0, second=0)
        moments.add(moment)
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, timestamp=moment, value=round(rng.uniform(-50, 150), 3))
        for moment in moments
    )
    return kpi, sorted(moments)


@pytest.mark.parametrize("seed", range(12))
def test_sql_aggregation_by_period_equals_the_domains(world: World, seed: int) -> None:
    rng = random.Random(seed)
    frequency = list(Frequency)[seed % len(Frequency)]
    zone = ZoneInfo(ZONES[seed % len(ZONES)])
    fiscal = rng.randint(1, 12)
    kpi, moments = random_series(world, rng, SPANS[frequency])
    # Every other case reads a range cut inside the series, as `from` and `to` do.
    since = until = None
    if seed % 2:
        since = moments[len(moments) // 5]
        until = moments[4 * len(moments) // 5]
    rows = Measurement.objects.filter(kpi=kpi)
    if since is not None and until is not None:
        rows = rows.filter(timestamp__gte=since, timestamp__lt=until)
    points = [(ts.astimezone(zone), value) for ts, value in rows.values_list("timestamp", "value")]

    found = series_by_period(kpi, frequency, zone, fiscal, since=since, until=until)

    assert found is not None
    for aggregation in Aggregation:
        expected = aggregate_by_period(points, frequency, aggregation, fiscal)
        assert [(p.period.start, p.period.end) for p in found] == [
            (p.period.start, p.period.end) for p in expected
        ]
        assert [p.stats.count for p in found] == [p.count for p in expected]
        for got, want in zip(found, expected, strict=True):
            assert got.stats.value(aggregation) == pytest.approx(want.value, rel=1e-9, abs=1e-9)


def test_a_range_spanning_too_many_periods_gives_none(world: World) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Sparse", target=1.0)
    Measurement.objects.bulk_create(
        Measurement(kpi=kpi, timestamp=dt.datetime(year, 1, 1, tzinfo=dt.UTC), value=1.0)
        for year in (2020, 2026)
    )

    assert series_by_period(kpi, Frequency.DAILY, dt.UTC, 1, max_periods=100) is None
    assert len(series_by_period(kpi, Frequency.YEARLY, dt.UTC, 1) or []) == 2


def test_an_empty_range_has_no_periods(world: World) -> None:
    kpi = create_kpi(actor=None, team=world.sales, name="Empty", target=1.0)

    assert series_by_period(kpi, Frequency.DAILY, dt.UTC, 1) == []
