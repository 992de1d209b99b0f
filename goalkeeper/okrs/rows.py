"""Rows for the OKR pages: objectives with their key results, read with `values()` in a fixed
number of queries, every number from the read model (`goalkeeper.okrs.figures`).

    CycleIndex.load(...)   parent links of a whole cycle
    CycleIndex.around(...) parent links near some objectives, read whatever the cycle's size
    load_rows(...)         objectives and key results as `ObjectiveRow`s, in board order
    key_result_row(...)    one key result's row from loaded instances, no query
    objective_rows(...)    some objectives with what their roll-ups need
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Workspace
from goalkeeper.accounts.refs import PersonRef
from goalkeeper.domain.scoring import ScoreBand, score_band
from goalkeeper.okrs.facts import (
    KEY_RESULT_FACT_FIELDS,
    OBJECTIVE_FACT_FIELDS,
    CycleFacts,
    KeyResultFacts,
    cycle_facts,
    key_result_facts,
    objective_facts,
)
from goalkeeper.okrs.figures import key_result_figures_from, objective_figures_from
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective, ObjectiveState
from goalkeeper.okrs.view_models import (
    PACE_ORDER,
    BandCount,
    KeyResultLink,
    KeyResultRow,
    ObjectiveRow,
    StatusCount,
    TeamGroup,
)

# Above this many ids a query filters by cycle and Python picks the rows: a long IN list
# costs more than it saves (and SQLite caps the number of parameters).
IN_LIST_MAX = 400

_OBJECTIVE_FIELDS = (
    *OBJECTIVE_FACT_FIELDS,
    "title",
    "kind",
    "team_id",
    "team__name",
    "team__parent_id",
    "owner_id",
    "owner__name",
    "odds_success",
)
_KEY_RESULT_FIELDS = (
    *KEY_RESULT_FACT_FIELDS,
    "title",
    "unit",
    "confidence",
    "owner_id",
    "owner__name",
    "kpi_id",
    "kpi__name",
    "rollup",
    "contributes_to_id",
    "contributes_to__title",
    "contributes_to__objective_id",
    "contributes_to__objective__title",
    # A KPI handed down from this key result to another team (docs/cascade.md), and the
    # formula of a key result read from several KPIs: shown beside the key result.
    "kpi__origin_key_result_id",
    "kpi__team_id",
    "kpi__team__name",
    "objective__team_id",
    "kpi_formula",
    "odds_target",
    "odds_success",
)
# Board order: the company root first, then teams by name; objectives in creation order.
BOARD_ORDER = (
    Case(
        When(team__parent__isnull=True, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    ),
    "team__name",
    "team_id",
    "id",
)
BAND_LABELS = {
    ScoreBand.GREEN: "0.7-1.0",
    ScoreBand.YELLOW: "0.4-0.6",
    ScoreBand.RED: "0.0-0.3",
}


def check_workspace(workspace: Workspace, cycle: Cycle) -> None:
    """Refuse to read a cycle through another workspace."""
    if cycle.workspace_id != workspace.pk:
        raise ValueError("the cycle belongs to another workspace")


def initials(name: str) -> str:
    """Initials as `Person.initials` makes them, from a name read with `values()`."""
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def person_ref(person_id: int | None, name: str | None) -> PersonRef | None:
    """A person as pages show them, from an id and a name read with `values()`."""
    if person_id is None:
        return None
    return PersonRef(id=person_id, name=name or "", initials=initials(name or ""))


# --- The cycle's shape: one light query over its objectives ------------------------------------


class _Node(NamedTuple):
    # A tuple, not a dataclass: a cycle's index holds ten thousand of these.
    id: int
    parent_id: int | None
    roll_up: bool
    team_id: int
    owner_id: int | None
    company_level: bool


class CycleIndex:
    """Parent links of a cycle's objectives (drafts left out), read in one query.

    Lets a page load the rows it shows and only those: an objective's ancestors, its
    children, and everything a roll-up objective needs to compute its progress.
    """

    def __init__(self, nodes: Iterable[_Node]) -> None:
        self.nodes = {node.id: node for node in nodes}
        self.children: dict[int, list[int]] = {}
        for node in self.nodes.values():
            if node.parent_id is not None and node.parent_id in self.nodes:
                self.children.setdefault(node.parent_id, []).append(node.id)

    @classmethod
    def load(cls, workspace: Workspace, cycle: Cycle, include: Iterable[int] = ()) -> CycleIndex:
        """The index of `cycle`; `include` adds objectives by id (a draft being viewed)."""
        extra = list(include)
        condition = Q(cycle=cycle) & ~Q(state=ObjectiveState.DRAFT)
        if extra:
            condition |= Q(pk__in=extra)
        rows = Objective.objects.filter(condition, workspace=workspace).values_list(
            "id", "parent_id", "roll_up_children", "team_id", "owner_id", "team__parent_id"
        )
        return cls(
            _Node(pk, parent, bool(roll_up), team, owner, team_parent is None)
            for pk, parent, roll_up, team, owner, team_parent in rows
        )

    @classmethod
    def around(
        cls,
        workspace: Workspace,
        cycle: Cycle,
        seeds: Iterable[int],
        *,
        paths: bool = False,
        path_rollups: bool = False,
        children_of: Iterable[int] = (),
        include: Iterable[int] = (),
    ) -> CycleIndex:
        """The part of `cycle`'s index that a page showing `seeds` needs, in one query.

        Gives the same answers as the whole index (`load`) for what was asked, with rows
        bounded by what the page shows, not by the cycle's size:
        `with_rollups` for the seeds and for the children of `children_of`;
        `path` for the seeds when `paths` (and `with_rollups` for their ancestors too
        when `path_rollups`); `children` for `children_of` and for roll-ups.
        `include` adds objectives by id as `load` does (a draft being viewed).
        """
        seed_ids = sorted(set(seeds))
        expand = sorted(set(children_of))
        extra = sorted(set(include))
        if len(seed_ids) + len(expand) + len(extra) > IN_LIST_MAX:
            return cls.load(workspace, cycle, include=extra)
        if not seed_ids and not expand:
            return cls(())
        sql, params = _around_sql(
            workspace, cycle, seed_ids, expand, extra, paths=paths, path_rollups=path_rollups
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return cls(
            _Node(pk, parent, bool(roll_up), team, owner, team_parent is None)
            for pk, parent, roll_up, team, owner, team_parent in rows
        )

    def path(self, objective_id: int) -> list[int]:
        """Ancestors inside the index, the company level first; stops at a loop."""
        chain: list[int] = []
        seen = {objective_id}
        node = self.nodes.get(objective_id)
        while node is not None and node.parent_id is not None and node.parent_id not in seen:
            parent = self.nodes.get(node.parent_id)
            if parent is None:
                break
            chain.append(parent.id)
            seen.add(parent.id)
            node = parent
        return chain[::-1]

    def with_rollups(self, ids: Iterable[int]) -> set[int]:
        """`ids` plus every objective a roll-up among them counts, at any depth."""
        result: set[int] = set()
        pending = [i for i in ids if i in self.nodes]
        while pending:
            current = pending.pop()
            if current in result:
                continue
            result.add(current)
            if self.nodes[current].roll_up:
                pending.extend(self.children.get(current, []))
        return result


def _id_list(ids: Sequence[int]) -> tuple[str, list[int]]:
    """A parenthesised list of placeholders for `IN`; `(NULL)` when empty (matches nothing)."""
    if not ids:
        return "(NULL)", []
    return "(" + ", ".join(["%s"] * len(ids)) + ")", list(ids)


def _around_sql(
    workspace: Workspace,
    cycle: Cycle,
    seeds: Sequence[int],
    children_of: Sequence[int],
    include: Sequence[int],
    *,
    paths: bool,
    path_rollups: bool,
) -> tuple[str, list[Any]]:
    """One query, two recursive CTEs: up the parent links from the seeds, then down from
    them (and the children asked for) through roll-ups. Each step finds its rows by primary
    key or by `parent_id`, never by scanning the workspace's objectives. Each row is a
    function of its id and `UNION` (not `UNION ALL`) keeps a row once, so a parent loop ends
    the walk instead of running for ever. Rows come in the objectives' own order (team name,
    then id), as `load` reads them: without it PostgreSQL lists children in whatever order
    its plan finds them, which a restored copy of the same rows need not repeat."""
    objective = Objective._meta.db_table
    team = Objective._meta.get_field("team").related_model._meta.db_table  # type: ignore[union-attr]
    include_sql, include_params = _id_list(include)
    # The objectives the index knows: the cycle's, drafts left out, plus `include`.
    in_view = (
        f"o.workspace_id = %s AND ((o.cycle_id = %s AND o.state <> %s) OR o.id IN {include_sql})"
    )
    view_params: list[Any] = [workspace.pk, cycle.pk, ObjectiveState.DRAFT.value, *include_params]
    seeds_sql, seeds_params = _id_list(seeds)
    expand_sql, expand_params = _id_list(children_of)
    # Only table names and placeholders go into the text; every value is a parameter.
    sql = f"""
        WITH RECURSIVE
        up(id, parent_id) AS (
            SELECT o.id, o.parent_id FROM {objective} o
            WHERE o.id IN {seeds_sql} AND {in_view}
            UNION
            SELECT o.id, o.parent_id FROM up JOIN {objective} o ON o.id = up.parent_id
            WHERE {in_view} AND %s
        ),
        start(id) AS (
            SELECT id FROM up WHERE %s OR id IN {seeds_sql}
            UNION
            SELECT o.id FROM {objective} o WHERE o.parent_id IN {expand_sql}
        ),
        down(id, roll_up) AS (
            SELECT o.id, o.roll_up_children FROM start JOIN {objective} o ON o.id = start.id
            WHERE {in_view}
            UNION
            SELECT o.id, o.roll_up_children FROM down JOIN {objective} o ON o.parent_id = down.id
            WHERE {in_view} AND down.roll_up
        )
        SELECT o.id, o.parent_id, o.roll_up_children, o.team_id, o.owner_id, t.parent_id
        FROM {objective} o JOIN {team} t ON t.id = o.team_id
        WHERE o.id IN (SELECT id FROM up UNION SELECT id FROM down)
        ORDER BY t.name, o.id
    """  # noqa: S608
    params: list[Any] = [
        *seeds_params,
        *view_params,
        *view_params,
        paths,
        path_rollups,
        *seeds_params,
        *expand_params,
        *view_params,
        *view_params,
    ]
    return sql, params


# --- Rows ---------------------------------------------------------------------------------------


def _handed_down_to(values: Mapping[str, Any], key_result_id: int) -> str:
    """The team whose KPI the key result was handed down as (and reads), or ""."""
    if values.get("kpi__origin_key_result_id") != key_result_id:
        return ""
    if values.get("kpi__team_id") == values.get("objective__team_id"):
        return ""  # promoted in its own team, not handed down
    return str(values.get("kpi__team__name") or "")


def _key_result_row(
    values: Mapping[str, Any],
    facts: KeyResultFacts,
    cycle: CycleFacts,
    clock: Clock,
    locked: bool,
    objective_title: str,
) -> KeyResultRow:
    figures = key_result_figures_from(facts, cycle, clock)
    last = facts.last_check_in_at
    running = cycle.start_date <= clock.today <= cycle.end_date
    due = (
        running
        and not locked
        and (last is None or last.astimezone(clock.zone).date() < clock.week_start)
    )
    return KeyResultRow(
        id=facts.id,
        objective_id=facts.objective_id,
        title=values["title"],
        kind=facts.kind,
        unit=values["unit"],
        owner=person_ref(values["owner_id"], values["owner__name"]),
        weight=facts.weight,
        start=facts.start,
        target=facts.target,
        low=facts.low,
        high=facts.high,
        current=facts.current,
        done=facts.done,
        confidence=values["confidence"],
        last_check_in_at=last,
        progress=figures.progress,
        score=figures.score,
        status=figures.status,
        commit=facts.commit,
        stretch=facts.stretch,
        kpi_id=values["kpi_id"],
        kpi_name=values["kpi__name"] or "",
        phases=facts.phases,
        handed_down_to=_handed_down_to(values, facts.id),
        kpi_formula=values.get("kpi_formula") or "",
        due=due,
        locked=locked,
        objective_title=objective_title,
        rollup=values["rollup"],
        contributes_to=_link(values),
        odds_target=values.get("odds_target"),
        odds_success=values.get("odds_success"),
    )


def _link(values: Mapping[str, Any]) -> KeyResultLink | None:
    """The key result this one contributes to, read in the same row (two joins, no query)."""
    if values["contributes_to_id"] is None:
        return None
    return KeyResultLink(
        id=values["contributes_to_id"],
        title=values["contributes_to__title"],
        objective_id=values["contributes_to__objective_id"],
        objective_title=values["contributes_to__objective__title"],
    )


def load_rows(
    workspace: Workspace, cycle: Cycle, clock: Clock, ids: Collection[int] | None = None
) -> tuple[ObjectiveRow, ...]:
    """Rows of the cycle's objectives (or of `ids`), in two queries, in board order.

    Without `ids` drafts stay out (they are proposals); with `ids` exactly those are read.
    An objective that rolls up its children must have them among `ids` (see CycleIndex).
    """
    objectives_qs = Objective.objects.filter(workspace=workspace)
    key_results_qs = KeyResult.objects.filter(workspace=workspace)
    wanted: set[int] | None = None
    if ids is None:
        objectives_qs = objectives_qs.filter(cycle=cycle).exclude(state=ObjectiveState.DRAFT)
        key_results_qs = key_results_qs.filter(objective__cycle=cycle).exclude(
            objective__state=ObjectiveState.DRAFT
        )
    elif len(ids) <= IN_LIST_MAX:
        objectives_qs = objectives_qs.filter(pk__in=list(ids))
        # Scoped through the objective: SQLite, left to choose between the key result's own
        # workspace index and its objective index, would walk the whole workspace's key results.
        key_results_qs = KeyResult.objects.filter(
            objective_id__in=list(ids), objective__workspace=workspace
        )
    else:
        wanted = set(ids)
        objectives_qs = objectives_qs.filter(cycle=cycle)
        key_results_qs = key_results_qs.filter(objective__cycle=cycle)
    objectives = [
        o
        for o in objectives_qs.order_by(*BOARD_ORDER).values(*_OBJECTIVE_FIELDS)
        if wanted is None or o["id"] in wanted
    ]
    period = cycle_facts(cycle)
    locked_ids = {
        o["id"]
        for o in objectives
        if cycle.state == CycleState.CLOSED or o["state"] == ObjectiveState.CLOSED
    }
    titles = {o["id"]: o["title"] for o in objectives}
    key_results: dict[int, list[tuple[Mapping[str, Any], KeyResultFacts]]] = {
        pk: [] for pk in titles
    }
    for values in key_results_qs.order_by("position", "id").values(*_KEY_RESULT_FIELDS):
        if values["objective_id"] in key_results:
            key_results[values["objective_id"]].append((values, key_result_facts(values)))
    facts = [objective_facts(o, period, (kr for _, kr in key_results[o["id"]])) for o in objectives]
    figures = objective_figures_from(facts, clock)
    running = period.start_date <= clock.today <= period.end_date
    rows = []
    for o in objectives:
        pk = o["id"]
        numbers = figures[pk]
        rows.append(
            ObjectiveRow(
                id=pk,
                title=o["title"],
                kind=o["kind"],
                state=o["state"],
                team_id=o["team_id"],
                team_name=o["team__name"],
                owner=person_ref(o["owner_id"], o["owner__name"]),
                progress=numbers.progress,
                score=numbers.score,
                final_score=o["final_score"],
                status=numbers.status,
                last_check_in_at=numbers.last_check_in_at,
                key_results=tuple(
                    _key_result_row(values, kr, period, clock, pk in locked_ids, titles[pk])
                    for values, kr in key_results[pk]
                ),
                parent_id=o["parent_id"],
                company_level=o["team__parent_id"] is None,
                roll_up_children=bool(o["roll_up_children"]),
                locked=pk in locked_ids,
                odds_success=o["odds_success"],
                # Only while the cycle runs, as the cycle's own marker.
                expected=numbers.expected if running else None,
            )
        )
    return tuple(rows)


def group_by_team(rows: Sequence[ObjectiveRow]) -> tuple[TeamGroup, ...]:
    """Consecutive rows of one team become one group; rows arrive ordered by team."""
    groups: list[TeamGroup] = []
    current: list[ObjectiveRow] = []
    for row in rows:
        if current and current[0].team_id != row.team_id:
            groups.append(TeamGroup(current[0].team_id, current[0].team_name, tuple(current)))
            current = []
        current.append(row)
    if current:
        groups.append(TeamGroup(current[0].team_id, current[0].team_name, tuple(current)))
    return tuple(groups)


def pace_counts(rows: Iterable[ObjectiveRow]) -> tuple[StatusCount, ...]:
    """How many live objectives have each pace status (closed ones have none)."""
    counter = Counter(row.pace for row in rows)
    return tuple(StatusCount(status, counter[status]) for status in PACE_ORDER)


def band_counts(rows: Iterable[ObjectiveRow]) -> tuple[BandCount, ...]:
    """How many closed objectives have a final score in each band, green first."""
    counter = Counter(
        score_band(row.final_score) for row in rows if row.final and row.final_score is not None
    )
    return tuple(BandCount(str(band), label, counter[band]) for band, label in BAND_LABELS.items())


# --- One key result, some objectives -----------------------------------------------------------


def key_result_row(workspace: Workspace, key_result: KeyResult, now: dt.datetime) -> KeyResultRow:
    """One key result's row, from an instance with its objective, cycle and owner loaded.

    No query: `access_key_result_by_id` has already read everything it needs.
    """
    objective = key_result.objective
    cycle = objective.cycle
    check_workspace(workspace, cycle)
    owner = key_result.owner
    values = {
        "title": key_result.title,
        "unit": key_result.unit,
        "confidence": key_result.confidence,
        "owner_id": key_result.owner_id,
        "owner__name": owner.name if owner is not None else None,
        "kpi_id": key_result.kpi_id,
        "kpi__name": key_result.kpi.name if key_result.kpi_id and key_result.kpi else "",
        "rollup": key_result.rollup,
        **_parent_values(key_result.contributes_to_id),
        "kpi_formula": key_result.kpi_formula,
        "odds_target": key_result.odds_target,
        "odds_success": key_result.odds_success,
    }
    locked = cycle.state == CycleState.CLOSED or objective.state == ObjectiveState.CLOSED
    return _key_result_row(
        values,
        key_result_facts(key_result),
        cycle_facts(cycle),
        workspace.clock(now),
        locked,
        objective.title,
    )


def _parent_values(key_result_id: int | None) -> dict[str, Any]:
    """The `contributes_to__*` values of one row: one query when it contributes, else none."""
    names = ("title", "objective_id", "objective__title")
    found = (
        KeyResult.objects.filter(pk=key_result_id).values(*names).first()
        if key_result_id is not None
        else None
    )
    values: dict[str, Any] = {"contributes_to_id": key_result_id if found else None}
    values.update({f"contributes_to__{n}": (found or {}).get(n) for n in names})
    return values


def objective_rows(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, objective_ids: Iterable[int]
) -> dict[int, ObjectiveRow]:
    """Rows of some objectives of a cycle with their ancestors (for roll-ups), by id.

    Three queries whatever the size of the cycle: the index, objectives, key results.
    """
    check_workspace(workspace, cycle)
    index = CycleIndex.load(workspace, cycle, include=objective_ids)
    wanted = set(objective_ids)
    for pk in list(wanted):
        wanted.update(index.path(pk))
    rows = load_rows(workspace, cycle, workspace.clock(now), index.with_rollups(wanted))
    return {row.id: row for row in rows if row.id in wanted}
