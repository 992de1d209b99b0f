"""The cycle board: every objective of a cycle by team, filtered by team (with sub-teams),
owner, status and kind; and the overview the close page starts from."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.okrs.cycles import cycle_choices, cycle_header
from goalkeeper.okrs.models import Cycle, CycleState, ObjectiveKind
from goalkeeper.okrs.rows import band_counts, check_workspace, group_by_team, load_rows, pace_counts
from goalkeeper.okrs.view_models import (
    BOARD_MAX,
    BOARD_PAGE,
    PACE_ORDER,
    BoardFilters,
    Choice,
    CycleBoard,
    CycleOverview,
    ObjectiveRow,
    StatusCount,
)


def parse_board_filters(params: Mapping[str, Any]) -> BoardFilters:
    """Board filters from a query string; anything malformed is dropped, not an error."""

    def number(name: str) -> int | None:
        raw = str(params.get(name) or "")
        return int(raw) if raw.isdigit() and len(raw) < 12 else None

    status = str(params.get("status") or "")
    kind = str(params.get("kind") or "")
    limit = number("limit") or BOARD_PAGE
    return BoardFilters(
        team=number("team"),
        owner=number("owner"),
        status=status if status in PaceStatus._value2member_map_ else "",
        kind=kind if kind in ObjectiveKind.values else "",
        limit=min(max(limit, BOARD_PAGE), BOARD_MAX),
    )


def team_choices(workspace: Workspace) -> tuple[tuple[Choice, ...], dict[int, set[int]]]:
    """The workspace's teams as a tree of options, and each team's subtree (one query)."""
    teams: list[dict[str, Any]] = [
        dict(team)
        for team in Team.objects.filter(workspace=workspace)
        .order_by("name", "id")
        .values("id", "name", "parent_id", "archived_at")
    ]
    known = {t["id"] for t in teams}
    children: dict[int | None, list[dict[str, Any]]] = {}
    for team in teams:
        parent = team["parent_id"] if team["parent_id"] in known else None
        children.setdefault(parent, []).append(team)
    choices: list[Choice] = []
    subtree: dict[int, set[int]] = {}
    seen: set[int] = set()

    def walk(team: dict[str, Any], depth: int) -> set[int]:
        seen.add(team["id"])
        label = team["name"] + (" (archived)" if team["archived_at"] else "")
        choices.append(Choice(str(team["id"]), label, depth))
        below = {team["id"]}
        for child in children.get(team["id"], []):
            if child["id"] not in seen:
                below |= walk(child, depth + 1)
        subtree[team["id"]] = below
        return below

    for root in children.get(None, []):
        walk(root, 0)
    return tuple(choices), subtree


def cycle_board(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, filters: BoardFilters
) -> CycleBoard:
    """The cycle's objectives by team, filtered by team (with sub-teams), owner, status
    and kind. Four queries: teams, cycles, objectives and key results.

    A closed cycle is counted by final score bands, and has no status filter: its
    objectives are judged by their final scores, not by pace.
    """
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    closed = cycle.state == CycleState.CLOSED
    if closed and filters.status:
        filters = BoardFilters(filters.team, filters.owner, "", filters.kind, filters.limit)
    rows = load_rows(workspace, cycle, clock)
    teams, subtree = team_choices(workspace)
    team_scope = subtree.get(filters.team) if filters.team is not None else None

    def matches(row: ObjectiveRow) -> bool:
        return (
            (team_scope is None or row.team_id in team_scope)
            and (filters.owner is None or (row.owner is not None and row.owner.id == filters.owner))
            and (not filters.kind or row.kind == filters.kind)
        )

    # Counts ignore the status filter, so that each tile says what picking it would show.
    scoped = [row for row in rows if matches(row)]
    counter = Counter(row.pace for row in scoped)
    counts = tuple(
        StatusCount(
            status,
            counter[status],
            query=filters.query(status=None if filters.status == status else status, limit=None),
            current=filters.status == status,
        )
        for status in PACE_ORDER
    )
    matching = [row for row in scoped if not filters.status or row.pace == filters.status]
    shown = matching[: filters.limit]
    owners = sorted(
        {row.owner.id: row.owner.name for row in rows if row.owner is not None}.items(),
        key=lambda item: (item[1].lower(), item[0]),
    )
    more = None
    if len(matching) > len(shown):
        more = filters.query(limit=filters.limit + BOARD_PAGE)
    return CycleBoard(
        cycle=cycle_header(cycle, clock),
        filters=filters,
        groups=group_by_team(shown),
        total=len(rows),
        matching=len(matching),
        shown=len(shown),
        counts=() if closed else counts,
        teams=teams,
        owners=tuple(Choice(str(pk), name) for pk, name in owners),
        cycles=cycle_choices(workspace),
        more_query=more,
        bands=band_counts(scoped) if closed else (),
    )


def cycle_overview(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, viewer: Person | None = None
) -> CycleOverview:
    """Every objective of the cycle with progress and pace, grouped by team.

    Two queries: the objectives and their key results. Draft objectives are proposals and
    stay out. An objective that rolls up its aligned children counts those of them that
    belong to the same cycle.
    """
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    rows = load_rows(workspace, cycle, clock)
    mine = tuple(
        row for row in rows if viewer is not None and row.owner and row.owner.id == viewer.pk
    )
    return CycleOverview(
        cycle=cycle_header(cycle, clock),
        objectives=rows,
        mine=mine,
        teams=group_by_team(rows),
        counts=pace_counts(rows),
    )
