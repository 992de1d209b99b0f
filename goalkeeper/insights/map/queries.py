"""The strategy map's read model: a cycle's alignment as a graph (docs/strategy-map.md).

The company at the top, its objectives below it, then the objectives that support each one,
level by level; objectives that support nothing are grouped under their team. Beside an
objective, the KPIs its key results read ("drives" edges); beside a KPI or objective shown,
the KPIs declared to lead it or its key results ("leads" edges, with their correlation:
`goalkeeper.bridges.driver_queries`). Every figure comes from the read
models: objectives' progress, score and pace from the alignment tree's rows
(`goalkeeper.okrs.rows`), KPIs' health from their stored figures (`kpis.figures.health_now`).

Bounded as the alignment tree is, since it is built from it (`okrs.pages.alignment`): a
small cycle opens fully; a larger one shows the company level and loads a node's supporting
objectives a page at a time (`map_children`); the search (`map_search`) reaches any depth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import FloatField, OuterRef, Subquery

from goalkeeper.accounts.models import Workspace
from goalkeeper.bridges.driver_queries import Correlation, correlations, links_touching
from goalkeeper.bridges.models import DriverLink
from goalkeeper.insights.map.cascade import LEAVES_MAX, CascadeFacts, cascade_facts
from goalkeeper.kpis.figures import health_now
from goalkeeper.kpis.models import Kpi, Measurement
from goalkeeper.okrs.models import Cycle, Objective
from goalkeeper.okrs.pages import alignment
from goalkeeper.okrs.view_models import (
    CycleChoice,
    CycleHeader,
    KeyResultLink,
    ObjectiveRow,
    TreeNode,
)

# KPI nodes one answer holds at most (beside the objectives it shows); more are counted.
KPI_NODES_MAX = 400

OBJECTIVE, KPI, TEAM, COMPANY = "objective", "kpi", "team", "company"
KEY_RESULT = "key_result"
ALIGNS, DRIVES = "aligns", "drives"
# A KPI declared to lead a KPI or key result shown (a driver link; docs/strategy-map.md).
LEADS = "leads"
# Drawn dashed: a key result of another objective contributing to one shown, and an
# objective supporting one shown as a further, non-primary parent (docs/cascade.md).
CONTRIBUTES, ALSO = "contributes", "also"


@dataclass(frozen=True)
class KpiFacts:
    """What a KPI node shows: its name, unit, newest value and health now."""

    id: int
    name: str
    unit: str
    team_name: str
    latest_value: float | None
    health: str


@dataclass(frozen=True)
class MapNode:
    """One node of the strategy map.

    `edge` is how it hangs from its parent: "aligns" (an objective supporting the one
    above), "drives" (a KPI one of the objective's key results reads). `unloaded` counts the
    supporting objectives not in `children` yet; `more_from` is where the next page of them
    starts (`map_children`).
    """

    key: str
    kind: str
    edge: str
    name: str
    team: str = ""
    owner: str = ""
    objective: ObjectiveRow | None = None
    kpi: KpiFacts | None = None
    children: tuple[MapNode, ...] = ()
    unloaded: int = 0
    more_from: int | None = None
    focused: bool = False
    team_id: int | None = None
    # What a key result node or a dashed leaf links to: (objective id, key result id).
    ref: tuple[int, int | None] | None = None
    tone_of: str = ""
    # A "leads" node: what it leads and the correlation ("r = 0.82 at a lag of 2 weeks").
    lead_text: str = ""

    @property
    def pk(self) -> int | None:
        """The id of the objective, KPI or team the node stands for."""
        if self.objective is not None:
            return self.objective.id
        if self.kpi is not None:
            return self.kpi.id
        return self.team_id

    @property
    def tone(self) -> str:
        """Its colour: an objective's (pace status while live, final score band once
        closed), a KPI's health; neutral for the company and teams."""
        if self.objective is not None:
            return self.objective.tone
        if self.kpi is not None:
            return self.kpi.health
        return self.tone_of or "neutral"

    def walk(self) -> Iterable[MapNode]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class StrategyMap:
    """A cycle's strategy map: the company node and what is shown below it."""

    cycle: CycleHeader
    cycles: tuple[CycleChoice, ...]
    root: MapNode
    total: int
    unaligned_count: int
    # Company-level objectives and unaligned ones past what is shown (the search finds them).
    roots_left: int
    unaligned_left: int
    complete: bool
    focus: int | None
    kpis_left: int = 0


