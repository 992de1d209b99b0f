"""The computed numbers the API (and webhook payloads) show, in a bounded number of queries.

Progress, score, pace status, KPI health and latest value all come from `goalkeeper.domain`;
this module only gathers the rows they need. A page of objectives costs the same queries
whatever its size (key results come prefetched; roll-ups load their cycle once), and a page
of KPIs costs one query: the latest value and the value of the latest complete period are
correlated subqueries of the KPI query itself, served by the (kpi, timestamp) index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    DateTimeField,
    FloatField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from goalkeeper.accounts.models import Workspace
from goalkeeper.domain.key_results import progress, score
from goalkeeper.domain.kpis import Health, kpi_health
from goalkeeper.domain.limits import finite_or_none
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.pace import PaceStatus, PaceThresholds, pace_status
from goalkeeper.domain.periods import Aggregation, Frequency, Period, latest_complete_period
from goalkeeper.domain.scoring import final_score
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.okrs.models import Cycle, KeyResult, Objective, ObjectiveState
from goalkeeper.okrs.queries import local_today, thresholds_of, workspace_zone


@dataclass(frozen=True)
class Clock:
    """ "Now" as one workspace sees it: the instant, its local date and its pace thresholds."""

    workspace: Workspace
    now: dt.datetime
    today: dt.date
    thresholds: PaceThresholds

    @property
    def zone(self) -> dt.tzinfo:
        return workspace_zone(self.workspace)


def clock_for(workspace: Workspace, now: dt.datetime | None = None) -> Clock:
    """The clock of `workspace` at `now` (default: the current time)."""
    now = now or timezone.now()
    return Clock(
        workspace=workspace,
        now=now,
        today=local_today(workspace, now),
        thresholds=thresholds_of(workspace),
    )


# --- Key results and objectives -------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultFigures:
    """Raw progress (may leave 0..1), score in 0..1 and pace status of one key result."""

    progress: float | None
    score: float
    status: PaceStatus


def key_result_figures(key_result: KeyResult, cycle: Cycle, clock: Clock) -> KeyResultFigures:
    """The numbers of one key result of `cycle`, as of `clock`."""
    spec = key_result.spec
    s = score(spec, key_result.current, key_result.done)
    return KeyResultFigures(
        progress=progress(spec, key_result.current, key_result.done),
        score=s,
        status=pace_status(
            s,
            cycle.start_date,
            cycle.end_date,
            clock.today,
            key_result.last_check_in_at,
            clock.now,
            clock.thresholds,
        ),
    )


@dataclass(frozen=True)
class ObjectiveFigures:
    """Progress in 0..1 (None without key results), score to one decimal, pace status."""

    progress: float | None
    score: float | None
    status: PaceStatus


def ordered_key_results() -> Prefetch[str, QuerySet[KeyResult], str]:
    """The prefetch every objective read uses: key results in their display order."""
    return Prefetch("key_results", queryset=KeyResult.objects.order_by("position", "id"))


def objective_figures(objectives: Sequence[Objective], clock: Clock) -> dict[int, ObjectiveFigures]:
    """Figures of `objectives` (with `cycle` selected and key results prefetched).

    Objectives that roll up their aligned children need those children's figures too: the
    whole cycle is then loaded once (two queries), as the home page does. Like the home page,
    a roll-up counts the non-draft children of the same cycle.
    """
    pool: dict[int, Objective] = {objective.pk: objective for objective in objectives}
    rolling = {objective.cycle_id for objective in objectives if objective.roll_up_children}
    if rolling:
        extra = (
            Objective.objects.filter(workspace_id=clock.workspace.pk, cycle_id__in=rolling)
            .exclude(state=ObjectiveState.DRAFT)
            .select_related("cycle")
            .prefetch_related(ordered_key_results())
        )
        for objective in extra:
            pool.setdefault(objective.pk, objective)
    children: dict[int, list[int]] = {}
    for objective in pool.values():
        parent = pool.get(objective.parent_id) if objective.parent_id is not None else None
        if (
            parent is not None
            and objective.state != ObjectiveState.DRAFT
            and objective.cycle_id == parent.cycle_id
        ):
            children.setdefault(parent.pk, []).append(objective.pk)
    rollups = _Rollups(pool, children, clock)
    result: dict[int, ObjectiveFigures] = {}
    for objective in objectives:
        value, last_check_in = rollups.of(objective.pk)
        cycle = objective.cycle
        status = pace_status(
            value if value is not None else 0.0,
            cycle.start_date,
            cycle.end_date,
            clock.today,
            last_check_in,
            clock.now,
            clock.thresholds,
        )
        shown = (
            objective.final_score
            if objective.state == ObjectiveState.CLOSED and objective.final_score is not None
            else final_score(value)
        )
        result[objective.pk] = ObjectiveFigures(progress=value, score=shown, status=status)
    return result


class _Rollups:
    """Objective progress and latest check-in, children first, each computed once."""

    def __init__(
        self, objectives: dict[int, Objective], children: dict[int, list[int]], clock: Clock
    ) -> None:
        self._objectives = objectives
        self._children = children
        self._clock = clock
        self._done: dict[int, tuple[float | None, dt.datetime | None]] = {}
        self._visiting: set[int] = set()

    def of(self, objective_id: int) -> tuple[float | None, dt.datetime | None]:
        if objective_id in self._done:
            return self._done[objective_id]
        # Alignment loops are refused on save; this guard keeps a bad row from recursing.
        self._visiting.add(objective_id)
        objective = self._objectives[objective_id]
        weighted: list[WeightedScore] = []
        moments: list[dt.datetime | None] = []
        for key_result in objective.key_results.all():
            figures = key_result_figures(key_result, objective.cycle, self._clock)
            weighted.append(WeightedScore(key_result.weight, figures.score))
            moments.append(key_result.last_check_in_at)
        child_progress: list[float | None] = []
        if objective.roll_up_children:
            for child_id in self._children.get(objective_id, []):
                if child_id in self._visiting:
                    continue
                child_value, child_moment = self.of(child_id)
                child_progress.append(child_value)
                moments.append(child_moment)
        value = objective_progress(weighted, child_progress, objective.roll_up_children)
        result = (value, _latest(moments))
        self._visiting.discard(objective_id)
        self._done[objective_id] = result
        return result


def _latest(moments: Iterable[dt.datetime | None]) -> dt.datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


# --- KPIs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiFigures:
    """A KPI's health, newest measurement and latest complete period with its value."""

    health: Health
    latest_at: dt.datetime | None
    latest_value: float | None
    period: Period
    period_value: float | None


