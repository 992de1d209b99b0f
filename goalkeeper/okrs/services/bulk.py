"""Bulk changes from the cycle board (docs/okrs.md, "Bulk changes"): a new owner, a new
team, or closing, for every selected objective, in one transaction.

Each objective goes through the one service that changes it (`update_objective`), so every
one gets its own audit entry and events; the whole change is checked first and refused,
naming the objectives, when one of them may not be changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction

from goalkeeper.accounts.models import Person, Team
from goalkeeper.okrs.models import CycleState, Objective, ObjectiveState
from goalkeeper.okrs.services.objectives import update_objective

# How many objectives one bulk change takes (each costs its own writes and events).
MAX_BULK = 200


class ObjectiveBulkAction(StrEnum):
    """What a bulk change does to every selected objective."""

    OWNER = "owner"
    TEAM = "team"
    CLOSE = "close"


def _named(objectives: Iterable[Objective]) -> str:
    return ", ".join(f"“{objective.title}”" for objective in objectives)


def selected_objectives(*, actor: Person, objective_ids: Sequence[int]) -> list[Objective]:
    """The objectives of `objective_ids` in the actor's workspace, by id, locked; refuses an
    empty or too large selection and ids that are not there."""
    wanted = sorted(set(objective_ids))
    if not wanted:
        raise ValidationError({"objectives": "select at least one objective"})
    if len(wanted) > MAX_BULK:
        raise ValidationError({"objectives": f"at most {MAX_BULK} objectives at once"})
    found = list(
        Objective.objects.select_for_update()
        .select_related("cycle", "workspace")
        .filter(pk__in=wanted, workspace_id=actor.workspace_id)
        .order_by("id")
    )
    missing = sorted(set(wanted) - {objective.pk for objective in found})
    if missing:
        raise ValidationError(
            {"objectives": "no such objective in this workspace: " + ", ".join(map(str, missing))}
        )
    return found


def _refused(objectives: Sequence[Objective], action: ObjectiveBulkAction) -> str:
    """Why some of `objectives` may not take `action` (empty when all may)."""
    locked = [o for o in objectives if o.cycle.state == CycleState.CLOSED]
    if locked:
        return "their cycle is closed: " + _named(locked)
    if action is ObjectiveBulkAction.CLOSE:
        unscored = [
            o for o in objectives if o.state != ObjectiveState.CLOSED and not o.key_results.exists()
        ]
        if unscored:
            return "no key result to score them by: " + _named(unscored)
    return ""


@transaction.atomic
def bulk_change_objectives(
    *,
    actor: Person,
    objective_ids: Sequence[int],
    action: ObjectiveBulkAction,
    owner: Person | None = None,
    team: Team | None = None,
) -> int:
    """Give every selected objective a new owner or team, or close it with its current
    score; returns how many changed. All or nothing."""
    objectives = selected_objectives(actor=actor, objective_ids=objective_ids)
    if not actor.can_edit:
        raise ValidationError(
            {"objectives": "only editors and admins may change " + _named(objectives)}
        )
    reason = _refused(objectives, action)
    if reason:
        raise ValidationError({"objectives": reason})
    if action is ObjectiveBulkAction.OWNER:
        if owner is not None and (owner.workspace_id != actor.workspace_id or not owner.is_active):
            raise ValidationError({"owner": "must be an active person of this workspace"})
        new_owner_id = owner.pk if owner is not None else None
        changing = [o for o in objectives if o.owner_id != new_owner_id]
        for objective in changing:
            update_objective(actor=actor, objective=objective, owner=owner)
    elif action is ObjectiveBulkAction.TEAM:
        if team is None or team.workspace_id != actor.workspace_id or team.archived_at:
            raise ValidationError({"team": "must be a team of this workspace, not archived"})
        changing = [o for o in objectives if o.team_id != team.pk]
        for objective in changing:
            update_objective(actor=actor, objective=objective, team=team)
    else:
        changing = [o for o in objectives if o.state != ObjectiveState.CLOSED]
        for objective in changing:
            update_objective(actor=actor, objective=objective, state=ObjectiveState.CLOSED)
    return len(changing)
