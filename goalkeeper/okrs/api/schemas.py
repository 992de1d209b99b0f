"""Bodies, answers and filters of the OKR endpoints: what each one accepts and returns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, Strict

from goalkeeper.accounts.api import PersonOut
from goalkeeper.api.schemas import (
    MAX_QUERY,
    SORT_HELP,
    AnyOf,
    CycleName,
    Day,
    Flag,
    Id,
    Input,
    Int,
    Name,
    Note,
    Number,
    Page,
    Patch,
    Ref,
    SyncParams,
    Unit,
    Weight,
    whole_number,
)
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.pace import PaceStatus

Score = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
# A whole number written 5.0 is the integer 5, as JSON Schema reads it (as Int does).
Position = Annotated[int, Strict(), Field(ge=0, le=1_000_000), BeforeValidator(whole_number)]

CycleStateName = Literal["planning", "active", "closed"]
ObjectiveKind = Literal["committed", "aspirational"]
ObjectiveStateName = Literal["draft", "active", "closed"]
KpiMode = Literal["latest", "cycle_aggregate"]
RollupName = Literal["none", "sum", "average"]
KpiFormulaName = Literal["", "sum", "average", "ratio"]
# The KPIs of a formula, in order (a ratio's numerator first): a handful, never thousands.
FormulaKpis = Annotated[list[Ref], Field(max_length=50)]


# --- Cycles ---------------------------------------------------------------------------------


class CycleOut(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    state: CycleStateName
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class CyclePage(Page):
    items: list[CycleOut]


class CycleIn(Input):
    name: CycleName
    start_date: Day
    end_date: Day = Field(description="after start_date")
    state: CycleStateName = "planning"


class ClosingIn(Input):
    objective: Ref
    final_score: Score = Field(description="one decimal: 0.0, 0.1 ... 1.0")
    retrospective: Note = Field("", description="left out: the note it already has")


class CycleUpdate(Input):
    name: Patch[CycleName] = Field(None)
    start_date: Patch[Day] = Field(None)
    end_date: Patch[Day] = Field(None)
    state: Patch[Literal["active", "closed"]] = Field(
        None,
        description=(
            "'active' starts a cycle in planning; 'closed' closes every objective of the "
            "cycle with its final score and locks the cycle"
        ),
    )
    closings: Patch[Annotated[list[ClosingIn], Field(max_length=10_000)]] = Field(
        None,
        description=(
            "with state 'closed': final scores and notes by objective; an objective left "
            "out keeps its current score (one without key results must be listed)"
        ),
    )
    confirm: Flag = Field(
        False,
        description=(
            "with state 'active': activate even though the cycle's dates overlap another "
            "active cycle (without it, that answers 422 naming the other cycle)"
        ),
    )


CycleSort = Literal[
    "id", "-id", "name", "-name", "start_date", "-start_date", "updated_at", "-updated_at"
]


class CycleFilters(SyncParams):
    state: AnyOf[CycleStateName] = None
    q: str | None = Field(None, max_length=MAX_QUERY, description="words of the name")
    sort: CycleSort = Field(
        "-start_date", description=SORT_HELP + "; here the default is `-start_date`"
    )


# --- Objectives -----------------------------------------------------------------------------


class AlignmentOut(Schema):
    """One parent an objective contributes to: an objective, or one of its key results."""

    objective: int
    key_result: int | None = Field(description="the parent's key result, when aligned to one")
    primary: bool = Field(description="the parent the alignment tree shows it under (`parent`)")


class AlignmentIn(Input):
    objective: Ref | None = Field(
        None, description="the parent objective; may be left out when `key_result` is given"
    )
    key_result: Ref | None = Field(None, description="a key result of the parent objective")
    primary: Flag = Field(False, description="at most one; default: the first item")


# Parents, primary first; a handful per objective.
Alignments = Annotated[list[AlignmentIn], Field(max_length=50)]


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    cycle: int
    team: int
    owner: int | None
    kind: ObjectiveKind
    parent: int | None = Field(description="the primary parent objective (see `aligned_to`)")
    aligned_to: list[AlignmentOut] = Field(
        description="every parent it contributes to, the primary one first"
    )
    state: ObjectiveStateName
    roll_up_children: bool
    progress: float | None = Field(
        description="weighted mean of the key results' scores, 0..1; null without key results"
    )
    status: PaceStatus
    odds: float | None = Field(
        description=(
            "probability 0..1 that the final score meets the kind's success line, simulated "
            "from its key results' histories; null when none has 3 points of history"
        )
    )
    score: float | None = Field(
        description="progress on the 0.0-1.0 scale to one decimal (the final score once closed)"
    )
    final_score: float | None
    retrospective: str
    key_results: list[int] = Field(description="ids of its key results, in display order")
    closed_at: dt.datetime | None
    reviewer: int | None = Field(
        None, description="a draft submitted for review waits for this person (else null)"
    )
    review_requested_at: dt.datetime | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    expanded: ObjectiveExpanded | None = Field(
        None, description="the related objects `expand` asked for (null when it asked none)"
    )


class ObjectivePage(Page):
    items: list[ObjectiveOut]


class ObjectiveIn(Input):
    cycle: Ref
    team: Ref
    title: Name
    description: Note = ""
    owner: Ref | None = Field(None, description="a person id; omitted: the token's person")
    kind: ObjectiveKind = "committed"
    parent: Ref | None = Field(None, description="the objective this one supports")
    aligned_to: Alignments | None = Field(
        None,
        description=(
            "the parents it contributes to, objectives or key results (the primary first, "
            "or the one marked primary); `parent`, if given too, must be the primary's objective"
        ),
    )
    state: Literal["draft", "active"] = "active"
    roll_up_children: Flag = False


class ObjectiveUpdate(Input):
    title: Patch[Name] = Field(None)
    description: Patch[Note] = Field(None)
    team: Patch[Ref] = Field(None)
    owner: Ref | None = Field(None)
    kind: Patch[ObjectiveKind] = Field(None)
    parent: Ref | None = Field(
        None, description="sets the primary parent (an objective); null clears it"
    )
    aligned_to: Patch[Alignments] = Field(
        None, description="replaces every parent ([] clears them); see ObjectiveIn"
    )
    state: Patch[ObjectiveStateName] = Field(
        None, description="'closed' closes the objective with its final score"
    )
    roll_up_children: Patch[Flag] = Field(None)
    final_score: Patch[Score] = Field(
        None, description="when closing, one decimal; default: the current score"
    )
    retrospective: Patch[Note] = Field(None, description="when closing")


ObjectiveSort = Literal[
    "id", "-id", "title", "-title", "created_at", "-created_at", "updated_at", "-updated_at"
]
ObjectiveExpansion = Literal["key_results", "owner"]


class ObjectiveFilters(SyncParams):
    cycle: AnyOf[Id] = None
    team: AnyOf[Id] = None
    owner: AnyOf[Id] = None
    parent: AnyOf[Id] = None
    state: AnyOf[ObjectiveStateName] = None
    kind: AnyOf[ObjectiveKind] = None
    q: str | None = Field(
        None, max_length=MAX_QUERY, description="words the title or description holds"
    )
    sort: ObjectiveSort = Field("id", description=SORT_HELP)
    expand: AnyOf[ObjectiveExpansion] = Field(
        None, description="inline related objects in `expanded`: key_results, owner"
    )


# --- Cycle lifecycle: activate, close, carry over ----------------------------------------


class ClosingItem(Input):
    id: Ref = Field(description="an objective of the cycle")
    final_score: Patch[Score] = Field(
        None, description="one decimal: 0.0, 0.1 ... 1.0; left out: its current score"
    )
    retrospective: Note = Field("", description="left out: the note it already has")


class CycleClosing(Input):
    objectives: Annotated[list[ClosingItem], Field(max_length=10_000)] = Field(
        default_factory=list,
        description="final scores and notes; an objective left out closes with its current score",
    )


class CarryOverIn(Input):
    target: Ref = Field(description="a cycle in planning or active")
    objectives: Patch[Annotated[list[Ref], Field(max_length=10_000)]] = Field(
        None, description="ids of unfinished objectives to copy; left out: all of them"
    )


# --- Key results ----------------------------------------------------------------------------


class KeyResultOdds(Schema):
    """The simulated odds at the cycle end (docs/signals.md, "Odds"), stored and refreshed
    after each check-in, edit and night; both null for a milestone or maintain key result,
    and with fewer than 3 points of history."""

    target: float | None = Field(description="probability 0..1 that the value reaches the target")
    success: float | None = Field(
        description="probability 0..1 that the score reaches the objective kind's success line"
    )


class PhaseOut(Schema):
    until: dt.date = Field(description="the day by whose end the value is expected")
    value: float


class PhaseIn(Input):
    until: Day = Field(description="a day inside the cycle, after the one before")
    value: Number


# One phase a month is the usual; a long cycle with weekly phases still fits.
Phases = Annotated[list[PhaseIn], Field(max_length=400)]
PHASES_HELP = (
    "phased targets: the value expected by each date, linear between them from the start "
    "value at the cycle start; [] for a straight line from start to target"
)


class KeyResultOut(Schema):
    id: int
    objective: int
    title: str
    owner: int | None
    kind: KeyResultKind
    unit: str
    start: float | None
    target: float | None
    low: float | None
    high: float | None
    commit: float | None
    stretch: float | None
    phases: list[PhaseOut] = Field(description=PHASES_HELP)
    current: float | None = Field(description="the latest check-in's value (start before any)")
    done: bool
    confidence: int | None
    weight: float
    progress: float | None = Field(description="raw progress: may leave 0..1 (1.3 is 130%)")
    score: float = Field(description="0..1")
    status: PaceStatus
    odds: KeyResultOdds
    kpi: int | None
    kpi_mode: KpiMode
    kpi_formula: KpiFormulaName = Field(description="how `kpis` make the value ('' for none)")
    kpis: list[int] = Field(description="the KPIs of the formula, in order")
    contributes_to: int | None = Field(description="the key result this one adds up into")
    rollup: RollupName = Field(
        description="'sum' or 'average': the value is its contributors'; 'none': check-ins"
    )
    contributors: list[int] = Field(description="ids of the key results contributing to it")
    position: int
    last_check_in_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime = Field(
        description="moves with every change, a check-in included (it changes `current`)"
    )
    expanded: KeyResultExpanded | None = Field(
        None, description="the related objects `expand` asked for (null when it asked none)"
    )


class KeyResultPage(Page):
    items: list[KeyResultOut]


class ObjectiveExpanded(Schema):
    key_results: list[KeyResultOut] | None = Field(
        None, description="with expand=key_results: its key results, in display order"
    )
    owner: PersonOut | None = Field(None, description="with expand=owner: its owner")


class KeyResultExpanded(Schema):
    owner: PersonOut | None = Field(None, description="with expand=owner: its owner")


class KeyResultIn(Input):
    objective: Ref
    title: Name
    kind: KeyResultKind = KeyResultKind.INCREASE
    unit: Unit = ""
    owner: Ref | None = Field(None, description="a person id; omitted: the token's person")
    weight: Weight = 1.0
    start: Number | None = Field(None, description="increase/decrease: where it starts")
    target: Number | None = Field(None, description="increase/decrease: where it should get")
    low: Number | None = Field(None, description="maintain: lower bound of the band")
    high: Number | None = Field(None, description="maintain: upper bound of the band")
    commit: Number | None = Field(None, description="optional zone: scores 0.3")
    stretch: Number | None = Field(None, description="optional zone: scores 1.0")
    phases: Phases = Field(default_factory=list, description=PHASES_HELP)
    kpi: Ref | None = Field(None, description="a KPI this key result follows")
    kpi_mode: KpiMode = "latest"
    kpi_formula: KpiFormulaName = Field(
        "", description="several KPIs make the value: sum, average or ratio (of exactly 2)"
    )
    kpis: FormulaKpis = Field(
        default_factory=list, description="with kpi_formula: the KPIs, in order"
    )
    contributes_to: Ref | None = Field(
        None, description="a key result (any team) this one's value adds up into"
    )
    rollup: RollupName = Field(
        "none", description="'sum' or 'average' of its contributors instead of check-ins"
    )
    position: Int | None = Field(None, ge=0, le=1_000_000, description="default: last")


class KeyResultUpdate(Input):
    title: Patch[Name] = Field(None)
    kind: Patch[KeyResultKind] = Field(None)
    unit: Patch[Unit] = Field(None)
    owner: Ref | None = Field(None)
    weight: Patch[Weight] = Field(None)
    start: Number | None = Field(None)
    target: Number | None = Field(None)
    low: Number | None = Field(None)
    high: Number | None = Field(None)
    commit: Number | None = Field(None)
    stretch: Number | None = Field(None)
    phases: Patch[Phases] = Field(None, description=PHASES_HELP)
    kpi: Ref | None = Field(None)
    kpi_mode: Patch[KpiMode] = Field(None)
    kpi_formula: Patch[KpiFormulaName] = Field(None, description="'' clears the formula")
    kpis: Patch[FormulaKpis] = Field(None)
    contributes_to: Ref | None = Field(None)
    rollup: Patch[RollupName] = Field(None)
    position: Patch[Position] = Field(None)


KeyResultSort = Literal[
    "id",
    "-id",
    "title",
    "-title",
    "position",
    "-position",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
]


class KeyResultFilters(SyncParams):
    objective: AnyOf[Id] = None
    owner: AnyOf[Id] = None
    kpi: AnyOf[Id] = None
    contributes_to: AnyOf[Id] = None
    kind: AnyOf[KeyResultKind] = None
    q: str | None = Field(None, max_length=MAX_QUERY, description="words the title holds")
    sort: KeyResultSort = Field("id", description=SORT_HELP)
    expand: AnyOf[Literal["owner"]] = Field(
        None, description="inline related objects in `expanded`: owner"
    )


# --- Check-ins ------------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    key_result: int
    value: float | None
    done: bool
    confidence: int | None
    note: str
    author: int | None
    automatic: bool
    created_at: dt.datetime
    updated_at: dt.datetime = Field(description="check-ins never change: their created_at")


class CheckInPage(Page):
    items: list[CheckInOut]


class CheckInParams(SyncParams):
    sort: Literal["created_at", "-created_at"] = Field(
        "-created_at", description="newest first (the default) or oldest first"
    )


class CheckInIn(Input):
    value: Number | None = Field(None, description="required for metric key results")
    done: Flag = Field(False, description="milestone key results: reached or not")
    confidence: Int | None = Field(None, ge=0, le=10)
    note: Note = ""


class ReviewRequestIn(Input):
    reviewer: Ref | None = Field(
        None,
        description="a person id; omitted: a lead of the objective's team, else an admin",
    )


class ReviewDecisionIn(Input):
    decision: Literal["approve", "return"] = Field(
        description="approve: the draft becomes active; return: it goes back with `note`"
    )
    note: Note = ""
