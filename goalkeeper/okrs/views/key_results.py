"""Pages that write key results: create, edit, delete, live validation with coaching."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.access import require_editor
from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.domain.coach import KeyResultDraft
from goalkeeper.okrs import coaching, services
from goalkeeper.okrs.access import (
    access_key_result_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.forms import (
    KIND_CHOICES,
    KIND_FIELDS,
    KeyResultForm,
    key_result_initial,
)
from goalkeeper.okrs.forms.common import shown
from goalkeeper.okrs.models import CycleState, KeyResult, Objective
from goalkeeper.okrs.views.common import (
    _annotate,
    _int,
    _live_errors,
    _posted,
    _render,
    _touched,
    objective_url,
)

# --- Key results ---------------------------------------------------------------------------


def _key_result_coaching(
    objective: Objective,
    siblings: list[KeyResult],
    form: KeyResultForm,
    editing: KeyResult | None,
) -> tuple[Any, int]:
    """The coach on the objective with the draft in place: (remarks, the draft's number)."""
    data = form.data if form.is_bound else form.initial
    kind = form.kind_value
    title = str(data.get("title") or "")
    spec_values = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    draft = _draft(title, kind, bool(data.get("owner")), spec_values)
    drafts: list[KeyResultDraft] = []
    position = 0
    for key_result in siblings:
        if editing is not None and key_result.pk == editing.pk:
            drafts.append(draft)
            position = len(drafts)
        else:
            drafts.append(coaching.draft_of_row(key_result))
    if position == 0:
        drafts.append(draft)
        position = len(drafts)
    remarks = coaching.coach(objective.title, objective.owner_id is not None, drafts)
    return remarks, position


def _draft(title: str, kind: str, has_owner: bool, values: dict[str, Any]) -> KeyResultDraft:
    kept = {name: values.get(name) for name in KIND_FIELDS.get(kind, ())}
    return coaching.draft_of_values(title, kind, has_owner, kept)


def _key_result_page(
    request: HttpRequest,
    person: Person,
    form: KeyResultForm,
    objective: Objective,
    key_result: KeyResult | None,
    siblings: list[KeyResult],
    adding: bool,
) -> HttpResponse:
    _annotate(form)
    remarks, position = _key_result_coaching(objective, siblings, form, key_result)
    return _render(
        request,
        "okrs/key_result_form.html",
        {
            "person": person,
            "form": form,
            "objective": objective,
            "cycle": objective.cycle,
            "key_result": key_result,
            "siblings": siblings,
            "position": position,
            "adding": adding,
            "kind_choices": KIND_CHOICES,
            "kind": form.kind_value,
            "locked": objective.cycle.state == CycleState.CLOSED,
            "coaching": remarks,
            "detail_url": objective_url(objective.pk),
        },
    )


def _siblings(objective: Objective) -> list[KeyResult]:
    return list(objective.key_results.select_related("owner", "kpi").order_by("position", "id"))


@member_required
@require_http_methods(["GET", "POST"])
def key_result_create(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Add key results to an objective, one after another."""
    objective = access_objective_by_id(person, pk, for_write=True)
    siblings = _siblings(objective)
    initial = {"owner": objective.owner or person, "weight": 1, "kind": "increase"}
    form = KeyResultForm(
        _posted(request),
        workspace=person.workspace,
        objective=objective,
        initial=initial,
        phased=True,
    )
    if request.method == "POST" and form.check():
        fields = form.service_fields()
        try:
            key_result = services.create_key_result(
                actor=person,
                objective=objective,
                title=fields.pop("title"),
                kind=fields.pop("kind"),
                **fields,
            )
        except ValidationError as error:
            form.add_model_errors(error, form.phase_aliases())
        else:
            messages.success(
                request, _("Key result “%(title)s” added.") % {"title": key_result.title}
            )
            if request.POST.get("then") == "finish":
                return redirect(objective_url(objective.pk))
            return redirect("key_result_create", objective.pk)
    return _key_result_page(request, person, form, objective, None, siblings, adding=True)


@member_required
@require_http_methods(["GET", "POST"])
def key_result_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Change a key result's definition (its value changes by check-ins)."""
    key_result = access_key_result_by_id(person, pk, for_write=True)
    objective = key_result.objective
    siblings = _siblings(objective)
    form = KeyResultForm(
        _posted(request),
        workspace=person.workspace,
        objective=objective,
        key_result=key_result,
        initial=key_result_initial(key_result),
        phased=True,
    )
    if request.method == "POST" and form.check():
        try:
            services.update_key_result(actor=person, key_result=key_result, **form.service_fields())
        except ValidationError as error:
            form.add_model_errors(error, form.phase_aliases())
        else:
            messages.success(
                request, _("Key result “%(title)s” saved.") % {"title": key_result.title}
            )
            return redirect(objective_url(objective.pk))
    return _key_result_page(request, person, form, objective, key_result, siblings, adding=False)


@member_required
@require_http_methods(["GET", "POST"])
def key_result_delete(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Ask, then delete a key result with its check-ins."""
    key_result = access_key_result_by_id(person, pk, for_write=True)
    objective = key_result.objective
    error = None
    if request.method == "POST":
        try:
            services.delete_key_result(actor=person, key_result=key_result)
        except ValidationError as refusal:
            error = " ".join(shown(message) for message in refusal.messages)
        else:
            messages.success(
                request, _("Key result “%(title)s” deleted.") % {"title": key_result.title}
            )
            return redirect(objective_url(objective.pk))
    check_ins = key_result.check_ins.count()
    return _render(
        request,
        "okrs/key_result_delete.html",
        {
            "person": person,
            "key_result": key_result,
            "objective": objective,
            "check_ins": check_ins,
            "error": error,
            "locked": objective.cycle.state == CycleState.CLOSED,
            "cancel_url": objective_url(objective.pk),
        },
    )


@member_required
@require_POST
def key_result_validate(request: HttpRequest, person: Person) -> HttpResponse:
    """Live validation of the key result form: field errors and the coach's remarks."""
    require_editor(person)
    key_result_id = _int(request.POST.get("key_result"))
    key_result = None
    if key_result_id:
        key_result = access_key_result_by_id(person, key_result_id, for_write=True)
        objective = key_result.objective
    else:
        objective = access_objective_by_id(
            person, _int(request.POST.get("objective")) or 0, for_write=True
        )
    form = KeyResultForm(
        request.POST,
        workspace=person.workspace,
        objective=objective,
        key_result=key_result,
        phased=True,
    )
    form.check()
    remarks, _errors = _key_result_coaching(objective, _siblings(objective), form, key_result)
    return _render(
        request,
        "okrs/_live.html",
        {
            "person": person,
            "coaching": remarks,
            "errors": _live_errors(form, _touched(request)),
        },
    )
