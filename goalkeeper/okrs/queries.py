"""Reads for the OKR pages: plain frozen view models, a fixed number of queries each.

Pages never touch model instances: they get the dataclasses below, every number already
computed by the domain functions. Each read runs the same number of SQL queries whatever
the size of the data (rows are read with `values()` in one query per table, roll-ups are
computed in Python), and everything is scoped to the workspace passed in.

    home_view(...)         the person's week: key results waiting for a check-in, their
                           objectives, their teams' objectives
    cycle_board(...)       every objective of a cycle by team, filtered
    alignment_tree(...)    the objectives of a cycle as a tree of parent links
    objective_detail(...)  one objective: path, children, key results with forecasts,
                           progress history, check-ins and the coach's remarks
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Q, Value, When

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Membership, Person, Team, Workspace
from goalkeeper.accounts.refs import PersonRef
from goalkeeper.domain.coach import (
    KeyResultDraft,
    ObjectiveDraft,
    Remark,
    coach_objective,
    coach_sandbagging,
    coach_team,
)
from goalkeeper.domain.forecast import forecast
from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec, progress, score
from goalkeeper.domain.objectives import WeightedScore, objective_progress
from goalkeeper.domain.pace import PaceStatus, elapsed_share, pace_status
from goalkeeper.domain.scoring import final_score
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    Objective,
    ObjectiveKind,
    ObjectiveState,
)

# The order in which statuses are counted and shown: good news first, silence last.
PACE_ORDER: tuple[PaceStatus, ...] = (
    PaceStatus.ON_TRACK,
    PaceStatus.AT_RISK,
    PaceStatus.OFF_TRACK,
    PaceStatus.STALE,
    PaceStatus.NOT_STARTED,
)
# How many objectives the board shows before "Show more": a 2,000-person company has a
# thousand objectives a cycle, and a page of all of them is megabytes of HTML.
BOARD_PAGE = 50
BOARD_MAX = 5000
# Below this many objectives the alignment tree opens fully; above, only the first level.
TREE_OPEN_UP_TO = 150
# A projected value reaching this share of the way to the target is "close" (yellow).
FORECAST_CLOSE = 0.7
# A forecast needs check-ins on this many different days.
FORECAST_MIN_DAYS = 2


class CyclePhase(StrEnum):
    """Where today falls relative to a cycle's dates."""

    UPCOMING = "upcoming"
    RUNNING = "running"
    ENDED = "ended"


# --- View models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """Where the least-squares line through a key result's check-ins lands at cycle end."""

    value: float
    on: dt.date
    # Raw progress of the projected value (1.0 = the target), None when not computable.
    progress: float | None
    # green: reaches the target; yellow: gets close; red: falls well short.
    tone: str


@dataclass(frozen=True)
class KeyResultRow:
    """A key result as a page shows it, with its progress, score and pace status."""

    id: int
    objective_id: int
    title: str
    kind: KeyResultKind
    unit: str
    owner: PersonRef | None
    weight: float
    start: float | None
    target: float | None
    low: float | None
    high: float | None
    current: float | None
    done: bool
    confidence: int | None
    last_check_in_at: dt.datetime | None
    progress: float | None
    score: float
    status: PaceStatus
    commit: float | None = None
    stretch: float | None = None
    kpi_id: int | None = None
    kpi_name: str = ""
    # No check-in since this week began (in the workspace's days) while the cycle runs.
    due: bool = False
    # The objective or its cycle is closed: no more check-ins.
    locked: bool = False
    forecast: Forecast | None = None
    objective_title: str = ""

    @property
    def has_zones(self) -> bool:
        """Scored with commit / target / stretch zones."""
        return self.commit is not None and self.stretch is not None

    @property
    def is_metric(self) -> bool:
        """Checked in with a value (not a done flag)."""
        return self.kind is not KeyResultKind.MILESTONE


@dataclass(frozen=True)
class ObjectiveRow:
    """An objective as a page shows it, with its key results folded underneath."""

    id: int
    title: str
    kind: str
    state: str
    team_id: int
    team_name: str
    owner: PersonRef | None
    # Score-weighted progress in 0..1; None when there is nothing to measure it by.
    progress: float | None
    # `progress` on the 0.0-1.0 scale to one decimal, as a final score would be shown.
    score: float | None
    final_score: float | None
    status: PaceStatus
    last_check_in_at: dt.datetime | None
    key_results: tuple[KeyResultRow, ...]
    parent_id: int | None = None
    # The objective belongs to the company root team.
    company_level: bool = False
    roll_up_children: bool = False
    locked: bool = False

    @property
    def key_result_count(self) -> int:
        """How many key results measure this objective."""
        return len(self.key_results)

    @property
    def confidence(self) -> float | None:
        """Mean confidence of the key results that have one, for a glance."""
        known = [kr.confidence for kr in self.key_results if kr.confidence is not None]
        return sum(known) / len(known) if known else None


