"""Pages that write objectives: create and edit (with their key results, on one page:
`goalkeeper.okrs.forms.writer`), delete, live validation with coaching."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.access import access_team_by_id, require_editor
from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.okrs import services
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.cycles import active_cycle
from goalkeeper.okrs.forms.alignments import current_rows, editing_action
from goalkeeper.okrs.forms.common import shown
from goalkeeper.okrs.forms.writer import ObjectiveWriter, row_action
from goalkeeper.okrs.models import CycleState, KeyResult, Objective
from goalkeeper.okrs.views.common import (
    _annotate,
    _default_team,
    _int,
    _posted,
    _render,
    _touched,
    _url,
    board_url,
    objective_url,
)

# --- Objectives ----------------------------------------------------------------------------


def _saving(request: HttpRequest) -> bool:
    """A post that saves: not one that only adds, removes or reorders "Contributes to" rows
    or key result rows (the page without JavaScript)."""
    return (
        request.method == "POST"
        and not editing_action(request.POST)
        and not row_action(request.POST)
    )


def _objective_page(
    request: HttpRequest,
    person: Person,
    writer: ObjectiveWriter,
    objective: Objective | None,
) -> HttpResponse:
    form = writer.form
    aligned_action = form.is_bound and editing_action(form.data)
    if aligned_action:
        form.after_row_action()
    _annotate(form, focus=not aligned_action and writer.added is None)
    template_row = writer.template_row()
    for row in [*writer.rows, template_row]:
        _annotate(row.form, focus=False)
    focus = writer.added.form["title"] if writer.added is not None else None
    if focus is None and not form.errors:
        # A refused save whose problems are all in the rows: the first of them.
        wrong = (bound for row in writer.rows for bound in row.form if bound.errors)
        focus = next(wrong, None)
    if focus is not None:
        form["title"].field.widget.attrs.pop("autofocus", None)
        focus.field.widget.attrs["autofocus"] = True
    cycle = form.chosen_cycle
    return _render(
        request,
        "okrs/objective_form.html",
        {
            "person": person,
            "form": form,
            "writer": writer,
            "template_row": template_row,
            "problems": writer.problems() if _saving(request) else [],
            "objective": objective,
            "cycle": cycle,
            "locked": cycle is not None and cycle.state == CycleState.CLOSED,
            "coaching": writer.coaching(),
            "cancel_url": objective_url(objective.pk) if objective else _url("home"),
        },
    )


def _save(
    request: HttpRequest, person: Person, writer: ObjectiveWriter, objective: Objective | None
) -> Objective | None:
    """Write the objective and its key results in one call; None when refused."""
    form = writer.form
    try:
        return services.write_objective(
            actor=person,
            objective=objective,
            cycle=form.cleaned_data.get("cycle"),
            parents=form.parents(),
            fields=form.service_fields(),
            key_results=writer.plans(),
        )
    except ValidationError as error:
        writer.add_service_errors(error)
        return None


def _saved_message(objective: Objective, created: bool, count: int) -> str:
    if created:
        return ngettext(
            "Objective “%(title)s” created with %(count)s key result.",
            "Objective “%(title)s” created with %(count)s key results.",
            count,
        ) % {"title": objective.title, "count": count}
    return _("Objective “%(title)s” saved.") % {"title": objective.title}


def _key_results_of(objective: Objective) -> list[KeyResult]:
    return list(
        objective.key_results.select_related("owner", "kpi", "contributes_to__objective").order_by(
            "position", "id"
        )
    )


@member_required
@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest, person: Person) -> HttpResponseBase:
    """A new objective with its key results, on one page; `?cycle=&team=&parent=` prefill it."""
    return new_objective_page(request, person)


def new_objective_page(
    request: HttpRequest,
    person: Person,
    *,
    fields: Mapping[str, Any] | None = None,
    key_results: Sequence[Mapping[str, Any]] = (),
) -> HttpResponseBase:
    """The page of a new objective, its form starting with `fields` (title, kind...) and its
    rows with `key_results` (each a key result's fields) when first shown."""
    require_editor(person)
    cycle_id, team_id, parent_id = (_int(request.GET.get(k)) for k in ("cycle", "team", "parent"))
    parent = access_objective_by_id(person, parent_id) if parent_id else None
    cycle = access_cycle_by_id(person, cycle_id) if cycle_id else None
    cycle = cycle or (parent.cycle if parent else None) or active_cycle(person.workspace)
    team = access_team_by_id(person, team_id) if team_id else _default_team(person)
    initial: dict[str, Any] = {
        **(fields or {}),
        "owner": person,
        "team": team,
        "cycle": cycle.pk if cycle else "",
    }
    writer = ObjectiveWriter(
        _posted(request),
        workspace=person.workspace,
        cycle=cycle,
        initial=initial,
        parents=current_rows(None, parent),
        default_owner=person,
        drafts=key_results,
    )
    if _saving(request) and writer.check():
        objective = _save(request, person, writer, None)
        if objective is not None:
            messages.success(request, _saved_message(objective, True, len(writer.written)))
            return redirect(objective_url(objective.pk))
    return _objective_page(request, person, writer, None)


@member_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Change an objective and its key results: fields, alignment, state; rows added,
    changed, removed or reordered, all saved at once."""
    objective = access_objective_by_id(person, pk, for_write=True)
    key_results = _key_results_of(objective)
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
    writer = ObjectiveWriter(
        _posted(request),
        workspace=person.workspace,
        objective=objective,
        initial=initial,
        key_results=key_results,
        parents=current_rows(objective),
        default_owner=objective.owner or person,
    )
    if _saving(request) and writer.check():
        saved = _save(request, person, writer, objective)
        if saved is not None:
            messages.success(request, _saved_message(saved, False, len(writer.written)))
            return redirect(objective_url(objective.pk))
    return _objective_page(request, person, writer, objective)


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
    """Live validation of the objective writer: each field's errors (the objective's and
    every key result row's), the list of problems by row and field, the coach's remarks.

    Nothing is saved. Errors show on the fields the person has typed in (`_touched`).
    """
    require_editor(person)
    objective_id = _int(request.POST.get("objective"))
    objective = (
        access_objective_by_id(person, objective_id, for_write=True) if objective_id else None
    )
    writer = ObjectiveWriter(
        request.POST,
        workspace=person.workspace,
        objective=objective,
        initial={},
        key_results=_key_results_of(objective) if objective is not None else (),
    )
    writer.check()
    touched = _touched(request)
    return _render(
        request,
        "okrs/_writer_live.html",
        {
            "person": person,
            "coaching": writer.coaching(),
            "errors": writer.live_errors(touched),
            "problems": writer.problems(touched),
            "live": True,
        },
    )
