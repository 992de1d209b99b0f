"""The cycle review: how a cycle ended (or stands, while it runs), for the company or a team
with its sub-teams (docs/reports.md).

Scores are read from `goalkeeper.okrs.standing.cycle_standings` (the final score once an
objective is closed, else its current score, marked provisional), bands from
`goalkeeper.domain.scoring`; the KPIs that moved from `goalkeeper.reports.moves`. Nothing is
recomputed here: this module counts and orders what the read models give.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.domain.scoring import (
    REVIEW_BAND_COLOURS,
    SUCCESS_SCORE,
    ObjectiveKind,
    ReviewBand,
    ScoreBand,
    review_band,
    score_band,
    succeeded,
)
from goalkeeper.okrs.calibration import CycleCalibration, kept_cycle_calibration
from goalkeeper.okrs.models import Cycle, CycleState, Objective
from goalkeeper.okrs.pages.board import team_choices
from goalkeeper.okrs.standing import Standing, cycle_standings
from goalkeeper.okrs.view_models import Choice
from goalkeeper.reports.moves import KpiMove, kpi_moves

TEAMS_PER_PAGE = 25
RETROSPECTIVES_PER_PAGE = 10
CARRIED_SHOWN = 25
KPIS_SHOWN = 10
OBJECTIVES_SHOWN = 50

# The review bands and the kinds of objective in words, in the person's language (the
# domain's `REVIEW_BAND_LABELS` are the English ones).
BAND_WORDS = {
    ReviewBand.BELOW: gettext_lazy("Below 0.3"),
    ReviewBand.LOW: gettext_lazy("0.3-0.7"),
    ReviewBand.HIGH: gettext_lazy("0.7-1.0"),
    ReviewBand.FULL: gettext_lazy("1.0"),
}
KIND_WORDS = {
    ObjectiveKind.COMMITTED.value: gettext_lazy("Committed"),
    ObjectiveKind.ASPIRATIONAL.value: gettext_lazy("Aspirational"),
}


# The model's row in the calibration table, in the person's language.
MODEL_WORDS = gettext_lazy("The model's odds")


def band_label(band: ReviewBand) -> str:
    """A review band as people read it: "Below 0.3", "Unter 0,3"."""
    return str(BAND_WORDS[band])


def kind_label(kind: str) -> str:
    """A kind of objective as people read it: "Committed", "Verbindlich"."""
    word = KIND_WORDS.get(str(kind))
    return str(word) if word is not None else str(kind).capitalize()


@dataclass(frozen=True)
class BandCount:
    """How many objectives scored in one review band."""

    band: ReviewBand
    label: str
    colour: ScoreBand
    count: int
    share: float


@dataclass(frozen=True)
class KindResult:
    """How the objectives of one kind did against the kind's expectation."""

    kind: ObjectiveKind
    expected: float
    scored: int
    met: int

    @property
    def share(self) -> float | None:
        """The share of scored objectives of the kind that met its line."""
        return self.met / self.scored if self.scored else None


@dataclass(frozen=True)
class ReviewObjective:
    """One objective with its score and band, as the review lists it."""

    id: int
    title: str
    team_id: int
    team_name: str
    owner_name: str
    kind: str
    score: float | None
    band: ReviewBand | None
    colour: ScoreBand | None
    met: bool | None
    final: bool

    @property
    def band_label(self) -> str:
        """The band as people read it, or "-" without a score."""
        return band_label(self.band) if self.band is not None else "-"


@dataclass(frozen=True)
class TeamResult:
    """One team's objectives (its own, not its sub-teams') counted by band and kind."""

    id: int
    name: str
    depth: int
    total: int
    bands: tuple[BandCount, ...]
    kinds: tuple[KindResult, ...]
    unscored: int


@dataclass(frozen=True)
class Retrospective:
    """A closed objective's retrospective note."""

    objective: ReviewObjective
    note: str


@dataclass(frozen=True)
class CarriedOver:
    """An objective of this cycle carried into another one."""

    objective_id: int
    title: str
    team_name: str
    score: float | None
    copy_id: int
    copy_cycle: str


@dataclass(frozen=True)
class Page:
    """Which page of a list is shown, of how many."""

    number: int
    count: int
    total: int

    @property
    def previous(self) -> int | None:
        """The page before, if any."""
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        """The page after, if any."""
        return self.number + 1 if self.number < self.count else None


@dataclass(frozen=True)
class CycleReview:
    """Everything the review page and its documents show."""

    cycle: Cycle
    provisional: bool
    team: Choice | None
    team_choices: tuple[Choice, ...]
    total: int
    unscored: int
    bands: tuple[BandCount, ...]
    kinds: tuple[KindResult, ...]
    teams: tuple[TeamResult, ...]
    teams_page: Page
    retrospectives: tuple[Retrospective, ...]
    retrospectives_page: Page
    carried: tuple[CarriedOver, ...]
    carried_total: int
    kpis: tuple[KpiMove, ...]
    kpis_total: int
    objectives_by_id: dict[int, str] = field(default_factory=dict)
    # The forecasts against what happened, once the cycle is closed (docs/signals.md).
    calibration: CycleCalibration | None = None


