"""What the review's documents (PDF, PowerPoint) hold: the summary, then one section per team
with objectives, top-level teams first, each part bounded, and what was cut said
(docs/reports.md#documents).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.okrs.models import Cycle, CycleState, Objective
from goalkeeper.okrs.standing import Standing
from goalkeeper.reports.moves import KpiMove, KpiPoint, kpi_series
from goalkeeper.reports.review import (
    BandCount,
    KindResult,
    ReviewObjective,
    Scope,
    band_counts,
    by_team,
    kind_results,
    ordered_teams,
    review_objective,
    review_scope,
    scope_kpi_moves,
)

# A document covers at most this many teams; past it, filter by team.
DOCUMENT_TEAMS = 60
# Objectives listed per team section.
TEAM_OBJECTIVES = 25
# KPI charts per team section.
TEAM_KPIS = 3
# KPIs in the document's summary.
SUMMARY_KPIS = 10


@dataclass(frozen=True)
class TeamSection:
    """One team: its objectives (bounded), their bands, and the KPIs they aimed at."""

    id: int
    name: str
    total: int
    objectives: tuple[ReviewObjective, ...]
    bands: tuple[BandCount, ...]
    kpis: tuple[KpiMove, ...]

    @property
    def left_out(self) -> int:
        """Objectives of the team not listed."""
        return self.total - len(self.objectives)


@dataclass(frozen=True)
class ReviewDocument:
    """The review as a document tells it."""

    workspace_name: str
    cycle: Cycle
    provisional: bool
    team_name: str
    total: int
    unscored: int
    bands: tuple[BandCount, ...]
    kinds: tuple[KindResult, ...]
    kpis: tuple[KpiMove, ...]
    kpis_total: int
    sections: tuple[TeamSection, ...]
    teams_total: int
    series: dict[int, list[KpiPoint]]

    @property
    def teams_left_out(self) -> int:
        """Teams with objectives that have no section."""
        return self.teams_total - len(self.sections)

    @property
    def title(self) -> str:
        """The document's title."""
        return _("%(cycle)s cycle review") % {"cycle": self.cycle.name}

    @property
    def subtitle(self) -> str:
        """Whose review, and whether its scores are final."""
        whose = self.team_name or self.workspace_name
        state = (
            _("provisional scores (the cycle is not closed)")
            if self.provisional
            else _("final scores")
        )
        start = date_format(self.cycle.start_date, "DATE_FORMAT")
        end = date_format(self.cycle.end_date, "DATE_FORMAT")
        span = f"{start} - {end}"
        return f"{whose} · {span} · {state}"


def review_document(
    workspace: Workspace, cycle: Cycle, clock: Clock, team_id: int | None = None
) -> ReviewDocument:
    """The document of the review: a bounded number of queries, whatever the cycle's size."""
    scope = review_scope(workspace, cycle, clock, team_id)
    grouped = by_team(scope.standings)
    order = ordered_teams(grouped, scope)
    kept = order[:DOCUMENT_TEAMS]
    listed = {
        team: sorted(grouped[team], key=lambda s: (s.score is None, -(s.score or 0.0), s.id))[
            :TEAM_OBJECTIVES
        ]
        for team in kept
    }
    wanted = [s.id for standings in listed.values() for s in standings]
    names = dict(
        Objective.objects.filter(workspace=workspace, pk__in=wanted).values_list("id", "title")
    )
    moves, kpis_total = scope_kpi_moves(workspace, cycle, clock, scope, None)
    team_of = {s.id: s.team_id for s in scope.standings}
    by_team_kpis: dict[int, list[KpiMove]] = {}
    for move in moves:
        for team in {team_of[o] for o in move.objective_ids if o in team_of}:
            shown = by_team_kpis.setdefault(team, [])
            if len(shown) < TEAM_KPIS:
                shown.append(move)
    summary = moves[:SUMMARY_KPIS]
    charted = {move.id for move in summary} | {
        move.id for team in kept for move in by_team_kpis.get(team, [])
    }
    sections = tuple(
        _section(team, grouped[team], listed[team], names, by_team_kpis.get(team, []), scope)
        for team in kept
    )
    return ReviewDocument(
        workspace_name=workspace.name,
        cycle=cycle,
        provisional=cycle.state != CycleState.CLOSED,
        team_name=scope.team.label if scope.team else "",
        total=len(scope.standings),
        unscored=sum(1 for s in scope.standings if s.score is None),
        bands=band_counts(scope.standings),
        kinds=kind_results(scope.standings),
        kpis=tuple(summary),
        kpis_total=kpis_total,
        sections=sections,
        teams_total=len(order),
        series=kpi_series(workspace, cycle, clock, sorted(charted)),
    )


def _section(
    team: int,
    standings: Sequence[Standing],
    listed: Sequence[Standing],
    names: dict[int, str],
    kpis: list[KpiMove],
    scope: Scope,
) -> TeamSection:
    return TeamSection(
        id=team,
        name=scope.names.get(team, ""),
        total=len(standings),
        objectives=tuple(review_objective(s, names.get(s.id, ""), scope) for s in listed),
        bands=band_counts(standings),
        kpis=tuple(kpis),
    )
