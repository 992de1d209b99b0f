"""REST endpoints for cycles: list, read, create, change (start or close in one write), delete."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Status

from goalkeeper.accounts.access import require_admin
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import Id
from goalkeeper.okrs import services
from goalkeeper.okrs.access import access_cycle_by_id
from goalkeeper.okrs.api import router
from goalkeeper.okrs.api.schemas import (
    ClosingIn,
    ClosingItem,
    CycleFilters,
    CycleIn,
    CycleOut,
    CyclePage,
    CycleUpdate,
)
from goalkeeper.okrs.models import Cycle


def cycle_out(cycle: Cycle) -> CycleOut:
    return CycleOut(
        id=cycle.pk,
        name=cycle.name,
        start_date=cycle.start_date,
        end_date=cycle.end_date,
        state=cycle.state,  # type: ignore[arg-type]
        closed_at=cycle.closed_at,
        created_at=cycle.created_at,
        updated_at=cycle.updated_at,
    )


CYCLE_SORTS = {
    "name": "name",
    "start_date": "start_date",
    "updated_at": "updated_at",
}


@router.get("/cycles", response=responses({200: CyclePage}, READ_MANY), tags=["cycles"])
def list_cycles(request: HttpRequest, filters: Query[CycleFilters]) -> CyclePage:
    """Cycles of the workspace, newest first."""
    person = caller(request)
    cycles = Cycle.objects.filter(workspace_id=person.workspace_id)
    if filters.state is not None:
        cycles = cycles.filter(state__in=filters.state)
    if filters.q:
        cycles = cycles.filter(name__icontains=filters.q)
    found = listing(request, cycles, filters, sort=filters.sort, keys=CYCLE_SORTS)
    return CyclePage(
        count=found.count, next=found.next, items=[cycle_out(cycle) for cycle in found.items]
    )


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
