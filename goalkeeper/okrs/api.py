"""REST endpoints for cycles, objectives, key results and check-ins.

Thin: check access, resolve the ids a body names, call one service (which writes in one
transaction, audits and emits its events: the same service, with the same arguments, as the
page that offers the write), answer with numbers from the read model.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import Strict

from goalkeeper.accounts.access import (
    access_person_by_id,
    access_team_by_id,
    require_admin,
    require_editor,
)
from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Person
from goalkeeper.api.auth import caller
from goalkeeper.api.common import page, referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import (
    CycleName,
    Day,
    Flag,
    Id,
    Input,
    Int,
    Name,
    Note,
    Number,
    PageParams,
    Patch,
    Ref,
    Unit,
    Weight,
)
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.pace import PaceStatus
from goalkeeper.okrs import services
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_key_result_by_id,
    access_key_result_for_check_in,
    access_kpi_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.figures import (
    KeyResultFigures,
    ObjectiveFigures,
    key_result_figures,
    objective_figures,
    ordered_key_results,
)
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    KeyResult,
    Objective,
)

router = Router()

Score = Annotated[float, Strict(), Field(ge=0, le=1, allow_inf_nan=False)]
Position = Annotated[int, Strict(), Field(ge=0, le=1_000_000)]

CycleStateName = Literal["planning", "active", "closed"]
ObjectiveKind = Literal["committed", "aspirational"]
ObjectiveStateName = Literal["draft", "active", "closed"]
KpiMode = Literal["latest", "cycle_aggregate"]


# --- Cycles ---------------------------------------------------------------------------------


class CycleOut(Schema):
    id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    state: CycleStateName
    closed_at: dt.datetime | None


class CyclePage(Schema):
    count: int
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


class CycleFilters(PageParams):
    state: CycleStateName | None = None


def cycle_out(cycle: Cycle) -> CycleOut:
    return CycleOut(
        id=cycle.pk,
        name=cycle.name,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        state=cycle.state,  # type: ignore[arg-type]
        closed_at=cycle.closed_at,
    )


@router.get("/cycles", response=responses({200: CyclePage}, READ_MANY), tags=["cycles"])
def list_cycles(request: HttpRequest, filters: Query[CycleFilters]) -> CyclePage:
    """Cycles of the workspace, newest first."""
    person = caller(request)
    cycles = Cycle.objects.filter(workspace_id=person.workspace_id).order_by("-start_date", "-id")
    if filters.state is not None:
        cycles = cycles.filter(state=filters.state)
    count, items = page(cycles, filters)
    return CyclePage(count=count, items=[cycle_out(cycle) for cycle in items])


@router.get("/cycles/{id}", response=responses({200: CycleOut}, READ_ONE), tags=["cycles"])
def get_cycle(request: HttpRequest, id: Id) -> CycleOut:
    """One cycle."""
    return cycle_out(access_cycle_by_id(caller(request), id))


@router.post("/cycles", response=responses({201: CycleOut}, CREATE), tags=["cycles"])
def create_cycle(request: HttpRequest, payload: CycleIn) -> Status[CycleOut]:
    """Create a cycle (admins)."""
    person = caller(request)
    require_admin(person)
    cycle = services.create_cycle(
        actor=person,
        workspace=person.workspace,
        name=payload.name,
        start_date=payload.start_date,
        end_date=payload.end_date,
        state=payload.state,
    )
    return Status(201, cycle_out(cycle))


@router.patch("/cycles/{id}", response=responses({200: CycleOut}, UPDATE), tags=["cycles"])
def update_cycle(request: HttpRequest, id: Id, payload: CycleUpdate) -> CycleOut:
    """Rename a cycle, move its dates, start it or close it (admins), in one write.

    `state` goes through the same services as `POST /cycles/{id}/activate` and
    `POST /cycles/{id}/close`: closing gives every objective left out of `closings` its
    current score. A closed cycle is locked: refusals of a close name the field
    `<objective id>.final_score`.
    """
    person = caller(request)
    cycle = access_cycle_by_id(person, id)
    require_admin(person)
    changes = payload.model_dump(exclude_unset=True, exclude={"state", "closings", "confirm"})
    closings = None
    if payload.closings is not None:
        closings = [_closing(item.objective, item) for item in payload.closings]
    cycle = services.update_cycle(
        actor=person,
        cycle=cycle,
        state=payload.state,
        closings=closings,
        confirm_overlap=payload.confirm,
        **changes,
    )
    return cycle_out(cycle)


def _closing(objective_id: int, item: ClosingIn | ClosingItem) -> services.Closing:
    """A closing as the services take it: a note left out keeps the objective's own."""
    retrospective = item.retrospective if "retrospective" in item.model_fields_set else None
    return services.Closing(objective_id, item.final_score, retrospective)


