"""What each tile of a dashboard shows, read from the OKR and KPI read models.

Nothing is computed here: KPI health, values and series come from `goalkeeper.kpis`
(`queries.kpi_statuses`, `queries.chart_series`, the board's stored health), objectives'
progress and pace from `goalkeeper.okrs.rows`. Every object a tile names is looked up again
within the viewer's workspace when the dashboard is shown: a tile whose KPI, objective or
team is gone (or was never the viewer's to see) says "not available" and shows nothing of it.

Queries are bounded per tile, whatever the size of the data: a dashboard holds at most
`services.MAX_TILES` tiles, and each kind reads a fixed number of rows sets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.dashboards.models import Dashboard, Tile, TileKind
from goalkeeper.domain.kpis import Health
from goalkeeper.domain.periods import Frequency, Period
from goalkeeper.insights.charts import CHARTS, default_scope, insight_chart
from goalkeeper.kpis.board import HEALTH_NOW, BoardFilters, matching_kpis
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.queries import (
    HEALTH_ORDER,
    KpiTile,
    PeriodPoint,
    chart_data,
    kpi_statuses,
    period_points,
    tile_of,
)
from goalkeeper.kpis.series import PeriodStats, period_stats, period_window
from goalkeeper.okrs.cycles import current_cycle
from goalkeeper.okrs.models import Cycle, Objective, ObjectiveState
from goalkeeper.okrs.rows import CycleIndex, load_rows, pace_counts
from goalkeeper.okrs.view_models import ObjectiveRow, StatusCount

# Periods a KPI chart tile draws: the newest ones, the current period last.
CHART_POINTS = 24
# Objectives a team summary lists by name (the counts cover them all).
SUMMARY_OBJECTIVES = 6
# Objectives of one team read for its summary: a team with more is told to narrow down.
SUMMARY_READ = 60


@dataclass(frozen=True)
class HealthTally:
    """How many KPIs have one health."""

    health: Health
    count: int


@dataclass(frozen=True)
class KpiChartBody:
    tile: KpiTile
    points: tuple[PeriodPoint, ...]
    chart: dict[str, Any]


@dataclass(frozen=True)
class KpiGroupBody:
    tiles: tuple[KpiTile, ...]
    # KPIs of the group the viewer cannot see (gone, or of another workspace).
    unavailable: int = 0


@dataclass(frozen=True)
class ObjectiveBody:
    row: ObjectiveRow
    cycle_name: str


@dataclass(frozen=True)
class TeamSummaryBody:
    team_id: int
    team_name: str
    cycle_name: str
    pace: tuple[StatusCount, ...]
    objectives: tuple[ObjectiveRow, ...]
    objective_count: int
    health: tuple[HealthTally, ...]
    kpi_count: int


@dataclass(frozen=True)
class HealthCountsBody:
    team_id: int | None
    team_name: str
    health: tuple[HealthTally, ...]
    total: int


@dataclass(frozen=True)
class TextBody:
    text: str


@dataclass(frozen=True)
class InsightBody:
    chart: Any


@dataclass(frozen=True)
class TileView:
    """One tile as shown: where it sits, its heading, and its body (None: not available)."""

    id: int
    kind: str
    title: str
    x: int
    y: int
    w: int
    h: int
    body: Any = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        return self.body is not None

    @property
    def dom_id(self) -> str:
        return f"tile-{self.id}"


def _tallies(counted: dict[str, int]) -> tuple[HealthTally, ...]:
    return tuple(HealthTally(h, counted.get(h.value, 0)) for h in HEALTH_ORDER)


def health_counts(workspace: Workspace, now: dt.datetime, team_id: int | None) -> dict[str, int]:
    """KPI health counts of a team's KPIs (or the workspace's), as the KPI board counts
    them: one grouped query over the stored figures."""
    filters = BoardFilters(team=str(team_id) if team_id else "")
    rows = matching_kpis(workspace, now, filters, None)
    return dict(
        rows.order_by().values(HEALTH_NOW).annotate(n=Count("id")).values_list(HEALTH_NOW, "n")
    )


def _points(
    kpi: Kpi, periods: Sequence[Period], stats: dict[tuple[int, int], PeriodStats]
) -> tuple[PeriodPoint, ...]:
    """A KPI's points over `periods`, leading periods before its first value dropped."""
    points = period_points(kpi, periods, stats)
    first = next((i for i, p in enumerate(points) if p.value is not None), len(points))
    return tuple(points[first:])


def _chart_data(kpi: Kpi, points: Sequence[PeriodPoint], frequency: Frequency) -> dict[str, Any]:
    """The KPI page's chart data, with the KPI's name for the tile's chart."""
    return {"name": kpi.name, **chart_data(kpi, points, frequency)}


