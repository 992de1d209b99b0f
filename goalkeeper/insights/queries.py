"""The insights read model: what a cycle looks like for a team subtree (docs/insights.md).

`Insights(scope)` reads each figure once, when first asked, from the read models: where
every objective stands from `okrs.standing`, the cycle's check-ins, alignment and coach
findings by team from `insights.activity` (grouped in SQL, kept per process), KPI health
from the stored KPI figures (`kpis.figures.health_now`). Nothing is recomputed here; this
module sums those by the scope's rows (`scope.Teams.rows`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.utils import translation

from goalkeeper.audit.kept import Kept, newest_audit_entry
from goalkeeper.domain.coach import coach_team
from goalkeeper.domain.insights import decile_histogram, share
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.scoring import ScoreBand, score_band
from goalkeeper.insights.activity import (
    CycleActivity,
    TaskLike,
    cycle_activity,
    kpi_health_by_team,
)
from goalkeeper.insights.scope import InsightScope, TeamRow, Teams
from goalkeeper.okrs.models import CycleState
from goalkeeper.okrs.rows import CycleIndex, load_rows
from goalkeeper.okrs.standing import Standing, cycle_standings
from goalkeeper.okrs.view_models import PACE_ORDER, ObjectiveRow

# Objectives each list shows; the rest are counted and one click away on the board.
LIST_ROWS = 8
# Coach items listed per finding on the page (the counts are exact).
COACH_ITEMS = 12
# The statuses that get a list of their own, worst first.
LISTED: tuple[PaceStatus, ...] = (PaceStatus.OFF_TRACK, PaceStatus.AT_RISK, PaceStatus.STALE)
HEALTHS: tuple[Health, ...] = (
    Health.GREEN,
    Health.YELLOW,
    Health.RED,
    Health.STALE,
    Health.NO_DATA,
)
BANDS: tuple[ScoreBand, ...] = (ScoreBand.RED, ScoreBand.YELLOW, ScoreBand.GREEN)


@dataclass(frozen=True)
class Adoption:
    """People and teams of a row (or the whole scope) with objectives in the cycle."""

    people: int
    people_with: int
    teams: int
    teams_with: int

    @property
    def people_share(self) -> float | None:
        """Share of the people with at least one non-draft objective of the cycle."""
        return share(self.people_with, self.people)

    @property
    def teams_share(self) -> float | None:
        """Share of the (not archived) teams with at least one non-draft objective."""
        return share(self.teams_with, self.teams)


@dataclass(frozen=True)
class ObjectiveList:
    """The first objectives of one pace status, and how many there are in all."""

    status: PaceStatus
    rows: tuple[ObjectiveRow, ...]
    total: int

    @property
    def more(self) -> int:
        """Objectives of this status not listed."""
        return self.total - len(self.rows)


@dataclass(frozen=True)
class CoachRow:
    """The coach's findings in one row of the scope."""

    too_many_objectives: tuple[tuple[int, int], ...]  # (team, objectives) over the limit
    task_like: int
    sandbagging: tuple[int, ...]  # teams


@dataclass(frozen=True)
class Coverage:
    """How many of a row's objectives are aligned to a parent objective."""

    objectives: int
    aligned: int

    @property
    def share(self) -> float | None:
        """The aligned share, None without objectives."""
        return share(self.aligned, self.objectives)