@router.delete("/cycles/{id}", response=responses({204: None}, DELETE), tags=["cycles"])
def delete_cycle(request: HttpRequest, id: Id) -> Status[None]:
    """Delete a cycle without objectives (admins); one with objectives answers 409."""
    person = caller(request)
    cycle = access_cycle_by_id(person, id)
    require_admin(person)
    services.delete_cycle(actor=person, cycle=cycle)
    return Status(204, None)


# --- Objectives -----------------------------------------------------------------------------


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    cycle: int
    team: int
    owner: int | None
    kind: ObjectiveKind
    parent: int | None
    state: ObjectiveStateName
    roll_up_children: bool
    progress: float | None = Field(
        description="weighted mean of the key results' scores, 0..1; null without key results"
    )
    status: PaceStatus
    score: float | None = Field(
        description="progress on the 0.0-1.0 scale to one decimal (the final score once closed)"
    )
    final_score: float | None
    retrospective: str
    key_results: list[int] = Field(description="ids of its key results, in display order")
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ObjectivePage(Schema):
    count: int
    items: list[ObjectiveOut]


class ObjectiveIn(Input):
    cycle: Ref
    team: Ref
    title: Name
    description: Note = ""
    owner: Ref | None = Field(None, description="a person id; omitted: the token's person")
    kind: ObjectiveKind = "committed"
    parent: Ref | None = Field(None, description="the objective this one supports")
    state: Literal["draft", "active"] = "active"
    roll_up_children: Flag = False


class ObjectiveUpdate(Input):
    title: Patch[Name] = Field(None)
    description: Patch[Note] = Field(None)
    team: Patch[Ref] = Field(None)
    owner: Ref | None = Field(None)
    kind: Patch[ObjectiveKind] = Field(None)
    parent: Ref | None = Field(None)
    state: Patch[ObjectiveStateName] = Field(
        None, description="'closed' closes the objective with its final score"
    )
    roll_up_children: Patch[Flag] = Field(None)
    final_score: Patch[Score] = Field(
        None, description="when closing, one decimal; default: the current score"
    )
    retrospective: Patch[Note] = Field(None, description="when closing")


class ObjectiveFilters(PageParams):
    cycle: Id | None = None
    team: Id | None = None
    owner: Id | None = None
    parent: Id | None = None
    state: ObjectiveStateName | None = None
    kind: ObjectiveKind | None = None


def _objectives(person: Person) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(workspace_id=person.workspace_id)
        .select_related("cycle")
        .prefetch_related(ordered_key_results())
        .order_by("id")
    )


def objective_out(objective: Objective, figures: ObjectiveFigures) -> ObjectiveOut:
    return ObjectiveOut(
        id=objective.pk,
        title=objective.title,
        description=objective.description,
        cycle=objective.cycle_id,
        team=objective.team_id,
        owner=objective.owner_id,
        kind=objective.kind,  # type: ignore[arg-type]
        parent=objective.parent_id,
        state=objective.state,  # type: ignore[arg-type]
        roll_up_children=objective.roll_up_children,
        progress=figures.progress,
        status=figures.status,
        score=figures.score,
        final_score=objective.final_score,
        retrospective=objective.retrospective,
        key_results=[key_result.pk for key_result in objective.key_results.all()],
        closed_at=objective.closed_at,
        created_at=objective.created_at,
        updated_at=objective.updated_at,
    )


def _one_objective(person: Person, objective_id: int, clock: Clock) -> ObjectiveOut:
    objective = _objectives(person).get(pk=objective_id)
    return objective_out(objective, objective_figures([objective], clock)[objective.pk])


@router.get("/objectives", response=responses({200: ObjectivePage}, READ_MANY), tags=["objectives"])
def list_objectives(request: HttpRequest, filters: Query[ObjectiveFilters]) -> ObjectivePage:
    """Objectives with their progress, score and pace status; filter by cycle, team, owner..."""
    person = caller(request)
    objectives = _objectives(person)
    for name in ("cycle", "team", "owner", "parent"):
        value = getattr(filters, name)
        if value is not None:
            objectives = objectives.filter(**{f"{name}_id": value})
    for name in ("state", "kind"):
        value = getattr(filters, name)
        if value is not None:
            objectives = objectives.filter(**{name: value})
    count, items = page(objectives, filters)
    figures = objective_figures(items, person.workspace.clock())
    return ObjectivePage(count=count, items=[objective_out(o, figures[o.pk]) for o in items])