class _Reader:
    """Reads what a dashboard's tiles need, a kind at a time."""

    def __init__(self, viewer: Person, now: dt.datetime) -> None:
        self.viewer = viewer
        self.workspace: Workspace = viewer.workspace
        self.now = now
        self.clock = self.workspace.clock(now)

    def series(self, kpis: Sequence[Kpi]) -> dict[int, tuple[PeriodPoint, ...]]:
        """The last CHART_POINTS periods of each KPI (its own frequency, the current period
        last), as the KPI page's chart has them (`kpis.queries.chart_series`): one aggregate
        query per frequency present, whatever the number of charts."""
        by_frequency: dict[Frequency, list[Kpi]] = {}
        for kpi in kpis:
            by_frequency.setdefault(Frequency(kpi.frequency), []).append(kpi)
        local_now = self.now.astimezone(self.workspace.zone)
        found: dict[int, tuple[PeriodPoint, ...]] = {}
        for frequency, group in by_frequency.items():
            periods = period_window(
                local_now, frequency, CHART_POINTS, self.workspace.fiscal_year_start_month
            )
            stats = period_stats([kpi.pk for kpi in group], periods)
            for kpi in group:
                found[kpi.pk] = _points(kpi, periods, stats)
        return found

    def kpis(self, tiles: Sequence[Tile]) -> tuple[dict[int, Kpi], dict[int, KpiTile]]:
        ids: set[int] = set()
        for tile in tiles:
            if tile.kind == TileKind.KPI_CHART:
                ids.add(int(tile.config.get("kpi", 0)))
            elif tile.kind == TileKind.KPI_GROUP:
                ids.update(int(pk) for pk in tile.config.get("kpis", []))
        if not ids:
            return {}, {}
        found = {
            kpi.pk: kpi
            for kpi in Kpi.objects.filter(
                pk__in=ids, workspace_id=self.workspace.pk
            ).select_related("team", "owner")
        }
        for kpi in found.values():
            kpi.workspace = self.workspace
        statuses = kpi_statuses(list(found.values()), self.workspace, self.now)
        return found, {pk: tile_of(kpi, statuses[pk]) for pk, kpi in found.items()}

    def objectives(self, tiles: Sequence[Tile]) -> tuple[dict[int, ObjectiveRow], dict[int, str]]:
        ids = {int(t.config.get("objective", 0)) for t in tiles if t.kind == TileKind.OBJECTIVE}
        if not ids:
            return {}, {}
        found = list(
            Objective.objects.filter(pk__in=ids, workspace_id=self.workspace.pk)
            .exclude(state=ObjectiveState.DRAFT)
            .select_related("cycle")
        )
        by_cycle: dict[int, list[Objective]] = {}
        cycles: dict[int, Cycle] = {}
        for objective in found:
            by_cycle.setdefault(objective.cycle_id, []).append(objective)
            cycles[objective.cycle_id] = objective.cycle
        rows: dict[int, ObjectiveRow] = {}
        names: dict[int, str] = {}
        for cycle_id, objectives in by_cycle.items():
            cycle = cycles[cycle_id]
            wanted = [o.pk for o in objectives]
            needed = CycleIndex.around(self.workspace, cycle, wanted).with_rollups(wanted)
            for row in load_rows(self.workspace, cycle, self.clock, needed | set(wanted)):
                if row.id in wanted:
                    rows[row.id] = row
                    names[row.id] = cycle.name
        return rows, names

    def teams(self, tiles: Sequence[Tile]) -> dict[int, Team]:
        ids = {
            int(t.config["team"])
            for t in tiles
            if t.kind in (TileKind.TEAM_SUMMARY, TileKind.HEALTH_COUNTS, TileKind.INSIGHT_CHART)
            and t.config.get("team")
        }
        if not ids:
            return {}
        return {t.pk: t for t in Team.objects.filter(pk__in=ids, workspace_id=self.workspace.pk)}

    def team_summary(self, team: Team, cycle: Cycle | None) -> TeamSummaryBody:
        rows: tuple[ObjectiveRow, ...] = ()
        count = 0
        if cycle is not None:
            ids = list(
                Objective.objects.filter(workspace=self.workspace, cycle=cycle, team=team)
                .exclude(state=ObjectiveState.DRAFT)
                .order_by("id")
                .values_list("id", flat=True)[:SUMMARY_READ]
            )
            count = len(ids)
            if ids:
                needed = CycleIndex.around(self.workspace, cycle, ids).with_rollups(ids)
                wanted = set(ids)
                rows = tuple(
                    r
                    for r in load_rows(self.workspace, cycle, self.clock, needed | wanted)
                    if r.id in wanted
                )
        counted = health_counts(self.workspace, self.now, team.pk)
        return TeamSummaryBody(
            team_id=team.pk,
            team_name=team.name,
            cycle_name=cycle.name if cycle is not None else "",
            pace=pace_counts(rows),
            objectives=rows[:SUMMARY_OBJECTIVES],
            objective_count=count,
            health=_tallies(counted),
            kpi_count=sum(counted.values()),
        )