@dataclass(frozen=True)
class MapPage:
    """One page of the objectives supporting an objective (what expanding a node loads)."""

    cycle_id: int
    parent_id: int
    nodes: tuple[MapNode, ...]
    total: int
    more_from: int | None
    kpis_left: int = 0


@dataclass(frozen=True)
class MapHit:
    """An objective the search found, with the titles of its path from the company level."""

    node: MapNode
    path: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class MapSearch:
    cycle_id: int
    query: str
    hits: tuple[MapHit, ...] = field(default_factory=tuple)
    total: int = 0


# --- KPIs beside objectives --------------------------------------------------------------------


def kpi_facts(
    workspace: Workspace, kpi_ids: Iterable[int], now: dt.datetime
) -> dict[int, KpiFacts]:
    """The KPIs with these ids, in one query: health from the stored figures (read at
    `now` as the KPI board reads them) and the newest measurement's value."""
    ids = sorted(set(kpi_ids))
    if not ids:
        return {}
    newest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-timestamp")
    rows = (
        Kpi.objects.filter(workspace=workspace, pk__in=ids)
        .annotate(
            health_now=health_now(now),
            latest_value=Subquery(newest.values("value")[:1], output_field=FloatField()),
        )
        .values_list("id", "name", "unit", "team__name", "latest_value", "health_now")
    )
    return {
        pk: KpiFacts(pk, name, unit, team or "", latest, str(health))
        for pk, name, unit, team, latest, health in rows
    }


def _linked_kpis(rows: Iterable[ObjectiveRow]) -> tuple[list[int], int]:
    """KPI ids the rows' key results read, in order, at most KPI_NODES_MAX; and how many
    links past the cap are left out."""
    ids: list[int] = []
    left = 0
    for row in rows:
        for kr in row.key_results:
            if kr.kpi_id is None:
                continue
            if len(ids) < KPI_NODES_MAX:
                ids.append(kr.kpi_id)
            else:
                left += 1
    return ids, left


@dataclass(frozen=True)
class Leads:
    """The driver links whose lagging end is shown on a map answer, with correlations."""

    by_kpi: dict[int, list[tuple[DriverLink, Correlation]]] = field(default_factory=dict)
    by_key_result: dict[int, list[tuple[DriverLink, Correlation]]] = field(default_factory=dict)


def _leads(
    workspace: Workspace, rows: list[ObjectiveRow], kpi_ids: list[int], now: dt.datetime
) -> tuple[Leads, list[int]]:
    """The driver links leading the KPIs `kpi_ids` or the rows' key results (one query, and
    those of `correlations`), and the ids of their leading KPIs."""
    kr_ids = [kr.id for row in rows for kr in row.key_results]
    links = links_touching(workspace.pk, kpi_ids, kr_ids, KPI_NODES_MAX)
    found = correlations(links, workspace, now)
    leads = Leads()
    for link in links:
        pair = (link, found[link.pk])
        if link.lagging_kpi_id is not None:
            leads.by_kpi.setdefault(link.lagging_kpi_id, []).append(pair)
        elif link.lagging_key_result_id is not None:
            leads.by_key_result.setdefault(link.lagging_key_result_id, []).append(pair)
    return leads, [link.leading_id for link in links]


def _lead_nodes(
    pairs: Iterable[tuple[DriverLink, Correlation]],
    kpis: dict[int, KpiFacts],
    place: str,
    what: str,
) -> tuple[MapNode, ...]:
    """A node per KPI leading `what` (a KPI's or key result's name)."""
    nodes = []
    for link, correlation in pairs:
        kpi = kpis.get(link.leading_id)
        if kpi is None:
            continue
        nodes.append(
            MapNode(
                key=f"lead-{link.pk}-{place}",
                kind=KPI,
                edge=LEADS,
                name=kpi.name,
                team=kpi.team_name,
                kpi=kpi,
                lead_text=f"{what}: {correlation.text}",
            )
        )
    return tuple(nodes)


