"""The KPI process-limits read model: limits and signals (docs/signals.md), and the signal a
KPI row stores for boards (`stored_signals`, read by `signal_now`).

Every process limit and signal of a KPI comes from here, through
`goalkeeper.domain.process_limits`. The chart reads the KPI's complete periods: the last
`LIMITS_PERIODS` of its frequency, ending with the latest complete one (an incomplete period
would be judged on part of its values). A baseline set by the owner is the newest
`KpiBaseline`; without one, the first 20 periods with a value in that window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, CharField, F, When

from goalkeeper.accounts.clock import Clock
from goalkeeper.domain.instants import instant
from goalkeeper.domain.periods import Aggregation, Frequency, Period
from goalkeeper.domain.process_limits import (
    BaselineRange,
    ProcessChart,
    Rule,
    Side,
    process_chart,
)
from goalkeeper.kpis.models import Kpi, KpiBaseline
from goalkeeper.kpis.series import PeriodStats, period_stats, period_window

# How many complete periods the limits read (docs/signals.md): a bounded window, whatever
# the length of the series.
LIMITS_PERIODS = 60

# The columns `stored_signals` fills on a KPI row.
SIGNAL_FIELDS = ("signal", "signal_side", "next_signal", "next_signal_side")

Points = list[tuple[dt.datetime, float | None]]


@dataclass(frozen=True)
class KpiLimits:
    """A KPI's process chart (None: not enough data), the periods it read, in time order,
    with their values, and the baseline it used (None: the default one)."""

    chart: ProcessChart[dt.datetime] | None
    points: Points
    baseline: KpiBaseline | None

    @property
    def latest_rule(self) -> Rule | None:
        latest = self.chart.latest if self.chart is not None else None
        return latest.rule if latest is not None else None

    @property
    def range_count(self) -> int:
        """How many periods with a value the baseline's range holds in the window."""
        if self.baseline is None:
            return self.chart.limits.baseline.count if self.chart is not None else 0
        chosen = chosen_range(self.points, self.baseline)
        valued = [p for p, value in self.points if value is not None]
        if chosen.first not in valued or chosen.last not in valued:
            return 0
        return valued.index(chosen.last) - valued.index(chosen.first) + 1


@dataclass(frozen=True)
class StoredSignal:
    """What a KPI row keeps: the latest complete period's signal now, and from the end of
    the current period (when it becomes the latest complete one)."""

    rule: Rule | None
    side: Side | None
    period: dt.datetime | None
    next_rule: Rule | None
    next_side: Side | None

    def columns(self) -> dict[str, str]:
        """The values of SIGNAL_FIELDS ("" for none)."""
        return {
            "signal": self.rule.value if self.rule else "",
            "signal_side": self.side.value if self.side else "",
            "next_signal": self.next_rule.value if self.next_rule else "",
            "next_signal_side": self.next_side.value if self.next_side else "",
        }


def newest_baselines(kpi_ids: Sequence[int]) -> dict[int, KpiBaseline]:
    """The newest baseline of each KPI that has one, in one query."""
    newest: dict[int, KpiBaseline] = {}
    for baseline in KpiBaseline.objects.filter(kpi_id__in=list(kpi_ids)).order_by(
        "kpi_id", "-created_at", "-id"
    ):
        newest.setdefault(baseline.kpi_id, baseline)
    return newest


def baseline_history(kpi: Kpi) -> list[KpiBaseline]:
    """Every baseline set for the KPI, newest first, with who set it (one query)."""
    return list(
        KpiBaseline.objects.filter(kpi=kpi)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )


def chosen_range(points: Points, baseline: KpiBaseline | None) -> BaselineRange[dt.datetime]:
    """The baseline's periods among those with a value: from the first period starting at
    or after its `first`, to the last one starting at or before its `last`.

    A range none of whose periods holds a value selects nothing (not enough data).
    """
    if baseline is None:
        return BaselineRange()
    valued = [period for period, value in points if value is not None]
    low = instant(baseline.first) if baseline.first is not None else None
    high = instant(baseline.last) if baseline.last is not None else None
    inside = [p for p in valued if (low is None or p >= low) and (high is None or p <= high)]
    if not inside:
        # A period that is not among the points: `process_chart` selects nothing.
        return BaselineRange(first=dt.datetime.min.replace(tzinfo=dt.UTC))
    return BaselineRange(first=inside[0], last=inside[-1])


