"""Carry over: the unfinished objectives of a closed cycle continue in the next one.

Every copy is made by `create_objective` and `create_key_result`, so each emits its own
`objective.created` and `key_result.created` (and a copy linked to a KPI reads it at once).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.domain.key_results import KeyResultKind, validate_key_result
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective, ObjectiveState
from goalkeeper.okrs.services.key_results import create_key_result
from goalkeeper.okrs.services.objectives import create_objective


def is_unfinished(objective: Objective) -> bool:
    """Whether "carry over" takes the objective on: a draft, or closed short of 1.0."""
    if objective.state == ObjectiveState.DRAFT:
        return True
    return objective.final_score is None or objective.final_score < 1.0


def carry_over_candidates(source: Cycle, target: Cycle | None = None) -> list[Objective]:
    """The unfinished objectives of `source`, oldest first, with their key results loaded.

    Objectives already carried into `target` are left out, so carrying twice does not copy
    twice.
    """
    objectives = (
        Objective.objects.filter(cycle=source)
        .select_related("team", "owner", "parent")
        .prefetch_related("key_results")
        .order_by("id")
    )
    if target is not None:
        objectives = objectives.exclude(carried_to__cycle=target)
    return [objective for objective in objectives if is_unfinished(objective)]


def carried_key_result_fields(key_result: KeyResult) -> dict[str, Any]:
    """How a key result starts in the next cycle: from the value it reached, same target.

    A metric key result starts at its current value; its zones are kept while they still
    lie between the new start and the target, else dropped (a start past the commit value
    leaves no commit zone). One that already met its target keeps its start and carries its
    reached value, so it stays met. Maintain key results keep their band and value;
    milestones keep their done flag (not done stays not done).
    """
    fields: dict[str, Any] = {
        "title": key_result.title,
        "owner": key_result.owner,
        "kind": key_result.kind,
        "unit": key_result.unit,
        "weight": key_result.weight,
        "kpi": key_result.kpi,
        "kpi_mode": key_result.kpi_mode,
        "position": key_result.position,
    }
    kind = KeyResultKind(key_result.kind)
    if kind is KeyResultKind.MILESTONE:
        return {**fields, "done": key_result.done}
    if kind is KeyResultKind.MAINTAIN:
        return {
            **fields,
            "low": key_result.low,
            "high": key_result.high,
            "current": key_result.current,
        }
    spec = key_result.spec
    reached = key_result.current
    if reached is not None and math.isfinite(reached):
        for candidate in (
            replace(spec, start=reached),
            replace(spec, start=reached, commit=None, stretch=None),
        ):
            if not validate_key_result(candidate):
                spec = candidate
                break
    return {
        **fields,
        "start": spec.start,
        "target": spec.target,
        "commit": spec.commit,
        "stretch": spec.stretch,
        "current": reached if reached is not None else spec.start,
    }


@transaction.atomic
def carry_over(
    *,
    actor: Person | None,
    source: Cycle,
    target: Cycle,
    objective_ids: Collection[int] | None = None,
) -> list[Objective]:
    """Copy the unfinished objectives of a closed cycle into the next one.

    Each copy keeps its title, team, owner, kind and key results (see
    `carried_key_result_fields`) and remembers the objective it continues. A parent carried
    along is replaced by its copy; a parent from another cycle (a yearly objective) is kept;
    a parent left behind in the closed cycle is dropped. `objective_ids` narrows the copy to
    some of the unfinished objectives. Every copy is audited.
    """
    if target.workspace_id != source.workspace_id:
        raise ValidationError({"target": gettext_noop("must belong to the same workspace")})
    if target.pk == source.pk:
        raise ValidationError(
            {"target": gettext_noop("choose another cycle than the one carried from")}
        )
    if target.state == CycleState.CLOSED:
        raise ValidationError(
            {"target": gettext_noop("the cycle is closed: choose a cycle in planning or active")}
        )
    if source.state != CycleState.CLOSED:
        raise ValidationError(
            {"cycle": gettext_noop("close the cycle before carrying its objectives over")}
        )
    candidates = carry_over_candidates(source, target)
    if objective_ids is not None:
        wanted = set(objective_ids)
        unknown = wanted - {objective.pk for objective in candidates}
        if unknown:
            raise ValidationError(
                {"objectives": f"not unfinished objectives of {source.name}: {sorted(unknown)}"}
            )
        candidates = [objective for objective in candidates if objective.pk in wanted]
    in_source = set(Objective.objects.filter(cycle=source).values_list("pk", flat=True))
    copies: dict[int, Objective] = {}
    for objective in _parents_first(candidates):
        parent = objective.parent
        if objective.parent_id in copies:
            parent = copies[objective.parent_id]
        elif objective.parent_id in in_source:
            parent = None
        copy = create_objective(
            actor=actor,
            cycle=target,
            team=objective.team,
            title=objective.title,
            owner=objective.owner,
            description=objective.description,
            kind=objective.kind,
            parent=parent,
            state=ObjectiveState.DRAFT
            if objective.state == ObjectiveState.DRAFT
            else ObjectiveState.ACTIVE,
            roll_up_children=objective.roll_up_children,
            carried_from=objective,
        )
        for key_result in objective.key_results.all():
            fields = carried_key_result_fields(key_result)
            create_key_result(
                actor=actor,
                objective=copy,
                title=fields.pop("title"),
                kind=fields.pop("kind"),
                **fields,
            )
        record(
            workspace=target.workspace,
            actor=actor,
            action="objective.carried_over",
            obj=copy,
            changes={
                "from": [None, f"{source.name}: {objective.title} (#{objective.pk})"],
                "final_score": [None, objective.final_score],
            },
        )
        copies[objective.pk] = copy
    record(
        workspace=source.workspace,
        actor=actor,
        action="cycle.carried_over",
        obj=source,
        changes={"target": [None, target.name], "objectives": [None, len(copies)]},
    )
    return list(copies.values())


def _parents_first(objectives: Sequence[Objective]) -> list[Objective]:
    """`objectives` ordered so that a parent comes before its children (when both are in)."""
    by_id = {objective.pk: objective for objective in objectives}
    ordered: list[Objective] = []
    placed: set[int] = set()

    def place(objective: Objective, seen: frozenset[int]) -> None:
        if objective.pk in placed:
            return
        parent = by_id.get(objective.parent_id) if objective.parent_id else None
        if parent is not None and parent.pk not in seen:
            place(parent, seen | {objective.pk})
        placed.add(objective.pk)
        ordered.append(objective)

    for objective in objectives:
        place(objective, frozenset())
    return ordered
