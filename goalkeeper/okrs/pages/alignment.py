"""The alignment tree: a cycle's objectives as trees of parent links, from the company level
down, and the unaligned ones apart, by team.

Bounded in rows as well as queries (docs/okrs.md#alignment-tree): a small cycle opens fully; a
larger one shows the company level with counts of what supports each objective, and a node's
supporting objectives load a page at a time when it is opened (`tree_children`). The search
(`tree_search`) reaches objectives at any depth and shows each with its path.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence

from django.db.models import Count, Q, QuerySet

from goalkeeper.accounts.models import Workspace
from goalkeeper.okrs.cycles import cycle_choices, cycle_header
from goalkeeper.okrs.models import Cycle, Objective, ObjectiveState
from goalkeeper.okrs.pages.cascade import tree_links, with_links
from goalkeeper.okrs.rows import BOARD_ORDER, CycleIndex, check_workspace, load_rows
from goalkeeper.okrs.view_models import (
    AlignmentTree,
    ObjectiveRow,
    SearchHit,
    TreeNode,
    TreePage,
    TreeSearch,
)

# Up to this many objectives the alignment tree opens fully; above, only the company level.
TREE_OPEN_UP_TO = 150
# Supporting objectives of one node shown at once (and company-level objectives at the top).
CHILDREN_PAGE = 50
# Unaligned objectives shown on one page of the tree.
UNALIGNED_PAGE = 25
# Matches a search shows; the rest are counted.
SEARCH_MAX = 25
# A query shorter than this matches too much to be worth the search.
SEARCH_MIN = 2
SEARCH_MAX_LENGTH = 100


class _Shape:
    """Children (in id order) of a cycle's objectives, from its index (no query); and, for
    a cycle small enough to open fully, how many objectives sit below each one."""

    def __init__(self, index: CycleIndex, *, count_below: bool) -> None:
        self.children = {pk: sorted(kids) for pk, kids in index.children.items()}
        self.descendants: dict[int, int] = {}
        if count_below:
            for pk in index.nodes:
                self.descendants[pk] = len(self._below(pk))

    def _below(self, pk: int) -> set[int]:
        # A loop in bad data must not hang the page: each node is counted once.
        found: set[int] = set()
        pending = list(self.children.get(pk, []))
        while pending:
            kid = pending.pop()
            if kid not in found and kid != pk:
                found.add(kid)
                pending.extend(self.children.get(kid, []))
        return found

    def kids(self, pk: int) -> list[int]:
        return self.children.get(pk, [])


def _roots(index: CycleIndex) -> list[int]:
    """Company objectives, objectives whose parent is outside the cycle's view, and whatever
    a loop in bad data leaves unreachable from them."""
    nodes = index.nodes
    roots = [
        pk
        for pk, node in sorted(nodes.items())
        if (node.parent_id is None and node.company_level)
        or (node.parent_id is not None and node.parent_id not in nodes)
    ]
    loose = [pk for pk, n in nodes.items() if n.parent_id is None and not n.company_level]
    reached: set[int] = set()
    pending = [*roots, *loose]
    while pending:
        pk = pending.pop()
        if pk not in reached:
            reached.add(pk)
            pending.extend(index.children.get(pk, []))
    return roots + sorted(pk for pk in nodes if pk not in reached and pk not in roots)


def alignment_tree(
    workspace: Workspace,
    cycle: Cycle,
    now: dt.datetime,
    focus: int | None = None,
    unaligned_page: int = 1,
) -> AlignmentTree:
    """The cycle's objectives as trees: company-level objectives at the roots, each with
    the objectives that support it below; unaligned ones apart, by team, a page at a time.

    Seven queries whatever the size of the cycle: cycles, the cycle's index, the page of
    unaligned objectives, the rows shown (objectives and key results), then their links to
    key results and further parents (docs/cascade.md). `focus` opens
    the path to one objective and its supporting objectives, and marks it.
    """
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    index = CycleIndex.load(workspace, cycle)
    nodes = index.nodes
    open_all = len(nodes) <= TREE_OPEN_UP_TO
    shape = _Shape(index, count_below=open_all)
    focus = focus if focus in nodes else None
    focus_path = set(index.path(focus)) if focus is not None else set()
    # Kept on a page of children even past its first page: the path and the focus itself.
    keep = focus_path | {focus} if focus is not None else set()

    roots = _roots(index)
    shown_roots = roots if open_all else roots[:CHILDREN_PAGE]
    if focus is not None and not open_all:
        top = index.path(focus)[0] if focus_path else focus
        if top in roots and top not in shown_roots:
            shown_roots = [*shown_roots, top]
    loose_count = sum(1 for n in nodes.values() if n.parent_id is None and not n.company_level)
    pages = max(1, math.ceil(loose_count / UNALIGNED_PAGE))
    page = min(max(unaligned_page, 1), pages)
    loose_ids = _unaligned_page(workspace, cycle, page, everything=open_all)

    # Which nodes the page renders: all of a small cycle; else the tops, and the opened path.
    shown: set[int] = set()
    opened: set[int] = set()

    def reveal(pk: int, depth: int, visited: set[int]) -> None:
        shown.add(pk)
        visited.add(pk)
        if open_all or pk in focus_path or pk == focus:
            opened.add(pk)
            kids = shape.kids(pk) if open_all else _page_with(shape.kids(pk), keep)
            for kid in kids:
                if kid not in visited:
                    reveal(kid, depth + 1, visited)

    for pk in [*shown_roots, *loose_ids]:
        reveal(pk, 0, set())
    rows = {row.id: row for row in load_rows(workspace, cycle, clock, index.with_rollups(shown))}

    def build(pk: int, depth: int, visited: frozenset[int]) -> TreeNode:
        kids_all = shape.kids(pk)
        loaded = pk in opened
        kids: tuple[TreeNode, ...] = ()
        more_from = None
        if loaded:
            wanted = kids_all if open_all else _page_with(kids_all, keep)
            kids = tuple(
                build(kid, depth + 1, visited | {pk})
                for kid in wanted
                if kid not in visited and kid in rows
            )
            if not open_all and len(kids_all) > CHILDREN_PAGE:
                more_from = CHILDREN_PAGE
        return TreeNode(
            row=rows[pk],
            depth=depth,
            children=kids,
            expanded=loaded,
            child_count=len(kids_all),
            descendants=shape.descendants.get(pk, 0),
            focused=pk == focus,
            loaded=loaded,
            more_from=more_from,
        )

    links = tree_links(workspace, shown)
    root_nodes = tuple(
        with_links(build(pk, 0, frozenset()), links) for pk in shown_roots if pk in rows
    )
    loose_nodes = [with_links(build(pk, 0, frozenset()), links) for pk in loose_ids if pk in rows]
    return AlignmentTree(
        cycle=cycle_header(cycle, clock),
        company=workspace.name,
        roots=root_nodes,
        unaligned=_by_team(loose_nodes),
        total=len(nodes),
        unaligned_count=loose_count,
        cycles=cycle_choices(workspace),
        focus=focus,
        roots_left=len(roots) - len(shown_roots),
        unaligned_page=page,
        unaligned_pages=1 if open_all else pages,
        complete=open_all,
    )


def _page_with(kids: Sequence[int], keep: Iterable[int]) -> list[int]:
    """The first page of `kids`, plus any of them on the opened path (not to lose it)."""
    first = list(kids[:CHILDREN_PAGE])
    wanted = set(keep)
    return first + [kid for kid in kids[CHILDREN_PAGE:] if kid in wanted]


def _unaligned_page(
    workspace: Workspace, cycle: Cycle, page: int, *, everything: bool
) -> list[int]:
    """Ids of one page of the unaligned objectives, by team name (one query)."""
    query = (
        Objective.objects.filter(
            workspace=workspace, cycle=cycle, parent__isnull=True, team__parent__isnull=False
        )
        .exclude(state=ObjectiveState.DRAFT)
        .order_by("team__name", "team_id", "id")
        .values_list("id", flat=True)
    )
    if everything:
        return list(query)
    start = (page - 1) * UNALIGNED_PAGE
    return list(query[start : start + UNALIGNED_PAGE])


def _by_team(nodes: Sequence[TreeNode]) -> tuple[tuple[str, tuple[TreeNode, ...]], ...]:
    groups: list[tuple[str, list[TreeNode]]] = []
    for node in nodes:
        if groups and groups[-1][1][0].row.team_id == node.row.team_id:
            groups[-1][1].append(node)
        else:
            groups.append((node.row.team_name, [node]))
    return tuple((name, tuple(members)) for name, members in groups)


def tree_children(
    workspace: Workspace, objective: Objective, now: dt.datetime, start: int = 0
) -> TreePage:
    """One page of the objectives supporting `objective` (those of its cycle, drafts left
    out), each with the count of its own: what opening a node loads.

    Seven queries whatever the size of the cycle: the count, the page, the counts of its
    supporting objectives, the rows shown (objectives and key results) and their links to
    key results and further parents; one more, the
    cycle's index, when one of them rolls up its children.
    `objective` comes from `access_objective_by_id` (with its cycle).
    """
    cycle = objective.cycle
    check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    supporting = _in_view(workspace, cycle).filter(parent_id=objective.pk)
    total = supporting.count()
    start = min(max(start, 0), total)
    page = list(
        supporting.order_by("id").values_list("id", "roll_up_children")[
            start : start + CHILDREN_PAGE
        ]
    )
    ids = [pk for pk, _ in page]
    counts = dict(
        _in_view(workspace, cycle)
        .filter(parent_id__in=ids)
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    needed: set[int] = set(ids)
    if any(roll_up for _, roll_up in page):
        needed = CycleIndex.around(workspace, cycle, ids).with_rollups(ids)
    rows = {row.id: row for row in load_rows(workspace, cycle, clock, needed)}
    nodes = tuple(
        TreeNode(
            row=rows[pk],
            depth=1,
            children=(),
            expanded=False,
            child_count=counts.get(pk, 0),
            descendants=0,
        )
        for pk in ids
        if pk in rows
    )
    links = tree_links(workspace, ids)
    nodes = tuple(
        sorted(
            (with_links(node, links) for node in nodes),
            key=lambda node: (node.via is not None, node.via.id if node.via else 0),
        )
    )
    end = start + len(ids)
    return TreePage(
        cycle_id=cycle.pk,
        parent_id=objective.pk,
        nodes=nodes,
        total=total,
        more_from=end if end < total else None,
    )


def _in_view(workspace: Workspace, cycle: Cycle) -> QuerySet[Objective]:
    """The objectives a cycle's pages show: its own, drafts left out."""
    return Objective.objects.filter(workspace=workspace, cycle=cycle).exclude(
        state=ObjectiveState.DRAFT
    )