def _kpi_nodes(
    row: ObjectiveRow, kpis: dict[int, KpiFacts], leads: Leads | None = None
) -> tuple[MapNode, ...]:
    """The KPIs beside an objective: one node per key result linked to a KPI (a KPI read by
    two key results shows twice, once per link), each with the KPIs leading it; then the
    KPIs leading one of its key results."""
    leads = leads or Leads()
    nodes = []
    seen: set[int] = set()
    for kr in row.key_results:
        if kr.kpi_id is None or kr.kpi_id not in kpis or kr.kpi_id in seen:
            continue
        seen.add(kr.kpi_id)
        kpi = kpis[kr.kpi_id]
        nodes.append(
            MapNode(
                key=f"kpi-{kpi.id}-{row.id}",
                kind=KPI,
                edge=DRIVES,
                name=kpi.name,
                team=kpi.team_name,
                kpi=kpi,
                children=_lead_nodes(
                    leads.by_kpi.get(kpi.id, ()), kpis, f"{row.id}-{kpi.id}", kpi.name
                ),
            )
        )
    for kr in row.key_results:
        nodes.extend(
            _lead_nodes(leads.by_key_result.get(kr.id, ()), kpis, f"{row.id}-kr{kr.id}", kr.title)
        )
    return tuple(nodes)


# --- Objectives ---------------------------------------------------------------------------------


def _rows_of(nodes: Iterable[TreeNode]) -> Iterable[ObjectiveRow]:
    for node in nodes:
        yield node.row
        yield from _rows_of(node.children)


def _objective_node(
    node: TreeNode,
    kpis: dict[int, KpiFacts],
    facts: CascadeFacts | None = None,
    leads: Leads | None = None,
) -> MapNode:
    row = node.row
    facts = facts or CascadeFacts()
    kids = [(kid.via, _objective_node(kid, kpis, facts, leads)) for kid in node.children]
    supporting = tuple(built for _, built in kids)
    mine = {kr.id for kr in row.key_results}
    # Objectives aligned to one of its key results hang below that key result's node.
    direct = tuple(built for via, built in kids if via is None or via.id not in mine)
    below = _key_result_nodes(row, kids, facts)
    return MapNode(
        key=f"objective-{row.id}",
        kind=OBJECTIVE,
        edge=ALIGNS,
        name=row.title,
        team=row.team_name,
        owner=row.owner.name if row.owner is not None else "",
        objective=row,
        # KPIs first: they sit beside the objective, its supporting objectives below.
        children=_kpi_nodes(row, kpis, leads) + below + direct + _also_leaves(row.id, None, facts),
        unloaded=max(node.child_count - len(supporting), 0),
        more_from=node.more_from if node.loaded else (0 if node.child_count else None),
        focused=node.focused,
    )


def _key_result_nodes(
    row: ObjectiveRow, kids: list[tuple[KeyResultLink | None, MapNode]], facts: CascadeFacts
) -> tuple[MapNode, ...]:
    """A node per key result of `row` that something aligns or contributes to."""
    nodes = []
    for kr in row.key_results:
        aligned = tuple(built for via, built in kids if via is not None and via.id == kr.id)
        leaves = (
            tuple(
                MapNode(
                    key=f"contribution-{c.id}",
                    kind=KEY_RESULT,
                    edge=CONTRIBUTES,
                    name=c.title,
                    team=c.team_name,
                    owner=c.owner_name or "",
                    ref=(c.objective_id, c.id),
                )
                for c in facts.contributors.get(kr.id, [])
            )
            + _also_leaves(row.id, kr.id, facts)
        )[:LEAVES_MAX]
        if not aligned and not leaves:
            continue
        nodes.append(
            MapNode(
                key=f"kr-{kr.id}",
                kind=KEY_RESULT,
                edge=ALIGNS,
                name=kr.title,
                team=row.team_name,
                owner=kr.owner.name if kr.owner is not None else "",
                ref=(row.id, kr.id),
                tone_of=kr.tone,
                children=leaves + aligned,
            )
        )
    return tuple(nodes)


