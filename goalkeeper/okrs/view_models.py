"""The view models of the OKR pages: plain frozen dataclasses, every number already computed.

Pages never touch model instances: the page builders (`goalkeeper.okrs.pages`) fill these
from rows and the read model (`goalkeeper.okrs.figures`), and templates only format them.

How a thing is coloured is decided here, once (docs/scoring.md): in a live cycle by its pace
status, with scores shown neutral; once closed, by the band of its final score, never by pace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from goalkeeper.accounts.refs import PersonRef
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.domain.scoring import score_band
from goalkeeper.okrs.models import CycleState, ObjectiveState

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


class CyclePhase(StrEnum):
    """Where today falls relative to a cycle's dates."""

    UPCOMING = "upcoming"
    RUNNING = "running"
    ENDED = "ended"
    # Closed, whatever the date: final scores are in, nothing is measured against pace.
    CLOSED = "closed"


NEUTRAL = "neutral"


def final_tone(final_score: float | None) -> str:
    """The colour of a final score: its band (red, yellow, green), neutral without one."""
    return NEUTRAL if final_score is None else str(score_band(final_score))


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
    # The objective or its cycle is closed: no more check-ins, and no more pace.
    locked: bool = False
    forecast: Forecast | None = None
    objective_title: str = ""

    @property
    def live(self) -> bool:
        """Measured against the pace of a running cycle (neither it nor its cycle closed)."""
        return not self.locked

    @property
    def tone(self) -> str:
        """Its colour: the pace status while live; neutral once closed (only an objective's
        final score has a band)."""
        return str(self.status) if self.live else NEUTRAL

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
    def live(self) -> bool:
        """Measured against pace: neither the objective nor its cycle is closed."""
        return not self.locked

    @property
    def final(self) -> bool:
        """Closed: judged by its final score and retrospective."""
        return self.state == ObjectiveState.CLOSED

    @property
    def pace(self) -> PaceStatus | None:
        """The pace status when it means something (live), else None."""
        return self.status if self.live else None

    @property
    def tone(self) -> str:
        """Its colour: the pace status while live, the band of its final score once closed."""
        if self.live:
            return str(self.status)
        return final_tone(self.final_score) if self.final else NEUTRAL

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
class BandCount:
    """How many objectives of a closed cycle have a final score in one band."""

    band: str
    label: str
    count: int


@dataclass(frozen=True)
class CycleHeader:
    """A cycle's name, dates and how far into it today is (or when it closed)."""

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
    # The day it closed, in the workspace's zone (None while open).
    closed_on: dt.date | None = None

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
    # The person the page is for has objectives (or key results) in it.
    mine: bool = False


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
    # The open cycles Home can switch to, the one shown among them.
    cycles: tuple[CycleChoice, ...] = ()


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
    # A closed cycle is counted by final score bands instead of pace statuses.
    bands: tuple[BandCount, ...] = ()

    @property
    def also_active(self) -> tuple[CycleChoice, ...]:
        """The other active cycles: when two overlap, the board says so."""
        return tuple(
            c for c in self.cycles if c.state == CycleState.ACTIVE and c.id != self.cycle.id
        )


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
