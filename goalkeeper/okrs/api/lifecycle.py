"""REST endpoints of a cycle's lifecycle (activate, close, carry over) and of a draft
objective's review (submit for review, approve or send back).

They answer cycles and objectives, so they register after both (the route order is the
order of the OpenAPI document).
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Status

from goalkeeper.accounts.access import access_person_by_id, require_admin
from goalkeeper.api.auth import caller
from goalkeeper.api.common import referenced
from goalkeeper.api.errors import CREATE, UPDATE, responses
from goalkeeper.api.schemas import Id
from goalkeeper.okrs import services
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_objective_for_review,
    access_objective_for_review_request,
)
from goalkeeper.okrs.api import router
from goalkeeper.okrs.api.cycles import _closing, cycle_out
from goalkeeper.okrs.api.objectives import _objectives, _one_objective, objective_out
from goalkeeper.okrs.api.schemas import (
    CarryOverIn,
    CycleClosing,
    CycleOut,
    ObjectiveOut,
    ObjectivePage,
    ReviewDecisionIn,
    ReviewRequestIn,
)
from goalkeeper.okrs.figures import objective_figures


@router.post("/cycles/{id}/activate", response=responses({200: CycleOut}, UPDATE), tags=["cycles"])
def activate_cycle(request: HttpRequest, id: Id, confirm: bool = False) -> CycleOut:
    """Start a cycle in planning: planning -> active (admins), as the cycles page does.

    When its dates overlap another active cycle it is refused (422, naming that cycle)
    unless `?confirm=true` says both should be active.
    """
    person = caller(request)
    cycle = access_cycle_by_id(person, id)
    require_admin(person)
    return cycle_out(services.activate_cycle(actor=person, cycle=cycle, confirm_overlap=confirm))


@router.post("/cycles/{id}/close", response=responses({200: CycleOut}, UPDATE), tags=["cycles"])
def close_cycle(request: HttpRequest, id: Id, payload: CycleClosing) -> CycleOut:
    """Close an active cycle (admins), as the close page does: every objective but drafts is
    closed with its final score and note, then the cycle is locked.

    An objective left out, or sent without `final_score`, closes with its current score (the
    page's prefill); one without key results needs a score. A note left out is kept.
    Refusals name the field `<objective id>.final_score`; nothing is closed unless all pass.
    """
    person = caller(request)
    cycle = access_cycle_by_id(person, id)
    require_admin(person)
    closings = [_closing(item.id, item) for item in payload.objectives]
    closed = services.close_cycle(actor=person, cycle=cycle, closings=closings, fill_in=True)
    return cycle_out(closed)


@router.post(
    "/cycles/{id}/carry-over",
    response=responses({201: ObjectivePage}, CREATE),
    tags=["cycles"],
)
def carry_over(request: HttpRequest, id: Id, payload: CarryOverIn) -> Status[ObjectivePage]:
    """Copy the unfinished objectives of a closed cycle into a cycle in planning or active
    (admins), as the carry-over page does; answers the copies.

    Unfinished: drafts, and objectives closed below 1.0. `objectives` picks some of them
    (default: all not carried into `target` yet).
    """
    person = caller(request)
    source = access_cycle_by_id(person, id)
    require_admin(person)
    target = referenced("target", lambda: access_cycle_by_id(person, payload.target))
    copies = services.carry_over(
        actor=person, source=source, target=target, objective_ids=payload.objectives
    )
    loaded = list(_objectives(person).filter(pk__in=[copy.pk for copy in copies]))
    figures = objective_figures(loaded, person.workspace.clock())
    return Status(
        201,
        ObjectivePage(
            count=len(loaded), next=None, items=[objective_out(o, figures[o.pk]) for o in loaded]
        ),
    )


@router.post(
    "/objectives/{id}/review-request",
    response=responses({200: ObjectiveOut}, UPDATE),
    tags=["objectives"],
)
def request_review(request: HttpRequest, id: Id, payload: ReviewRequestIn) -> ObjectiveOut:
    """Submit a draft objective for review (its owner, or an editor), as the objective page
    does: `reviewer` is asked to approve it or send it back. Refused (422) unless it is a
    draft; `reviewer` must be an active person of the workspace other than the caller."""
    person = caller(request)
    objective = access_objective_for_review_request(person, id)
    if payload.reviewer is None:
        reviewer = services.default_reviewer(objective, person)
    else:
        chosen = payload.reviewer
        reviewer = referenced("reviewer", lambda: access_person_by_id(person, chosen))
    services.request_review(actor=person, objective=objective, reviewer=reviewer)
    return _one_objective(person, objective.pk, person.workspace.clock())


@router.post(
    "/objectives/{id}/review",
    response=responses({200: ObjectiveOut}, UPDATE),
    tags=["objectives"],
)
def review(request: HttpRequest, id: Id, payload: ReviewDecisionIn) -> ObjectiveOut:
    """Decide on a draft waiting for review (the reviewer asked, or an admin), as the
    objective page does: `approve` activates it, `return` sends it back with `note`."""
    person = caller(request)
    objective = access_objective_for_review(person, id)
    if payload.decision == "approve":
        services.approve_review(actor=person, objective=objective)
    else:
        services.return_for_changes(actor=person, objective=objective, note=payload.note)
    return _one_objective(person, objective.pk, person.workspace.clock())
