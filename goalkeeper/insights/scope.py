"""What an insight looks at: a cycle and a team's subtree (the company: the root team).

`Teams` is the workspace's org tree read in one query; `rows` cuts a scope into what the
by-team figures show: one row per direct child team (its whole subtree), plus one for the
scope team's own objectives (docs/insights.md#scope).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Team, Workspace
from goalkeeper.accounts.services import company_team
from goalkeeper.okrs.cycles import current_cycle
from goalkeeper.okrs.models import Cycle

# Child teams with a row of their own in the by-team figures; the rest share one row.
ROWS_MAX = 24


@dataclass(frozen=True)
class InsightScope:
    """A cycle and a team subtree of a workspace, as of a clock."""

    workspace: Workspace
    cycle: Cycle
    team: Team  # the scope's top team (the root team for the company)
    clock: Clock


@dataclass(frozen=True)
class TeamNode:
    """One team of the org tree."""

    id: int
    name: str
    parent_id: int | None
    archived: bool


@dataclass(frozen=True)
class TeamRow:
    """One row of a by-team figure: a direct child team with its subtree, or the scope
    team's own objectives (`own`)."""

    team_id: int
    label: str
    teams: frozenset[int]
    own: bool = False
    # The row that gathers the child teams past the limit.
    other: bool = False


@dataclass(frozen=True)
class Teams:
    """The workspace's org tree."""

    nodes: dict[int, TeamNode]
    children: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, workspace: Workspace) -> Teams:
        """Every team of `workspace`, by name (one query)."""
        nodes = {
            pk: TeamNode(pk, name, parent, archived is not None)
            for pk, name, parent, archived in Team.objects.filter(workspace=workspace)
            .order_by("name", "id")
            .values_list("id", "name", "parent_id", "archived_at")
        }
        children: dict[int, list[int]] = {}
        for node in nodes.values():
            if node.parent_id is not None and node.parent_id in nodes:
                children.setdefault(node.parent_id, []).append(node.id)
        return cls(nodes, {pk: tuple(ids) for pk, ids in children.items()})

    def subtree(self, team_id: int) -> frozenset[int]:
        """`team_id` and every team below it (iteratively: a loop in bad data ends)."""
        seen: set[int] = set()
        stack = [team_id]
        while stack:
            pk = stack.pop()
            if pk in seen or pk not in self.nodes:
                continue
            seen.add(pk)
            stack.extend(self.children.get(pk, ()))
        return frozenset(seen)

    def path(self, team_id: int) -> tuple[TeamNode, ...]:
        """The teams from the root down to `team_id` (the breadcrumb)."""
        path: list[TeamNode] = []
        seen: set[int] = set()
        current: int | None = team_id
        while current is not None and current in self.nodes and current not in seen:
            seen.add(current)
            node = self.nodes[current]
            path.append(node)
            current = node.parent_id
        return tuple(reversed(path))

    def rows(self, team_id: int, limit: int = ROWS_MAX) -> tuple[TeamRow, ...]:
        """The by-team rows of a scope: its own objectives first, then each direct child
        team with its subtree, by name (archived ones too: their objectives still count).

        Past `limit` child teams, the largest subtrees keep a row each and the others share
        one last row ("12 other teams"), so that every figure still adds up.
        """
        own = self.nodes[team_id]
        rows = [
            TeamRow(own.id, _("%(team)s (own)") % {"team": own.name}, frozenset({own.id}), own=True)
        ]
        children = [(child, self.subtree(child)) for child in self.children.get(team_id, ())]
        if len(children) > limit:
            ranked = sorted(children, key=lambda c: (-len(c[1]), self.nodes[c[0]].name.lower()))
            kept = {child for child, _ in ranked[:limit]}
            rest = [teams for child, teams in children if child not in kept]
            children = [c for c in children if c[0] in kept]
        else:
            rest = []
        rows.extend(TeamRow(child, self.nodes[child].name, teams) for child, teams in children)
        if rest:
            rows.append(
                TeamRow(
                    team_id,
                    ngettext("%(count)s other team", "%(count)s other teams", len(rest))
                    % {"count": len(rest)},
                    frozenset().union(*rest),
                    other=True,
                )
            )
        return tuple(rows)

    def roots(self) -> Iterator[TeamNode]:
        """The teams with no parent (the company), by name."""
        return (node for node in self.nodes.values() if node.parent_id is None)


def default_scope(
    workspace: Workspace, clock: Clock, cycle_id: int | None = None, team_id: int | None = None
) -> InsightScope | None:
    """The scope a page opens on: the cycle `cycle_id` (default: the active cycle, else the
    newest) and the team `team_id` (default: the company), both of `workspace`.

    None when the workspace has no cycle or no team. An id of another workspace, or of
    nothing, falls back to the default rather than failing (pages check ids first).
    """
    cycle = (
        Cycle.objects.filter(workspace=workspace, pk=cycle_id).first()
        if cycle_id is not None
        else None
    ) or current_cycle(workspace)
    if cycle is None:
        return None
    team = (
        Team.objects.filter(workspace=workspace, pk=team_id).first()
        if team_id is not None
        else None
    ) or company_team(workspace)
    if team.pk is None:
        return None
    cycle.workspace = workspace
    return InsightScope(workspace=workspace, cycle=cycle, team=team, clock=clock)
