"""REST endpoint to split a KPI's target across people or teams, in a cycle."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Status

from goalkeeper.api.auth import caller
from goalkeeper.api.common import referenced
from goalkeeper.api.errors import CREATE, responses
from goalkeeper.api.schemas import Id, Input, Ref
from goalkeeper.bridges.services import split_kpi_target
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.okrs.access import access_cycle_by_id, access_key_result_by_id
from goalkeeper.okrs.api.split import ShareIn, SplitOut, share_ids, split_out
from goalkeeper.okrs.split_input import resolve_shares

router = Router(tags=["Bridges"])


class KpiSplitIn(Input):
    cycle: Ref = Field(description="the cycle the shares live in")
    method: Literal["equal", "weight", "amounts"]
    shares: list[ShareIn] = Field(max_length=200)
    key_result: Ref | None = Field(
        None,
        description="a key result of the cycle that reads the KPI, to split; omitted: a new "
        "draft objective with a key result reading the KPI carries the split",
    )


@router.post("/kpis/{id}/split", response=responses({201: SplitOut}, CREATE))
def split_kpi(request: HttpRequest, id: Id, payload: KpiSplitIn) -> Status[SplitOut]:
    """Split a KPI's target across people or teams in a cycle (editors): on the key result
    given, or on a new draft objective's key result reading the KPI (start: its latest
    value). The shares contribute to it; they are listed, not rolled up (it reads the KPI).
    Refused (422, the field named) as the key result's split is, and for a KPI with a
    range or no value yet."""
    person = caller(request)
    kpi = access_kpi_by_id(person, id, for_write=True)
    cycle = referenced("cycle", lambda: access_cycle_by_id(person, payload.cycle))
    key_result_id = payload.key_result
    carrier = (
        None
        if key_result_id is None
        else referenced("key_result", lambda: access_key_result_by_id(person, key_result_id))
    )
    made = split_kpi_target(
        actor=person,
        kpi=kpi,
        cycle=cycle,
        method=payload.method,
        shares=resolve_shares(person, share_ids(payload.shares)),
        key_result=carrier,
    )
    source = made[0].contributes_to
    assert source is not None  # every share contributes to the carrier
    return Status(201, split_out(source, made, person.workspace.clock()))
