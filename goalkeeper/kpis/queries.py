"""Reads for the KPI pages: the board and the KPI page, as plain view models.

Each read runs a fixed number of SQL queries whatever the number of KPIs and measurements:
period values come from `goalkeeper.kpis.series`, which aggregates in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.refs import PersonRef, person_ref
from goalkeeper.domain.coach import Remark
from goalkeeper.domain.instants import instant
from goalkeeper.domain.kpis import (
    Direction,
    Health,
    Trend,
    judge_health,
    trend,
    value_health,
)
from goalkeeper.domain.periods import (
    Aggregation,
    Frequency,
    Period,
    coarser_frequencies,
)
from goalkeeper.domain.process_limits import Signal
from goalkeeper.kpis.labels import SIGNAL_LABELS, period_label
from goalkeeper.kpis.limits import KpiLimits, baseline_history, kpi_limits, kpi_signal
from goalkeeper.kpis.models import Kpi, KpiBaseline, Measurement
from goalkeeper.kpis.series import PeriodStats, period_stats, period_window

# Complete periods behind a board tile: the sparkline, and the trend (the last 6 of them).
TILE_PERIODS = 12
# Periods on a KPI page's chart, current one included: enough history, never the whole series.
CHART_PERIODS: dict[Frequency, int] = {
    Frequency.HOURLY: 14 * 24,
    Frequency.DAILY: 366,
    Frequency.WEEKLY: 156,
    Frequency.MONTHLY: 60,
    Frequency.QUARTERLY: 40,
    Frequency.YEARLY: 20,
}
PAGE_SIZE = 50
# Worst news first: a board is read top-down.
HEALTH_ORDER: tuple[Health, ...] = (
    Health.RED,
    Health.YELLOW,
    Health.STALE,
    Health.NO_DATA,
    Health.GREEN,
)
KPI_COACH_CODES = frozenset({"too_many_kpis", "too_few_kpis"})


# --- View models ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodPoint:
    """One period of a KPI's series; `value` is None when nothing was measured in it."""

    start: dt.datetime
    end: dt.datetime
    value: float | None
    count: int
    health: Health | None
    complete: bool


@dataclass(frozen=True)
class KpiStatus:
    """Where a KPI stands: its latest complete period's value, health and trend.

    `provisional`: the latest complete period holds no value, so the current period (so
    far) is judged instead; `period`, `period_label` and `value` are then the current one's.
    """

    period: Period
    # The judged period as people name it ("Oct 2026", "W45 2026", "FY2027-Q2").
    period_label: str
    value: float | None
    health: Health
    trend: Trend
    # The last TILE_PERIODS complete periods, oldest first (None where nothing arrived).
    recent: tuple[float | None, ...]
    provisional: bool = False


@dataclass(frozen=True)
class KpiTile:
    """One KPI on the board."""

    id: int
    name: str
    unit: str
    team_id: int
    team_name: str
    owner: PersonRef | None
    direction: Direction
    frequency: Frequency
    aggregation: Aggregation
    target: float | None
    warning: float | None
    low: float | None
    high: float | None
    last_measurement_at: dt.datetime | None
    status: KpiStatus
    # Its data source failed too many times in a row (see goalkeeper.sources).
    source_broken: bool = False
    # Its stored process signal (docs/signals.md): a rule's name and side, or "".
    signal: str = ""
    signal_side: str = ""

    @property
    def health(self) -> Health:
        """The tile's colour."""
        return self.status.health

    @property
    def value(self) -> float | None:
        """The latest complete period's value."""
        return self.status.value


@dataclass(frozen=True)
class Choice:
    """One option of a board filter."""

    value: str
    label: str


@dataclass(frozen=True)
class HealthCount:
    """How many tiles of the (filtered) board have a health; `query` toggles that filter."""

    health: Health
    count: int
    query: str


@dataclass(frozen=True)
class TeamRemark:
    """A coach remark about one team's number of KPIs."""

    team_id: int
    team_name: str
    kpi_count: int
    remark: Remark


def _tile_status(
    kpi: Kpi,
    workspace: Workspace,
    stats: dict[tuple[int, int], PeriodStats],
    periods: Sequence[Period],
    now: dt.datetime,
) -> KpiStatus:
    """Health and trend from the window `periods` (complete ones, then the current one)."""
    aggregation = Aggregation(kpi.aggregation)
    complete = periods[:-1]
    recent = tuple(
        found.value(aggregation) if (found := stats.get((kpi.pk, index))) else None
        for index in range(len(complete))
    )
    latest = recent[-1] if recent else None
    found = stats.get((kpi.pk, len(complete)))
    current = found.value(aggregation) if found else None
    spec = kpi.spec
    frequency = Frequency(kpi.frequency)
    reading = judge_health(spec, frequency, latest, kpi.last_measurement_at, now, current)
    judged = periods[-1] if reading.provisional else complete[-1]
    return KpiStatus(
        period=judged,
        period_label=period_label(judged, frequency, workspace.fiscal_year_start_month),
        value=current if reading.provisional else latest,
        health=reading.health,
        trend=trend(recent, spec),
        recent=recent,
        provisional=reading.provisional,
    )


