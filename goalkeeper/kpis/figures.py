"""The KPI read model: health, newest value, the latest complete period's value, trend.

Every KPI figure of docs/scoring.md comes from here (through `goalkeeper.domain`). A page of
KPIs costs one query: the latest value and the values of the latest complete period and of
the current one are correlated subqueries of the KPI query itself, served by the
(kpi, timestamp) index; so are, when asked for, the values of the periods a trend reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    DateTimeField,
    FloatField,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.kpis import Health, Trend, judge_health, trend
from goalkeeper.domain.limits import finite_or_none
from goalkeeper.domain.periods import (
    Aggregation,
    Frequency,
    Period,
    latest_complete_period,
    period_of,
)
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.series import period_window, window_values

# Complete periods a trend reads (docs/kpis.md: the last 6; 3 of them need a value).
TREND_PERIODS = 6


@dataclass(frozen=True)
class KpiFigures:
    """A KPI's health, newest measurement and latest complete period with its value.

    `provisional`: the latest complete period holds no value, so the health judges the
    current period so far (`current_value`).
    """

    health: Health
    latest_at: dt.datetime | None
    latest_value: float | None
    period: Period
    period_value: float | None
    current_value: float | None = None
    provisional: bool = False


def with_kpi_figures(kpis: QuerySet[Kpi], clock: Clock) -> QuerySet[Kpi]:
    """Annotate each KPI with what its health needs, inside the KPI query itself.

    The latest complete period and the current one depend only on the frequency (and the
    workspace's zone and fiscal year), so their bounds are constants chosen per row with
    CASE; each period's value is the aggregate the KPI asks for, as a correlated subquery
    over the (kpi, timestamp) index.
    """
    newest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-timestamp")
    complete = _bounds(periods_for(clock))
    current = _bounds(current_periods_for(clock))
    return kpis.annotate(
        _period_start=complete[0],
        _period_end=complete[1],
        _current_start=current[0],
        _current_end=current[1],
    ).annotate(
        _latest_value=Subquery(newest.values("value")[:1], output_field=FloatField()),
        _latest_at=Subquery(newest.values("timestamp")[:1], output_field=DateTimeField()),
        _period_value=_period_value("_period_start", "_period_end"),
        _current_value=_period_value("_current_start", "_current_end"),
    )


def _bounds(periods: dict[Frequency, Period]) -> tuple[Case, Case]:
    """(start, end) of each KPI's period of its frequency, as CASE expressions."""
    start = Case(
        *[When(frequency=f.value, then=Value(p.start)) for f, p in periods.items()],
        output_field=DateTimeField(),
    )
    end = Case(
        *[When(frequency=f.value, then=Value(p.end)) for f, p in periods.items()],
        output_field=DateTimeField(),
    )
    return start, end


def _period_value(start: str, end: str) -> Case:
    """The KPI's aggregate over [start, end), annotations of the same row."""
    in_period = Measurement.objects.filter(
        kpi=OuterRef("pk"), timestamp__gte=OuterRef(start), timestamp__lt=OuterRef(end)
    )

    def combined(function: type[Sum] | type[Avg] | type[Min] | type[Max]) -> Subquery:
        grouped = in_period.order_by().values("kpi").annotate(v=function("value")).values("v")
        return Subquery(grouped[:1], output_field=FloatField())

    return Case(
        When(aggregation=Aggregation.SUM.value, then=combined(Sum)),
        When(aggregation=Aggregation.AVERAGE.value, then=combined(Avg)),
        When(aggregation=Aggregation.MIN.value, then=combined(Min)),
        When(aggregation=Aggregation.MAX.value, then=combined(Max)),
        default=Subquery(
            in_period.order_by("-timestamp").values("value")[:1], output_field=FloatField()
        ),
        output_field=FloatField(),
    )


def periods_for(clock: Clock) -> dict[Frequency, Period]:
    """The latest complete period of each frequency, in the workspace's zone."""
    local_now = clock.local_now
    fiscal = clock.fiscal_year_start_month
    return {f: latest_complete_period(local_now, f, fiscal) for f in Frequency}


def current_periods_for(clock: Clock) -> dict[Frequency, Period]:
    """The current (incomplete) period of each frequency, in the workspace's zone."""
    local_now = clock.local_now
    fiscal = clock.fiscal_year_start_month
    return {f: period_of(local_now, f, fiscal) for f in Frequency}


def kpi_figures(kpi: Kpi, clock: Clock, periods: dict[Frequency, Period]) -> KpiFigures:
    """Figures of a KPI annotated by `with_kpi_figures` with the same clock."""
    frequency = Frequency(kpi.frequency)
    # SQLite sums values stored before the limits (docs/scoring.md) to infinity: no number.
    period_value = finite_or_none(getattr(kpi, "_period_value", None))
    current_value = finite_or_none(getattr(kpi, "_current_value", None))
    latest_at: dt.datetime | None = getattr(kpi, "_latest_at", None)
    reading = judge_health(kpi.spec, frequency, period_value, latest_at, clock.now, current_value)
    return KpiFigures(
        health=reading.health,
        latest_at=latest_at,
        latest_value=finite_or_none(getattr(kpi, "_latest_value", None)),
        period=periods[frequency],
        period_value=period_value,
        current_value=current_value,
        provisional=reading.provisional,
    )


def with_kpi_trends(kpis: QuerySet[Kpi], clock: Clock) -> QuerySet[Kpi]:
    """Annotate each KPI with the values of its last TREND_PERIODS complete periods (by its
    frequency), inside the KPI query itself, for `kpi_trend`."""
    windows = {
        f: period_window(clock.local_now, f, TREND_PERIODS + 1, clock.fiscal_year_start_month)
        for f in Frequency
    }
    for index in range(TREND_PERIODS):
        start, end = _bounds({f: periods[index] for f, periods in windows.items()})
        kpis = kpis.annotate(
            **{f"_trend_start_{index}": start, f"_trend_end_{index}": end}
        ).annotate(
            **{f"_trend_{index}": _period_value(f"_trend_start_{index}", f"_trend_end_{index}")}
        )
    return kpis


def kpi_trend(kpi: Kpi) -> Trend:
    """The trend of a KPI annotated by `with_kpi_trends`: `not_enough_data` with fewer than
    three of its last six complete periods holding a value."""
    values: list[float | None] = [
        finite_or_none(getattr(kpi, f"_trend_{index}", None)) for index in range(TREND_PERIODS)
    ]
    return trend(values, kpi.spec, periods=TREND_PERIODS)


def kpi_health_now(kpi: Kpi, clock: Clock | None = None) -> Health:
    """The health of one KPI as stored right now; for before/after comparisons.

    The same figures as `with_kpi_figures` and `kpi_figures`, for one KPI: its own
    frequency's two periods in one aggregate query (`window_values`) and its newest
    instant from the (kpi, timestamp) index, rather than compiling the query that serves
    every frequency and aggregation at once (a batch of values asks this twice).
    """
    clock = clock or kpi.workspace.clock()
    frequency = Frequency(kpi.frequency)
    local_now = clock.local_now
    fiscal = clock.fiscal_year_start_month
    complete = latest_complete_period(local_now, frequency, fiscal)
    current = period_of(local_now, frequency, fiscal)
    values = window_values(
        kpi,
        {"period": (complete.start, complete.end), "current": (current.start, current.end)},
    )
    latest_at = (
        Measurement.objects.filter(kpi=kpi)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    reading = judge_health(
        kpi.spec,
        frequency,
        finite_or_none(values["period"]),
        latest_at,
        clock.now,
        finite_or_none(values["current"]),
    )
    return reading.health