def insight_body(
    workspace: Workspace, now: dt.datetime, config: dict[str, Any]
) -> InsightBody | None:
    """The insight chart a tile shows, for the working cycle and the tile's team (the
    company when none); None when there is nothing to show (no cycle, an unknown chart)."""
    key = str(config.get("chart", ""))
    if key not in CHARTS:
        return None
    team = config.get("team")
    scope = default_scope(workspace, workspace.clock(now), team_id=int(team) if team else None)
    if scope is None:
        return None
    return InsightBody(insight_chart(key, scope))


def tile_views(dashboard: Dashboard, viewer: Person, now: dt.datetime) -> list[TileView]:
    """Every tile of the dashboard as `viewer` may see it, in grid order."""
    tiles = list(Tile.objects.filter(dashboard=dashboard).order_by("y", "x", "id"))
    return views_of(tiles, viewer, now)


def views_of(tiles: Sequence[Tile], viewer: Person, now: dt.datetime) -> list[TileView]:
    """The views of some tiles (of one dashboard) for `viewer`."""
    reader = _Reader(viewer, now)
    kpis, kpi_tiles = reader.kpis(tiles)
    charted = {int(t.config.get("kpi", 0)) for t in tiles if t.kind == TileKind.KPI_CHART}
    series = reader.series([kpi for pk, kpi in kpis.items() if pk in charted])
    objectives, cycle_names = reader.objectives(tiles)
    teams = reader.teams(tiles)
    cycle: Cycle | None = None
    if any(t.kind == TileKind.TEAM_SUMMARY for t in tiles):
        cycle = current_cycle(reader.workspace)
    views: list[TileView] = []
    for tile in tiles:
        config = tile.config
        body: Any = None
        title = tile.title
        if tile.kind == TileKind.KPI_CHART:
            kpi = kpis.get(int(config.get("kpi", 0)))
            if kpi is not None:
                frequency = Frequency(kpi.frequency)
                points = series[kpi.pk]
                body = KpiChartBody(kpi_tiles[kpi.pk], points, _chart_data(kpi, points, frequency))
                title = title or kpi.name
        elif tile.kind == TileKind.KPI_GROUP:
            wanted = [int(pk) for pk in config.get("kpis", [])]
            shown = tuple(kpi_tiles[pk] for pk in wanted if pk in kpi_tiles)
            if shown:
                body = KpiGroupBody(shown, len(wanted) - len(shown))
            title = title or "KPIs"
        elif tile.kind == TileKind.OBJECTIVE:
            pk = int(config.get("objective", 0))
            row = objectives.get(pk)
            if row is not None:
                body = ObjectiveBody(row, cycle_names[pk])
                title = title or row.title
        elif tile.kind == TileKind.TEAM_SUMMARY:
            team = teams.get(int(config.get("team") or 0))
            if team is not None:
                body = reader.team_summary(team, cycle)
                title = title or team.name
        elif tile.kind == TileKind.HEALTH_COUNTS:
            team_id = config.get("team")
            team = teams.get(int(team_id)) if team_id else None
            if team_id is None or team is not None:
                counted = health_counts(reader.workspace, now, team.pk if team else None)
                body = HealthCountsBody(
                    team.pk if team else None,
                    team.name if team else reader.workspace.name,
                    _tallies(counted),
                    sum(counted.values()),
                )
            if team is not None:
                title = title or _("KPI health · %(team)s") % {"team": team.name}
            title = title or (_("KPI health") if team_id else _("KPI health · everyone"))
        elif tile.kind == TileKind.INSIGHT_CHART:
            team_id = config.get("team")
            if team_id is None or int(team_id) in teams:
                body = insight_body(reader.workspace, now, config)
            title = title or str(CHARTS.get(str(config.get("chart", "")), _("Insight")))
        elif tile.kind == TileKind.TEXT:
            body = TextBody(str(config.get("text", "")))
        views.append(
            TileView(
                id=tile.pk,
                kind=tile.kind,
                title=title or tile.get_kind_display(),
                x=tile.x,
                y=tile.y,
                w=tile.w,
                h=tile.h,
                body=body,
            )
        )
    return views