def kpi_statuses(
    kpis: Sequence[Kpi], workspace: Workspace, now: dt.datetime
) -> dict[int, KpiStatus]:
    """Each KPI's status at `now`: one aggregate query per frequency present, at most six."""
    if not kpis:
        return {}
    zone = workspace.zone
    local_now = now.astimezone(zone)
    by_frequency: dict[Frequency, list[Kpi]] = {}
    for kpi in kpis:
        by_frequency.setdefault(Frequency(kpi.frequency), []).append(kpi)
    statuses: dict[int, KpiStatus] = {}
    for frequency, group in by_frequency.items():
        periods = period_window(
            local_now, frequency, TILE_PERIODS + 1, workspace.fiscal_year_start_month
        )
        stats = period_stats([kpi.pk for kpi in group], periods)
        for kpi in group:
            statuses[kpi.pk] = _tile_status(kpi, workspace, stats, periods, now)
    return statuses


def kpi_status(kpi: Kpi, workspace: Workspace, now: dt.datetime) -> KpiStatus:
    """One KPI's status at `now`, in one aggregate query."""
    return kpi_statuses([kpi], workspace, now)[kpi.pk]


def tile_of(kpi: Kpi, status: KpiStatus, now: dt.datetime | None = None) -> KpiTile:
    """The tile of a KPI with its status, and its stored signal at `now` (default: now)."""
    rule, side = kpi_signal(kpi, now or timezone.now())
    return KpiTile(
        id=kpi.pk,
        name=kpi.name,
        unit=kpi.unit,
        team_id=kpi.team_id,
        team_name=kpi.team.name,
        owner=person_ref(kpi.owner),
        direction=Direction(kpi.direction),
        frequency=Frequency(kpi.frequency),
        aggregation=Aggregation(kpi.aggregation),
        target=kpi.target,
        warning=kpi.warning,
        low=kpi.low,
        high=kpi.high,
        last_measurement_at=kpi.last_measurement_at,
        status=status,
        source_broken=getattr(kpi, "source_status", None) == "broken",
        signal=rule.value if rule else "",
        signal_side=side.value if side else "",
    )


# --- The KPI page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasurementRow:
    """One stored value, for the raw table."""

    timestamp: dt.datetime
    value: float
    # Its row, for the page that corrects or deletes it.
    id: int = 0


@dataclass(frozen=True)
class KpiPage:
    """Everything the KPI page shows."""

    kpi: Kpi
    status: KpiStatus
    chart_frequency: Frequency
    chart_frequencies: tuple[Frequency, ...]
    chart: tuple[PeriodPoint, ...]
    measurements: tuple[MeasurementRow, ...]
    page: int
    has_newer: bool
    has_older: bool
    # The process limits (docs/signals.md), the baselines set, newest first, and the
    # stored signal (a rule's name and its side, or "").
    limits: KpiLimits | None = None
    baselines: tuple[KpiBaseline, ...] = ()
    signal: str = ""
    signal_side: str = ""

    @property
    def chart_data(self) -> dict[str, Any]:
        """What the chart script needs, for `json_script`; with the process limits when the
        chart shows the KPI's own periods."""
        data = chart_data(self.kpi, self.chart, self.chart_frequency)
        if self.limits is not None and self.chart_frequency.value == self.kpi.frequency:
            data["limits"] = limits_data(self.limits, self.chart, self.baselines[1:])
        return data

    @property
    def recent_signals(self) -> tuple[Signal[dt.datetime], ...]:
        """The signalled periods, newest first (at most 12)."""
        chart = self.limits.chart if self.limits is not None else None
        return tuple(reversed(chart.signals[-12:])) if chart is not None else ()


def limits_data(
    found: KpiLimits, points: Sequence[PeriodPoint], earlier: Sequence[KpiBaseline] = ()
) -> dict[str, Any] | None:
    """The process limits for the chart script: the lines, the baseline's span among the
    chart's points (indices, clipped to them), the spans of `earlier` baselines and each
    signalled point's rule in words."""
    chart = found.chart
    if chart is None:
        return None
    starts = [instant(point.start) for point in points]

    def span(first: dt.datetime | None, last: dt.datetime | None) -> list[int] | None:
        inside = [
            i
            for i, start in enumerate(starts)
            if (first is None or instant(first) <= start) and (last is None or start <= last)
        ]
        return [inside[0], inside[-1]] if inside else None

    baseline = chart.limits.baseline
    by_period = {signal.period: signal for signal in chart.signals}
    return {
        "centre": chart.limits.centre,
        "lower": chart.limits.lower,
        "upper": chart.limits.upper,
        "baseline": span(baseline.first, baseline.last),
        "earlier": [
            shaded
            for old in earlier
            if (shaded := span(old.first, instant(old.last) if old.last else None)) is not None
        ],
        "signals": [
            {
                "index": index,
                "rule": signal.rule.value,
                "side": signal.side.value,
                "label": str(SIGNAL_LABELS[signal.rule]),
            }
            for index, start in enumerate(starts)
            if (signal := by_period.get(start)) is not None
        ],
    }


