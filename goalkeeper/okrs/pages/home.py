"""Home: the person's week in one cycle (what waits for their check-in, their objectives,
their teams'), and the open cycles they can switch to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Q

from goalkeeper.accounts.models import Membership, Person, Team, Workspace
from goalkeeper.okrs.cycles import cycle_header
from goalkeeper.okrs.models import Cycle, KeyResult, Objective, ObjectiveState
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

    Six queries, none reading the whole cycle: the viewer's teams, the objectives shown
    (the viewer's, their teams', the company level's), the cycle's objective count, the
    neighbourhood of the shown ones in the cycle's index (what their roll-ups count),
    then the rows shown (objectives and key results). `cycles` are
    the open cycles the page offers to switch to (read by `open_cycles_for`).
    """
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    my_teams = set(
        Membership.objects.filter(person=viewer, team__workspace=workspace).values_list(
            "team_id", flat=True
        )
    )
    in_view = Objective.objects.filter(workspace=workspace, cycle=cycle).exclude(
        state=ObjectiveState.DRAFT
    )
    holds = KeyResult.objects.filter(workspace=workspace, owner=viewer)
    company_level = Team.objects.filter(workspace=workspace, parent__isnull=True)
    # Only the objectives the page shows, read by what makes them shown: the viewer's own
    # (owned, or holding a key result of theirs), their teams' and the company level's.
    # Each term can use an index of its own, so the cycle's objectives are never scanned.
    shown = list(
        in_view.filter(
            Q(owner=viewer)
            | Q(team_id__in=my_teams)
            | Q(team_id__in=company_level.values("id"))
            | Q(pk__in=holds.values("objective_id"))
        )
        .annotate(holding=Exists(holds.filter(objective=OuterRef("pk"))))
        .values_list("id", "owner_id", "team_id", "team__parent_id", "holding")
    )
    mine_ids = {pk for pk, owner, _, _, holding in shown if owner == viewer.pk or holding}
    team_ids = {
        pk
        for pk, _, team, team_parent, _ in shown
        if (team in my_teams or team_parent is None) and pk not in mine_ids
    }
    index = CycleIndex.around(workspace, cycle, mine_ids | team_ids)
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
        total=in_view.count(),
        cycles=tuple(cycles),
    )
