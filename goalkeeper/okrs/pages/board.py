"""The cycle board: the objectives of a cycle by team, filtered by team (with sub-teams),
team name, owner, status and kind, a page of teams at a time; and the overview the close
page starts from (docs/okrs.md#cycle-board)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from goalkeeper.accounts.models import Membership, Person, Team, Workspace
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.scoring import score_band
from goalkeeper.okrs.cycles import cycle_choices, cycle_header
from goalkeeper.okrs.forms.bulk import BulkObjectiveForm
from goalkeeper.okrs.models import Cycle, CycleState, ObjectiveKind
from goalkeeper.okrs.rows import (
    BAND_LABELS,
    CycleIndex,
    check_workspace,
    group_by_team,
    load_rows,
    pace_counts,
)
from goalkeeper.okrs.services.bulk import MAX_BULK
from goalkeeper.okrs.standing import Standing, cycle_standings, owners_of
from goalkeeper.okrs.view_models import (
    BOARD_ROWS,
    BOARD_TEAMS,
    CHOICES_MAX,
    PACE_ORDER,
    TEAM_ROWS,
    TEAM_ROWS_ALONE,
    BandCount,
    BoardFilters,
    BoardTeam,
    Choice,
    CycleBoard,
    CycleOverview,
    StatusCount,
)

# A team search longer than this is cut (no team name is longer).
SEARCH_MAX_LENGTH = 100


def parse_board_filters(params: Mapping[str, Any]) -> BoardFilters:
    """Board filters from a query string; anything malformed is dropped, not an error."""

    def number(name: str) -> int | None:
        raw = str(params.get(name) or "")
        return int(raw) if raw.isdigit() and len(raw) < 12 else None

    status = str(params.get("status") or "")
    kind = str(params.get("kind") or "")
    return BoardFilters(
        team=number("team"),
        owner=number("owner"),
        status=status if status in PaceStatus._value2member_map_ else "",
        kind=kind if kind in ObjectiveKind.values else "",
        q=" ".join(str(params.get("q") or "").split())[:SEARCH_MAX_LENGTH],
        page=max(number("page") or 1, 1),
    )


@dataclass(frozen=True)
class _Team:
    id: int
    name: str
    parent_id: int | None
    archived: bool


def _teams(workspace: Workspace) -> list[_Team]:
    """The workspace's teams, by name (one query)."""
    return [
        _Team(pk, name, parent, archived is not None)
        for pk, name, parent, archived in Team.objects.filter(workspace=workspace)
        .order_by("name", "id")
        .values_list("id", "name", "parent_id", "archived_at")
    ]


def team_choices(workspace: Workspace) -> tuple[tuple[Choice, ...], dict[int, set[int]]]:
    """The workspace's teams as a tree of options, and each team's subtree (one query)."""
    return _team_tree(_teams(workspace))