def chart_data(kpi: Kpi, points: Sequence[PeriodPoint], frequency: Frequency) -> dict[str, Any]:
    """A KPI chart's data for the chart script (the KPI page's, a dashboard tile's)."""
    fiscal = kpi.workspace.fiscal_year_start_month
    return {
        "unit": kpi.unit,
        "direction": kpi.direction,
        "target": kpi.target,
        "warning": kpi.warning,
        "low": kpi.low,
        "high": kpi.high,
        "frequency": frequency.value,
        "points": [
            {
                "start": point.start.isoformat(),
                "label": period_label(Period(point.start, point.end), frequency, fiscal),
                "value": point.value,
                "count": point.count,
                "health": point.health.value if point.health else None,
                "complete": point.complete,
            }
            for point in points
        ],
    }


def period_points(
    kpi: Kpi, periods: Sequence[Period], stats: Mapping[tuple[int, int], PeriodStats]
) -> list[PeriodPoint]:
    """The KPI's point in each of `periods` (the last one marked incomplete), from the
    `period_stats` of those periods."""
    aggregation = Aggregation(kpi.aggregation)
    spec = kpi.spec
    points = []
    for index, period in enumerate(periods):
        found = stats.get((kpi.pk, index))
        value = found.value(aggregation) if found else None
        points.append(
            PeriodPoint(
                start=period.start,
                end=period.end,
                value=value,
                count=found.count if found else 0,
                health=value_health(spec, value) if value is not None else None,
                complete=index < len(periods) - 1,
            )
        )
    return points


def chart_series(
    kpi: Kpi, frequency: Frequency, now: dt.datetime
) -> tuple[tuple[PeriodPoint, ...], dict[tuple[int, int], PeriodStats], list[Period]]:
    """The KPI's values per period of `frequency` (its own or coarser), in one query.

    Leading periods before the first measurement are dropped; the current period closes
    the series, marked incomplete.
    """
    workspace = kpi.workspace
    zone = workspace.zone
    periods = period_window(
        now.astimezone(zone), frequency, CHART_PERIODS[frequency], workspace.fiscal_year_start_month
    )
    stats = period_stats([kpi.pk], periods)
    points = period_points(kpi, periods, stats)
    first = next((i for i, point in enumerate(points) if point.value is not None), len(points) - 1)
    return tuple(points[first:]), stats, periods


def kpi_page(
    kpi: Kpi,
    now: dt.datetime,
    *,
    chart_frequency: Frequency | None = None,
    page: int = 1,
) -> KpiPage:
    """The KPI page: chart, status and raw values (paged); what the OKRs make of the KPI
    (linked key results, recoveries) is added by the bridges (`goalkeeper.bridges`).

    The series is aggregated by the database: one aggregate query for the chart, which
    also gives the status when the chart shows the KPI's own frequency (a second, small
    one otherwise); the raw table reads PAGE_SIZE + 1 rows.
    """
    own = Frequency(kpi.frequency)
    options = (own, *coarser_frequencies(own))
    frequency = chart_frequency if chart_frequency in options else own
    chart, stats, periods = chart_series(kpi, frequency, now)
    if frequency is own:
        window = periods[-(TILE_PERIODS + 1) :]
        offset = len(periods) - len(window)
        shifted = {
            (kpi_id, index - offset): found
            for (kpi_id, index), found in stats.items()
            if index >= offset
        }
        status = _tile_status(kpi, kpi.workspace, shifted, window, now)
    else:
        status = kpi_status(kpi, kpi.workspace, now)

    page = max(page, 1)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        Measurement.objects.filter(kpi=kpi)
        .order_by("-timestamp")
        .values_list("timestamp", "value", "id")[start : start + PAGE_SIZE + 1]
    )
    rule, side = kpi_signal(kpi, now)
    return KpiPage(
        kpi=kpi,
        status=status,
        chart_frequency=frequency,
        chart_frequencies=options,
        chart=chart,
        measurements=tuple(MeasurementRow(ts, value, pk) for ts, value, pk in rows[:PAGE_SIZE]),
        page=page,
        has_newer=page > 1,
        has_older=len(rows) > PAGE_SIZE,
        limits=kpi_limits(kpi, kpi.workspace.clock(now)),
        baselines=tuple(baseline_history(kpi)),
        signal=rule.value if rule else "",
        signal_side=side.value if side else "",
    )
