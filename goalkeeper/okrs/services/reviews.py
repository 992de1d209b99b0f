"""Reviews of draft objectives: submit for review, approve (activate), send back with a note.

A draft waits for one reviewer at a time (`Objective.reviewer`). Approving activates it
through `update_objective(state="active")`, the same write as activating it from its form
or the API; sending it back clears the request and tells the requester why.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Membership, Person, Role
from goalkeeper.audit.services import record
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import Objective, ObjectiveState
from goalkeeper.okrs.services.common import ensure_cycle_open
from goalkeeper.okrs.services.objectives import update_objective

NOTE_MAX = 2000


def default_reviewer(objective: Objective, requester: Person) -> Person | None:
    """Who reviews a draft unless the requester chooses: a lead of its team other than the
    requester, else an admin of the workspace; None when nobody else is there. One query
    each, at most two."""
    lead = (
        Membership.objects.filter(team_id=objective.team_id, is_lead=True, person__is_active=True)
        .exclude(person=requester)
        .select_related("person")
        .order_by("person__name", "person_id")
        .first()
    )
    if lead is not None:
        return lead.person
    return (
        Person.objects.filter(workspace_id=objective.workspace_id, role=Role.ADMIN, is_active=True)
        .exclude(pk=requester.pk)
        .order_by("name", "id")
        .first()
    )


def _lock(objective: Objective) -> None:
    """Lock the objective's row and reload what a review reads: two reviewers (or a
    reviewer and a new request) are applied one after the other."""
    fresh = (
        Objective.objects.select_for_update()
        .filter(pk=objective.pk)
        .order_by()
        .values("state", "reviewer_id", "review_requested_at")
        .get()
    )
    objective.state = fresh["state"]
    objective.reviewer_id = fresh["reviewer_id"]
    objective.review_requested_at = fresh["review_requested_at"]


def _check_reviewer(objective: Objective, reviewer: Person | None, actor: Person) -> Person:
    if reviewer is None:
        raise ValidationError({"reviewer": gettext_noop("choose who reviews this objective")})
    if reviewer.workspace_id != objective.workspace_id or not reviewer.is_active:
        raise ValidationError({"reviewer": gettext_noop("no such person active in this workspace")})
    if reviewer.pk == actor.pk:
        raise ValidationError({"reviewer": gettext_noop("choose someone other than yourself")})
    return reviewer


@transaction.atomic
def request_review(*, actor: Person, objective: Objective, reviewer: Person | None) -> Objective:
    """Ask `reviewer` to review a draft objective (a new request replaces a pending one).

    Emits `objective.review_requested` with the objective, the reviewer and the requester.
    """
    ensure_cycle_open(objective.cycle)
    _lock(objective)
    if objective.state != ObjectiveState.DRAFT:
        raise ValidationError(
            {"state": gettext_noop("only a draft objective can be submitted for review")}
        )
    chosen = _check_reviewer(objective, reviewer, actor)
    before = objective.reviewer_id
    objective.reviewer = chosen
    objective.review_requested_at = timezone.now()
    objective.save(update_fields=["reviewer", "review_requested_at"])
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.review_requested",
        obj=objective,
        changes={"reviewer": [before, chosen.pk]},
    )
    okr_events.review_requested(objective, chosen.pk, actor.pk)
    return objective


def _check_pending(objective: Objective) -> int:
    if objective.state != ObjectiveState.DRAFT or objective.reviewer_id is None:
        raise ValidationError(
            {"reviewer": gettext_noop("this objective is not waiting for a review")}
        )
    return objective.reviewer_id


@transaction.atomic
def approve_review(*, actor: Person, objective: Objective) -> Objective:
    """Approve a draft waiting for review: it becomes active (`update_objective`, which
    records `objective.updated` and emits its event) and the request is cleared."""
    ensure_cycle_open(objective.cycle)
    _lock(objective)
    reviewer = _check_pending(objective)
    objective.reviewer = None
    objective.review_requested_at = None
    update_objective(actor=actor, objective=objective, state=ObjectiveState.ACTIVE)
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.review_approved",
        obj=objective,
        changes={"reviewer": [reviewer, None], "state": [ObjectiveState.DRAFT, objective.state]},
    )
    return objective


@transaction.atomic
def return_for_changes(*, actor: Person, objective: Objective, note: str) -> Objective:
    """Send a draft back to its requester with a note saying what to change; it stays a
    draft. Emits `objective.review_returned` with the note."""
    ensure_cycle_open(objective.cycle)
    _lock(objective)
    reviewer = _check_pending(objective)
    note = note.strip()
    if not note:
        raise ValidationError(
            {"note": gettext_noop("say what should change before it is approved")}
        )
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"at most {NOTE_MAX} characters"})
    objective.reviewer = None
    objective.review_requested_at = None
    objective.save(update_fields=["reviewer", "review_requested_at"])
    record(
        workspace=objective.workspace,
        actor=actor,
        action="objective.review_returned",
        obj=objective,
        changes={"reviewer": [reviewer, None], "note": [None, note]},
    )
    okr_events.review_returned(objective, actor.pk, note)
    return objective
