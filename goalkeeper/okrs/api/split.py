"""REST endpoint to split a key result's target across people or teams."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Schema, Status

from goalkeeper.accounts.clock import Clock
from goalkeeper.api.auth import caller
from goalkeeper.api.errors import CREATE, responses
from goalkeeper.api.schemas import Flag, Id, Input, Number, Ref
from goalkeeper.okrs import services
from goalkeeper.okrs.access import access_key_result_by_id
from goalkeeper.okrs.api import router
from goalkeeper.okrs.api.key_results import key_result_out
from goalkeeper.okrs.api.schemas import KeyResultOut
from goalkeeper.okrs.figures import key_result_figures
from goalkeeper.okrs.models import KeyResult
from goalkeeper.okrs.split_input import ShareIds, resolve_shares


class ShareIn(Input):
    person: Ref | None = Field(None, description="a person id: who carries the share")
    team: Ref | None = Field(
        None, description="a team id: the team of the share's objective (or who carries it)"
    )
    amount: Number | None = Field(None, description="method `amounts`: the share's target")
    weight: Number | None = Field(None, description="method `weight`: its weight (0 or more)")
    objective: Ref | None = Field(
        None, description="an objective of the same cycle to hold it; omitted: a new draft"
    )


class SplitIn(Input):
    method: Literal["equal", "weight", "amounts"] = Field(
        description="equal shares, shares by weight, or typed amounts that add up to the target"
    )
    shares: list[ShareIn] = Field(max_length=200)
    roll_up: Flag = Field(
        True, description="the source then adds up its contributors (unless it reads a KPI)"
    )


class SplitOut(Schema):
    key_result: int = Field(description="the key result whose target was split")
    key_results: list[KeyResultOut] = Field(description="the contributions made, in order")


def share_ids(payload: list[ShareIn]) -> list[ShareIds]:
    return [ShareIds(**row.model_dump()) for row in payload]


def split_out(source: KeyResult, made: list[KeyResult], clock: Clock) -> SplitOut:
    cycle = source.objective.cycle
    return SplitOut(
        key_result=source.pk,
        key_results=[key_result_out(kr, key_result_figures(kr, cycle, clock)) for kr in made],
    )


@router.post(
    "/key-results/{id}/split",
    response=responses({201: SplitOut}, CREATE),
    tags=["key results"],
)
def split_key_result(request: HttpRequest, id: Id, payload: SplitIn) -> Status[SplitOut]:
    """Split the key result's target across people or teams (editors): each share gets a key
    result contributing to it (in a new draft objective aligned to it, or in the objective
    given), with its share of the target and start. Refused (422, the field named): no
    shares, a person twice, a milestone or maintain key result, a closed cycle, amounts
    that do not add up (the error says by how much)."""
    person = caller(request)
    key_result = access_key_result_by_id(person, id, for_write=True)
    made = services.split_target(
        actor=person,
        key_result=key_result,
        method=payload.method,
        shares=resolve_shares(person, share_ids(payload.shares)),
        roll_up=payload.roll_up,
    )
    return Status(201, split_out(key_result, made, person.workspace.clock()))
