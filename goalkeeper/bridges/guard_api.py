"""REST endpoints of guardrails and driver links (docs/api.md "Guardrails", "Driver links").

- `GET /objectives/{id}/guardrails`, `POST /objectives/{id}/guardrails` `{"kpi", "note"}`,
  `DELETE /objectives/{id}/guardrails/{kpi_id}`: the objective's owner or an editor writes.
- `GET /kpis/{id}/drivers`: the links driving the KPI and those it drives, with their
  correlation; `POST /kpis/{id}/drivers` `{"kpi" | "key_result", "note"}` (this KPI drives
  that one), `DELETE /kpis/{id}/drivers/{link_id}`: editors write.

Same error shape as every endpoint (`goalkeeper.api.errors`).
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from goalkeeper.accounts.access import require_editor
from goalkeeper.api.auth import caller
from goalkeeper.api.common import referenced
from goalkeeper.api.errors import CREATE, DELETE, READ_ONE, responses
from goalkeeper.api.schemas import Id, Input, Ref
from goalkeeper.bridges import services
from goalkeeper.bridges.access import access_driver_link_by_id, access_guardrail_by_kpi
from goalkeeper.bridges.driver_queries import Correlation, correlations, driver_links_of
from goalkeeper.bridges.guardrail_queries import GuardrailRow, objective_guardrails
from goalkeeper.bridges.models import NOTE_MAX, DriverLink
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.okrs.access import access_key_result_by_id, access_objective_by_id

router = Router(tags=["Guardrails and drivers"])


class GuardrailOut(Schema):
    kpi: int
    name: str = Field(description="the KPI's name")
    health: Literal["green", "yellow", "red", "stale", "no_data"]
    signal: str | None = Field(description="the rule of the KPI's latest signal, or null")
    note: str
    tripped: Literal["red", "signal"] | None = Field(
        description="why this guardrail flags the objective (red wins), or null while it holds"
    )


class GuardrailsOut(Schema):
    objective: int
    flagged: bool = Field(description="a guardrail is red or signals")
    guardrails: list[GuardrailOut]


class GuardrailIn(Input):
    kpi: Ref = Field(description="the KPI that must stay healthy")
    note: str = Field("", max_length=NOTE_MAX, description="why it guards")


def _guardrail_out(row: GuardrailRow) -> GuardrailOut:
    return GuardrailOut(
        kpi=row.kpi_id,
        name=row.name,
        health=row.health,  # type: ignore[arg-type]
        signal=row.signal or None,
        note=row.note,
        tripped=row.reason or None,  # type: ignore[arg-type]
    )


def _guardrails(request: HttpRequest, objective_id: int) -> GuardrailsOut:
    person = caller(request)
    objective = access_objective_by_id(person, objective_id)
    found = objective_guardrails(objective.pk, objective.owner_id, objective.state, person)
    return GuardrailsOut(
        objective=objective.pk,
        flagged=bool(found.flags),
        guardrails=[_guardrail_out(row) for row in found.rows],
    )


@router.get("/objectives/{id}/guardrails", response=responses({200: GuardrailsOut}, READ_ONE))
def list_guardrails(request: HttpRequest, id: Id) -> GuardrailsOut:
    """The objective's guardrail KPIs, each with its health and signal, and whether one of
    them flags the objective (red or signalling)."""
    return _guardrails(request, id)


@router.post("/objectives/{id}/guardrails", response=responses({201: GuardrailsOut}, CREATE))
def add_guardrail(request: HttpRequest, id: Id, payload: GuardrailIn) -> Status[GuardrailsOut]:
    """Let a KPI guard the objective (its owner or an editor). Refused (422) for a closed
    objective, an archived KPI and a KPI that guards it already."""
    person = caller(request)
    objective = access_objective_by_id(person, id)
    services.require_guard(person, objective)
    kpi = referenced("kpi", lambda: access_kpi_by_id(person, payload.kpi))
    services.add_guardrail(actor=person, objective=objective, kpi=kpi, note=payload.note)
    return Status(201, _guardrails(request, id))


@router.delete("/objectives/{id}/guardrails/{kpi_id}", response=responses({204: None}, DELETE))
def remove_guardrail(request: HttpRequest, id: Id, kpi_id: Id) -> Status[None]:
    """The KPI no longer guards the objective (its owner or an editor)."""
    person = caller(request)
    objective = access_objective_by_id(person, id)
    guardrail = access_guardrail_by_kpi(person, objective, kpi_id)
    services.remove_guardrail(actor=person, guardrail=guardrail)
    return Status(204, None)


class CorrelationOut(Schema):
    r: float | None = Field(description="Pearson's r at the best lag; null: too little history")
    lag: int | None = Field(description="the best lag, in periods of `frequency`")
    periods: int | None = Field(description="how many periods the two series share at that lag")
    frequency: str = Field(description="the periods both series are read on")


class DriverLinkOut(Schema):
    id: int
    leading: int = Field(description="the KPI that drives")
    lagging_kpi: int | None = Field(description="the KPI driven, or null")
    lagging_key_result: int | None = Field(description="the key result driven, or null")
    note: str
    correlation: CorrelationOut = Field(description="correlation, not causation")


class DriversOut(Schema):
    kpi: int
    drivers: list[DriverLinkOut] = Field(description="links whose lagging end is this KPI")
    driven: list[DriverLinkOut] = Field(description="links this KPI leads")


class DriverLinkIn(Input):
    kpi: Ref | None = Field(None, description="the KPI this one drives")
    key_result: Ref | None = Field(None, description="or the key result this one drives")
    note: str = Field("", max_length=NOTE_MAX)


def _link_out(link: DriverLink, correlation: Correlation) -> DriverLinkOut:
    best = correlation.best
    return DriverLinkOut(
        id=link.pk,
        leading=link.leading_id,
        lagging_kpi=link.lagging_kpi_id,
        lagging_key_result=link.lagging_key_result_id,
        note=link.note,
        correlation=CorrelationOut(
            r=round(best.r, 4) if best else None,
            lag=best.lag if best else None,
            periods=best.count if best else None,
            frequency=correlation.frequency.value,
        ),
    )


def _drivers(request: HttpRequest, kpi_id: int) -> DriversOut:
    person = caller(request)
    kpi = access_kpi_by_id(person, kpi_id)
    kpi.workspace = person.workspace
    drivers, driven = driver_links_of(kpi)
    found = correlations([*drivers, *driven], person.workspace, timezone.now())
    return DriversOut(
        kpi=kpi.pk,
        drivers=[_link_out(link, found[link.pk]) for link in drivers],
        driven=[_link_out(link, found[link.pk]) for link in driven],
    )


@router.get("/kpis/{id}/drivers", response=responses({200: DriversOut}, READ_ONE))
def list_drivers(request: HttpRequest, id: Id) -> DriversOut:
    """The KPIs driving this KPI and the KPIs and key results it drives, each with the
    correlation over the shared history at its best lag: correlation, not causation."""
    return _drivers(request, id)


@router.post("/kpis/{id}/drivers", response=responses({201: DriverLinkOut}, CREATE))
def add_driver(request: HttpRequest, id: Id, payload: DriverLinkIn) -> Status[DriverLinkOut]:
    """Declare that this KPI drives `kpi` or `key_result` (editors; exactly one of them).
    Refused (422) for the KPI itself, a milestone, a key result reading this KPI, a link
    that exists already or runs the other way."""
    person = caller(request)
    leading = access_kpi_by_id(person, id, for_write=True)
    leading.workspace = person.workspace
    lagging_id, key_result_id = payload.kpi, payload.key_result
    lagging = (
        referenced("kpi", lambda: access_kpi_by_id(person, lagging_id))
        if lagging_id is not None
        else None
    )
    key_result = (
        referenced("key_result", lambda: access_key_result_by_id(person, key_result_id))
        if key_result_id is not None
        else None
    )
    link = services.add_driver_link(
        actor=person, leading=leading, kpi=lagging, key_result=key_result, note=payload.note
    )
    found = correlations([link], person.workspace, timezone.now())
    return Status(201, _link_out(link, found[link.pk]))


@router.delete("/kpis/{id}/drivers/{link_id}", response=responses({204: None}, DELETE))
def remove_driver(request: HttpRequest, id: Id, link_id: Id) -> Status[None]:
    """Forget a driver link that starts or ends at this KPI (editors)."""
    person = caller(request)
    require_editor(person)
    kpi = access_kpi_by_id(person, id)
    link = access_driver_link_by_id(person, kpi, link_id)
    services.remove_driver_link(actor=person, link=link)
    return Status(204, None)
