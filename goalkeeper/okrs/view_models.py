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
from goalkeeper.domain.phasing import Phase
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
# The cycle board is paged by team: a 10,000-person company has five thousand objectives a
# cycle in a thousand teams, and a page of all of them is megabytes of HTML. A page holds up
# to BOARD_TEAMS teams and about BOARD_ROWS objectives; a team shows its first TEAM_ROWS
# (more when the board is narrowed to it) and links to the rest.
BOARD_TEAMS = 10
BOARD_ROWS = 30
TEAM_ROWS = 15
TEAM_ROWS_ALONE = 100
# Above this many teams or owners a filter is a search box, not a list of every one.
CHOICES_MAX = 100


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


# Odds at or above these read green, then amber; below, red (docs/signals.md, "Odds").
ODDS_LIKELY = 0.6
ODDS_POSSIBLE = 0.3


def odds_tone(odds: float | None) -> str:
    """ "green" when likely, "yellow" when possible, "red" when unlikely, "neutral" unknown."""
    if odds is None:
        return NEUTRAL
    if odds >= ODDS_LIKELY:
        return "green"
    return "yellow" if odds >= ODDS_POSSIBLE else "red"


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
class KeyResultLink:
    """A key result another one points at (what it contributes to), with its objective."""

    id: int
    title: str
    objective_id: int
    objective_title: str


@dataclass(frozen=True)
class ContributorRow:
    """A key result that contributes to another, as the parent's row lists it: its value as
    the roll-up counts it and its share of what its siblings add up to (docs/cascade.md)."""

    id: int
    title: str
    objective_id: int
    objective_title: str
    team_name: str
    owner_name: str
    kind: KeyResultKind
    unit: str
    value: float | None
    # value / the contributors' total; None when the total is 0 or unknown.
    share: float | None


@dataclass(frozen=True)
class ParentLink:
    """One thing an objective contributes to: an objective, or one of its key results. The
    primary one places the objective in the alignment tree; the others are "also supports"."""

    objective_id: int
    objective_title: str
    team_name: str
    key_result_id: int | None
    key_result_title: str
    primary: bool


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
    # The team whose KPI this key result was handed down as, when it reads that KPI.
    handed_down_to: str = ""
    # "sum" | "average" | "ratio" when several KPIs make its value (docs/cascade.md).
    kpi_formula: str = ""
    # No check-in since this week began (in the workspace's days) while the cycle runs.
    due: bool = False
    # The objective or its cycle is closed: no more check-ins, and no more pace.
    locked: bool = False
    forecast: Forecast | None = None
    objective_title: str = ""
    # Where its value comes from besides check-ins ("none", "sum", "average"; docs/cascade.md).
    rollup: str = "none"
    contributes_to: KeyResultLink | None = None
    # Filled on the objective page only (one query for every key result shown there).
    contributors: tuple[ContributorRow, ...] = ()
    # The stored odds (docs/signals.md, "Odds"): None with too little history.
    odds_target: float | None = None
    odds_success: float | None = None
    # Its phased targets, when it expects a path that is not a straight line.
    phases: tuple[Phase, ...] = ()

    @property
    def rolls_up(self) -> bool:
        """Its value adds up its contributors': nobody checks in on it."""
        return self.rollup != "none"

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

    @property
    def odds_tone(self) -> str:
        """The colour of its odds of reaching the target (`odds_tone`)."""
        return odds_tone(self.odds_target)


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
    # The stored odds that it succeeds (docs/signals.md, "Odds"); None without history.
    odds_success: float | None = None
    # What it is expected to have by today when a key result follows phased targets (0..1);
    # None: the cycle's straight line (the cycle's pace marker).
    expected: float | None = None

    @property
    def live(self) -> bool:
        """Measured against pace: neither the objective nor its cycle is closed."""
        return not self.locked

    @property
    def odds_tone(self) -> str:
        """The colour of its odds of success (`odds_tone`)."""
        return odds_tone(self.odds_success)

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
    # Words a team's name contains (the team search), and the page of teams shown (1-based).
    q: str = ""
    page: int = 1

    @property
    def active(self) -> bool:
        """Whether any filter narrows the board."""
        return bool(self.team or self.owner or self.status or self.kind or self.q)

    def query(self, **changes: Any) -> str:
        """This filter set as a query string, with `changes` applied (None drops a key).

        A change of filter goes back to the first page, unless `page` is among the changes.
        """
        values: dict[str, Any] = {
            "team": self.team,
            "owner": self.owner,
            "status": self.status,
            "kind": self.kind,
            "q": self.q,
            "page": self.page if "page" not in changes and not changes else None,
        }
        values.update(changes)
        if values.get("page") == 1:
            values["page"] = None
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


@dataclass(frozen=True)
class BoardTeam:
    """One team's section of the board: its objectives shown and how many match in all."""

    team_id: int
    name: str
    objectives: tuple[ObjectiveRow, ...]
    matching: int
    mine: bool = False

    @property
    def left(self) -> int:
        """Matching objectives of the team not shown in its section."""
        return self.matching - len(self.objectives)