def _also_leaves(objective_id: int, kr_id: int | None, facts: CascadeFacts) -> tuple[MapNode, ...]:
    """The objectives supporting `objective_id` (its key result `kr_id`) as a further parent."""
    return tuple(
        MapNode(
            key=f"also-{s.objective_id}-{objective_id}-{kr_id or 0}",
            kind=OBJECTIVE,
            edge=ALSO,
            name=s.title,
            team=s.team_name,
            ref=(s.objective_id, None),
        )
        for s in facts.supporters.get(objective_id, [])
        if s.key_result_id == kr_id
    )[:LEAVES_MAX]


def strategy_map(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, focus: int | None = None
) -> StrategyMap:
    """The cycle's map: the company, its objectives and (on a small cycle) everything below
    them; unaligned objectives under their team; KPIs beside the objectives shown.

    The alignment tree's queries (`alignment.alignment_tree`), one for the KPIs and two for
    the cascade (`cascade_facts`).
    `focus` opens the path to one objective and its supporting objectives, and marks it.
    """
    tree = alignment.alignment_tree(workspace, cycle, now, focus=focus)
    tops = list(tree.roots)
    teams = [(name, list(members)) for name, members in tree.unaligned]
    rows = list(_rows_of(tops)) + [row for _, members in teams for row in _rows_of(members)]
    kpi_ids, kpis_left = _linked_kpis(rows)
    leads, leading_ids = _leads(workspace, rows, kpi_ids, now)
    kpis = kpi_facts(workspace, kpi_ids + leading_ids, now)
    facts = cascade_facts(workspace, rows)
    children: list[MapNode] = [_objective_node(node, kpis, facts, leads) for node in tops]
    shown_unaligned = 0
    for name, members in teams:
        shown_unaligned += len(members)
        team_id = members[0].row.team_id
        children.append(
            MapNode(
                key=f"team-{team_id}",
                kind=TEAM,
                edge=ALIGNS,
                name=name,
                team=name,
                team_id=team_id,
                children=tuple(_objective_node(node, kpis, facts, leads) for node in members),
            )
        )
    root = MapNode(
        key="company", kind=COMPANY, edge=ALIGNS, name=tree.company, children=tuple(children)
    )
    return StrategyMap(
        cycle=tree.cycle,
        cycles=tree.cycles,
        root=root,
        total=tree.total,
        unaligned_count=tree.unaligned_count,
        roots_left=tree.roots_left,
        unaligned_left=max(tree.unaligned_count - shown_unaligned, 0),
        complete=tree.complete,
        focus=tree.focus,
        kpis_left=kpis_left,
    )


def map_children(
    workspace: Workspace, objective: Objective, now: dt.datetime, start: int = 0
) -> MapPage:
    """One page of the objectives supporting `objective`, with the KPIs beside them: what
    expanding a node loads. The alignment tree's queries (`alignment.tree_children`), one
    for the KPIs and two for the cascade. `objective` comes from `access_objective_by_id`
    (with its cycle)."""
    page = alignment.tree_children(workspace, objective, now, start)
    rows = [node.row for node in page.nodes]
    kpi_ids, kpis_left = _linked_kpis(rows)
    leads, leading_ids = _leads(workspace, rows, kpi_ids, now)
    kpis = kpi_facts(workspace, kpi_ids + leading_ids, now)
    facts = cascade_facts(workspace, rows)
    return MapPage(
        cycle_id=page.cycle_id,
        parent_id=page.parent_id,
        nodes=tuple(_objective_node(node, kpis, facts, leads) for node in page.nodes),
        total=page.total,
        more_from=page.more_from,
        kpis_left=kpis_left,
    )


def map_search(workspace: Workspace, cycle: Cycle, now: dt.datetime, query: str) -> MapSearch:
    """Objectives of the cycle matching `query` (title, owner or team) at any depth, each
    with its path: the alignment tree's search (`alignment.tree_search`)."""
    found = alignment.tree_search(workspace, cycle, now, query)
    hits = tuple(
        MapHit(
            node=replace(_objective_node(_leaf(hit.row), {}), children=()),
            path=hit.path,
        )
        for hit in found.hits
    )
    return MapSearch(cycle_id=cycle.pk, query=found.query, hits=hits, total=found.total)


def _leaf(row: ObjectiveRow) -> TreeNode:
    return TreeNode(row=row, depth=0, children=(), expanded=False, child_count=0, descendants=0)
