"""REST endpoints of the bridges: the writes the web app offers on a KPI and a key result.

Link and unlink a KPI through `PATCH /key-results/{id}` with `{"kpi": K}` or `{"kpi": null}`
(the okrs endpoints); here: create and dismiss a recovery objective, promote a key result,
hand a key result down as another team's KPI, let a key result follow last year's shape of
its KPI.
Same error shape as every endpoint (`goalkeeper.api.errors`).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from goalkeeper.accounts.access import access_person_by_id, access_team_by_id
from goalkeeper.api.auth import caller
from goalkeeper.api.common import referenced
from goalkeeper.api.errors import CREATE, DELETE, UPDATE, responses
from goalkeeper.api.schemas import Id, Input, Ref
from goalkeeper.bridges import services
from goalkeeper.bridges.access import access_recovery_by_id
from goalkeeper.domain.periods import Aggregation, Frequency
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.kpis.api import KpiOut, one_kpi
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.access import access_key_result_by_id
from goalkeeper.okrs.api.key_results import key_result_response
from goalkeeper.okrs.api.schemas import KeyResultOut
from goalkeeper.okrs.models import Objective

router = Router(tags=["Bridges"])


class RecoveryOut(Schema):
    kpi: int
    objective: int = Field(description="the draft objective, in the active cycle")
    title: str
    cycle: int
    state: Literal["draft", "active", "closed"]
    key_result: int = Field(description="its key result, which reads the KPI's latest value")


class PromoteIn(Input):
    frequency: Frequency = Field(Frequency.WEEKLY, description="how often the KPI is measured")
    aggregation: Aggregation = Field(
        Aggregation.LAST, description="how the values of a period combine"
    )


class HandDownIn(PromoteIn):
    team: Ref = Field(description="the team whose KPI the key result becomes")
    owner: Ref | None = Field(None, description="a person id; omitted: the team's lead")


def recovery_out(kpi: Kpi, objective: Objective) -> RecoveryOut:
    key_result = objective.key_results.order_by("position", "id").values_list("pk", flat=True)
    return RecoveryOut(
        kpi=kpi.pk,
        objective=objective.pk,
        title=objective.title,
        cycle=objective.cycle_id,
        state=objective.state,  # type: ignore[arg-type]
        key_result=key_result.first() or 0,
    )


@router.post("/kpis/{id}/recovery", response=responses({201: RecoveryOut}, CREATE))
def create_recovery(request: HttpRequest, id: Id) -> Status[RecoveryOut]:
    """Create the recovery objective of a red KPI (editors): a draft "bring X back to
    target" in the active cycle, with a key result reading the KPI. Refused (422) unless
    the KPI is red, while another recovery is open, or without an open cycle."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    objective = services.create_recovery_objective(actor=person, kpi=kpi)
    return Status(201, recovery_out(kpi, objective))


@router.delete("/kpis/{id}/recovery/{objective_id}", response=responses({204: None}, DELETE))
def dismiss_recovery(request: HttpRequest, id: Id, objective_id: Id) -> Status[None]:
    """Dismiss a recovery draft left behind when its cycle closed (editors): it stays in
    that cycle and no longer counts as the KPI's recovery. An open one is refused (422)."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    recovery = access_recovery_by_id(person, kpi, objective_id, for_write=True)
    services.dismiss_recovery(actor=person, recovery=recovery)
    return Status(204, None)


@router.post("/key-results/{id}/promote", response=responses({201: KpiOut}, CREATE))
def promote_key_result(request: HttpRequest, id: Id, payload: PromoteIn) -> Status[KpiOut]:
    """Turn a key result into a KPI (editors): same unit, direction and target, its start
    value and check-ins as the KPI's first values; the key result then reads the KPI.
    Refused (422) for a milestone and for a key result that already reads a KPI."""
    person = caller(request)
    key_result = access_key_result_by_id(person, id, for_write=True)
    kpi = services.promote_key_result(
        actor=person,
        key_result=key_result,
        frequency=payload.frequency.value,
        aggregation=payload.aggregation.value,
    )
    return Status(201, one_kpi(person, kpi.pk, person.workspace.clock()))


@router.post("/key-results/{id}/hand-down", response=responses({201: KpiOut}, CREATE))
def hand_down_key_result(request: HttpRequest, id: Id, payload: HandDownIn) -> Status[KpiOut]:
    """Hand a key result down as a KPI of another team (editors), owned by `owner` or else
    the team's lead: same unit, direction and target, its start value and check-ins as the
    KPI's first values; the key result then reads the KPI, which names it as its origin.
    Refused (422) for a milestone, a key result that already reads a KPI, its own team, and
    a team without a lead when no owner is given."""
    person = caller(request)
    key_result = access_key_result_by_id(person, id, for_write=True)
    team = referenced("team", lambda: access_team_by_id(person, payload.team))
    owner_id = payload.owner
    owner = (
        referenced("owner", lambda: access_person_by_id(person, owner_id))
        if owner_id is not None
        else None
    )
    kpi = services.hand_down_key_result(
        actor=person,
        key_result=key_result,
        team=team,
        owner=owner,
        frequency=payload.frequency.value,
        aggregation=payload.aggregation.value,
    )
    return Status(201, one_kpi(person, kpi.pk, person.workspace.clock()))


@router.post("/key-results/{id}/follow-shape", response=responses({200: KeyResultOut}, UPDATE))
def follow_kpi_shape(request: HttpRequest, id: Id) -> KeyResultOut:
    """Give a key result the phased targets of last year's shape of the KPI it reads
    (editors): each month's end moves the same share of the way from start to target as the
    KPI had a year earlier. Refused (422, `phases`) without a KPI, a start value, a value for
    each of those days, or any change of the KPI over them (docs/signals.md)."""
    person = caller(request)
    key_result = access_key_result_by_id(person, id, for_write=True)
    services.follow_kpi_shape(actor=person, key_result=key_result)
    return key_result_response(person, key_result.pk)
