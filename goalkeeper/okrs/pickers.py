"""Objectives and key results for the search-as-you-type pickers (docs/pickers.md).

A source checks a posted id within the workspace; a search answers an endpoint, at most
`goalkeeper.pickers.LIMIT` rows, the viewer's teams first.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.accounts.pickers import team_ids_of, teams_above
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs.models import CycleState, KeyResult, Objective, ObjectiveState
from goalkeeper.pickers import Option, Source, ranked


def objectives_source(workspace: Workspace, *, exclude: Objective | None = None) -> Source:
    """Objectives of the workspace (the one being edited left out), e.g. as a parent."""

    def find(objective_id: int) -> Objective | None:
        rows = Objective.objects.filter(pk=objective_id, workspace=workspace)
        if exclude is not None:
            rows = rows.exclude(pk=exclude.pk)
        return rows.first()

    return Source(url_name="pick_objectives", noun="objective", find=find, label=lambda o: o.title)


def search_objectives(
    viewer: Person,
    q: str,
    *,
    cycle: int | None = None,
    exclude: int | None = None,
    team: int | None = None,
) -> list[Option]:
    """Objectives matching `q` by title (of `cycle` when given), each with its team and
    cycle as a hint. For a parent (`team` is the team of the objective being written) the
    objectives of the teams above it come first, the company's included; else the viewer's
    teams' first. Two queries."""
    rows = Objective.objects.filter(workspace_id=viewer.workspace_id)
    if cycle is not None:
        rows = rows.filter(cycle_id=cycle)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    mine = teams_above(viewer.workspace_id, team) if team is not None else team_ids_of(viewer)
    found = ranked(
        rows.select_related("team", "cycle"),
        q,
        name="title",
        preferred=Q(team_id__in=mine) if mine else None,
        then=("-cycle__start_date", "title"),
    )
    return [Option(o.pk, o.title, f"{o.team.name} · {o.cycle.name}") for o in found]


def key_results_source(workspace_id: int) -> Source:
    """Key results of the workspace."""

    def find(key_result_id: int) -> KeyResult | None:
        rows = KeyResult.objects.filter(pk=key_result_id, workspace_id=workspace_id)
        return rows.select_related("objective", "objective__cycle", "owner", "kpi").first()

    return Source(
        url_name="pick_key_results", noun="key result", find=find, label=lambda kr: kr.title
    )


def parent_key_results_source(workspace_id: int) -> Source:
    """Key results of the workspace as something to contribute to: "KR — objective"."""

    def find(key_result_id: int) -> KeyResult | None:
        rows = KeyResult.objects.filter(pk=key_result_id, workspace_id=workspace_id)
        return rows.select_related("objective").first()

    return Source(
        url_name="pick_key_results",
        noun="key result",
        find=find,
        label=lambda kr: f"{kr.title} — {kr.objective.title}",
    )


def _linkable(rows: QuerySet[KeyResult]) -> QuerySet[KeyResult]:
    """Measurable key results of active cycles' open objectives that no KPI drives yet."""
    return (
        rows.filter(kpi__isnull=True, objective__cycle__state=CycleState.ACTIVE)
        .exclude(kind=KeyResultKind.MILESTONE)
        .exclude(objective__state=ObjectiveState.CLOSED)
    )


def search_key_results(
    viewer: Person,
    q: str,
    *,
    linkable: bool = False,
    team: int | None = None,
    with_objective: bool = False,
) -> list[Option]:
    """Key results matching `q` by their title or their objective's, `team`'s (else the
    viewer's teams') first, each with its objective and cycle as a hint. Two queries.

    `with_objective` labels each "KR — objective" (something to contribute to: the key
    result's title alone is often its objective's, one level down)."""
    rows = KeyResult.objects.filter(workspace_id=viewer.workspace_id)
    if linkable:
        rows = _linkable(rows)
    teams = [team] if team is not None else team_ids_of(viewer)
    found = ranked(
        rows.select_related("objective", "objective__cycle"),
        q,
        name="title",
        also=("objective__title",),
        preferred=Q(objective__team_id__in=teams) if teams else None,
        then=("-objective__cycle__start_date", "objective__title", "position"),
    )
    return [
        Option(
            kr.pk,
            f"{kr.title} — {kr.objective.title}" if with_objective else kr.title,
            f"{kr.objective.title} · {kr.objective.cycle.name}",
        )
        for kr in found
    ]
