"""Split a key result's target across people or teams (docs/cascade.md, "Splitting a target").

One call creates, for each share, a key result that contributes to the source (in a new
draft objective aligned to the source, or in an objective the user chose), with its share of
the target and of the start; the source then adds its contributors up. Every row is written
by the okrs services (their audit entries and events), plus one `key_result.split` entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Membership, Person, Team
from goalkeeper.audit.services import record
from goalkeeper.domain.apportion import SplitMethod, split_amounts, split_start
from goalkeeper.domain.errors import DomainValidationError
from goalkeeper.domain.key_results import METRIC_KINDS, KeyResultKind
from goalkeeper.okrs.models import KeyResult, Objective, ObjectiveState, Rollup
from goalkeeper.okrs.services.alignments import set_alignments
from goalkeeper.okrs.services.check_ins import lock_key_result
from goalkeeper.okrs.services.common import ensure_cycle_open
from goalkeeper.okrs.services.key_results import create_key_result, update_key_result
from goalkeeper.okrs.services.objectives import create_objective
from goalkeeper.validation import raise_field_errors

TITLE_MAX = 200


@dataclass(frozen=True)
class Share:
    """One part of a split: who carries it (a person, a team, or a person in a team), how big
    it is (an amount or a weight, by the method) and, optionally, the objective to put its
    key result in (else a new draft objective is made)."""

    person: Person | None = None
    team: Team | None = None
    amount: float | None = None
    weight: float | None = None
    objective: Objective | None = None


def share_field(index: int, name: str) -> str:
    """The field an error about one share is filed under: `shares.0.person`."""
    return f"shares.{index}.{name}"


def _share_errors(key_result: KeyResult, method: str, shares: Sequence[Share]) -> dict[str, str]:
    errors: dict[str, str] = {}
    workspace_id = key_result.workspace_id
    cycle_id = key_result.objective.cycle_id
    people: set[int] = set()
    teams: set[int] = set()
    for index, share in enumerate(shares):
        if share.person is None and share.team is None:
            errors[share_field(index, "person")] = gettext_noop("choose a person or a team")
        if share.person is not None:
            if share.person.workspace_id != workspace_id:
                errors[share_field(index, "person")] = gettext_noop(
                    "must belong to the same workspace"
                )
            elif share.person.pk in people:
                errors[share_field(index, "person")] = f"{share.person.name} already has a share"
            people.add(share.person.pk)
        if share.team is not None:
            if share.team.workspace_id != workspace_id:
                errors[share_field(index, "team")] = gettext_noop(
                    "must belong to the same workspace"
                )
            elif share.person is None and share.team.pk in teams:
                errors[share_field(index, "team")] = f"{share.team.name} already has a share"
            if share.person is None:
                teams.add(share.team.pk)
        if method == SplitMethod.WEIGHT and share.weight is None:
            errors[share_field(index, "weight")] = gettext_noop("give a weight")
        if method == SplitMethod.AMOUNTS and share.amount is None:
            errors[share_field(index, "amount")] = gettext_noop("give an amount")
        objective = share.objective
        if objective is not None:
            if objective.workspace_id != workspace_id or objective.cycle_id != cycle_id:
                errors[share_field(index, "objective")] = gettext_noop(
                    "must be an objective of the same cycle"
                )
            elif objective.pk == key_result.objective_id:
                errors[share_field(index, "objective")] = (
                    "this is the key result's own objective: choose another"
                )
            elif objective.state == ObjectiveState.CLOSED:
                errors[share_field(index, "objective")] = gettext_noop("this objective is closed")
    return errors


def _check_source(key_result: KeyResult) -> None:
    ensure_cycle_open(key_result.objective.cycle)
    if key_result.kind not in METRIC_KINDS:
        kind = KeyResultKind(key_result.kind).value
        raise ValidationError(
            {
                "key_result": f"a {kind} key result has no amount to split: "
                "only one that increases or decreases a number can be split"
            }
        )
    if key_result.target is None or key_result.start is None:
        raise ValidationError(
            {"target": gettext_noop("the key result needs a start and a target to split")}
        )


def _amounts(key_result: KeyResult, method: str, shares: Sequence[Share]) -> list[float]:
    assert key_result.target is not None  # checked by _check_source
    try:
        return split_amounts(
            key_result.target,
            method,
            len(shares),
            weights=[share.weight or 0.0 for share in shares],
            amounts=[share.amount or 0.0 for share in shares],
        )
    except DomainValidationError as error:
        raise_field_errors(error.errors)
        raise


def _first_team(person: Person) -> Team | None:
    membership = (
        Membership.objects.filter(person=person, team__archived_at__isnull=True)
        .select_related("team")
        .order_by("-is_lead", "team__name", "team_id")
        .first()
    )
    return membership.team if membership is not None else None


def _team_lead(team: Team) -> Person | None:
    lead = (
        Membership.objects.filter(team=team, is_lead=True, person__is_active=True)
        .select_related("person")
        .order_by("person__name", "person_id")
        .first()
    )
    return lead.person if lead is not None else None


def _new_objective(*, actor: Person | None, key_result: KeyResult, share: Share) -> Objective:
    source = key_result.objective
    team = share.team or (share.person and _first_team(share.person)) or source.team
    owner = share.person or _team_lead(team) or actor
    objective = create_objective(
        actor=actor,
        cycle=source.cycle,
        team=team,
        owner=owner,
        title=f"Contribute to: {key_result.title}"[:TITLE_MAX],
        description=f"A share of “{key_result.title}” ({source.title}).",
        kind=source.kind,
        state=ObjectiveState.DRAFT,
    )
    set_alignments(actor=actor, objective=objective, parents=[key_result])
    return objective


def _carrier(share: Share) -> str:
    if share.person is not None:
        return share.person.name
    assert share.team is not None  # refused otherwise
    return share.team.name


@transaction.atomic
def split_target(
    *,
    actor: Person | None,
    key_result: KeyResult,
    method: str,
    shares: Sequence[Share],
    roll_up: bool = True,
) -> list[KeyResult]:
    """Split a key result's target across `shares`; returns the key results made, in order.

    Each contributes to the source and gets its share of the target and of the start (same
    proportions). With `roll_up`, the source then adds up its contributors (`rollup="sum"`),
    unless it reads a KPI: then the contributions are only listed. Refused with the field
    named: no shares, a person twice, a key result that is not a metric one, a closed cycle,
    amounts that do not add up, a share without its person, weight or amount.
    """
    _check_source(key_result)
    if not shares:
        raise ValidationError({"shares": gettext_noop("add at least one share")})
    if method not in SplitMethod._value2member_map_:
        raise ValidationError(
            {"method": f"must be one of {', '.join(m.value for m in SplitMethod)}"}
        )
    errors = _share_errors(key_result, method, shares)
    if errors:
        raise ValidationError(errors)
    lock_key_result(key_result)
    targets = _amounts(key_result, method, shares)
    assert key_result.start is not None  # checked by _check_source
    starts = split_start(key_result.start, targets)
    created: list[KeyResult] = []
    for index, (share, start, target) in enumerate(zip(shares, starts, targets, strict=True)):
        objective = share.objective or _new_objective(
            actor=actor, key_result=key_result, share=share
        )
        try:
            created.append(
                create_key_result(
                    actor=actor,
                    objective=objective,
                    title=f"{key_result.title}: {_carrier(share)}'s share"[:TITLE_MAX],
                    kind=key_result.kind,
                    unit=key_result.unit,
                    owner=share.person or objective.owner,
                    start=start,
                    target=target,
                    contributes_to=key_result,
                )
            )
        except ValidationError as error:
            # Name the share: "shares.2.amount: target must differ from start".
            field = "weight" if method == SplitMethod.WEIGHT else "amount"
            raise ValidationError(
                {share_field(index, field): [m for ms in error.message_dict.values() for m in ms]}
            ) from error
    reads_kpi = key_result.kpi_id is not None or bool(key_result.kpi_formula)
    if roll_up and not reads_kpi and key_result.rollup == Rollup.NONE:
        update_key_result(actor=actor, key_result=key_result, rollup=Rollup.SUM)
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.split",
        obj=key_result,
        changes={
            "method": [None, method],
            "key_results": [None, [made.pk for made in created]],
            "targets": [None, targets],
        },
    )
    return created