def clean_query(raw: str) -> str:
    """A search query as the search uses it: trimmed, bounded; "" when too short."""
    text = " ".join(raw.split())[:SEARCH_MAX_LENGTH]
    return text if len(text) >= SEARCH_MIN else ""


def tree_search(workspace: Workspace, cycle: Cycle, now: dt.datetime, query: str) -> TreeSearch:
    """Objectives of the cycle (drafts left out) whose title, owner or team contains
    `query`, at any depth, each with its path from the company level; the first
    `SEARCH_MAX`, in board order, and how many match in all.

    Six queries: the matches and their count, the matches' paths and roll-ups in the
    cycle's index (not the whole cycle), the titles on the paths
    and the rows shown (objectives and key results).
    """
    check_workspace(workspace, cycle)
    text = clean_query(query)
    if not text:
        return TreeSearch(cycle_id=cycle.pk, query="", hits=(), total=0)
    clock = workspace.clock(now)
    matching = _in_view(workspace, cycle).filter(
        Q(title__icontains=text) | Q(owner__name__icontains=text) | Q(team__name__icontains=text)
    )
    total = matching.count()
    ids = list(matching.order_by(*BOARD_ORDER).values_list("id", flat=True)[:SEARCH_MAX])
    index = CycleIndex.around(workspace, cycle, ids, paths=True)
    paths = {pk: index.path(pk) for pk in ids}
    above = {pk for path in paths.values() for pk in path}
    titles = dict(
        Objective.objects.filter(workspace=workspace, pk__in=list(above)).values_list("id", "title")
    )
    rows: dict[int, ObjectiveRow] = {
        row.id: row for row in load_rows(workspace, cycle, clock, index.with_rollups(ids))
    }
    hits = tuple(
        SearchHit(row=rows[pk], path=tuple((a, titles.get(a, "")) for a in paths[pk]))
        for pk in ids
        if pk in rows
    )
    return TreeSearch(cycle_id=cycle.pk, query=text, hits=hits, total=total)
