"""Writes for cycles: create, change, delete, and the lifecycle planning -> active -> closed.

The close page, `POST /cycles/{id}/close` and `PATCH /cycles/{id} {"state": "closed"}` all
close through `close_cycle`; the activate button, `POST /cycles/{id}/activate` and
`PATCH {"state": "active"}` through `activate_cycle`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, Workspace
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.okrs.figures import objective_figures, ordered_key_results
from goalkeeper.okrs.models import Cycle, CycleState, Objective, ObjectiveState
from goalkeeper.okrs.services.common import ensure_cycle_open
from goalkeeper.okrs.services.objectives import close_objective

CYCLE_FIELDS = ("name", "start_date", "end_date")


@transaction.atomic
def create_cycle(
    *,
    actor: Person | None,
    workspace: Workspace,
    name: str,
    start_date: dt.date,
    end_date: dt.date,
    state: str = CycleState.PLANNING,
) -> Cycle:
    """Create a cycle; refuses one that ends before it starts."""
    cycle = Cycle(
        workspace=workspace,
        name=name.strip(),
        start_date=start_date,
        end_date=end_date,
        state=state,
    )
    cycle.full_clean()
    cycle.save()
    record(
        workspace=workspace,
        actor=actor,
        action="cycle.created",
        obj=cycle,
        changes=snapshot(cycle, ["name", "start_date", "end_date", "state"]),
    )
    return cycle


@transaction.atomic
def update_cycle(
    *,
    actor: Person | None,
    cycle: Cycle,
    state: str | None = None,
    closings: Sequence[Closing] | None = None,
    confirm_overlap: bool = False,
    **changes: Any,
) -> Cycle:
    """Rename a cycle or move its dates; `state` moves it on, all in one transaction.

    `state="active"` activates a cycle in planning (`activate_cycle`, which asks
    `confirm_overlap` when another active cycle overlaps it); `state="closed"`
    closes it (`close_cycle`) with `closings`, every objective left out taking its current
    score. A cycle never goes back to planning.
    """
    ensure_cycle_open(cycle)
    unknown = [name for name in changes if name not in CYCLE_FIELDS]
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext_noop("cannot be changed here")))
    if closings is not None and state != CycleState.CLOSED:
        raise ValidationError(
            {"closings": gettext_noop("only when closing the cycle: send state 'closed'")}
        )
    if state not in (None, cycle.state, CycleState.ACTIVE, CycleState.CLOSED):
        raise ValidationError(
            {"state": gettext_noop("a cycle goes from planning to active to closed only")}
        )
    if changes:
        before = snapshot(cycle, CYCLE_FIELDS)
        for name, value in changes.items():
            setattr(cycle, name, value.strip() if isinstance(value, str) else value)
        cycle.full_clean()
        cycle.save()
        record(
            workspace=cycle.workspace,
            actor=actor,
            action="cycle.updated",
            obj=cycle,
            changes=diff(before, cycle),
        )
    if state == CycleState.ACTIVE and cycle.state != CycleState.ACTIVE:
        return activate_cycle(actor=actor, cycle=cycle, confirm_overlap=confirm_overlap)
    if state == CycleState.CLOSED:
        return close_cycle(actor=actor, cycle=cycle, closings=closings or [], fill_in=True)
    return cycle


@transaction.atomic
def delete_cycle(*, actor: Person | None, cycle: Cycle) -> None:
    """Delete a cycle; one that still holds objectives is protected (ProtectedError)."""
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="cycle.deleted",
        obj=cycle,
        changes={"name": [cycle.name, None]},
    )
    cycle.delete()


class CycleOverlapError(ValidationError):
    """Activating `cycle` would make it active beside the `overlapping` active cycles."""

    def __init__(self, cycle: Cycle, overlapping: Sequence[Cycle]) -> None:
        self.cycle = cycle
        self.overlapping = tuple(overlapping)
        names = ", ".join(
            f"{other.name} ({_day(other.start_date)} - {_day(other.end_date)})"
            for other in self.overlapping
        )
        super().__init__(
            {
                "state": (
                    f"its dates overlap the active cycle{'s' if len(overlapping) > 1 else ''} "
                    f"{names}: confirm to have both active"
                )
            }
        )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


@transaction.atomic
def activate_cycle(*, actor: Person | None, cycle: Cycle, confirm_overlap: bool = False) -> Cycle:
    """Start a cycle that is in planning: its objectives are now being worked on.

    Several cycles may be active at once, but never by accident: when the cycle's dates
    overlap another active cycle, it is refused (`CycleOverlapError`, naming the other cycles)
    unless `confirm_overlap` says the person saw them (docs/okrs-cycles.md).
    """
    ensure_cycle_open(cycle)
    if cycle.state != CycleState.PLANNING:
        raise ValidationError({"state": gettext_noop("only a cycle in planning can be activated")})
    overlapping = list(
        Cycle.objects.filter(
            workspace_id=cycle.workspace_id,
            state=CycleState.ACTIVE,
            start_date__lte=cycle.end_date,
            end_date__gte=cycle.start_date,
        )
        .exclude(pk=cycle.pk)
        .order_by("start_date", "id")
    )
    if overlapping and not confirm_overlap:
        raise CycleOverlapError(cycle, overlapping)
    before = snapshot(cycle, ["state"])
    cycle.state = CycleState.ACTIVE
    cycle.save(update_fields=["state"])
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="cycle.activated",
        obj=cycle,
        changes=diff(before, cycle),
    )
    return cycle


@dataclass(frozen=True)
class Closing:
    """What the owner of one objective says when its cycle closes.

    `retrospective=None` keeps the note the objective already has.
    """

    objective_id: int
    final_score: float | None
    retrospective: str | None = ""


def closing_objectives(cycle: Cycle, *, with_key_results: bool = False) -> list[Objective]:
    """The objectives a cycle's closing scores: all but drafts, which were never adopted
    (`with_key_results` loads what their current score needs, in one more query)."""
    objectives = (
        Objective.objects.filter(cycle=cycle)
        .exclude(state=ObjectiveState.DRAFT)
        .select_related("cycle", "workspace", "team", "owner", "parent")
        .order_by("id")
    )
    if with_key_results:
        objectives = objectives.prefetch_related(ordered_key_results())
    return list(objectives)


def current_closings(objectives: Sequence[Objective], workspace: Workspace) -> list[Closing]:
    """What the close page prefills for `objectives` (from `closing_objectives`, with their
    key results):
    the score each was already closed with, else its current score from the read model
    (None without key results), and the note it already has."""
    figures = objective_figures(objectives, workspace.clock())
    return [Closing(o.pk, figures[o.pk].score, None) for o in objectives]


@transaction.atomic
def close_cycle(
    *,
    actor: Person | None,
    cycle: Cycle,
    closings: Sequence[Closing],
    fill_in: bool = False,
) -> Cycle:
    """Close every objective of the cycle with its final score and note, then lock the cycle.

    All or nothing: the refusals of every objective are gathered first, keyed
    `"<objective id>.<field>"` (e.g. `"12.final_score"`), and nothing is written unless none
    is refused. Without `fill_in`, every objective needs a closing with a score (the close page
    sends them all); with it, one left out or given no score takes what the page would prefill
    (`current_closings`).
    Drafts stay drafts (locked with the cycle; "carry over" can take them on). Each objective
    closed emits `objective.closed` (see `close_objective`).
    """
    ensure_cycle_open(cycle)
    if cycle.state != CycleState.ACTIVE:
        raise ValidationError(
            {"state": gettext_noop("only an active cycle can be closed: activate it first")}
        )
    by_id = {closing.objective_id: closing for closing in closings}
    objectives = closing_objectives(cycle, with_key_results=fill_in)
    if fill_in:
        unscored = [o for o in objectives if _score_of(by_id.get(o.pk)) is None]
        for current in current_closings(unscored, cycle.workspace):
            given = by_id.get(current.objective_id)
            by_id[current.objective_id] = (
                current if given is None else replace(given, final_score=current.final_score)
            )
    errors: dict[str, list[str]] = {}
    for objective in objectives:
        closing = by_id.get(objective.pk)
        if closing is None or closing.final_score is None:
            errors[f"{objective.pk}.final_score"] = [
                gettext_noop("give a final score from 0.0 to 1.0")
            ]
            continue
        retrospective = (
            objective.retrospective
            if closing.retrospective is None
            else closing.retrospective.strip()
        )
        unchanged = (
            objective.state == ObjectiveState.CLOSED
            and objective.final_score == closing.final_score
            and objective.retrospective == retrospective
        )
        if unchanged:
            # Closed earlier on its own, and confirmed as it was: nothing to write.
            continue
        try:
            close_objective(
                actor=actor,
                objective=objective,
                final_score=closing.final_score,
                retrospective=retrospective,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors[f"{objective.pk}.{field}"] = list(messages)
    unknown = set(by_id) - {objective.pk for objective in objectives}
    if unknown:
        errors["objectives"] = [f"not objectives of {cycle.name}: {sorted(unknown)}"]
    if errors:
        raise ValidationError(errors)
    before = snapshot(cycle, ["state"])
    cycle.state = CycleState.CLOSED
    cycle.closed_at = timezone.now()
    cycle.save(update_fields=["state", "closed_at"])
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="cycle.closed",
        obj=cycle,
        changes={**diff(before, cycle), "objectives": [None, len(objectives)]},
    )
    return cycle


def _score_of(closing: Closing | None) -> float | None:
    return closing.final_score if closing is not None else None
