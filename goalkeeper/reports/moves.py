"""The KPIs that moved during a cycle: each KPI that a key result of the cycle aims at, its
value in the period holding the cycle's first day and in the period holding its last day (or
today, while it runs), the move between them, and its health as the KPI page shows it.

Values come from the KPI read model (`goalkeeper.kpis.series.period_stats`, each period's
value by the KPI's aggregation), health from `goalkeeper.kpis.queries.kpi_statuses`: nothing
is recomputed here (docs/reports.md#kpis-that-moved).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass

from django.db.models import QuerySet

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.audit.models import AuditEntry
from goalkeeper.domain.fiscal import period_name
from goalkeeper.domain.kpis import Health, relative_change
from goalkeeper.domain.periods import Aggregation, Frequency, Period, period_of
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.kpis.queries import kpi_statuses
from goalkeeper.kpis.series import period_stats, periods_between
from goalkeeper.okrs.models import Cycle, KeyResult, ObjectiveState

# A chart of a KPI over the cycle reads at most this many of its periods (a quarter of days).
CHART_PERIODS = 100


@dataclass(frozen=True)
class KpiMove:
    """One KPI's move over the cycle and the objectives of the cycle that aimed at it."""

    id: int
    name: str
    unit: str
    team_id: int
    team_name: str
    frequency: Frequency
    start_label: str
    start_value: float | None
    end_label: str
    end_value: float | None
    # The move as a share of the start value (0.25 for +25%); None without both values.
    change: float | None
    health: Health
    objective_ids: tuple[int, ...]


@dataclass(frozen=True)
class KpiPoint:
    """One period's value of a KPI over the cycle, for a chart."""

    label: str
    day: dt.date
    value: float | None