@dataclass(frozen=True)
class Scope:
    """The cycle's objectives under review and the teams they belong to."""

    standings: tuple[Standing, ...]
    team: Choice | None
    choices: tuple[Choice, ...]
    names: dict[int, str]
    depths: dict[int, int]
    team_ids: frozenset[int] | None


def review_scope(workspace: Workspace, cycle: Cycle, clock: Clock, team_id: int | None) -> Scope:
    """The objectives of the cycle in the team's subtree (all without a team): two queries
    when the cycle's standings are kept, else four."""
    choices, subtree = team_choices(workspace)
    names = {int(choice.value): choice.label for choice in choices}
    depths = {int(choice.value): choice.depth for choice in choices}
    team_ids = frozenset(subtree[team_id]) if team_id in subtree else None
    team = next((c for c in choices if team_ids and int(c.value) == team_id), None)
    standings = tuple(
        s
        for s in cycle_standings(workspace, cycle, clock)
        if team_ids is None or s.team_id in team_ids
    )
    return Scope(standings, team, choices, names, depths, team_ids)


def cycle_review(
    workspace: Workspace,
    cycle: Cycle,
    clock: Clock,
    *,
    team_id: int | None = None,
    teams_page: int = 1,
    retrospectives_page: int = 1,
) -> CycleReview:
    """The review of `cycle` for the company or one team's subtree, a page of teams and of
    retrospectives at a time. A bounded number of queries whatever the cycle's size."""
    scope = review_scope(workspace, cycle, clock, team_id)
    standings = scope.standings
    grouped = by_team(standings)
    order = ordered_teams(grouped, scope)
    teams_at, teams_of = _page(order, teams_page, TEAMS_PER_PAGE)
    teams = tuple(_team_result(team, grouped[team], scope) for team in teams_at)
    retrospectives, retro_page = _retrospectives(
        workspace, cycle, scope, retrospectives_page, RETROSPECTIVES_PER_PAGE
    )
    carried, carried_total = carried_over(workspace, cycle, scope, CARRIED_SHOWN)
    moves, kpis_total = scope_kpi_moves(workspace, cycle, clock, scope, KPIS_SHOWN)
    wanted = {objective_id for move in moves for objective_id in move.objective_ids}
    return CycleReview(
        cycle=cycle,
        provisional=cycle.state != CycleState.CLOSED,
        team=scope.team,
        team_choices=scope.choices,
        total=len(standings),
        unscored=sum(1 for s in standings if s.score is None),
        bands=band_counts(standings),
        kinds=kind_results(standings),
        teams=teams,
        teams_page=Page(teams_of[0], teams_of[1], len(order)),
        retrospectives=retrospectives,
        retrospectives_page=retro_page,
        carried=carried,
        carried_total=carried_total,
        kpis=tuple(moves),
        kpis_total=kpis_total,
        objectives_by_id=titles(workspace, wanted),
        calibration=(
            kept_cycle_calibration(cycle, scope.team_ids, model_label=str(MODEL_WORDS))
            if cycle.state == CycleState.CLOSED
            else None
        ),
    )


def scope_kpi_moves(
    workspace: Workspace, cycle: Cycle, clock: Clock, scope: Scope, limit: int | None
) -> tuple[list[KpiMove], int]:
    """The KPIs aimed at by the objectives of the scope, biggest move first."""
    ids = {s.id for s in scope.standings} if scope.team_ids is not None else None
    return kpi_moves(workspace, cycle, clock, scope.team_ids, ids, limit)


def band_counts(standings: Sequence[Standing]) -> tuple[BandCount, ...]:
    """How many scored objectives fall in each review band, and their share."""
    scored = [s.score for s in standings if s.score is not None]
    counts = dict.fromkeys(ReviewBand, 0)
    # Scores are one-decimal numbers: each distinct one is judged once.
    for score, number in Counter(scored).items():
        counts[review_band(score)] += number
    return tuple(
        BandCount(
            band=band,
            label=band_label(band),
            colour=REVIEW_BAND_COLOURS[band],
            count=count,
            share=count / len(scored) if scored else 0.0,
        )
        for band, count in counts.items()
    )


def kind_results(standings: Sequence[Standing]) -> tuple[KindResult, ...]:
    """Committed and aspirational objectives against their kind's expectation."""
    results = []
    for kind in ObjectiveKind:
        scores = Counter(s.score for s in standings if s.kind == kind.value and s.score is not None)
        results.append(
            KindResult(
                kind=kind,
                expected=SUCCESS_SCORE[kind],
                scored=sum(scores.values()),
                met=sum(n for score, n in scores.items() if succeeded(kind, score)),
            )
        )
    return tuple(results)