@dataclass(frozen=True)
class CycleBoard:
    """The objectives of a cycle by team, as filtered, a page of teams at a time."""

    cycle: CycleHeader
    filters: BoardFilters
    teams: tuple[BoardTeam, ...]
    # Objectives of the cycle (drafts left out), matching the filters, and shown.
    total: int
    matching: int
    shown: int
    counts: tuple[StatusCount, ...]
    team_choices: tuple[Choice, ...]
    owners: tuple[Choice, ...]
    cycles: tuple[CycleChoice, ...]
    # Teams holding matching objectives, and the pages they fill.
    team_count: int = 0
    page: int = 1
    pages: int = 1
    # A closed cycle is counted by final score bands instead of pace statuses.
    bands: tuple[BandCount, ...] = ()
    # Too many teams or owners to list: the filter is the team search, or "Me" only.
    teams_listed: bool = True
    owners_listed: bool = True

    @property
    def also_active(self) -> tuple[CycleChoice, ...]:
        """The other active cycles: when two overlap, the board says so."""
        return tuple(
            c for c in self.cycles if c.state == CycleState.ACTIVE and c.id != self.cycle.id
        )

    @property
    def groups(self) -> tuple[BoardTeam, ...]:
        """The team sections shown (the name pages used before paging by team)."""
        return self.teams

    @property
    def previous_query(self) -> str | None:
        return self.filters.query(page=self.page - 1) if self.page > 1 else None

    @property
    def next_query(self) -> str | None:
        return self.filters.query(page=self.page + 1) if self.page < self.pages else None


@dataclass(frozen=True)
class TreeNode:
    """An objective in the alignment tree, with the objectives that support it.

    `children` holds the supporting objectives shown now; a node whose children are not
    loaded (`loaded` false) fetches them a page at a time when opened (docs/okrs.md).
    """

    row: ObjectiveRow
    depth: int
    children: tuple[TreeNode, ...]
    expanded: bool
    # Objectives that support this one directly, and every one below it at any depth.
    child_count: int
    descendants: int
    focused: bool = False
    # Whether `children` is what the page shows under it (else they load when opened).
    loaded: bool = False
    # Supporting objectives past the ones in `children`: the offset of the next page.
    more_from: int | None = None
    # The parent's key result it is aligned to, and the further parents it also supports.
    via: KeyResultLink | None = None
    also: tuple[ParentLink, ...] = ()


@dataclass(frozen=True)
class TreePage:
    """One page of the supporting objectives of a node (the fragment an expand loads)."""

    cycle_id: int
    parent_id: int
    nodes: tuple[TreeNode, ...]
    total: int
    more_from: int | None


@dataclass(frozen=True)
class SearchHit:
    """An objective found by the alignment search, with its path from the company level."""

    row: ObjectiveRow
    # Ancestors from the top down (id, title), the objective excluded.
    path: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class TreeSearch:
    """Objectives of a cycle whose title, owner or team match a query, anywhere in the tree."""

    cycle_id: int
    query: str
    hits: tuple[SearchHit, ...]
    # Every match, of which `hits` are the first.
    total: int


@dataclass(frozen=True)
class AlignmentTree:
    """A cycle's objectives as trees of parent links, from the company level down.

    Bounded whatever the size of the cycle: small cycles open fully; larger ones show the
    company level with counts and load the rest as it is opened or searched.
    """

    cycle: CycleHeader
    company: str
    roots: tuple[TreeNode, ...]
    # Objectives below the company level that support nothing, by team: one page of them.
    unaligned: tuple[tuple[str, tuple[TreeNode, ...]], ...]
    total: int
    unaligned_count: int
    cycles: tuple[CycleChoice, ...]
    focus: int | None
    # Company-level objectives left out of `roots` (past the page); found by the search.
    roots_left: int = 0
    # The page of unaligned objectives shown (1-based) and how many pages there are.
    unaligned_page: int = 1
    unaligned_pages: int = 1
    # Every objective of the cycle is on the page (a small cycle, opened fully).
    complete: bool = False


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
    # Written by a roll-up of its contributors rather than read from KPIs (docs/cascade.md).
    rolled_up: bool = False


@dataclass(frozen=True)
class CoachRemark:
    """A remark of the quality coach, with what it is about and why it matters."""

    code: str
    severity: str
    message: str
    why: str
    subject: str


@dataclass(frozen=True)
class PendingReview:
    """A draft objective submitted for review, waiting for `reviewer`."""

    reviewer: PersonRef
    requested_at: dt.datetime | None


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
    # The first supporting objectives, oldest first; `children_total` counts them all.
    children: tuple[ObjectiveRow, ...]
    check_ins: tuple[CheckInEntry, ...]
    chart: dict[str, Any]
    remarks: tuple[CoachRemark, ...]
    children_total: int
    cycles: tuple[CycleChoice, ...] = field(default_factory=tuple)
    review: PendingReview | None = None
    # Everything it contributes to, the primary first (docs/cascade.md).
    parents: tuple[ParentLink, ...] = ()
