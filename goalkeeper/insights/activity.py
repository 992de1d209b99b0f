"""A cycle's activity by team, aggregated in SQL: key results, check-ins and confidence per
week, alignment, the coach's findings that read stored rows, and each team's people; and the
KPI health counts by team (docs/insights.md).

Worked out once for the whole cycle (every team), then summed for any scope; each process
keeps the last few answers while nothing is written in the workspace and the day is the
same (`goalkeeper.audit.kept`): the weeks so far move with the date, nothing else with time.
On the 10,000-person company the check-in aggregate reads a hundred thousand rows in one
grouped query; what a page then reads is a few thousand numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, IntegerField, Q, Sum, Value, When
from django.db.models.expressions import Case

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Membership, Workspace
from goalkeeper.audit.kept import Kept
from goalkeeper.domain.coach import coach_sandbagging, looks_like_task
from goalkeeper.domain.insights import cycle_weeks
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.kpis import Health
from goalkeeper.kpis.figures import health_now
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveKind,
    ObjectiveState,
)

# How many task-like key results a cycle keeps for the coach's lists (the counts are exact).
TASK_ITEMS_MAX = 2000


@dataclass(frozen=True)
class WeekActivity:
    """One team's check-ins in one week of the cycle."""

    key_results: int  # distinct key results checked in
    confidence_total: int  # sum of the confidence given (0-10) in that week's check-ins
    confidence_count: int  # check-ins that gave a confidence


@dataclass(frozen=True)
class TaskLike:
    """A key result the coach reads as a task with no metric (docs/scoring.md)."""

    id: int
    title: str
    objective_id: int
    team_id: int


@dataclass(frozen=True)
class CycleActivity:
    """A cycle's activity by team (every team of the workspace that has some)."""

    weeks: tuple[dt.date, ...]
    key_results: dict[int, int]  # team -> key results of its non-draft objectives
    weekly: dict[tuple[int, int], WeekActivity]  # (team, week index) -> activity
    objectives: dict[int, int]  # team -> non-draft objectives of the cycle
    aligned: dict[int, int]  # team -> of those, aligned to a parent objective
    task_like: dict[int, int]  # team -> task-like key results
    task_items: tuple[TaskLike, ...]
    sandbagging: frozenset[int]  # teams the coach flags for sandbagging
    members: dict[int, frozenset[int]]  # team -> its active people


KEPT = 8
_kept: Kept[CycleActivity] = Kept(KEPT)


def cycle_activity(
    workspace: Workspace, cycle: Cycle, clock: Clock, newest: int | None
) -> CycleActivity:
    """The cycle's activity by team as of `clock`'s day, `newest` naming the workspace's
    newest audit entry (`goalkeeper.audit.kept.newest_audit_entry`).

    No query when kept; else seven, each grouped in SQL but the memberships'.
    """
    key = (
        workspace.pk,
        cycle.pk,
        cycle.state,
        cycle.start_date,
        cycle.end_date,
        newest,
        clock.today,
        str(clock.zone),
    )
    return _kept.get(key, lambda: _work_out(workspace, cycle, clock))


def week_bounds(weeks: Sequence[dt.date], clock: Clock) -> list[dt.datetime]:
    """The instants the weeks start at in the workspace's zone, and the end of the last."""
    days = [*weeks, weeks[-1] + dt.timedelta(days=7)] if weeks else []
    return [dt.datetime.combine(day, dt.time(), tzinfo=clock.zone) for day in days]


def _work_out(workspace: Workspace, cycle: Cycle, clock: Clock) -> CycleActivity:
    weeks = cycle_weeks(cycle.start_date, cycle.end_date, clock.today)
    live = Q(objective__workspace=workspace, objective__cycle=cycle) & ~Q(
        objective__state=ObjectiveState.DRAFT
    )
    key_results = dict(
        KeyResult.objects.filter(live)
        .values("objective__team_id")
        .annotate(n=Count("id"))
        .values_list("objective__team_id", "n")
        .order_by()
    )
    objectives, aligned = _counts(workspace, cycle)
    task_like, task_items = _task_like(live)
    return CycleActivity(
        weeks=weeks,
        key_results=key_results,
        weekly=_weekly(workspace, cycle, weeks, clock),
        objectives=objectives,
        aligned=aligned,
        task_like=task_like,
        task_items=task_items,
        sandbagging=_sandbagging(workspace, cycle),
        members=_members(workspace),
    )