@router.get(
    "/objectives/{id}", response=responses({200: ObjectiveOut}, READ_ONE), tags=["objectives"]
)
def get_objective(request: HttpRequest, id: Id) -> ObjectiveOut:
    """One objective."""
    person = caller(request)
    objective = access_objective_by_id(person, id)
    return _one_objective(person, objective.pk, person.workspace.clock())


def _person_ref(person: Person, field: str, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    return referenced(field, lambda: access_person_by_id(person, person_id))


def _objective_refs(person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    """Replace the ids a body names (team, owner, parent) by the objects, as field errors."""
    resolved = dict(changes)
    if "team" in changes:
        resolved["team"] = referenced("team", lambda: access_team_by_id(person, changes["team"]))
    if "owner" in changes:
        resolved["owner"] = _person_ref(person, "owner", changes["owner"])
    if changes.get("parent") is not None:
        resolved["parent"] = referenced(
            "parent", lambda: access_objective_by_id(person, changes["parent"])
        )
    return resolved


@router.post("/objectives", response=responses({201: ObjectiveOut}, CREATE), tags=["objectives"])
def create_objective(request: HttpRequest, payload: ObjectiveIn) -> Status[ObjectiveOut]:
    """Create an objective (editors and admins)."""
    person = caller(request)
    require_editor(person)
    fields = payload.model_dump()
    if "owner" not in payload.model_fields_set:
        fields["owner"] = person.pk
    cycle = referenced("cycle", lambda: access_cycle_by_id(person, payload.cycle))
    fields = _objective_refs(person, fields)
    del fields["cycle"]
    objective = services.create_objective(actor=person, cycle=cycle, **fields)
    return Status(201, _one_objective(person, objective.pk, person.workspace.clock()))


@router.patch(
    "/objectives/{id}", response=responses({200: ObjectiveOut}, UPDATE), tags=["objectives"]
)
def update_objective(
    request: HttpRequest,
    id: Id,
    payload: ObjectiveUpdate,
) -> ObjectiveOut:
    """Change an objective; `state: "closed"` closes it with its final score (editors)."""
    person = caller(request)
    objective = access_objective_by_id(person, id, for_write=True)
    changes = _objective_refs(person, payload.model_dump(exclude_unset=True))
    objective = services.update_objective(actor=person, objective=objective, **changes)
    return _one_objective(person, objective.pk, person.workspace.clock())


@router.delete("/objectives/{id}", response=responses({204: None}, DELETE), tags=["objectives"])
def delete_objective(request: HttpRequest, id: Id) -> Status[None]:
    """Delete an objective with its key results and check-ins (editors)."""
    person = caller(request)
    objective = access_objective_by_id(person, id, for_write=True)
    services.delete_objective(actor=person, objective=objective)
    return Status(204, None)


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


@router.post("/cycles/{id}/activate", response=responses({200: CycleOut}, UPDATE), tags=["cycles"])
def activate_cycle(request: HttpRequest, id: Id, confirm: bool = False) -> CycleOut:
    """Start a cycle in planning: planning -> active (admins), as the cycles page does.

    When its dates overlap another active cycle it is refused (422, naming that cycle)
    unless `?confirm=true` says both should be active.
    """
    person = caller(request)
    cycle = access_cycle_by_id(person, id)
    require_admin(person)
    return cycle_out(services.activate_cycle(actor=person, cycle=cycle, confirm_overlap=confirm))


@router.post("/cycles/{id}/close", response=responses({200: CycleOut}, UPDATE), tags=["cycles"])
def close_cycle(request: HttpRequest, id: Id, payload: CycleClosing) -> CycleOut:
    """Close an active cycle (admins), as the close page does: every objective but drafts is
    closed with its final score and note, then the cycle is locked.

    An objective left out, or sent without `final_score`, closes with its current score (the
    page's prefill); one without key results needs a score. A note left out is kept.
    Refusals name the field `<objective id>.final_score`; nothing is closed unless all pass.
    """
    person = caller(request)
    cycle = access_cycle_by_id(person, id)
    require_admin(person)
    closings = [_closing(item.id, item) for item in payload.objectives]
    closed = services.close_cycle(actor=person, cycle=cycle, closings=closings, fill_in=True)
    return cycle_out(closed)


@router.post(
    "/cycles/{id}/carry-over",
    response=responses({201: ObjectivePage}, CREATE),
    tags=["cycles"],
)
def carry_over(request: HttpRequest, id: Id, payload: CarryOverIn) -> Status[ObjectivePage]:
    """Copy the unfinished objectives of a closed cycle into a cycle in planning or active
    (admins), as the carry-over page does; answers the copies.

    Unfinished: drafts, and objectives closed below 1.0. `objectives` picks some of them
    (default: all not carried into `target` yet).
    """
    person = caller(request)
    source = access_cycle_by_id(person, id)
    require_admin(person)
    target = referenced("target", lambda: access_cycle_by_id(person, payload.target))
    copies = services.carry_over(
        actor=person, source=source, target=target, objective_ids=payload.objectives
    )
    loaded = list(_objectives(person).filter(pk__in=[copy.pk for copy in copies]))
    figures = objective_figures(loaded, person.workspace.clock())
    return Status(
        201,
        ObjectivePage(count=len(loaded), items=[objective_out(o, figures[o.pk]) for o in loaded]),
    )


# --- Key results ----------------------------------------------------------------------------


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
    current: float | None = Field(description="the latest check-in's value (start before any)")
    done: bool
    confidence: int | None
    weight: float
    progress: float | None = Field(description="raw progress: may leave 0..1 (1.3 is 130%)")
    score: float = Field(description="0..1")
    status: PaceStatus
    kpi: int | None
    kpi_mode: KpiMode
    position: int
    last_check_in_at: dt.datetime | None
    created_at: dt.datetime


class KeyResultPage(Schema):
    count: int
    items: list[KeyResultOut]


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
    kpi: Ref | None = Field(None, description="a KPI this key result follows")
    kpi_mode: KpiMode = "latest"
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
    kpi: Ref | None = Field(None)
    kpi_mode: Patch[KpiMode] = Field(None)
    position: Patch[Position] = Field(None)


class KeyResultFilters(PageParams):
    objective: Id | None = None
    owner: Id | None = None
    kpi: Id | None = None


def _key_results(person: Person) -> QuerySet[KeyResult]:
    return (
        KeyResult.objects.filter(workspace_id=person.workspace_id)
        .select_related("objective__cycle")
        .order_by("id")
    )


def key_result_out(key_result: KeyResult, figures: KeyResultFigures) -> KeyResultOut:
    return KeyResultOut(
        id=key_result.pk,
        objective=key_result.objective_id,
        title=key_result.title,
        owner=key_result.owner_id,
        kind=KeyResultKind(key_result.kind),
        unit=key_result.unit,
        start=key_result.start,
        target=key_result.target,
        low=key_result.low,
        high=key_result.high,
        commit=key_result.commit,
        stretch=key_result.stretch,
        current=key_result.current,
        done=key_result.done,
        confidence=key_result.confidence,
        weight=key_result.weight,
        progress=figures.progress,
        score=figures.score,
        status=figures.status,
        kpi=key_result.kpi_id,
        kpi_mode=key_result.kpi_mode,  # type: ignore[arg-type]
        position=key_result.position,
        last_check_in_at=key_result.last_check_in_at,
        created_at=key_result.created_at,
    )


def _key_result_response(person: Person, key_result: KeyResult) -> KeyResultOut:
    clock = person.workspace.clock()
    return key_result_out(
        key_result, key_result_figures(key_result, key_result.objective.cycle, clock)
    )


@router.get(
    "/key-results", response=responses({200: KeyResultPage}, READ_MANY), tags=["key results"]
)
def list_key_results(request: HttpRequest, filters: Query[KeyResultFilters]) -> KeyResultPage:
    """Key results with progress, score and status; filter by objective, owner or KPI."""
    person = caller(request)
    key_results = _key_results(person)
    for name in ("objective", "owner", "kpi"):
        value = getattr(filters, name)
        if value is not None:
            key_results = key_results.filter(**{f"{name}_id": value})
    count, items = page(key_results, filters)
    clock = person.workspace.clock()
    return KeyResultPage(
        count=count,
        items=[
            key_result_out(kr, key_result_figures(kr, kr.objective.cycle, clock)) for kr in items
        ],
    )


@router.get(
    "/key-results/{id}", response=responses({200: KeyResultOut}, READ_ONE), tags=["key results"]
)
def get_key_result(request: HttpRequest, id: Id) -> KeyResultOut:
    """One key result."""
    person = caller(request)
    return _key_result_response(person, access_key_result_by_id(person, id))


def _key_result_refs(person: Person, changes: dict[str, Any]) -> dict[str, Any]:
    resolved = dict(changes)
    if "owner" in changes:
        resolved["owner"] = _person_ref(person, "owner", changes["owner"])
    if changes.get("kpi") is not None:
        resolved["kpi"] = referenced("kpi", lambda: access_kpi_by_id(person, changes["kpi"]))
    return resolved


@router.post("/key-results", response=responses({201: KeyResultOut}, CREATE), tags=["key results"])
def create_key_result(request: HttpRequest, payload: KeyResultIn) -> Status[KeyResultOut]:
    """Add a key result to an objective (editors)."""
    person = caller(request)
    require_editor(person)
    objective = referenced("objective", lambda: access_objective_by_id(person, payload.objective))
    fields = payload.model_dump(exclude={"objective"})
    if "owner" not in payload.model_fields_set:
        fields["owner"] = person.pk
    if fields["position"] is None:
        del fields["position"]
    fields = _key_result_refs(person, fields)
    key_result = services.create_key_result(actor=person, objective=objective, **fields)
    return Status(201, _key_result_response(person, key_result))


@router.patch(
    "/key-results/{id}", response=responses({200: KeyResultOut}, UPDATE), tags=["key results"]
)
def update_key_result(
    request: HttpRequest,
    id: Id,
    payload: KeyResultUpdate,
) -> KeyResultOut:
    """Change a key result's definition (its value changes by check-ins) (editors)."""
    person = caller(request)
    key_result = access_key_result_by_id(person, id, for_write=True)
    changes = _key_result_refs(person, payload.model_dump(exclude_unset=True))
    key_result = services.update_key_result(actor=person, key_result=key_result, **changes)
    return _key_result_response(person, key_result)


@router.delete("/key-results/{id}", response=responses({204: None}, DELETE), tags=["key results"])
def delete_key_result(request: HttpRequest, id: Id) -> Status[None]:
    """Delete a key result with its check-ins (editors)."""
    person = caller(request)
    key_result = access_key_result_by_id(person, id, for_write=True)
    services.delete_key_result(actor=person, key_result=key_result)
    return Status(204, None)


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


class CheckInPage(Schema):
    count: int
    items: list[CheckInOut]


class CheckInIn(Input):
    value: Number | None = Field(None, description="required for metric key results")
    done: Flag = Field(False, description="milestone key results: reached or not")
    confidence: Int | None = Field(None, ge=0, le=10)
    note: Note = ""


def check_in_out(check_in: CheckIn) -> CheckInOut:
    return CheckInOut(
        id=check_in.pk,
        key_result=check_in.key_result_id,
        value=check_in.value,
        done=check_in.done,
        confidence=check_in.confidence,
        note=check_in.note,
        author=check_in.author_id,
        automatic=check_in.automatic,
        created_at=check_in.created_at,
    )


@router.get(
    "/key-results/{id}/check-ins",
    response=responses({200: CheckInPage}, READ_ONE),
    tags=["check-ins"],
)
def list_check_ins(
    request: HttpRequest,
    id: Id,
    params: Query[PageParams],
) -> CheckInPage:
    """A key result's check-ins, newest first."""
    key_result = access_key_result_by_id(caller(request), id)
    check_ins = CheckIn.objects.filter(key_result=key_result).order_by("-created_at", "-id")
    count, items = page(check_ins, params)
    return CheckInPage(count=count, items=[check_in_out(check_in) for check_in in items])


@router.post(
    "/key-results/{id}/check-ins",
    response=responses({201: CheckInOut}, CREATE),
    tags=["check-ins"],
)
def create_check_in(
    request: HttpRequest,
    id: Id,
    payload: CheckInIn,
) -> Status[CheckInOut]:
    """Check in on a key result: editors on any, anyone on the ones they own."""
    person = caller(request)
    key_result = access_key_result_for_check_in(person, id)
    check_in = services.record_check_in(
        actor=person,
        key_result=key_result,
        value=payload.value,
        done=payload.done,
        confidence=payload.confidence,
        note=payload.note,
    )
    return Status(201, check_in_out(check_in))
