"""The KPI read model: health, newest value, the latest complete period's value, trend,
and the figures a KPI row stores for boards (`stored_figures`, read by `health_now`).

Every KPI figure of docs/scoring.md comes from here (through `goalkeeper.domain`). A page of
KPIs costs one query: the latest value and the values of the latest complete period and of
the current one are correlated subqueries of the KPI query itself, served by the
(kpi, timestamp) index; so are, when asked for, the values of the periods a trend reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    CharField,
    DateTimeField,
    F,
    FloatField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.instants import instant
from goalkeeper.domain.kpis import (
    Health,
    Trend,
    judge_health,
    relative_change,
    stale_from,
    trend,
)
from goalkeeper.domain.limits import finite_or_none
from goalkeeper.domain.periods import (
    Aggregation,
    Frequency,
    Period,
    latest_complete_period,
    next_period,
    period_of,
)
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.series import PeriodStats, period_stats, period_window, window_values

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


# --- Stored figures ------------------------------------------------------------------------------

# The columns `stored_figures` fills on a KPI row (docs/kpis.md, "Stored figures").
STORED_FIELDS = (
    "figures_at",
    "health",
    "period_value",
    "previous_value",
    "change",
    "health_turns_at",
    "next_health",
    "next_change",
    "stale_from",
)


@dataclass(frozen=True)
class Standing:
    """A KPI's health at one instant, the value it judges, the period before and the move."""

    health: Health
    value: float | None
    previous_value: float | None
    change: float | None


@dataclass(frozen=True)
class StoredFigures:
    """What a KPI row keeps so that boards sort, filter and count in SQL.

    `now` holds until `turns_at` (the end of the current period), `next` from then on: a
    KPI nobody writes to stays right across one period boundary; the refresh job
    (`refresh_kpi_figures`) moves rows on before the next one. `stale_from` is when the
    KPI turns stale without a new value.
    """

    figures_at: dt.datetime
    now: Standing
    turns_at: dt.datetime
    next: Standing
    stale_from: dt.datetime | None

    def columns(self) -> dict[str, object]:
        """The values of STORED_FIELDS."""
        return {
            "figures_at": self.figures_at,
            "health": self.now.health.value,
            "period_value": self.now.value,
            "previous_value": self.now.previous_value,
            "change": self.now.change,
            "health_turns_at": self.turns_at,
            "next_health": self.next.health.value,
            "next_change": self.next.change,
            "stale_from": self.stale_from,
        }


def _standing(
    kpi: Kpi,
    frequency: Frequency,
    values: Sequence[float | None],
    now: dt.datetime,
) -> Standing:
    """The standing at `now` from the values of (the period before the latest complete
    one, the latest complete one, the current one)."""
    before, complete, current = values
    reading = judge_health(kpi.spec, frequency, complete, kpi.last_measurement_at, now, current)
    value, previous = (current, complete) if reading.provisional else (complete, before)
    return Standing(reading.health, value, previous, relative_change(value, previous))


def stored_figures(kpis: Sequence[Kpi], clock: Clock) -> dict[int, StoredFigures]:
    """The stored figures of each KPI at the clock's instant: one aggregate query per
    frequency present (at most six), over four periods per KPI."""
    by_frequency: dict[Frequency, list[Kpi]] = {}
    for kpi in kpis:
        by_frequency.setdefault(Frequency(kpi.frequency), []).append(kpi)
    fiscal = clock.fiscal_year_start_month
    figures: dict[int, StoredFigures] = {}
    for frequency, group in by_frequency.items():
        # Two periods before the current one, the current one, and the next one.
        window = period_window(clock.local_now, frequency, 3, fiscal)
        periods = [*window, next_period(window[-1], frequency, fiscal)]
        stats = period_stats([kpi.pk for kpi in group], periods)
        turns_at = instant(window[-1].end)
        for kpi in group:
            values = [
                _value_of(stats.get((kpi.pk, index)), Aggregation(kpi.aggregation))
                for index in range(len(periods))
            ]
            last = kpi.last_measurement_at
            figures[kpi.pk] = StoredFigures(
                figures_at=clock.now,
                now=_standing(kpi, frequency, values[0:3], clock.now),
                turns_at=turns_at,
                next=_standing(kpi, frequency, values[1:4], turns_at),
                stale_from=stale_from(last, frequency) if last is not None else None,
            )
    return figures


def _value_of(found: PeriodStats | None, aggregation: Aggregation) -> float | None:
    return found.value(aggregation) if found is not None else None


def health_now(now: dt.datetime, rank: Sequence[Health] | None = None) -> Case:
    """Each KPI's health at `now` from its stored figures, as a SQL expression; with
    `rank`, its place in that order instead (for sorting without repeating the reading).

    The only reading of the stored columns: staleness and the period boundary are the
    two things time alone changes. A row never figured reads as `no_data` until the
    refresh job fills it.
    """

    def named(health: Health) -> Value:
        return Value(health.value) if rank is None else Value(rank.index(health))

    def column(name: str) -> F | Case:
        if rank is None:
            return F(name)
        return Case(
            *[When(**{name: h.value}, then=Value(i)) for i, h in enumerate(rank)],
            default=Value(len(rank)),
        )

    return Case(
        When(figures_at__isnull=True, then=named(Health.NO_DATA)),
        When(Q(stale_from__isnull=False) & Q(stale_from__lt=now), then=named(Health.STALE)),
        When(health_turns_at__lte=now, then=column("next_health")),
        default=column("health"),
        output_field=CharField() if rank is None else IntegerField(),
    )


def change_now(now: dt.datetime) -> Case:
    """Each KPI's stored relative change at `now`, as a SQL expression (None for none)."""
    return Case(
        When(health_turns_at__lte=now, then=F("next_change")),
        default=F("change"),
        output_field=FloatField(),
    )


def movement_now(now: dt.datetime) -> Abs:
    """The size of each KPI's change at `now`, whichever its sign: "biggest movement"."""
    return Abs(change_now(now))
