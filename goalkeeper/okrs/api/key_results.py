"""REST endpoints for key results and their check-ins."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Status

from goalkeeper.accounts.access import require_editor
from goalkeeper.accounts.api import people_by_id
from goalkeeper.accounts.models import Person
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing, referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import Id
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs import services
from goalkeeper.okrs.access import (
    access_key_result_by_id,
    access_key_result_for_check_in,
    access_kpi_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.api import router
from goalkeeper.okrs.api.cascade import (
    contributor_ids,
    fields_renamed,
    formula_kpis,
    key_result_prefetches,
)
from goalkeeper.okrs.api.objectives import _person_ref
from goalkeeper.okrs.api.schemas import (
    CheckInIn,
    CheckInOut,
    CheckInPage,
    CheckInParams,
    KeyResultExpanded,
    KeyResultFilters,
    KeyResultIn,
    KeyResultOdds,
    KeyResultOut,
    KeyResultPage,
    KeyResultUpdate,
    PhaseOut,
)
from goalkeeper.okrs.figures import (
    KeyResultFigures,
    key_result_figures,
)
from goalkeeper.okrs.models import (
    CheckIn,
    KeyResult,
)
from goalkeeper.okrs.phases import phases_of


def key_results_of(person: Person) -> QuerySet[KeyResult]:
    """The caller's workspace's key results, with what `key_result_out` reads, in display
    order (objective, position, id)."""
    return (
        KeyResult.objects.filter(workspace_id=person.workspace_id)
        .select_related("objective__cycle")
        .prefetch_related(*key_result_prefetches())
        .order_by("objective_id", "position", "id")
    )


_key_results = key_results_of
KEY_RESULT_SORTS = {
    "title": "title",
    "position": "position",
    "created_at": "created_at",
    "updated_at": "updated_at",
}


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
        phases=[PhaseOut(until=p.until, value=p.value) for p in phases_of(key_result.phases)],
        current=key_result.current,
        done=key_result.done,
        confidence=key_result.confidence,
        weight=key_result.weight,
        progress=figures.progress,
        score=figures.score,
        status=figures.status,
        odds=KeyResultOdds(target=key_result.odds_target, success=key_result.odds_success),
        kpi=key_result.kpi_id,
        kpi_mode=key_result.kpi_mode,  # type: ignore[arg-type]
        kpi_formula=key_result.kpi_formula,  # type: ignore[arg-type]
        kpis=formula_kpis(key_result),
        contributes_to=key_result.contributes_to_id,
        rollup=key_result.rollup,  # type: ignore[arg-type]
        contributors=contributor_ids(key_result),
        position=key_result.position,
        last_check_in_at=key_result.last_check_in_at,
        created_at=key_result.created_at,
        updated_at=key_result.updated_at,
        expanded=None,
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
    """Key results with progress, score and status; filter by objective, owner, KPI, the
    key result they contribute to or kind (several values each) or words (`q`)."""
    person = caller(request)
    key_results = _key_results(person)
    for name in ("objective", "owner", "kpi", "contributes_to"):
        value = getattr(filters, name)
        if value is not None:
            key_results = key_results.filter(**{f"{name}_id__in": value})
    if filters.kind is not None:
        key_results = key_results.filter(kind__in=[kind.value for kind in filters.kind])
    if filters.q:
        key_results = key_results.filter(title__icontains=filters.q)
    found = listing(request, key_results, filters, sort=filters.sort, keys=KEY_RESULT_SORTS)
    clock = person.workspace.clock()
    items = [
        key_result_out(kr, key_result_figures(kr, kr.objective.cycle, clock)) for kr in found.items
    ]
    if filters.expand:
        owners = people_by_id(person, [kr.owner_id for kr in found.items])
        for item, key_result in zip(items, found.items, strict=True):
            owner = owners.get(key_result.owner_id) if key_result.owner_id is not None else None
            item.expanded = KeyResultExpanded(owner=owner)
    return KeyResultPage(count=found.count, next=found.next, items=items)


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
    if changes.get("contributes_to") is not None:
        resolved["contributes_to"] = referenced(
            "contributes_to", lambda: access_key_result_by_id(person, changes["contributes_to"])
        )
    return resolved


def _formula(key_result: KeyResult | None, changes: dict[str, Any]) -> dict[str, Any] | None:
    """What `set_kpi_formula` gets when a body names `kpi_formula` or `kpis` (else None); the
    one left out keeps its stored value."""
    if "kpi_formula" not in changes and "kpis" not in changes:
        return None
    formula = changes.pop("kpi_formula", None)
    kpi_ids = changes.pop("kpis", None)
    if formula is None:
        formula = key_result.kpi_formula if key_result is not None else ""
    if kpi_ids is None:
        # `"kpi_formula": ""` alone clears the formula with its KPIs.
        kpi_ids = formula_kpis(key_result) if key_result is not None and formula else []
    if kpi_ids and not formula:
        raise ValidationError({"kpis": "give a kpi_formula to combine these KPIs"})
    # The formula's service sets the mode it reads its KPIs by.
    mode = changes.pop("kpi_mode", None) or (key_result.kpi_mode if key_result else "latest")
    return {"formula": formula, "kpi_ids": list(kpi_ids), "mode": mode}


# `set_kpi_formula` names its arguments; the API's fields are `kpis` and `kpi_formula`.
FORMULA_FIELDS = {"kpi_ids": "kpis", "formula": "kpi_formula"}


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
    formula = _formula(None, fields)
    with fields_renamed(FORMULA_FIELDS):
        key_result = services.create_key_result(
            actor=person, objective=objective, formula=formula, **fields
        )
    return Status(201, _key_result_response(person, _reloaded(person, key_result)))


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
    formula = _formula(key_result, changes)
    with fields_renamed(FORMULA_FIELDS):
        key_result = services.update_key_result(
            actor=person, key_result=key_result, formula=formula, **changes
        )
    return _key_result_response(person, _reloaded(person, key_result))


def key_result_response(person: Person, key_result_id: int) -> KeyResultOut:
    """A key result of the caller's workspace as every endpoint answers it, read afresh."""
    return _key_result_response(person, _key_results(person).get(pk=key_result_id))


def _reloaded(person: Person, key_result: KeyResult) -> KeyResult:
    """The key result as the lists read it: a write may have changed its contributors'
    links or formula rows, which a stale prefetch cache would not show."""
    return _key_results(person).get(pk=key_result.pk)


@router.delete("/key-results/{id}", response=responses({204: None}, DELETE), tags=["key results"])
def delete_key_result(request: HttpRequest, id: Id) -> Status[None]:
    """Delete a key result with its check-ins (editors)."""
    person = caller(request)
    key_result = access_key_result_by_id(person, id, for_write=True)
    services.delete_key_result(actor=person, key_result=key_result)
    return Status(204, None)


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
        updated_at=check_in.created_at,
    )


@router.get(
    "/key-results/{id}/check-ins",
    response=responses({200: CheckInPage}, READ_ONE),
    tags=["check-ins"],
)
def list_check_ins(
    request: HttpRequest,
    id: Id,
    params: Query[CheckInParams],
) -> CheckInPage:
    """A key result's check-ins, newest first (`sort=created_at`: oldest first)."""
    key_result = access_key_result_by_id(caller(request), id)
    check_ins = CheckIn.objects.filter(key_result=key_result)
    found = listing(
        request,
        check_ins,
        params,
        sort=params.sort,
        keys={"created_at": "created_at"},
        changed="created_at",
    )
    return CheckInPage(
        count=found.count,
        next=found.next,
        items=[check_in_out(check_in) for check_in in found.items],
    )


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