class Insights:
    """The insight figures of one scope, each read on first use."""

    def __init__(self, scope: InsightScope, newest: int | None = None) -> None:
        self.scope = scope
        self._newest = newest

    @property
    def closed(self) -> bool:
        """A closed cycle is judged by final scores, not pace."""
        return self.scope.cycle.state == CycleState.CLOSED

    # --- The scope --------------------------------------------------------------------------

    @cached_property
    def teams(self) -> Teams:
        """The workspace's org tree (one query)."""
        return Teams.of(self.scope.workspace)

    @cached_property
    def subtree(self) -> frozenset[int]:
        """The scope's teams."""
        return self.teams.subtree(self.scope.team.pk)

    @cached_property
    def rows(self) -> tuple[TeamRow, ...]:
        """The by-team rows: the scope team's own objectives, then each direct child team."""
        return self.teams.rows(self.scope.team.pk)

    @cached_property
    def company_level(self) -> frozenset[int]:
        """The root teams: their objectives have no parent to align to."""
        return frozenset(node.id for node in self.teams.roots())

    # --- Read models ------------------------------------------------------------------------

    @cached_property
    def all_standings(self) -> tuple[Standing, ...]:
        """Every non-draft objective of the cycle (the whole workspace)."""
        scope = self.scope
        return cycle_standings(scope.workspace, scope.cycle, scope.clock)

    @cached_property
    def standings(self) -> tuple[Standing, ...]:
        """Every non-draft objective of the cycle in the scope, as the board counts it."""
        return tuple(s for s in self.all_standings if s.team_id in self.subtree)

    @cached_property
    def newest(self) -> int | None:
        """The workspace's newest audit entry: what the kept answers are valid for."""
        if self._newest is not None:
            return self._newest
        return newest_audit_entry(self.scope.workspace.pk)

    @cached_property
    def activity(self) -> CycleActivity:
        """The cycle's activity by team (kept per process while nothing is written)."""
        scope = self.scope
        return cycle_activity(scope.workspace, scope.cycle, scope.clock, self.newest)

    # --- Progress and pace ------------------------------------------------------------------

    @cached_property
    def pace_counts(self) -> tuple[tuple[PaceStatus, int], ...]:
        """Live objectives of the scope by pace status, in the board's order."""
        counter = Counter(s.pace for s in self.standings if s.pace is not None)
        return tuple((status, counter[status]) for status in PACE_ORDER)

    @cached_property
    def band_counts(self) -> tuple[tuple[ScoreBand, int], ...]:
        """Closed objectives of the scope by final score band, red first."""
        counter = Counter(
            score_band(s.final_score) for s in self.standings if s.final_score is not None
        )
        return tuple((band, counter[band]) for band in BANDS)

    @cached_property
    def progress_histogram(self) -> tuple[int, ...]:
        """Objectives of the scope by progress decile (those with key results)."""
        return decile_histogram(s.progress for s in self.standings)

    @cached_property
    def lists(self) -> tuple[ObjectiveList, ...]:
        """Off-track, at-risk and stale objectives: the lowest progress first, a few each."""
        if self.closed:
            return ()
        chosen: dict[PaceStatus, list[Standing]] = {}
        totals: Counter[PaceStatus] = Counter()
        for status in LISTED:
            matching = [s for s in self.standings if s.pace == status]
            totals[status] = len(matching)
            matching.sort(key=lambda s: (s.progress if s.progress is not None else -1.0, s.id))
            chosen[status] = matching[:LIST_ROWS]
        ids = [s.id for picked in chosen.values() for s in picked]
        rows = {row.id: row for row in self._rows_of(ids)}
        return tuple(
            ObjectiveList(
                status,
                tuple(rows[s.id] for s in chosen[status] if s.id in rows),
                totals[status],
            )
            for status in LISTED
        )

    def _rows_of(self, ids: list[int]) -> tuple[ObjectiveRow, ...]:
        """The objectives' rows as the board shows them (two queries; roll-ups with the
        children they count, read only then)."""
        if not ids:
            return ()
        scope = self.scope
        wanted = set(ids)
        if any(s.roll_up for s in self.standings if s.id in wanted):
            wanted = CycleIndex.around(scope.workspace, scope.cycle, ids).with_rollups(ids)
        return load_rows(scope.workspace, scope.cycle, scope.clock, wanted)

    # --- Adoption ---------------------------------------------------------------------------

    @cached_property
    def _owners(self) -> frozenset[int]:
        """People owning a non-draft objective of the cycle, wherever it sits."""
        return frozenset(s.owner_id for s in self.all_standings if s.owner_id is not None)

    def _adoption(self, teams: frozenset[int]) -> Adoption:
        owners = self._owners
        members = self.activity.members
        people: set[int] = set()
        for team in teams:
            people |= members.get(team, frozenset())
        live_teams = [pk for pk in teams if not self.teams.nodes[pk].archived]
        objectives = self.activity.objectives
        return Adoption(
            people=len(people),
            people_with=len(people & owners),
            teams=len(live_teams),
            teams_with=sum(1 for pk in live_teams if objectives.get(pk)),
        )

    @cached_property
    def adoption(self) -> Adoption:
        """The whole scope's adoption."""
        return self._adoption(self.subtree)

    @cached_property
    def adoption_by_row(self) -> tuple[Adoption, ...]:
        """Adoption per row; a team's own row counts its direct members only."""
        return tuple(self._adoption(row.teams) for row in self.rows)

    # --- Check-ins and confidence -----------------------------------------------------------

    @cached_property
    def heatmap(self) -> tuple[tuple[float | None, ...], ...]:
        """Per row, per week so far: the share of the row's key results checked in."""
        activity = self.activity
        result = []
        for row in self.rows:
            total = sum(activity.key_results.get(team, 0) for team in row.teams)
            cells = []
            for week in range(len(activity.weeks)):
                checked = sum(
                    found.key_results
                    for team in row.teams
                    if (found := activity.weekly.get((team, week))) is not None
                )
                cells.append(share(checked, total))
            result.append(tuple(cells))
        return tuple(result)

    @cached_property
    def confidence(self) -> tuple[tuple[float | None, int], ...]:
        """Per week so far: the mean confidence (0-10) given in the scope's check-ins of the
        week, and how many check-ins gave one."""
        activity = self.activity
        result = []
        for week in range(len(activity.weeks)):
            total = given = 0
            for team in self.subtree:
                found = activity.weekly.get((team, week))
                if found is not None:
                    total += found.confidence_total
                    given += found.confidence_count
            result.append((total / given if given else None, given))
        return tuple(result)

    # --- KPIs, alignment, coach -------------------------------------------------------------

    @cached_property
    def kpi_health(self) -> tuple[dict[Health, int], ...]:
        """Per row, the KPIs (not archived) of its teams by health now, as the KPI board
        counts them (`activity.kpi_health_by_team`)."""
        by_team = kpi_health_by_team(self.scope.workspace, self.scope.clock, self.newest)
        counts: list[dict[Health, int]] = []
        for row in self.rows:
            found = dict.fromkeys(HEALTHS, 0)
            for team in row.teams:
                for health, n in by_team.get(team, {}).items():
                    found[health] += n
            counts.append(found)
        return tuple(counts)

    @cached_property
    def coverage_by_row(self) -> tuple[Coverage, ...]:
        """Per row, its objectives below the company level and how many are aligned."""
        activity = self.activity
        return tuple(
            Coverage(
                objectives=sum(
                    activity.objectives.get(team, 0)
                    for team in row.teams
                    if team not in self.company_level
                ),
                aligned=sum(
                    activity.aligned.get(team, 0)
                    for team in row.teams
                    if team not in self.company_level
                ),
            )
            for row in self.rows
        )

    @cached_property
    def coverage(self) -> Coverage:
        """The whole scope's alignment coverage."""
        return Coverage(
            sum(c.objectives for c in self.coverage_by_row),
            sum(c.aligned for c in self.coverage_by_row),
        )

    @cached_property
    def coach_by_row(self) -> tuple[CoachRow, ...]:
        """Per row, the coach's findings: teams with too many objectives in the cycle,
        task-like key results, teams flagged for sandbagging."""
        activity = self.activity
        result = []
        for row in self.rows:
            crowded = []
            for team in sorted(row.teams, key=lambda pk: self.teams.nodes[pk].name.lower()):
                n = activity.objectives.get(team, 0)
                codes = {r.code for r in coach_team(0, n, min_kpis=0)}
                if "too_many_objectives" in codes:
                    crowded.append((team, n))
            result.append(
                CoachRow(
                    too_many_objectives=tuple(crowded),
                    task_like=sum(activity.task_like.get(team, 0) for team in row.teams),
                    sandbagging=tuple(
                        sorted(
                            (t for t in row.teams if t in activity.sandbagging),
                            key=lambda pk: self.teams.nodes[pk].name.lower(),
                        )
                    ),
                )
            )
        return tuple(result)

    @cached_property
    def task_items(self) -> tuple[TaskLike, ...]:
        """The first task-like key results of the scope."""
        return tuple(t for t in self.activity.task_items if t.team_id in self.subtree)[:COACH_ITEMS]

    @cached_property
    def crowded_teams(self) -> tuple[tuple[int, int], ...]:
        """Teams of the scope with too many objectives in the cycle, and their counts."""
        return tuple(item for row in self.coach_by_row for item in row.too_many_objectives)

    @cached_property
    def sandbagging_teams(self) -> tuple[int, ...]:
        """Teams of the scope the coach flags for sandbagging."""
        return tuple(team for row in self.coach_by_row for team in row.sandbagging)


# The figures of the scopes people look at, kept per process (`goalkeeper.audit.kept`).
KEPT = 16
_kept: Kept[Insights] = Kept(KEPT)


def scope_key(scope: InsightScope, newest: int | None) -> tuple[object, ...]:
    """What a scope's figures depend on: the cycle's dates and state, the team, the
    workspace's newest audit entry (every write leaves one), the minute and thresholds
    (pace moves with the clock) and the language (rows are labelled in words)."""
    cycle = scope.cycle
    return (
        scope.workspace.pk,
        cycle.pk,
        cycle.state,
        cycle.start_date,
        cycle.end_date,
        scope.team.pk,
        newest,
        scope.clock.now.replace(second=0, microsecond=0),
        scope.clock.thresholds,
        str(scope.clock.zone),
        translation.get_language(),
    )


def insights_of(scope: InsightScope) -> Insights:
    """The figures of `scope`, kept while nothing is written and the minute is the same:
    one query (the newest audit entry) when kept."""
    newest = newest_audit_entry(scope.workspace.pk)
    return _kept.get(scope_key(scope, newest), lambda: Insights(scope, newest))
