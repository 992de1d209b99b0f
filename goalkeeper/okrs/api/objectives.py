"""REST endpoints for objectives: list with their figures, read, create, change, delete."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Query, Status

from goalkeeper.accounts.access import (
    access_person_by_id,
    access_team_by_id,
    require_editor,
)
from goalkeeper.accounts.api import people_by_id
from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Person
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing, referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import Id
from goalkeeper.okrs import services
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.api import router
from goalkeeper.okrs.api.cascade import (
    aligned_to,
    alignments_prefetch,
    fields_renamed,
    primary_objective_id,
    resolve_parents,
)
from goalkeeper.okrs.api.schemas import (
    AlignmentIn,
    KeyResultOut,
    ObjectiveExpanded,
    ObjectiveFilters,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePage,
    ObjectiveUpdate,
)
from goalkeeper.okrs.figures import (
    ObjectiveFigures,
    key_result_figures,
    objective_figures,
    ordered_key_results,
)
from goalkeeper.okrs.models import KeyResult, Objective

OBJECTIVE_SORTS = {"title": "title", "created_at": "created_at", "updated_at": "updated_at"}


def key_results_by_objective(
    person: Person, objective_ids: list[int], clock: Clock
) -> dict[int, list[KeyResultOut]]:
    """The key results of `objective_ids`, in display order, by objective: a bounded
    number of queries whatever the number of objectives (`expand=key_results`)."""
    from goalkeeper.okrs.api.key_results import key_result_out, key_results_of

    grouped: dict[int, list[KeyResultOut]] = {}
    for key_result in key_results_of(person).filter(objective_id__in=objective_ids):
        figures = key_result_figures(key_result, key_result.objective.cycle, clock)
        grouped.setdefault(key_result.objective_id, []).append(key_result_out(key_result, figures))
    return grouped


def _objectives(person: Person) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(workspace_id=person.workspace_id)
        .select_related("cycle")
        .prefetch_related(ordered_key_results(), alignments_prefetch())
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
        aligned_to=aligned_to(objective),
        state=objective.state,  # type: ignore[arg-type]
        roll_up_children=objective.roll_up_children,
        progress=figures.progress,
        status=figures.status,
        odds=objective.odds_success,
        score=figures.score,
        final_score=objective.final_score,
        retrospective=objective.retrospective,
        key_results=[key_result.pk for key_result in objective.key_results.all()],
        closed_at=objective.closed_at,
        reviewer=objective.reviewer_id,
        review_requested_at=objective.review_requested_at,
        created_at=objective.created_at,
        updated_at=objective.updated_at,
        expanded=None,
    )


def _one_objective(person: Person, objective_id: int, clock: Clock) -> ObjectiveOut:
    objective = _objectives(person).get(pk=objective_id)
    return objective_out(objective, objective_figures([objective], clock)[objective.pk])


@router.get("/objectives", response=responses({200: ObjectivePage}, READ_MANY), tags=["objectives"])
def list_objectives(request: HttpRequest, filters: Query[ObjectiveFilters]) -> ObjectivePage:
    """Objectives with their progress, score and pace status; filter by cycle, team, owner,
    parent, state, kind (several values each, `state=active,draft`) or words (`q`); `expand`
    inlines their key results or owner."""
    person = caller(request)
    objectives = _objectives(person)
    for name in ("cycle", "team", "owner", "parent"):
        value = getattr(filters, name)
        if value is not None:
            objectives = objectives.filter(**{f"{name}_id__in": value})
    for name in ("state", "kind"):
        value = getattr(filters, name)
        if value is not None:
            objectives = objectives.filter(**{f"{name}__in": value})
    if filters.q:
        objectives = objectives.filter(
            Q(title__icontains=filters.q) | Q(description__icontains=filters.q)
        )
    found = listing(request, objectives, filters, sort=filters.sort, keys=OBJECTIVE_SORTS)
    clock = person.workspace.clock()
    figures = objective_figures(found.items, clock)
    items = [objective_out(o, figures[o.pk]) for o in found.items]
    expand = set(filters.expand or ())
    if expand:
        key_results = (
            key_results_by_objective(person, [o.pk for o in found.items], clock)
            if "key_results" in expand
            else {}
        )
        owners = (
            people_by_id(person, [o.owner_id for o in found.items]) if "owner" in expand else {}
        )
        for item, objective in zip(items, found.items, strict=True):
            item.expanded = ObjectiveExpanded(
                key_results=key_results.get(objective.pk, []) if "key_results" in expand else None,
                owner=owners.get(objective.owner_id) if objective.owner_id is not None else None,
            )
    return ObjectivePage(count=found.count, next=found.next, items=items)


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


# A parent given by `set_alignments` is refused under `parents`; the API calls it `aligned_to`.
ALIGNMENT_FIELDS = {"parents": "aligned_to", "parent_key_result": "aligned_to"}


def _parents(person: Person, changes: dict[str, Any]) -> list[Objective | KeyResult] | None:
    """The parents `aligned_to` names (None when left out), taken out of `changes`; a `parent`
    given as well must be the primary's objective, and is then left to `aligned_to`."""
    if changes.get("aligned_to") is None:
        changes.pop("aligned_to", None)
        return None
    parents = resolve_parents(person, [AlignmentIn(**item) for item in changes.pop("aligned_to")])
    if "parent" in changes:
        parent = changes.pop("parent")
        if (parent.pk if parent is not None else None) != primary_objective_id(parents):
            raise ValidationError({"parent": "must be the objective of the primary aligned_to"})
    return parents


@router.post("/objectives", response=responses({201: ObjectiveOut}, CREATE), tags=["objectives"])
def create_objective(request: HttpRequest, payload: ObjectiveIn) -> Status[ObjectiveOut]:
    """Create an objective (editors and admins)."""
    person = caller(request)
    require_editor(person)
    fields = payload.model_dump()
    if "owner" not in payload.model_fields_set:
        fields["owner"] = person.pk
    if "parent" not in payload.model_fields_set:
        del fields["parent"]
    cycle = referenced("cycle", lambda: access_cycle_by_id(person, payload.cycle))
    fields = _objective_refs(person, fields)
    del fields["cycle"]
    parents = _parents(person, fields)
    with fields_renamed(ALIGNMENT_FIELDS):
        objective = services.create_objective(
            actor=person, cycle=cycle, parents=parents or None, **fields
        )
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
    parents = _parents(person, changes)
    # Parents first (in the service): a body that also closes the objective closes it last.
    with fields_renamed(ALIGNMENT_FIELDS):
        objective = services.update_objective(
            actor=person, objective=objective, parents=parents, **changes
        )
    return _one_objective(person, objective.pk, person.workspace.clock())


@router.delete("/objectives/{id}", response=responses({204: None}, DELETE), tags=["objectives"])
def delete_objective(request: HttpRequest, id: Id) -> Status[None]:
    """Delete an objective with its key results and check-ins (editors)."""
    person = caller(request)
    objective = access_objective_by_id(person, id, for_write=True)
    services.delete_objective(actor=person, objective=objective)
    return Status(204, None)