def ordered_teams(grouped: dict[int, list[Standing]], scope: Scope) -> list[int]:
    """Teams with objectives, top-level teams first, then by name."""
    return sorted(
        grouped, key=lambda t: (scope.depths.get(t, 99), scope.names.get(t, "").lower(), t)
    )


def review_objective(standing: Standing, title: str, scope: Scope) -> ReviewObjective:
    """One objective's line of the review."""
    score = standing.score
    kind = ObjectiveKind(standing.kind)
    return ReviewObjective(
        id=standing.id,
        title=title,
        team_id=standing.team_id,
        team_name=scope.names.get(standing.team_id, ""),
        owner_name=standing.owner_name,
        kind=standing.kind,
        score=score,
        band=review_band(score) if score is not None else None,
        # Score colours are for final scores only (docs/scoring.md).
        colour=score_band(score) if score is not None and standing.final else None,
        met=succeeded(kind, score) if score is not None else None,
        final=standing.final,
    )


def titles(workspace: Workspace, ids: Collection[int]) -> dict[int, str]:
    """Titles of these objectives, one query."""
    if not ids:
        return {}
    return dict(
        Objective.objects.filter(workspace=workspace, pk__in=list(ids)).values_list("id", "title")
    )


def carried_over(
    workspace: Workspace, cycle: Cycle, scope: Scope, limit: int | None
) -> tuple[tuple[CarriedOver, ...], int]:
    """Objectives of the cycle carried into another one (at most `limit`) and how many."""
    copies = Objective.objects.filter(workspace=workspace, carried_from__cycle=cycle)
    if scope.team_ids is not None:
        copies = copies.filter(carried_from__team_id__in=scope.team_ids)
    total = copies.count()
    rows = copies.order_by("carried_from__team__name", "carried_from_id", "id").values_list(
        "carried_from_id",
        "carried_from__title",
        "carried_from__team_id",
        "carried_from__final_score",
        "id",
        "cycle__name",
    )
    if limit is not None:
        rows = rows[:limit]
    standing = {s.id: s for s in scope.standings}
    found = []
    for source_id, title, team_id, final, copy_id, copy_cycle in rows:
        known = standing.get(source_id)
        found.append(
            CarriedOver(
                objective_id=source_id,
                title=title,
                team_name=scope.names.get(team_id, ""),
                score=known.score if known is not None else final,
                copy_id=copy_id,
                copy_cycle=copy_cycle,
            )
        )
    return tuple(found), total


def retrospectives(
    workspace: Workspace, cycle: Cycle, scope: Scope, offset: int, limit: int | None
) -> tuple[tuple[Retrospective, ...], int]:
    """Closed objectives' retrospective notes, by team then lowest score, and how many."""
    notes = (
        Objective.objects.filter(workspace=workspace, cycle=cycle)
        .exclude(retrospective="")
        .filter(closed_at__isnull=False)
    )
    if scope.team_ids is not None:
        notes = notes.filter(team_id__in=scope.team_ids)
    total = notes.count()
    rows = notes.order_by("team__name", "final_score", "id").values_list(
        "id", "title", "retrospective"
    )
    rows = rows[offset:] if limit is None else rows[offset : offset + limit]
    standing = {s.id: s for s in scope.standings}
    found = tuple(
        Retrospective(review_objective(standing[pk], title, scope), note)
        for pk, title, note in rows
        if pk in standing
    )
    return found, total


def _retrospectives(
    workspace: Workspace, cycle: Cycle, scope: Scope, page: int, size: int
) -> tuple[tuple[Retrospective, ...], Page]:
    page = max(page, 1)
    found, total = retrospectives(workspace, cycle, scope, (page - 1) * size, size)
    count = max((total + size - 1) // size, 1)
    if page > count:
        return _retrospectives(workspace, cycle, scope, count, size)
    return found, Page(page, count, total)


def by_team(standings: Sequence[Standing]) -> dict[int, list[Standing]]:
    """The standings grouped by their team."""
    grouped: dict[int, list[Standing]] = {}
    for standing in standings:
        grouped.setdefault(standing.team_id, []).append(standing)
    return grouped


def _team_result(team_id: int, standings: Sequence[Standing], scope: Scope) -> TeamResult:
    return TeamResult(
        id=team_id,
        name=scope.names.get(team_id, ""),
        depth=scope.depths.get(team_id, 0),
        total=len(standings),
        bands=band_counts(standings),
        kinds=kind_results(standings),
        unscored=sum(1 for s in standings if s.score is None),
    )


def _page(items: Sequence[int], page: int, size: int) -> tuple[Sequence[int], tuple[int, int]]:
    count = max((len(items) + size - 1) // size, 1)
    number = min(max(page, 1), count)
    start = (number - 1) * size
    return items[start : start + size], (number, count)
