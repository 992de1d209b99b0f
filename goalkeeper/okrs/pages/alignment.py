"""The alignment tree: a cycle's objectives as trees of parent links, from the company level
down, and the unaligned ones apart, by team."""

from __future__ import annotations

import datetime as dt

from goalkeeper.accounts.models import Workspace
from goalkeeper.okrs.cycles import cycle_choices, cycle_header
from goalkeeper.okrs.models import Cycle
from goalkeeper.okrs.rows import check_workspace, group_by_team, load_rows
from goalkeeper.okrs.view_models import AlignmentTree, ObjectiveRow, TreeNode

# Below this many objectives the alignment tree opens fully; above, only the first level.
TREE_OPEN_UP_TO = 150


def alignment_tree(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, focus: int | None = None
) -> AlignmentTree:
    """The cycle's objectives as trees: company-level objectives at the roots, each with
    the objectives that support it below; unaligned ones apart, by team.

    Three queries: cycles, objectives and key results. `focus` opens the path to one
    objective and marks it.
    """
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    rows = load_rows(workspace, cycle, clock)
    by_id = {row.id: row for row in rows}
    children: dict[int, list[ObjectiveRow]] = {}
    for row in rows:
        if row.parent_id is not None and row.parent_id in by_id:
            children.setdefault(row.parent_id, []).append(row)
    open_all = len(rows) <= TREE_OPEN_UP_TO
    focus_path: set[int] = set()
    if focus is not None and focus in by_id:
        node_id: int | None = by_id[focus].parent_id
        while node_id is not None and node_id in by_id and node_id not in focus_path:
            focus_path.add(node_id)
            node_id = by_id[node_id].parent_id
    placed: set[int] = set()

    def build(row: ObjectiveRow, depth: int) -> TreeNode:
        placed.add(row.id)
        kids = tuple(
            build(child, depth + 1) for child in children.get(row.id, []) if child.id not in placed
        )
        owner = row.owner.name if row.owner else ""
        return TreeNode(
            row=row,
            depth=depth,
            children=kids,
            expanded=open_all or depth == 0 or row.id in focus_path,
            search=f"{row.title} {owner} {row.team_name}".lower(),
            descendants=sum(1 + kid.descendants for kid in kids),
            focused=row.id == focus,
        )

    def is_root(row: ObjectiveRow) -> bool:
        # Company objectives, and objectives whose parent is not in this cycle's view.
        if row.parent_id is None:
            return row.company_level
        return row.parent_id not in by_id

    roots = tuple(build(row, 0) for row in rows if is_root(row))
    loose = [row for row in rows if row.parent_id is None and not row.company_level]
    unaligned_nodes = [build(row, 0) for row in loose]
    groups: list[tuple[str, tuple[TreeNode, ...]]] = []
    for group in group_by_team(loose):
        members = {row.id for row in group.objectives}
        groups.append((group.name, tuple(n for n in unaligned_nodes if n.row.id in members)))
    # Whatever a loop in bad data left unplaced still shows, at the top level.
    stray = tuple(build(row, 0) for row in rows if row.id not in placed)
    return AlignmentTree(
        cycle=cycle_header(cycle, clock),
        company=workspace.name,
        roots=roots + stray,
        unaligned=tuple(groups),
        total=len(rows),
        unaligned_count=len(loose),
        cycles=cycle_choices(workspace),
        focus=focus if focus in by_id else None,
    )