def _chart(points: Points, baseline: KpiBaseline | None) -> ProcessChart[dt.datetime] | None:
    if baseline is None:
        return process_chart(points)
    return process_chart(points, chosen_range(points, baseline))


def _points(
    kpi: Kpi,
    periods: Sequence[Period],
    stats: dict[tuple[int, int], PeriodStats],
    offset: int = 0,
) -> Points:
    aggregation = Aggregation(kpi.aggregation)
    points: Points = []
    for index, period in enumerate(periods):
        found = stats.get((kpi.pk, index + offset))
        points.append((instant(period.start), found.value(aggregation) if found else None))
    return points


def complete_periods(
    clock: Clock, frequency: Frequency, count: int = LIMITS_PERIODS
) -> list[Period]:
    """The last `count` complete periods of `frequency`, oldest first."""
    window = period_window(clock.local_now, frequency, count + 1, clock.fiscal_year_start_month)
    return window[:-1]


def kpi_limits(kpi: Kpi, clock: Clock, *, baseline: KpiBaseline | None = None) -> KpiLimits:
    """The KPI's process chart over its last LIMITS_PERIODS complete periods, from
    `baseline` or else its newest one: two queries (the newest baseline, the values)."""
    if baseline is None:
        baseline = newest_baselines([kpi.pk]).get(kpi.pk)
    periods = complete_periods(clock, Frequency(kpi.frequency))
    points = _points(kpi, periods, period_stats([kpi.pk], periods))
    return KpiLimits(chart=_chart(points, baseline), points=points, baseline=baseline)


def stored_signals(kpis: Sequence[Kpi], clock: Clock) -> dict[int, StoredSignal]:
    """The stored signal of each KPI at the clock's instant: one query for the baselines and
    one per frequency present, over LIMITS_PERIODS + 1 periods per KPI."""
    baselines = newest_baselines([kpi.pk for kpi in kpis])
    by_frequency: dict[Frequency, list[Kpi]] = {}
    for kpi in kpis:
        by_frequency.setdefault(Frequency(kpi.frequency), []).append(kpi)
    found: dict[int, StoredSignal] = {}
    for frequency, group in by_frequency.items():
        # The complete periods and the current one, which is complete from `turns_at`.
        periods = period_window(
            clock.local_now, frequency, LIMITS_PERIODS + 1, clock.fiscal_year_start_month
        )
        stats = period_stats([kpi.pk for kpi in group], periods)
        for kpi in group:
            points = _points(kpi, periods, stats)
            baseline = baselines.get(kpi.pk)
            now = _chart(points[:-1], baseline)
            then = _chart(points[1:], baseline)
            now_latest = now.latest if now is not None else None
            then_latest = then.latest if then is not None else None
            found[kpi.pk] = StoredSignal(
                rule=now_latest.rule if now_latest else None,
                side=now_latest.side if now_latest else None,
                period=now_latest.period if now_latest else None,
                next_rule=then_latest.rule if then_latest else None,
                next_side=then_latest.side if then_latest else None,
            )
    return found


def signal_now(now: dt.datetime) -> Case:
    """Each KPI's stored signal at `now` ("" for none), as a SQL expression: the stored
    one, or from the end of its current period on, the next one."""
    return Case(
        When(health_turns_at__lte=now, then=F("next_signal")),
        default=F("signal"),
        output_field=CharField(),
    )


def kpi_signal(kpi: Kpi, now: dt.datetime) -> tuple[Rule | None, Side | None]:
    """The stored signal of a KPI row at `now`, as `signal_now` reads it in SQL."""
    turned = kpi.health_turns_at is not None and instant(kpi.health_turns_at) <= instant(now)
    rule, side = (
        (kpi.next_signal, kpi.next_signal_side) if turned else (kpi.signal, kpi.signal_side)
    )
    return (Rule(rule) if rule else None, Side(side) if side else None)