def with_kpi_figures(kpis: QuerySet[Kpi], clock: Clock) -> QuerySet[Kpi]:
    """Annotate each KPI with what its health needs, inside the KPI query itself.

    The latest complete period depends only on the frequency (and the workspace's zone and
    fiscal year), so its bounds are constants chosen per row with CASE; the period's value is
    the aggregate the KPI asks for, as a correlated subquery over the (kpi, timestamp) index.
    """
    bounds = periods_for(clock)
    start = Case(
        *[When(frequency=f.value, then=Value(p.start)) for f, p in bounds.items()],
        output_field=DateTimeField(),
    )
    end = Case(
        *[When(frequency=f.value, then=Value(p.end)) for f, p in bounds.items()],
        output_field=DateTimeField(),
    )
    newest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-timestamp")
    in_period = Measurement.objects.filter(
        kpi=OuterRef("pk"),
        timestamp__gte=OuterRef("_period_start"),
        timestamp__lt=OuterRef("_period_end"),
    )

    def combined(function: type[Sum] | type[Avg] | type[Min] | type[Max]) -> Subquery:
        grouped = in_period.order_by().values("kpi").annotate(v=function("value")).values("v")
        return Subquery(grouped[:1], output_field=FloatField())

    period_value = Case(
        When(aggregation=Aggregation.SUM.value, then=combined(Sum)),
        When(aggregation=Aggregation.AVERAGE.value, then=combined(Avg)),
        When(aggregation=Aggregation.MIN.value, then=combined(Min)),
        When(aggregation=Aggregation.MAX.value, then=combined(Max)),
        default=Subquery(
            in_period.order_by("-timestamp").values("value")[:1], output_field=FloatField()
        ),
        output_field=FloatField(),
    )
    return kpis.annotate(_period_start=start, _period_end=end).annotate(
        _latest_value=Subquery(newest.values("value")[:1], output_field=FloatField()),
        _latest_at=Subquery(newest.values("timestamp")[:1], output_field=DateTimeField()),
        _period_value=period_value,
    )


def periods_for(clock: Clock) -> dict[Frequency, Period]:
    """The latest complete period of each frequency, in the workspace's zone."""
    local_now = clock.now.astimezone(clock.zone)
    fiscal = clock.workspace.fiscal_year_start_month
    return {f: latest_complete_period(local_now, f, fiscal) for f in Frequency}


def kpi_figures(kpi: Kpi, clock: Clock, periods: dict[Frequency, Period]) -> KpiFigures:
    """Figures of a KPI annotated by `with_kpi_figures` with the same clock."""
    frequency = Frequency(kpi.frequency)
    # SQLite sums values stored before the limits (docs/scoring.md) to infinity: no number.
    period_value = finite_or_none(getattr(kpi, "_period_value", None))
    latest_at: dt.datetime | None = getattr(kpi, "_latest_at", None)
    return KpiFigures(
        health=kpi_health(kpi.spec, frequency, period_value, latest_at, clock.now),
        latest_at=latest_at,
        latest_value=finite_or_none(getattr(kpi, "_latest_value", None)),
        period=periods[frequency],
        period_value=period_value,
    )


def kpi_health_now(kpi: Kpi, clock: Clock | None = None) -> Health:
    """The health of one KPI as stored right now (one query); for before/after comparisons."""
    clock = clock or clock_for(kpi.workspace)
    annotated = with_kpi_figures(Kpi.objects.filter(pk=kpi.pk), clock).first()
    if annotated is None:
        return Health.NO_DATA
    return kpi_figures(annotated, clock, periods_for(clock)).health
