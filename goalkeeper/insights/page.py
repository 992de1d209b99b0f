"""The insights page's view model: the scope's pickers and breadcrumb, headline figures,
charts, lists and the coach's items (docs/insights.md)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import ngettext

from goalkeeper.audit.kept import Kept, newest_audit_entry
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.insights.charts import InsightChart, insight_charts
from goalkeeper.insights.queries import (
    COACH_ITEMS,
    KEPT,
    Adoption,
    Coverage,
    Insights,
    ObjectiveList,
    scope_key,
)
from goalkeeper.insights.scope import InsightScope, TeamNode
from goalkeeper.okrs.cycles import cycle_choices, cycle_header
from goalkeeper.okrs.view_models import CycleChoice, CycleHeader

# The charts of the page, in the order shown (every key of `charts.CHARTS`).
PAGE_CHARTS = (
    "pace",
    "progress",
    "heatmap",
    "confidence",
    "adoption",
    "kpi_health",
    "alignment",
    "coach",
)
# Charts as wide as the page (a row per team, a column per week).
WIDE = frozenset({"heatmap"})


@dataclass(frozen=True)
class Link:
    """A labelled link."""

    label: str
    url: str
    hint: str = ""


@dataclass(frozen=True)
class ListSection:
    """One list of objectives by status, with the board link for the rest."""

    objectives: ObjectiveList
    board_url: str


@dataclass(frozen=True)
class InsightsPage:
    """Everything the page shows for one scope."""

    scope: InsightScope
    cycle: CycleHeader
    cycles: tuple[CycleChoice, ...]
    path: tuple[TeamNode, ...]
    children: tuple[Link, ...]
    objectives: int
    adoption: Adoption
    coverage: Coverage
    charts: tuple[InsightChart, ...]
    lists: tuple[ListSection, ...]
    crowded: tuple[Link, ...]
    crowded_total: int
    task_like: tuple[Link, ...]
    task_like_total: int
    sandbagging: tuple[Link, ...]
    sandbagging_total: int
    board_url: str

    @property
    def wide(self) -> frozenset[str]:
        """Keys of the charts shown full width."""
        return WIDE


def insights_url(cycle_id: int, team_id: int) -> str:
    """The page for a cycle and team."""
    return reverse("insights") + "?" + urlencode({"cycle": cycle_id, "team": team_id})


# Pages of the scopes people look at, kept as their figures are (`queries.insights_of`).
_kept: Kept[InsightsPage] = Kept(KEPT)


def insights_page(scope: InsightScope) -> InsightsPage:
    """The page of `scope`, read in a bounded number of queries whatever the company's size:
    one when kept (the newest audit entry), about twenty when worked out."""
    newest = newest_audit_entry(scope.workspace.pk)
    return _kept.get(scope_key(scope, newest), lambda: _work_out(scope, newest))


def _work_out(scope: InsightScope, newest: int | None) -> InsightsPage:
    insights = Insights(scope, newest)
    cycle = scope.cycle
    board = reverse("cycle_board", args=[cycle.pk])
    names = insights.teams.nodes

    def board_url(team_id: int, status: PaceStatus | None = None) -> str:
        query = {"team": team_id, **({"status": str(status)} if status else {})}
        return f"{board}?{urlencode(query)}"

    return InsightsPage(
        scope=scope,
        cycle=cycle_header(cycle, scope.clock),
        cycles=cycle_choices(scope.workspace),
        path=insights.teams.path(scope.team.pk),
        children=tuple(
            Link(row.label, insights_url(cycle.pk, row.team_id))
            for row in insights.rows
            if not row.own and not row.other
        ),
        objectives=len(insights.standings),
        adoption=insights.adoption,
        coverage=insights.coverage,
        charts=insight_charts(PAGE_CHARTS, insights),
        lists=tuple(
            ListSection(found, board_url(scope.team.pk, found.status)) for found in insights.lists
        ),
        crowded=tuple(
            Link(
                names[team].name,
                board_url(team),
                ngettext("%(count)s objective", "%(count)s objectives", n) % {"count": n},
            )
            for team, n in insights.crowded_teams[:COACH_ITEMS]
        ),
        crowded_total=len(insights.crowded_teams),
        task_like=tuple(
            Link(
                item.title,
                reverse("objective_detail", args=[item.objective_id]),
                names[item.team_id].name if item.team_id in names else "",
            )
            for item in insights.task_items
        ),
        task_like_total=sum(row.task_like for row in insights.coach_by_row),
        sandbagging=tuple(
            Link(names[team].name, board_url(team))
            for team in insights.sandbagging_teams[:COACH_ITEMS]
        ),
        sandbagging_total=len(insights.sandbagging_teams),
        board_url=board_url(scope.team.pk),
    )
