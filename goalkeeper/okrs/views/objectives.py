"""Pages that write objectives: create, edit, delete, live validation with coaching."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.access import access_team_by_id, require_editor
from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.okrs import coaching, services
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.cycles import active_cycle
from goalkeeper.okrs.forms import ObjectiveForm
from goalkeeper.okrs.forms.alignments import current_rows, editing_action
from goalkeeper.okrs.forms.common import shown
from goalkeeper.okrs.forms.objectives import ALIGNED_ALIASES
from goalkeeper.okrs.models import CycleState, KeyResult, Objective
from goalkeeper.okrs.views.common import (
    _annotate,
    _default_team,
    _int,
    _live_errors,
    _posted,
    _render,
    _touched,
    _url,
    board_url,
    objective_url,
)

# --- Objectives ----------------------------------------------------------------------------


def _saving(request: HttpRequest) -> bool:
    """A post that saves: not one that only adds, removes or reorders "Contributes to" rows."""
    return request.method == "POST" and not editing_action(request.POST)


def _objective_coaching(title: str, has_owner: bool, key_results: Iterable[KeyResult]) -> Any:
    return coaching.coach(title, has_owner, [coaching.draft_of_row(kr) for kr in key_results])


def _objective_page(
    request: HttpRequest,
    person: Person,
    form: ObjectiveForm,
    objective: Objective | None,
    key_results: list[KeyResult],
) -> HttpResponse:
    row_action = form.is_bound and editing_action(form.data)
    if row_action:
        form.after_row_action()
    _annotate(form, focus=not row_action)
    title = form.data.get("title", "") if form.is_bound else form.initial.get("title", "")
    has_owner = bool(form.data.get("owner") if form.is_bound else form.initial.get("owner"))
    cycle = form.chosen_cycle
    return _render(
        request,
        "okrs/objective_form.html",
        {
            "person": person,
            "form": form,
            "objective": objective,
            "cycle": cycle,
            "key_results": key_results,
            "locked": cycle is not None and cycle.state == CycleState.CLOSED,
            "coaching": _objective_coaching(str(title), has_owner, key_results),
            "cancel_url": objective_url(objective.pk) if objective else _url("home"),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest, person: Person) -> HttpResponseBase:
    """A new objective; `?cycle=&team=&parent=` prefill it. Then its key results, one by one."""
    require_editor(person)
    cycle_id, team_id, parent_id = (_int(request.GET.get(k)) for k in ("cycle", "team", "parent"))
    parent = access_objective_by_id(person, parent_id) if parent_id else None
    cycle = access_cycle_by_id(person, cycle_id) if cycle_id else None
    cycle = cycle or (parent.cycle if parent else None) or active_cycle(person.workspace)
    team = access_team_by_id(person, team_id) if team_id else _default_team(person)
    initial: dict[str, Any] = {
        "owner": person,
        "team": team,
        "cycle": cycle.pk if cycle else "",
    }
    form = ObjectiveForm(
        _posted(request),
        workspace=person.workspace,
        cycle=cycle,
        initial=initial,
        parents=current_rows(None, parent),
    )
    if _saving(request) and form.check():
        try:
            objective = services.create_objective(
                actor=person,
                cycle=form.cleaned_data["cycle"],
                parents=form.parents(),
                **form.service_fields(),
            )
        except ValidationError as error:
            form.add_model_errors(error, ALIGNED_ALIASES)
        else:
            messages.success(
                request,
                _("Objective “%(title)s” created. Now add its key results.")
                % {"title": objective.title},
            )
            return redirect("key_result_create", objective.pk)
    return _objective_page(request, person, form, None, [])


@member_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Change an objective's title, team, owner, kind, alignment or state."""
    objective = access_objective_by_id(person, pk, for_write=True)
    key_results = list(objective.key_results.select_related("owner").order_by("position", "id"))
    if objective.parent_key_result_id is not None:
        objective.parent_key_result = (
            KeyResult.objects.select_related("objective")
            .filter(pk=objective.parent_key_result_id)
            .first()
        )
    initial = {
        "title": objective.title,
        "description": objective.description,
        "team": objective.team,
        "owner": objective.owner,
        "kind": objective.kind,
        "roll_up_children": objective.roll_up_children,
        "state": objective.state,
    }
    form = ObjectiveForm(
        _posted(request),
        workspace=person.workspace,
        objective=objective,
        initial=initial,
        parents=current_rows(objective),
    )
    if _saving(request) and form.check():
        try:
            services.update_objective(
                actor=person, objective=objective, parents=form.parents(), **form.service_fields()
            )
        except ValidationError as error:
            form.add_model_errors(error, ALIGNED_ALIASES)
        else:
            messages.success(
                request, _("Objective “%(title)s” saved.") % {"title": objective.title}
            )
            return redirect(objective_url(objective.pk))
    return _objective_page(request, person, form, objective, key_results)


@member_required
@require_http_methods(["GET", "POST"])
def objective_delete(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Ask, then delete an objective with its key results; aligned objectives stay."""
    objective = access_objective_by_id(person, pk, for_write=True)
    error = None
    if request.method == "POST":
        try:
            services.delete_objective(actor=person, objective=objective)
        except ValidationError as refusal:
            error = " ".join(shown(message) for message in refusal.messages)
        else:
            messages.success(
                request, _("Objective “%(title)s” deleted.") % {"title": objective.title}
            )
            return redirect(board_url(objective.cycle_id))
    counts = Objective.objects.filter(pk=objective.pk).aggregate(
        key_results=Count("key_results", distinct=True),
        children=Count("children", distinct=True),
    )
    return _render(
        request,
        "okrs/objective_delete.html",
        {
            "person": person,
            "objective": objective,
            "counts": counts,
            "error": error,
            "locked": objective.cycle.state == CycleState.CLOSED,
            "cancel_url": objective_url(objective.pk),
        },
    )


@member_required
@require_POST
def objective_validate(request: HttpRequest, person: Person) -> HttpResponse:
    """Live validation of the objective form: field errors and the coach's remarks.

    Nothing is saved. Errors show on the fields the person has typed in (`_touched`).
    """
    require_editor(person)
    objective_id = _int(request.POST.get("objective"))
    objective = (
        access_objective_by_id(person, objective_id, for_write=True) if objective_id else None
    )
    form = ObjectiveForm(request.POST, workspace=person.workspace, objective=objective)
    form.check()
    key_results: list[KeyResult] = []
    if objective is not None:
        key_results = list(objective.key_results.select_related("owner"))
    remarks = _objective_coaching(
        request.POST.get("title", ""), bool(request.POST.get("owner")), key_results
    )
    return _render(
        request,
        "okrs/_live.html",
        {
            "person": person,
            "coaching": remarks,
            "errors": _live_errors(form, _touched(request)),
        },
    )