def _team_tree(teams: Sequence[_Team]) -> tuple[tuple[Choice, ...], dict[int, set[int]]]:
    known = {t.id for t in teams}
    children: dict[int | None, list[_Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id if team.parent_id in known else None, []).append(team)
    choices: list[Choice] = []
    subtree: dict[int, set[int]] = {}
    seen: set[int] = set()
    # Iteratively: an org tree can be deep, and a loop in bad data must not hang the page.
    for root in children.get(None, []):
        stack: list[tuple[_Team, int, bool]] = [(root, 0, False)]
        while stack:
            team, depth, done = stack.pop()
            if done:
                below = {team.id}
                for child in children.get(team.id, []):
                    below |= subtree.get(child.id, set())
                subtree[team.id] = below
                continue
            if team.id in seen:
                continue
            seen.add(team.id)
            label = team.name + (" (archived)" if team.archived else "")
            choices.append(Choice(str(team.id), label, depth))
            stack.append((team, depth, True))
            stack.extend((child, depth + 1, False) for child in reversed(children.get(team.id, [])))
    return tuple(choices), subtree


def cycle_board(
    workspace: Workspace,
    cycle: Cycle,
    now: dt.datetime,
    filters: BoardFilters,
    viewer: Person | None = None,
) -> CycleBoard:
    """The cycle's objectives by team, filtered by team (with sub-teams), team name,
    owner, status and kind; a page of teams at a time, the viewer's teams first.

    Seven queries whatever the size of the cycle: cycles, teams, the viewer's teams, where
    every objective stands (one to three, see `okrs.standing`: the counts come from the
    read model without reading the rows), then the rows shown (objectives and key results).

    A closed cycle is counted by final score bands, and has no status filter: its
    objectives are judged by their final scores, not by pace.
    """
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    closed = cycle.state == CycleState.CLOSED
    if closed and filters.status:
        filters = replace(filters, status="")
    teams = _teams(workspace)
    choices, subtree = _team_tree(teams)
    names = {team.id: team.name for team in teams}
    matches = _matcher(teams, subtree, filters)
    mine: set[int] = set()
    if viewer is not None:
        mine = set(
            Membership.objects.filter(person=viewer, team__workspace=workspace).values_list(
                "team_id", flat=True
            )
        )
    standings = cycle_standings(workspace, cycle, clock)
    # Counts ignore the status filter, so that each tile says what picking it would show.
    scoped = [s for s in standings if matches(s)]
    counter = Counter(s.pace for s in scoped)
    counts = tuple(
        StatusCount(
            status,
            counter[status],
            query=filters.query(status=None if filters.status == status else status),
            current=filters.status == status,
        )
        for status in PACE_ORDER
    )
    matching = [s for s in scoped if not filters.status or s.pace == filters.status]
    by_team: dict[int, list[int]] = {}
    for s in matching:
        by_team.setdefault(s.team_id, []).append(s.id)
    alone = filters.team is not None and len(by_team) == 1
    cap = TEAM_ROWS_ALONE if alone else TEAM_ROWS
    order = {choice.value: n for n, choice in enumerate(choices)}
    company = {team.id for team in teams if team.parent_id is None}
    team_order = sorted(
        by_team,
        key=lambda pk: (
            pk not in mine,
            pk not in company,
            names.get(pk, "").lower(),
            order.get(str(pk), 0),
            pk,
        ),
    )
    pages = _pages(team_order, {pk: min(len(ids), cap) for pk, ids in by_team.items()})
    page = min(filters.page, len(pages)) if pages else 1
    on_page = pages[page - 1] if pages else []
    wanted = [pk for team in on_page for pk in by_team[team][:cap]]
    rows = {
        row.id: row
        for row in load_rows(
            workspace, cycle, clock, _with_rollups(workspace, cycle, standings, wanted)
        )
    }
    sections = tuple(
        BoardTeam(
            team_id=team,
            name=names.get(team, ""),
            objectives=tuple(rows[pk] for pk in by_team[team][:cap] if pk in rows),
            matching=len(by_team[team]),
            mine=team in mine,
        )
        for team in on_page
    )
    names = owners_of(standings)
    owners_listed = len(names) <= CHOICES_MAX
    owners = _owner_choices(names, owners_listed, viewer, filters.owner)
    return CycleBoard(
        cycle=cycle_header(cycle, clock),
        filters=filters if page == filters.page else replace(filters, page=page),
        teams=sections,
        total=len(standings),
        matching=len(matching),
        shown=sum(len(section.objectives) for section in sections),
        counts=() if closed else counts,
        team_choices=choices if len(choices) <= CHOICES_MAX else (),
        owners=owners,
        cycles=cycle_choices(workspace),
        team_count=len(team_order),
        page=page,
        pages=max(len(pages), 1),
        bands=_bands(scoped) if closed else (),
        teams_listed=len(choices) <= CHOICES_MAX,
        owners_listed=owners_listed,
    )


def _matcher(
    teams: Sequence[_Team], subtree: Mapping[int, set[int]], filters: BoardFilters
) -> Callable[[Standing], bool]:
    """Whether an objective passes the team (with sub-teams), team name, owner and kind
    filters (the status filter is applied after: the counts ignore it)."""
    team_scope = subtree.get(filters.team) if filters.team is not None else None
    words = filters.q.lower()
    named = {team.id for team in teams if words in team.name.lower()} if words else None

    def matches(s: Standing) -> bool:
        return (
            (team_scope is None or s.team_id in team_scope)
            and (named is None or s.team_id in named)
            and (filters.owner is None or s.owner_id == filters.owner)
            and (not filters.kind or s.kind == filters.kind)
        )

    return matches


def matching_standings(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, filters: BoardFilters
) -> tuple[Standing, ...]:
    """Every objective the board lists with `filters`, on all its pages and without the
    per-team cap, in id order (what an export of the board reads). As `cycle_board`, a
    closed cycle has no status filter."""
    check_workspace(workspace, cycle)
    if cycle.state == CycleState.CLOSED and filters.status:
        filters = replace(filters, status="")
    teams = _teams(workspace)
    _choices, subtree = _team_tree(teams)
    matches = _matcher(teams, subtree, filters)
    return tuple(
        s
        for s in cycle_standings(workspace, cycle, workspace.clock(now))
        if matches(s) and (not filters.status or s.pace == filters.status)
    )


def _pages(teams: Sequence[int], sizes: Mapping[int, int]) -> list[list[int]]:
    """Teams cut into pages of at most BOARD_TEAMS teams and about BOARD_ROWS objectives
    (a team is never split; a large one gets a page of its own)."""
    pages: list[list[int]] = []
    current: list[int] = []
    rows = 0
    for team in teams:
        size = sizes[team]
        if current and (len(current) >= BOARD_TEAMS or rows + size > BOARD_ROWS):
            pages.append(current)
            current, rows = [], 0
        current.append(team)
        rows += size
    if current:
        pages.append(current)
    return pages


def _with_rollups(
    workspace: Workspace, cycle: Cycle, standings: Sequence[Standing], ids: Sequence[int]
) -> set[int]:
    """`ids`, plus what the roll-ups among them count (their neighbourhood in the cycle's
    index, read only then)."""
    wanted = set(ids)
    if not any(s.roll_up for s in standings if s.id in wanted):
        return set(ids)
    return CycleIndex.around(workspace, cycle, ids).with_rollups(ids)


def _owner_choices(
    names: Mapping[int, str], listed: bool, viewer: Person | None, selected: int | None
) -> tuple[Choice, ...]:
    """Owners to filter by: every owner of the cycle when few, else the viewer and the
    owner already chosen (no query: the names come with the standings)."""
    chosen = dict(names) if listed else {}
    if selected is not None and selected in names:
        chosen[selected] = names[selected]
    if viewer is not None:
        chosen[viewer.pk] = viewer.name
    ordered = sorted(chosen.items(), key=lambda item: (item[1].lower(), item[0]))
    return tuple(Choice(str(pk), name) for pk, name in ordered)


def _bands(standings: Iterable[Standing]) -> tuple[BandCount, ...]:
    counter = Counter(
        score_band(s.final_score) for s in standings if s.final and s.final_score is not None
    )
    return tuple(BandCount(str(band), label, counter[band]) for band, label in BAND_LABELS.items())


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


def bulk_context(person: Person, cycle: Cycle) -> dict[str, Any]:
    """The action bar of the board's bulk changes (docs/okrs.md, "Bulk changes"), for those
    who may change objectives in a cycle still open; empty otherwise."""
    if not person.can_edit or cycle.state == CycleState.CLOSED:
        return {}
    return {
        "bulk_form": BulkObjectiveForm(workspace=person.workspace, auto_id="bulk_%s"),
        "bulk_max": MAX_BULK,
    }
