"""One write for an objective and all its key results, as the objective page's writer sends
them (docs/okrs.md, "Writing an objective").

It composes the single writes (`create_objective`, `update_objective`, `create_key_result`,
`update_key_result`, `delete_key_result`) in one transaction: each leaves its own audit entry
and events, and a refusal anywhere leaves nothing at all. A refused key result is reported
under `key_results.<index>.<field>`, its index counted from 0 in the order given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from goalkeeper.accounts.models import Person
from goalkeeper.okrs.models import Cycle, KeyResult, Objective
from goalkeeper.okrs.services.key_results import (
    KEY_RESULT_FIELDS,
    create_key_result,
    delete_key_result,
    update_key_result,
)
from goalkeeper.okrs.services.objectives import create_objective, update_objective

# Fields that point at a row: compared by id, so that an unchanged key result costs no query.
_REFERENCES = ("owner", "kpi", "contributes_to")


@dataclass(frozen=True)
class KeyResultPlan:
    """One key result as it should be: a saved one to change, or a new one (`None`)."""

    key_result: KeyResult | None
    fields: Mapping[str, Any] = field(default_factory=dict)


def row_key(index: int, name: str) -> str:
    """The error key of field `name` of the key result at `index` (from 0)."""
    return f"key_results.{index}.{name}"


@transaction.atomic
def write_objective(
    *,
    actor: Person | None,
    objective: Objective | None = None,
    cycle: Cycle | None = None,
    parents: Sequence[Objective | KeyResult] | None = None,
    fields: Mapping[str, Any],
    key_results: Sequence[KeyResultPlan] | None,
) -> Objective:
    """Create (`objective=None`, in `cycle`) or change an objective with its key results.

    `key_results` is the whole list, in display order: saved key results of the objective
    left out of it are deleted, the others changed where their fields differ, the new ones
    created. A key result given that belongs to another objective is refused. `None`
    leaves the key results as they are.
    """
    values = dict(fields)
    if objective is None:
        if cycle is None:
            raise ValidationError({"cycle": "choose a cycle in planning or active"})
        objective = create_objective(
            actor=actor,
            cycle=cycle,
            team=values.pop("team"),
            title=values.pop("title"),
            parents=parents,
            **values,
        )
        saved: dict[int, KeyResult] = {}
    else:
        objective = update_objective(actor=actor, objective=objective, parents=parents, **values)
        saved = {kr.pk: kr for kr in objective.key_results.all()}
    if key_results is None:
        return objective
    kept = {plan.key_result.pk for plan in key_results if plan.key_result is not None}
    for index, plan in enumerate(key_results):
        if plan.key_result is not None and plan.key_result.pk not in saved:
            raise ValidationError({row_key(index, "title"): "not a key result of this objective"})
    for pk, key_result in saved.items():
        if pk not in kept:
            delete_key_result(actor=actor, key_result=key_result)
    for index, plan in enumerate(key_results):
        try:
            _write_key_result(actor, objective, index, plan)
        except ValidationError as error:
            raise _on_row(index, error) from error
    return objective


def _write_key_result(
    actor: Person | None, objective: Objective, index: int, plan: KeyResultPlan
) -> None:
    values = {**plan.fields, "position": index}
    if plan.key_result is None:
        create_key_result(
            actor=actor,
            objective=objective,
            title=values.pop("title"),
            kind=values.pop("kind"),
            **values,
        )
        return
    changes = {
        name: value
        for name, value in values.items()
        if name in KEY_RESULT_FIELDS and _differs(plan.key_result, name, value)
    }
    if changes:
        update_key_result(actor=actor, key_result=plan.key_result, **changes)


def _differs(key_result: KeyResult, name: str, value: Any) -> bool:
    if name in _REFERENCES:
        saved_id: int | None = getattr(key_result, f"{name}_id")
        return saved_id != (value.pk if value is not None else None)
    current: Any = getattr(key_result, name)
    return bool(current != value)


def _on_row(index: int, error: ValidationError) -> ValidationError:
    """A key result's refusal, keyed by its row."""
    if not hasattr(error, "error_dict"):
        return ValidationError({row_key(index, "__all__"): error.messages})
    return ValidationError(
        {row_key(index, name): messages for name, messages in error.message_dict.items()}
    )