@dataclass(frozen=True)
class TeamGroup:
    """The objectives of one team, under the team's name."""

    team_id: int
    name: str
    objectives: tuple[ObjectiveRow, ...]


@dataclass(frozen=True)
class StatusCount:
    """How many objectives have a pace status."""

    status: PaceStatus
    count: int
    # The board's query string that shows only this status (or clears it when current).
    query: str = ""
    current: bool = False


@dataclass(frozen=True)
class CycleHeader:
    """A cycle's name, dates and how far into it today is."""

    id: int
    name: str
    state: str
    start_date: dt.date
    end_date: dt.date
    today: dt.date
    phase: CyclePhase
    # Share of the cycle elapsed, 0..1: the expected pace marker on progress bars.
    elapsed: float
    week: int
    weeks: int
    days_to_start: int

    @property
    def pace_marker(self) -> float | None:
        """Where the expected-pace marker goes on progress bars; None outside the cycle."""
        return self.elapsed if self.phase is CyclePhase.RUNNING else None

    @property
    def locked(self) -> bool:
        """A closed cycle takes no more check-ins or edits."""
        return self.state == CycleState.CLOSED


@dataclass(frozen=True)
class CycleChoice:
    """A cycle in the cycle switcher."""

    id: int
    name: str
    state: str
    start_date: dt.date
    end_date: dt.date


@dataclass(frozen=True)
class Choice:
    """An option of a filter: value, label and its depth in a tree (teams)."""

    value: str
    label: str
    depth: int = 0


@dataclass(frozen=True)
class CycleOverview:
    """Every objective of one cycle with its progress (kept for other readers)."""

    cycle: CycleHeader
    objectives: tuple[ObjectiveRow, ...]
    mine: tuple[ObjectiveRow, ...]
    teams: tuple[TeamGroup, ...]
    counts: tuple[StatusCount, ...]


@dataclass(frozen=True)
class HomeView:
    """The person's week in one cycle."""

    cycle: CycleHeader
    # Key results of the person's with no check-in this week, the longest silence first.
    waiting: tuple[KeyResultRow, ...]
    # Objectives the person owns or holds a key result in.
    mine: tuple[ObjectiveRow, ...]
    # The company's and the person's teams' other objectives, by team.
    teams: tuple[TeamGroup, ...]
    counts: tuple[StatusCount, ...]
    my_key_results: int
    in_a_team: bool
    total: int


