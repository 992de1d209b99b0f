"""Home: the person's week in one cycle (what waits for their check-in, their objectives,
their teams'), and the open cycles they can switch to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from goalkeeper.accounts.models import Membership, Person, Workspace
from goalkeeper.okrs.cycles import cycle_header
from goalkeeper.okrs.models import Cycle, KeyResult, ObjectiveState
from goalkeeper.okrs.rows import (
    CycleIndex,
    check_workspace,
    group_by_team,
    load_rows,
    pace_counts,
)
from goalkeeper.okrs.view_models import CycleChoice, HomeView


def home_view(
    workspace: Workspace,
    cycle: Cycle,
    now: dt.datetime,
    viewer: Person,
    cycles: Sequence[CycleChoice] = (),
) -> HomeView:
    """The viewer's week: what waits for their check-in, their objectives, their teams'.

    Five queries: the viewer's teams, the cycle's index, the objectives holding the
    viewer's key results, then the rows shown (objectives and key results). `cycles` are
    the open cycles the page offers to switch to (read by `open_cycles_for`).
    """
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    my_teams = set(
        Membership.objects.filter(person=viewer, team__workspace=workspace).values_list(
            "team_id", flat=True
        )
    )
    index = CycleIndex.load(workspace, cycle)
    holding = set(
        KeyResult.objects.filter(workspace=workspace, objective__cycle=cycle, owner=viewer)
        .exclude(objective__state=ObjectiveState.DRAFT)
        .values_list("objective_id", flat=True)
    )
    mine_ids = {n.id for n in index.nodes.values() if n.owner_id == viewer.pk} | (
        holding & index.nodes.keys()
    )
    team_ids = {
        n.id
        for n in index.nodes.values()
        if (n.team_id in my_teams or n.company_level) and n.id not in mine_ids
    }
    rows = load_rows(workspace, cycle, clock, index.with_rollups(mine_ids | team_ids))
    mine = tuple(row for row in rows if row.id in mine_ids)
    waiting = [
        kr
        for row in mine
        for kr in row.key_results
        if kr.due and kr.owner is not None and kr.owner.id == viewer.pk
    ]
    # The longest silence first: never checked in, then the oldest check-in.
    waiting.sort(key=lambda kr: (kr.last_check_in_at is not None, kr.last_check_in_at or clock.now))
    return HomeView(
        cycle=cycle_header(cycle, clock),
        waiting=tuple(waiting),
        mine=mine,
        teams=group_by_team([row for row in rows if row.id in team_ids]),
        counts=pace_counts(mine),
        my_key_results=sum(
            1
            for row in mine
            for kr in row.key_results
            if kr.owner is not None and kr.owner.id == viewer.pk
        ),
        in_a_team=bool(my_teams),
        total=len(index.nodes),
        cycles=tuple(cycles),
    )