def _weekly(
    workspace: Workspace, cycle: Cycle, weeks: Sequence[dt.date], clock: Clock
) -> dict[tuple[int, int], WeekActivity]:
    """Check-ins by team and week: one grouped query; the week is a CASE over the weeks'
    starting instants (the same SQL on SQLite and PostgreSQL, no per-row function)."""
    if not weeks:
        return {}
    bounds = week_bounds(weeks, clock)
    week = Case(
        *[When(created_at__lt=bound, then=Value(n)) for n, bound in enumerate(bounds[1:])],
        default=Value(len(weeks) - 1),
        output_field=IntegerField(),
    )
    rows = (
        CheckIn.objects.filter(
            key_result__objective__workspace=workspace,
            key_result__objective__cycle=cycle,
            created_at__gte=bounds[0],
            created_at__lt=bounds[-1],
        )
        .exclude(key_result__objective__state=ObjectiveState.DRAFT)
        .annotate(week=week)
        .values("key_result__objective__team_id", "week")
        .annotate(
            checked=Count("key_result_id", distinct=True),
            total=Sum("confidence"),
            given=Count("confidence"),
        )
        .values_list("key_result__objective__team_id", "week", "checked", "total", "given")
        .order_by()
    )
    return {
        (team, n): WeekActivity(checked, int(total or 0), given)
        for team, n, checked, total, given in rows
    }


def _members(workspace: Workspace) -> dict[int, frozenset[int]]:
    """Each team's active people (one query)."""
    members: dict[int, set[int]] = {}
    for team, person in Membership.objects.filter(
        team__workspace=workspace, person__is_active=True
    ).values_list("team_id", "person_id"):
        members.setdefault(team, set()).add(person)
    return {team: frozenset(people) for team, people in members.items()}


def _counts(workspace: Workspace, cycle: Cycle) -> tuple[dict[int, int], dict[int, int]]:
    rows = (
        Objective.objects.filter(workspace=workspace, cycle=cycle)
        .exclude(state=ObjectiveState.DRAFT)
        .values("team_id")
        .annotate(n=Count("id"), aligned=Count("parent_id"))
        .values_list("team_id", "n", "aligned")
        .order_by()
    )
    objectives: dict[int, int] = {}
    aligned: dict[int, int] = {}
    for team, n, with_parent in rows:
        objectives[team] = n
        aligned[team] = with_parent
    return objectives, aligned


def _task_like(live: Q) -> tuple[dict[int, int], tuple[TaskLike, ...]]:
    """The cycle's milestones titled as tasks: the coach's "task with no metric"."""
    counts: dict[int, int] = {}
    items: list[TaskLike] = []
    for pk, title, objective, team in (
        KeyResult.objects.filter(live, kind=KeyResultKind.MILESTONE.value)
        .order_by("objective_id", "position", "id")
        .values_list("id", "title", "objective_id", "objective__team_id")
    ):
        if looks_like_task(title):
            counts[team] = counts.get(team, 0) + 1
            if len(items) < TASK_ITEMS_MAX:
                items.append(TaskLike(pk, title, objective, team))
    return counts, tuple(items)


def _sandbagging(workspace: Workspace, cycle: Cycle) -> frozenset[int]:
    """Teams whose aspirational objectives all scored high in their last two closed cycles,
    read as the objective page's coach reads them (closed cycles other than this one)."""
    scores: dict[int, dict[int, list[float]]] = {}
    for team, cycle_id, value in (
        Objective.objects.filter(
            workspace=workspace,
            kind=ObjectiveKind.ASPIRATIONAL,
            cycle__state=CycleState.CLOSED,
            final_score__isnull=False,
        )
        .exclude(cycle_id=cycle.pk)
        .order_by("-cycle__start_date", "cycle_id")
        .values_list("team_id", "cycle_id", "final_score")
    ):
        if value is not None:
            scores.setdefault(team, {}).setdefault(cycle_id, []).append(value)
    return frozenset(
        team for team, by_cycle in scores.items() if coach_sandbagging(list(by_cycle.values()))
    )


# KPI health moves with the clock (staleness, a period ending): kept for the minute.
_health_kept: Kept[dict[int, dict[Health, int]]] = Kept(KEPT)


def kpi_health_by_team(
    workspace: Workspace, clock: Clock, newest: int | None
) -> dict[int, dict[Health, int]]:
    """Each team's KPIs (not archived) by health now: one grouped query over the stored
    figures read by `kpis.figures.health_now`, as the KPI board counts them."""
    minute = clock.now.replace(second=0, microsecond=0)
    return _health_kept.get((workspace.pk, newest, minute), lambda: _kpi_health(workspace, minute))


def _kpi_health(workspace: Workspace, now: dt.datetime) -> dict[int, dict[Health, int]]:
    counts: dict[int, dict[Health, int]] = {}
    for team, health, n in (
        Kpi.objects.filter(workspace=workspace, archived_at__isnull=True)
        .annotate(health_now=health_now(now))
        .values("team_id", "health_now")
        .annotate(n=Count("id"))
        .values_list("team_id", "health_now", "n")
        .order_by()
    ):
        counts.setdefault(team, {})[Health(health)] = n
    return counts