@dataclass(frozen=True)
class BoardFilters:
    """The board's filters, read from the query string; unknown values are ignored."""

    team: int | None = None
    owner: int | None = None
    status: str = ""
    kind: str = ""
    limit: int = BOARD_PAGE

    @property
    def active(self) -> bool:
        """Whether any filter narrows the board."""
        return bool(self.team or self.owner or self.status or self.kind)

    def query(self, **changes: Any) -> str:
        """This filter set as a query string, with `changes` applied (None drops a key)."""
        values: dict[str, Any] = {
            "team": self.team,
            "owner": self.owner,
            "status": self.status,
            "kind": self.kind,
            "limit": self.limit if self.limit != BOARD_PAGE else None,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


@dataclass(frozen=True)
class CycleBoard:
    """All objectives of a cycle, grouped by team, as filtered."""

    cycle: CycleHeader
    filters: BoardFilters
    groups: tuple[TeamGroup, ...]
    total: int
    matching: int
    shown: int
    counts: tuple[StatusCount, ...]
    teams: tuple[Choice, ...]
    owners: tuple[Choice, ...]
    cycles: tuple[CycleChoice, ...]
    more_query: str | None


@dataclass(frozen=True)
class TreeNode:
    """An objective in the alignment tree, with the objectives that support it."""

    row: ObjectiveRow
    depth: int
    children: tuple[TreeNode, ...]
    expanded: bool
    # Lower-case text the search box matches: title, owner and team.
    search: str
    # Every objective below this one, at any depth.
    descendants: int
    focused: bool = False


@dataclass(frozen=True)
class AlignmentTree:
    """A cycle's objectives as trees of parent links, from the company level down."""

    cycle: CycleHeader
    company: str
    roots: tuple[TreeNode, ...]
    # Objectives below the company level that support nothing, by team.
    unaligned: tuple[tuple[str, tuple[TreeNode, ...]], ...]
    total: int
    unaligned_count: int
    cycles: tuple[CycleChoice, ...]
    focus: int | None


@dataclass(frozen=True)
class CheckInEntry:
    """One check-in in an objective's history."""

    id: int
    at: dt.datetime
    key_result_id: int
    key_result_title: str
    kind: KeyResultKind
    unit: str
    value: float | None
    done: bool
    confidence: int | None
    note: str
    author: PersonRef | None
    automatic: bool


@dataclass(frozen=True)
class CoachRemark:
    """A remark of the quality coach, with what it is about and why it matters."""

    code: str
    severity: str
    message: str
    why: str
    subject: str


@dataclass(frozen=True)
class ObjectiveDetail:
    """Everything the objective page shows."""

    cycle: CycleHeader
    row: ObjectiveRow
    description: str
    retrospective: str
    # Ancestors from the company level down to the parent (the objective excluded).
    path: tuple[ObjectiveRow, ...]
    # A parent that lives outside this cycle (its progress is not shown).
    outside_parent: tuple[int, str] | None
    children: tuple[ObjectiveRow, ...]
    check_ins: tuple[CheckInEntry, ...]
    chart: dict[str, Any]
    remarks: tuple[CoachRemark, ...]
    cycles: tuple[CycleChoice, ...] = field(default_factory=tuple)


# --- Workspace and cycle helpers --------------------------------------------------------------


def active_cycle(workspace: Workspace) -> Cycle | None:
    """The cycle the workspace is working in, in one query.

    The active one (the newest if several), else the newest cycle still in planning;
    None when every cycle is closed or there is none.
    """
    return (
        Cycle.objects.filter(workspace=workspace)
        .exclude(state=CycleState.CLOSED)
        .annotate(
            _rank=Case(
                When(state=CycleState.ACTIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("_rank", "-start_date", "-id")
        .first()
    )


def current_cycle(workspace: Workspace) -> Cycle | None:
    """The cycle the board opens on: the working one, else the newest closed one."""
    cycle = active_cycle(workspace)
    if cycle is None:
        cycle = Cycle.objects.filter(workspace=workspace).order_by("-start_date", "-id").first()
    return cycle


def cycle_choices(workspace: Workspace) -> tuple[CycleChoice, ...]:
    """The workspace's cycles for the switcher, newest first (one query)."""
    return tuple(
        CycleChoice(c["id"], c["name"], c["state"], c["start_date"], c["end_date"])
        for c in Cycle.objects.filter(workspace=workspace)
        .order_by("-start_date", "-id")
        .values("id", "name", "state", "start_date", "end_date")
    )


def cycle_header(cycle: Cycle, today: dt.date) -> CycleHeader:
    """Name, dates, elapsed share and "week N of M" of `cycle` on `today`."""
    length = (cycle.end_date - cycle.start_date).days
    weeks = max(1, math.ceil(length / 7))
    days_in = (today - cycle.start_date).days
    if days_in < 0:
        phase = CyclePhase.UPCOMING
    elif today > cycle.end_date:
        phase = CyclePhase.ENDED
    else:
        phase = CyclePhase.RUNNING
    return CycleHeader(
        id=cycle.pk,
        name=cycle.name,
        state=cycle.state,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        today=today,
        phase=phase,
        elapsed=elapsed_share(cycle.start_date, cycle.end_date, today),
        week=min(max(days_in // 7 + 1, 1), weeks),
        weeks=weeks,
        days_to_start=max(-days_in, 0),
    )


def initials(name: str) -> str:
    """Initials as `Person.initials` makes them, from a name read with `values()`."""
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def _person_ref(person_id: int | None, name: str | None) -> PersonRef | None:
    if person_id is None:
        return None
    return PersonRef(id=person_id, name=name or "", initials=initials(name or ""))


def _check_workspace(workspace: Workspace, cycle: Cycle) -> None:
    if cycle.workspace_id != workspace.pk:
        raise ValueError("the cycle belongs to another workspace")


# --- The cycle's shape: one light query over its objectives ----------------------------------


@dataclass(frozen=True)
class _Node:
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


# --- Rows: objectives with their key results, every number from the domain --------------------

_OBJECTIVE_FIELDS = (
    "id",
    "title",
    "kind",
    "state",
    "team_id",
    "team__name",
    "team__parent_id",
    "owner_id",
    "owner__name",
    "parent_id",
    "roll_up_children",
    "final_score",
)
_KEY_RESULT_FIELDS = (
    "id",
    "objective_id",
    "title",
    "kind",
    "unit",
    "weight",
    "start",
    "target",
    "low",
    "high",
    "commit",
    "stretch",
    "current",
    "done",
    "confidence",
    "last_check_in_at",
    "owner_id",
    "owner__name",
    "kpi_id",
    "kpi__name",
)
# Above this many ids a query filters by cycle and Python picks the rows: a long IN list
# costs more than it saves (and SQLite caps the number of parameters).
_IN_LIST_MAX = 400


def _spec(values: Mapping[str, Any]) -> KeyResultSpec:
    return KeyResultSpec(
        kind=KeyResultKind(values["kind"]),
        start=values["start"],
        target=values["target"],
        low=values["low"],
        high=values["high"],
        commit=values["commit"],
        stretch=values["stretch"],
        weight=values["weight"],
    )


def _key_result_row(
    values: Mapping[str, Any], cycle: Cycle, clock: Clock, locked: bool, objective_title: str
) -> KeyResultRow:
    spec = _spec(values)
    current, done = values["current"], values["done"]
    s = score(spec, current, done)
    last = values["last_check_in_at"]
    status = pace_status(
        s, cycle.start_date, cycle.end_date, clock.today, last, clock.now, clock.thresholds
    )
    running = cycle.start_date <= clock.today <= cycle.end_date
    due = (
        running
        and not locked
        and (last is None or last.astimezone(clock.zone).date() < clock.week_start)
    )
    return KeyResultRow(
        id=values["id"],
        objective_id=values["objective_id"],
        title=values["title"],
        kind=spec.kind,
        unit=values["unit"],
        owner=_person_ref(values["owner_id"], values["owner__name"]),
        weight=values["weight"],
        start=values["start"],
        target=values["target"],
        low=values["low"],
        high=values["high"],
        current=current,
        done=done,
        confidence=values["confidence"],
        last_check_in_at=last,
        progress=progress(spec, current, done),
        score=s,
        status=status,
        commit=values["commit"],
        stretch=values["stretch"],
        kpi_id=values["kpi_id"],
        kpi_name=values["kpi__name"] or "",
        due=due,
        locked=locked,
        objective_title=objective_title,
    )


def _load_rows(
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
    elif len(ids) <= _IN_LIST_MAX:
        objectives_qs = objectives_qs.filter(pk__in=list(ids))
        key_results_qs = key_results_qs.filter(objective_id__in=list(ids))
    else:
        wanted = set(ids)
        objectives_qs = objectives_qs.filter(cycle=cycle)
        key_results_qs = key_results_qs.filter(objective__cycle=cycle)
    objectives = [
        o
        for o in objectives_qs.order_by(
            # The company root first, then teams by name; objectives in creation order.
            Case(
                When(team__parent__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "team__name",
            "team_id",
            "id",
        ).values(*_OBJECTIVE_FIELDS)
        if wanted is None or o["id"] in wanted
    ]
    present = {o["id"] for o in objectives}
    locked_ids = {
        o["id"]
        for o in objectives
        if cycle.state == CycleState.CLOSED or o["state"] == ObjectiveState.CLOSED
    }
    titles = {o["id"]: o["title"] for o in objectives}
    kr_rows: dict[int, list[KeyResultRow]] = {pk: [] for pk in present}
    for values in key_results_qs.order_by("position", "id").values(*_KEY_RESULT_FIELDS):
        objective_id = values["objective_id"]
        if objective_id in present:
            kr_rows[objective_id].append(
                _key_result_row(
                    values, cycle, clock, objective_id in locked_ids, titles[objective_id]
                )
            )
    children: dict[int, list[int]] = {}
    for o in objectives:
        if o["parent_id"] is not None and o["parent_id"] in present:
            children.setdefault(o["parent_id"], []).append(o["id"])
    rollups = _Rollups(
        {o["id"]: bool(o["roll_up_children"]) for o in objectives},
        {pk: tuple(rows) for pk, rows in kr_rows.items()},
        children,
    )
    rows = []
    for o in objectives:
        value, last_check_in = rollups.of(o["id"])
        status = pace_status(
            value if value is not None else 0.0,
            cycle.start_date,
            cycle.end_date,
            clock.today,
            last_check_in,
            clock.now,
            clock.thresholds,
        )
        rows.append(
            ObjectiveRow(
                id=o["id"],
                title=o["title"],
                kind=o["kind"],
                state=o["state"],
                team_id=o["team_id"],
                team_name=o["team__name"],
                owner=_person_ref(o["owner_id"], o["owner__name"]),
                progress=value,
                score=final_score(value),
                final_score=o["final_score"],
                status=status,
                last_check_in_at=last_check_in,
                key_results=tuple(kr_rows[o["id"]]),
                parent_id=o["parent_id"],
                company_level=o["team__parent_id"] is None,
                roll_up_children=bool(o["roll_up_children"]),
                locked=o["id"] in locked_ids,
            )
        )
    return tuple(rows)


class _Rollups:
    """Objective progress and latest check-in, children first, each computed once."""

    def __init__(
        self,
        roll_up: dict[int, bool],
        key_results: Mapping[int, Sequence[KeyResultRow]],
        children: dict[int, list[int]],
    ) -> None:
        self._roll_up = roll_up
        self._key_results = key_results
        self._children = children
        self._done: dict[int, tuple[float | None, dt.datetime | None]] = {}
        self._visiting: set[int] = set()

    def of(self, objective_id: int) -> tuple[float | None, dt.datetime | None]:
        """(progress, latest check-in) of one objective of the cycle."""
        if objective_id in self._done:
            return self._done[objective_id]
        # Alignment loops are refused on save; this guard keeps a bad row from recursing.
        self._visiting.add(objective_id)
        key_results = self._key_results[objective_id]
        weighted = [WeightedScore(kr.weight, kr.score) for kr in key_results]
        moments = [kr.last_check_in_at for kr in key_results]
        child_progress: list[float | None] = []
        roll_up = self._roll_up[objective_id]
        if roll_up:
            for child_id in self._children.get(objective_id, []):
                if child_id in self._visiting:
                    continue
                child_value, child_moment = self.of(child_id)
                child_progress.append(child_value)
                moments.append(child_moment)
        value = objective_progress(weighted, child_progress, roll_up)
        result = (value, _latest(moments))
        self._visiting.discard(objective_id)
        self._done[objective_id] = result
        return result


def _latest(moments: Iterable[dt.datetime | None]) -> dt.datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _group_by_team(rows: Sequence[ObjectiveRow]) -> tuple[TeamGroup, ...]:
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


def _counts(rows: Iterable[ObjectiveRow]) -> tuple[StatusCount, ...]:
    counter = Counter(row.status for row in rows)
    return tuple(StatusCount(status, counter[status]) for status in PACE_ORDER)


# --- Pages ------------------------------------------------------------------------------------


def cycle_overview(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, viewer: Person | None = None
) -> CycleOverview:
    """Every objective of the cycle with progress and pace, grouped by team.

    Two queries: the objectives and their key results. Draft objectives are proposals and
    stay out. An objective that rolls up its aligned children counts those of them that
    belong to the same cycle.
    """
    _check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    rows = _load_rows(workspace, cycle, clock)
    mine = tuple(
        row for row in rows if viewer is not None and row.owner and row.owner.id == viewer.pk
    )
    return CycleOverview(
        cycle=cycle_header(cycle, clock.today),
        objectives=rows,
        mine=mine,
        teams=_group_by_team(rows),
        counts=_counts(rows),
    )


def home_view(workspace: Workspace, cycle: Cycle, now: dt.datetime, viewer: Person) -> HomeView:
    """The viewer's week: what waits for their check-in, their objectives, their teams'.

    Five queries: the viewer's teams, the cycle's index, the objectives holding the
    viewer's key results, then the rows shown (objectives and key results).
    """
    _check_workspace(workspace, cycle)
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
    rows = _load_rows(workspace, cycle, clock, index.with_rollups(mine_ids | team_ids))
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
        cycle=cycle_header(cycle, clock.today),
        waiting=tuple(waiting),
        mine=mine,
        teams=_group_by_team([row for row in rows if row.id in team_ids]),
        counts=_counts(mine),
        my_key_results=sum(
            1
            for row in mine
            for kr in row.key_results
            if kr.owner is not None and kr.owner.id == viewer.pk
        ),
        in_a_team=bool(my_teams),
        total=len(index.nodes),
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
    and kind. Four queries: teams, cycles, objectives and key results."""
    _check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    rows = _load_rows(workspace, cycle, clock)
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
    counter = Counter(row.status for row in scoped)
    counts = tuple(
        StatusCount(
            status,
            counter[status],
            query=filters.query(status=None if filters.status == status else status, limit=None),
            current=filters.status == status,
        )
        for status in PACE_ORDER
    )
    matching = [row for row in scoped if not filters.status or row.status == filters.status]
    shown = matching[: filters.limit]
    owners = sorted(
        {row.owner.id: row.owner.name for row in rows if row.owner is not None}.items(),
        key=lambda item: (item[1].lower(), item[0]),
    )
    more = None
    if len(matching) > len(shown):
        more = filters.query(limit=filters.limit + BOARD_PAGE)
    return CycleBoard(
        cycle=cycle_header(cycle, clock.today),
        filters=filters,
        groups=_group_by_team(shown),
        total=len(rows),
        matching=len(matching),
        shown=len(shown),
        counts=counts,
        teams=teams,
        owners=tuple(Choice(str(pk), name) for pk, name in owners),
        cycles=cycle_choices(workspace),
        more_query=more,
    )


def alignment_tree(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, focus: int | None = None
) -> AlignmentTree:
    """The cycle's objectives as trees: company-level objectives at the roots, each with
    the objectives that support it below; unaligned ones apart, by team.

    Three queries: cycles, objectives and key results. `focus` opens the path to one
    objective and marks it.
    """
    _check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    rows = _load_rows(workspace, cycle, clock)
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
    for group in _group_by_team(loose):
        members = {row.id for row in group.objectives}
        groups.append((group.name, tuple(n for n in unaligned_nodes if n.row.id in members)))
    # Whatever a loop in bad data left unplaced still shows, at the top level.
    stray = tuple(build(row, 0) for row in rows if row.id not in placed)
    return AlignmentTree(
        cycle=cycle_header(cycle, clock.today),
        company=workspace.name,
        roots=roots + stray,
        unaligned=tuple(groups),
        total=len(rows),
        unaligned_count=len(loose),
        cycles=cycle_choices(workspace),
        focus=focus if focus in by_id else None,
    )


# --- One objective ----------------------------------------------------------------------------


def objective_detail(
    workspace: Workspace, objective: Objective, now: dt.datetime
) -> ObjectiveDetail:
    """The objective page: its row with forecasts, path, children, history and coaching.

    `objective` comes from `access_objective_by_id` (with its cycle and team). Six queries:
    the cycle's index, the rows shown, the check-ins, the cycles, and the team's past
    aspirational scores for the sandbagging rule.
    """
    cycle = objective.cycle
    _check_workspace(workspace, cycle)
    clock = workspace.clock(now)
    index = CycleIndex.load(workspace, cycle, include=[objective.pk])
    path_ids = index.path(objective.pk)
    child_ids = index.children.get(objective.pk, [])
    needed = index.with_rollups([objective.pk, *path_ids, *child_ids])
    rows = {row.id: row for row in _load_rows(workspace, cycle, clock, needed)}
    row = rows[objective.pk]
    # Every check-in behind the objective's progress: its own key results and, for a
    # roll-up, its descendants'.
    counted = index.with_rollups([objective.pk])
    history = _check_ins(workspace, cycle, counted)
    own_krs = {kr.id for kr in row.key_results}
    row = replace(
        row,
        key_results=tuple(
            replace(kr, forecast=_forecast(kr, history.get(kr.id, []), cycle, clock))
            for kr in row.key_results
        ),
    )
    entries = sorted(
        (entry for kr_id in own_krs for entry in history.get(kr_id, [])),
        key=lambda e: (e.at, e.id),
        reverse=True,
    )
    outside_parent = None
    if objective.parent_id is not None and objective.parent_id not in index.nodes:
        outside = (
            Objective.objects.filter(workspace=workspace, pk=objective.parent_id)
            .values_list("id", "title")
            .first()
        )
        outside_parent = outside
    team_objectives = sum(1 for n in index.nodes.values() if n.team_id == objective.team_id)
    return ObjectiveDetail(
        cycle=cycle_header(cycle, clock.today),
        row=row,
        description=objective.description,
        retrospective=objective.retrospective,
        path=tuple(rows[pk] for pk in path_ids),
        outside_parent=outside_parent,
        children=tuple(rows[pk] for pk in child_ids if pk in rows),
        check_ins=tuple(entries),
        chart=_chart(workspace, cycle, clock, objective.pk, rows, counted, history),
        remarks=_remarks(workspace, objective, row, team_objectives),
    )


def _check_ins(
    workspace: Workspace, cycle: Cycle, objective_ids: Collection[int]
) -> dict[int, list[CheckInEntry]]:
    """Check-ins of the objectives' key results, oldest first, by key result (one query)."""
    fields = (
        "id",
        "created_at",
        "key_result_id",
        "key_result__title",
        "key_result__kind",
        "key_result__unit",
        "value",
        "done",
        "confidence",
        "note",
        "author_id",
        "author__name",
        "automatic",
    )
    query = CheckIn.objects.filter(key_result__workspace=workspace)
    if len(objective_ids) <= _IN_LIST_MAX:
        query = query.filter(key_result__objective_id__in=list(objective_ids))
    else:
        query = query.filter(key_result__objective__cycle=cycle)
    result: dict[int, list[CheckInEntry]] = {}
    wanted = set(objective_ids)
    for c in query.order_by("created_at", "id").values(*fields, "key_result__objective_id"):
        if c["key_result__objective_id"] not in wanted:
            continue
        result.setdefault(c["key_result_id"], []).append(
            CheckInEntry(
                id=c["id"],
                at=c["created_at"],
                key_result_id=c["key_result_id"],
                key_result_title=c["key_result__title"],
                kind=KeyResultKind(c["key_result__kind"]),
                unit=c["key_result__unit"],
                value=c["value"],
                done=c["done"],
                confidence=c["confidence"],
                note=c["note"],
                author=_person_ref(c["author_id"], c["author__name"]),
                automatic=c["automatic"],
            )
        )
    return result


def _cycle_end(cycle: Cycle, clock: Clock) -> dt.datetime:
    """The last moment of the cycle's last day, in the workspace's zone."""
    return dt.datetime.combine(cycle.end_date, dt.time(23, 59, 59), tzinfo=clock.zone)


def _forecast(
    kr: KeyResultRow, check_ins: Sequence[CheckInEntry], cycle: Cycle, clock: Clock
) -> Forecast | None:
    """The key result's value projected at the cycle's end from its check-ins."""
    if not kr.is_metric:
        return None
    # One point a day, the day's last value: two check-ins minutes apart would otherwise
    # give a line as steep as a typo and a forecast in the millions.
    by_day: dict[dt.date, tuple[dt.datetime, float]] = {}
    for check_in in check_ins:
        if check_in.value is not None:
            by_day[check_in.at.astimezone(clock.zone).date()] = (check_in.at, check_in.value)
    if len(by_day) < FORECAST_MIN_DAYS:
        return None
    value = forecast(list(by_day.values()), _cycle_end(cycle, clock))
    if value is None or not math.isfinite(value):
        return None
    spec = KeyResultSpec(
        kind=kr.kind,
        start=kr.start,
        target=kr.target,
        low=kr.low,
        high=kr.high,
        weight=kr.weight,
    )
    reached = progress(spec, value)
    if reached is None:
        tone = "neutral"
    elif reached >= 1.0:
        tone = "green"
    elif reached >= FORECAST_CLOSE:
        tone = "yellow"
    else:
        tone = "red"
    return Forecast(value=value, on=cycle.end_date, progress=reached, tone=tone)


def _chart(
    workspace: Workspace,
    cycle: Cycle,
    clock: Clock,
    objective_id: int,
    rows: Mapping[int, ObjectiveRow],
    counted: Collection[int],
    history: Mapping[int, Sequence[CheckInEntry]],
) -> dict[str, Any]:
    """The objective's progress after each day with check-ins, replayed from the history.

    Each key result starts at its start value (no check-in yet) and takes the value of each
    check-in in turn; after each day, the objective's progress is computed again by the
    domain, roll-ups included. The expected pace runs from 0 at the start to 1 at the end.
    """
    members = [rows[pk] for pk in counted if pk in rows]
    specs: dict[int, KeyResultSpec] = {}
    states: dict[int, tuple[float | None, bool]] = {}
    owners: dict[int, int] = {}
    for row in members:
        for kr in row.key_results:
            specs[kr.id] = KeyResultSpec(
                kind=kr.kind,
                start=kr.start,
                target=kr.target,
                low=kr.low,
                high=kr.high,
                commit=kr.commit,
                stretch=kr.stretch,
                weight=kr.weight,
            )
            states[kr.id] = (None, False)
            owners[kr.id] = row.id
    children: dict[int, list[int]] = {}
    for row in members:
        if row.parent_id is not None and row.parent_id in counted:
            children.setdefault(row.parent_id, []).append(row.id)
    roll_up = {row.id: row.roll_up_children for row in members}

    def objective_value() -> float | None:
        scores: dict[int, list[WeightedScore]] = {row.id: [] for row in members}
        for kr_id, spec in specs.items():
            current, done = states[kr_id]
            scores[owners[kr_id]].append(WeightedScore(spec.weight, score(spec, current, done)))
        done_values: dict[int, float | None] = {}

        def value_of(pk: int, seen: frozenset[int]) -> float | None:
            if pk in done_values:
                return done_values[pk]
            kids = [value_of(c, seen | {pk}) for c in children.get(pk, []) if c not in seen]
            result = objective_progress(scores[pk], kids, roll_up[pk])
            done_values[pk] = result
            return result

        return value_of(objective_id, frozenset())

    events = sorted(
        (entry for kr_id in specs for entry in history.get(kr_id, [])),
        key=lambda e: (e.at, e.id),
    )
    points: list[list[Any]] = []
    start_value = objective_value()
    if start_value is not None:
        points.append([cycle.start_date.isoformat(), _percent(start_value)])
    last_day: dt.date | None = None
    for entry in events:
        day = max(entry.at.astimezone(clock.zone).date(), cycle.start_date)
        if last_day is not None and day != last_day:
            _add_point(points, last_day, objective_value())
        states[entry.key_result_id] = (
            entry.value if entry.value is not None else states[entry.key_result_id][0],
            entry.done,
        )
        last_day = day
    if last_day is not None:
        _add_point(points, last_day, objective_value())
    running = cycle.start_date <= clock.today <= cycle.end_date
    if points and running and points[-1][0] < clock.today.isoformat():
        # Flat to today: nothing has moved since the last check-in.
        points.append([clock.today.isoformat(), points[-1][1]])
    return {
        "points": points,
        "start": cycle.start_date.isoformat(),
        "end": cycle.end_date.isoformat(),
        "today": clock.today.isoformat() if running else None,
    }


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _add_point(points: list[list[Any]], day: dt.date, value: float | None) -> None:
    if value is None:
        return
    if points and points[-1][0] == day.isoformat():
        points[-1][1] = _percent(value)
    else:
        points.append([day.isoformat(), _percent(value)])


def _remarks(
    workspace: Workspace, objective: Objective, row: ObjectiveRow, team_objectives: int
) -> tuple[CoachRemark, ...]:
    """The coach's remarks on the objective, its key results and its team's load."""
    drafts = [
        KeyResultDraft(
            title=kr.title,
            kind=kr.kind,
            has_owner=kr.owner is not None,
            # Measurable when the domain can compute a progress from its definition.
            measurable=progress(
                KeyResultSpec(
                    kind=kr.kind, start=kr.start, target=kr.target, low=kr.low, high=kr.high
                ),
                None,
            )
            is not None,
        )
        for kr in row.key_results
    ]
    remarks: list[Remark] = coach_objective(
        ObjectiveDraft(title=row.title, has_owner=row.owner is not None, key_results=drafts)
    )
    # Only the objective-count rule of the team: KPI counts belong on the KPI board, and
    # with min_kpis=0 and no KPIs counted coach_team reports nothing about them.
    remarks += coach_team(0, team_objectives, min_kpis=0)
    past = (
        Objective.objects.filter(
            workspace=workspace,
            team_id=objective.team_id,
            kind=ObjectiveKind.ASPIRATIONAL,
            cycle__state=CycleState.CLOSED,
            final_score__isnull=False,
        )
        .exclude(cycle_id=objective.cycle_id)
        .order_by("-cycle__start_date", "cycle_id")
        .values_list("cycle_id", "final_score")
    )
    by_cycle: dict[int, list[float]] = {}
    for cycle_id, value in past:
        if value is not None:
            by_cycle.setdefault(cycle_id, []).append(value)
    remarks += coach_sandbagging(list(by_cycle.values()))
    titles = {f"key_result:{n}": kr.title for n, kr in enumerate(row.key_results, start=1)}
    return tuple(
        CoachRemark(
            code=remark.code,
            severity=str(remark.severity),
            message=remark.message,
            why=remark.why,
            subject=_subject_label(remark.subject, titles),
        )
        for remark in remarks
    )


def _subject_label(subject: str, titles: Mapping[str, str]) -> str:
    if subject == "objective":
        return "Objective"
    if subject == "team":
        return "Team"
    if subject in titles:
        return f"Key result {subject.split(':')[1]}: {titles[subject]}"
    return subject.replace("_", " ").capitalize()


# --- One key result ---------------------------------------------------------------------------


def key_result_row(workspace: Workspace, key_result: KeyResult, now: dt.datetime) -> KeyResultRow:
    """One key result's row, from an instance with its objective, cycle and owner loaded.

    No query: `access_key_result_by_id` has already read everything it needs.
    """
    objective = key_result.objective
    cycle = objective.cycle
    _check_workspace(workspace, cycle)
    owner = key_result.owner
    values = {
        "id": key_result.pk,
        "objective_id": objective.pk,
        "title": key_result.title,
        "kind": key_result.kind,
        "unit": key_result.unit,
        "weight": key_result.weight,
        "start": key_result.start,
        "target": key_result.target,
        "low": key_result.low,
        "high": key_result.high,
        "commit": key_result.commit,
        "stretch": key_result.stretch,
        "current": key_result.current,
        "done": key_result.done,
        "confidence": key_result.confidence,
        "last_check_in_at": key_result.last_check_in_at,
        "owner_id": key_result.owner_id,
        "owner__name": owner.name if owner is not None else None,
        "kpi_id": key_result.kpi_id,
        "kpi__name": key_result.kpi.name if key_result.kpi_id and key_result.kpi else "",
    }
    locked = cycle.state == CycleState.CLOSED or objective.state == ObjectiveState.CLOSED
    return _key_result_row(values, cycle, workspace.clock(now), locked, objective.title)


def objective_rows(
    workspace: Workspace, cycle: Cycle, now: dt.datetime, objective_ids: Iterable[int]
) -> dict[int, ObjectiveRow]:
    """Rows of some objectives of a cycle with their ancestors (for roll-ups), by id.

    Three queries whatever the size of the cycle: the index, objectives, key results.
    """
    _check_workspace(workspace, cycle)
    index = CycleIndex.load(workspace, cycle, include=objective_ids)
    wanted = set(objective_ids)
    for pk in list(wanted):
        wanted.update(index.path(pk))
    rows = _load_rows(workspace, cycle, workspace.clock(now), index.with_rollups(wanted))
    return {row.id: row for row in rows if row.id in wanted}
