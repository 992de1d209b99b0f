"""Writes for objectives: create, change, close, delete; each emits its own events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person, Team
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.figures import objective_figures, ordered_key_results
from goalkeeper.okrs.models import Alignment, Cycle, KeyResult, Objective, ObjectiveState
from goalkeeper.okrs.services.alignments import refuse_alignment_loop, set_alignments
from goalkeeper.okrs.services.common import ensure_cycle_open
from goalkeeper.okrs.services.rollups import roll_up

OBJECTIVE_FIELDS = (
    "title",
    "description",
    "owner",
    "team",
    "kind",
    "parent",
    "state",
    "roll_up_children",
)
# Given only when closing (`update_objective(state="closed", ...)`).
CLOSING_FIELDS = ("final_score", "retrospective")


@transaction.atomic
def create_objective(
    *,
    actor: Person | None,
    cycle: Cycle,
    team: Team,
    title: str,
    owner: Person | None = None,
    parents: Sequence[Objective | KeyResult] | None = None,
    **fields: Any,
) -> Objective:
    """Create an objective in a cycle for a team; emits `objective.created`.

    `parents` (docs/cascade.md): what it contributes to, the first primary. It is created
    under its primary parent objective; a parent key result or further parents are then
    set by `set_alignments` in the same transaction, so a refused parent leaves nothing.
    """
    ensure_cycle_open(cycle)
    if parents:
        first = parents[0]
        fields["parent"] = first.objective if isinstance(first, KeyResult) else first
    objective = Objective(
        workspace_id=cycle.workspace_id,
        cycle=cycle,
        team=team,
        owner=owner,
        title=title.strip(),
        **fields,
    )
    objective.full_clean()
    objective.save()
    record(
        workspace=cycle.workspace,
        actor=actor,
        action="objective.created",
        obj=objective,
        changes={k: [None, v] for k, v in snapshot(objective, OBJECTIVE_FIELDS).items()},
    )
    okr_events.objective_event("objective.created", objective)
    if parents and (len(parents) > 1 or isinstance(parents[0], KeyResult)):
        set_alignments(actor=actor, objective=objective, parents=parents)
    return objective


@transaction.atomic
def update_objective(
    *,
    actor: Person | None,
    objective: Objective,
    parents: Sequence[Objective | KeyResult] | None = None,
    **changes: Any,
) -> Objective:
    """Change an objective's fields; the audit entry lists each changed field.

    `parents`, when given, replaces what it contributes to first (`set_alignments`), so a
    refused loop leaves everything as it was.

    `state="closed"` closes it instead (`close_objective`), with `final_score` (default: the
    score it has already been closed with, else its current score) and `retrospective`
    (default: its note); those two fields are refused unless the objective is closed or
    being closed. Emits `objective.updated` for the other fields, and what closing emits.
    """
    ensure_cycle_open(objective.cycle)
    unknown = [name for name in changes if name not in OBJECTIVE_FIELDS + CLOSING_FIELDS]
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, gettext_noop("cannot be changed here")))
    if parents is not None:
        objective = set_alignments(actor=actor, objective=objective, parents=parents)
    closing = {name: changes.pop(name) for name in CLOSING_FIELDS if name in changes}
    closes = changes.get("state") == ObjectiveState.CLOSED
    if closes:
        del changes["state"]
    if closing and not (closes or objective.state == ObjectiveState.CLOSED):
        raise ValidationError(
            {next(iter(closing)): "only when closing the objective: send state 'closed'"}
        )
    if changes:
        before = snapshot(objective, OBJECTIVE_FIELDS)
        if "parent" in changes:
            _change_primary_parent(objective, changes.pop("parent"))
        for name, value in changes.items():
            setattr(objective, name, value)
        reviewer_before = objective.reviewer_id
        if objective.state != ObjectiveState.DRAFT:
            # Activated another way (its form, the API): a pending review is moot.
            objective.reviewer = None
            objective.review_requested_at = None
        changed = diff(before, objective)
        # A form saved as it was (its parents set on their own) is no edit: no audit entry
        # and no event saying nothing, as the API's PATCH of the parents alone leaves none.
        if changed or objective.reviewer_id != reviewer_before:
            objective.updated_at = timezone.now()
            objective.full_clean()
            objective.save()
            record(
                workspace=objective.workspace,
                actor=actor,
                action="objective.updated",
                obj=objective,
                changes=changed,
            )
            okr_events.objective_event("objective.updated", objective)
    if closes or closing:
        score = closing.get("final_score")
        if score is None:
            score = current_score(objective)
        if score is None:
            raise ValidationError(
                {
                    "final_score": gettext_noop(
                        "required: this objective has no key results to score it by"
                    )
                }
            )
        retrospective = closing.get("retrospective")
        close_objective(
            actor=actor,
            objective=objective,
            final_score=score,
            retrospective=objective.retrospective if retrospective is None else retrospective,
        )
    return objective


def _change_primary_parent(objective: Objective, parent: Objective | None) -> None:
    """Set the primary parent objective (`set_alignments` sets them all): a parent key
    result of another objective no longer applies, and a further alignment to the same
    objective would repeat the primary one."""
    if parent is not None and parent.pk is not None:
        refuse_alignment_loop(objective, [parent.pk], field="parent")
    objective.parent = parent
    key_result = objective.parent_key_result_id
    if key_result is not None and (
        parent is None
        or not KeyResult.objects.filter(pk=key_result, objective_id=parent.pk).exists()
    ):
        objective.parent_key_result = None
    if parent is not None and objective.pk is not None:
        Alignment.objects.filter(
            objective=objective, parent=parent, key_result__isnull=True
        ).delete()


def current_score(objective: Objective) -> float | None:
    """The final score closing would give by default: the one it was closed with, else its
    score now (progress on the 0.0-1.0 scale to one decimal), from the read model; None for
    an objective with nothing to score it by. The close page prefills the same."""
    if objective.state == ObjectiveState.CLOSED and objective.final_score is not None:
        return objective.final_score
    loaded = (
        Objective.objects.filter(pk=objective.pk)
        .select_related("cycle")
        .prefetch_related(ordered_key_results())
        .get()
    )
    return objective_figures([loaded], objective.workspace.clock())[loaded.pk].score


@transaction.atomic
def close_objective(
    *, actor: Person | None, objective: Objective, final_score: float, retrospective: str = ""
) -> Objective:
    """Close an objective with its final score (0.0-1.0) and retrospective note.

    Emits `objective.closed`; `objective.updated` when it was closed already (a new score
    or note on a closed objective).
    """
    ensure_cycle_open(objective.cycle)
    was_closed = objective.state == ObjectiveState.CLOSED
    before = snapshot(objective, ["state", "final_score", "retrospective"])
    objective.state = ObjectiveState.CLOSED
    objective.final_score = final_score
    objective.retrospective = retrospective
    objective.closed_at = timezone.now()
    # Only the closing fields change: the references were checked when they were set.
    objective.full_clean(
        exclude=["workspace", "cycle", "team", "owner", "parent", "carried_from", "reviewer"]
    )
    objective.save(update_fields=["state", "final_score", "retrospective", "closed_at"])
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.closed",
        obj=objective,
        changes=diff(before, objective),
    )
    okr_events.objective_event("objective.updated" if was_closed else "objective.closed", objective)
    return objective


@transaction.atomic
def delete_objective(*, actor: Person | None, objective: Objective) -> None:
    """Delete an objective with its key results and their check-ins; children stay, unaligned.

    Emits `objective.deleted`, with the objective as it was.
    """
    ensure_cycle_open(objective.cycle)
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.deleted",
        obj=objective,
        changes={"title": [objective.title, None]},
    )
    okr_events.objective_event("objective.deleted", objective)
    # Key results elsewhere that its key results contributed to add up without them now.
    parents = list(
        KeyResult.objects.filter(objective=objective, contributes_to__isnull=False)
        .exclude(contributes_to__objective=objective)
        .values_list("contributes_to_id", flat=True)
    )
    objective.delete()
    if parents:
        roll_up(parents, include_given=True)