def cycle_bounds(cycle: Cycle, clock: Clock) -> tuple[dt.datetime, dt.datetime]:
    """The instants, in the workspace's zone, of the cycle's first moment and of its last one
    (now, while the cycle runs)."""
    zone = clock.zone
    start = dt.datetime.combine(cycle.start_date, dt.time(), tzinfo=zone)
    after = dt.datetime.combine(cycle.end_date + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    end = min(after - dt.timedelta(microseconds=1), clock.local_now)
    return start, max(end, start)


def aimed_kpis(
    workspace: Workspace, cycle: Cycle, objective_ids: Collection[int] | None
) -> dict[int, tuple[int, ...]]:
    """{KPI id: ids of the cycle's objectives whose key results are linked to it}, one query.

    `objective_ids` narrows to those objectives (a team's subtree); None takes the cycle's.
    """
    links = KeyResult.objects.filter(
        workspace=workspace, objective__cycle=cycle, kpi__isnull=False
    ).exclude(objective__state=ObjectiveState.DRAFT)
    found: dict[int, list[int]] = {}
    for kpi_id, objective_id in links.order_by("objective_id").values_list(
        "kpi_id", "objective_id"
    ):
        if objective_ids is not None and objective_id not in objective_ids:
            continue
        aimed = found.setdefault(kpi_id, [])
        if objective_id not in aimed:
            aimed.append(objective_id)
    return {kpi_id: tuple(ids) for kpi_id, ids in found.items()}


# Answers kept per process: working out the moves of a large company's thousand KPIs takes
# a few hundred milliseconds. An answer holds while no value arrives and nothing is written
# in the workspace (the newest measurement and audit entry are the same), for the minute it
# was worked out in (health moves with the clock), as `okrs.standing` does.
KEPT = 16
_kept: OrderedDict[Hashable, tuple[list[KpiMove], int]] = OrderedDict()
_lock = threading.Lock()


def forget() -> None:
    """Drop every kept answer (tests whose ids and clock repeat from one to the next)."""
    with _lock:
        _kept.clear()


def kpi_moves(
    workspace: Workspace,
    cycle: Cycle,
    clock: Clock,
    team_ids: frozenset[int] | None,
    objective_ids: Collection[int] | None,
    limit: int | None,
) -> tuple[list[KpiMove], int]:
    """The KPIs aimed at by the cycle's objectives (`objective_ids`, those of the teams
    `team_ids`; None: all), biggest move first (at most `limit`), and how many there are.

    Two queries when the answer is kept; else one for the links, two aggregate queries per
    frequency present for the values, two for the KPIs, and one per frequency for the health
    of those kept.
    """
    newest_value = Measurement.objects.order_by("-id").values_list("id", flat=True).first()
    newest_write = (
        AuditEntry.objects.filter(workspace=workspace)
        .order_by("-at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    key = (
        workspace.pk,
        cycle.pk,
        cycle.state,
        cycle.start_date,
        cycle.end_date,
        team_ids,
        limit,
        newest_value,
        newest_write,
        clock.now.replace(second=0, microsecond=0),
    )
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return list(found[0]), found[1]
    aimed = aimed_kpis(workspace, cycle, objective_ids)
    answer = _work_out(workspace, cycle, clock, aimed, limit) if aimed else ([], 0)
    with _lock:
        _kept[key] = answer
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return list(answer[0]), answer[1]


def _work_out(
    workspace: Workspace,
    cycle: Cycle,
    clock: Clock,
    aimed: dict[int, tuple[int, ...]],
    limit: int | None,
) -> tuple[list[KpiMove], int]:
    # Light rows to rank them all; whole KPIs only for the ones kept.
    rows = list(
        Kpi.objects.filter(workspace=workspace, pk__in=list(aimed))
        .order_by("id")
        .values_list("id", "name", "frequency", "aggregation")
    )
    start, end = cycle_bounds(cycle, clock)
    fiscal = clock.fiscal_year_start_month
    ends: dict[int, tuple[Period, Period, float | None, float | None]] = {}
    grouped: dict[str, list[tuple[int, str]]] = {}
    for pk, _, frequency_value, aggregation_value in rows:
        grouped.setdefault(frequency_value, []).append((pk, aggregation_value))
    for frequency_value, group in grouped.items():
        frequency = Frequency(frequency_value)
        first, last = period_of(start, frequency, fiscal), period_of(end, frequency, fiscal)
        ids = [pk for pk, _ in group]
        before, after = period_stats(ids, [first]), period_stats(ids, [last])
        for pk, aggregation_value in group:
            aggregation = Aggregation(aggregation_value)
            low, high = before.get((pk, 0)), after.get((pk, 0))
            ends[pk] = (
                first,
                last,
                low.value(aggregation) if low else None,
                high.value(aggregation) if high else None,
            )

    def size(pk: int) -> float:
        change = relative_change(ends[pk][3], ends[pk][2])
        return abs(change) if change is not None else -1.0

    ranked = sorted(rows, key=lambda row: (-size(row[0]), row[1], row[0]))
    kept_ids = [row[0] for row in (ranked if limit is None else ranked[:limit])]
    found = {kpi.pk: kpi for kpi in _kpis(workspace).filter(pk__in=kept_ids)}
    kept = [found[pk] for pk in kept_ids]
    statuses = kpi_statuses(kept, workspace, clock.now)
    result = []
    for kpi in kept:
        first, last, start_value, end_value = ends[kpi.pk]
        frequency = Frequency(kpi.frequency)
        result.append(
            KpiMove(
                id=kpi.pk,
                name=kpi.name,
                unit=kpi.unit,
                team_id=kpi.team_id,
                team_name=kpi.team.name,
                frequency=frequency,
                start_label=period_name(first, frequency, fiscal),
                start_value=start_value,
                end_label=period_name(last, frequency, fiscal),
                end_value=end_value,
                change=relative_change(end_value, start_value),
                health=statuses[kpi.pk].health,
                objective_ids=aimed[kpi.pk],
            )
        )
    return result, len(rows)


def kpi_series(
    workspace: Workspace, cycle: Cycle, clock: Clock, kpi_ids: Sequence[int]
) -> dict[int, list[KpiPoint]]:
    """Each KPI's value per period of its frequency over the cycle: one query per frequency.

    A cycle longer than CHART_PERIODS of a KPI's periods (hourly KPIs) gives no series.
    """
    if not kpi_ids:
        return {}
    kpis = list(_kpis(workspace).filter(pk__in=list(kpi_ids)))
    start, end = cycle_bounds(cycle, clock)
    fiscal = clock.fiscal_year_start_month
    series: dict[int, list[KpiPoint]] = {kpi_id: [] for kpi_id in kpi_ids}
    for frequency, group in _by_frequency(kpis).items():
        periods = periods_between(start, end, frequency, fiscal, CHART_PERIODS)
        if periods is None:
            continue
        stats = period_stats([kpi.pk for kpi in group], periods)
        for kpi in group:
            aggregation = Aggregation(kpi.aggregation)
            points = []
            for index, period in enumerate(periods):
                found = stats.get((kpi.pk, index))
                points.append(
                    KpiPoint(
                        label=period_name(period, frequency, fiscal),
                        day=period.start.date(),
                        value=found.value(aggregation) if found else None,
                    )
                )
            series[kpi.pk] = points
    return series


def _kpis(workspace: Workspace) -> QuerySet[Kpi]:
    return Kpi.objects.filter(workspace=workspace).select_related("team").order_by("id")


def _by_frequency(kpis: Sequence[Kpi]) -> dict[Frequency, list[Kpi]]:
    grouped: dict[Frequency, list[Kpi]] = {}
    for kpi in kpis:
        grouped.setdefault(Frequency(kpi.frequency), []).append(kpi)
    return grouped
