"""Pages that write OKRs: objective and key result forms, live validation, cycle lifecycle.

Thin: resolve the caller, check access (another workspace's object is a 404, a missing role
a 403), parse with a form, call one service (which writes in one transaction, audits and
emits its events), render. Every page reads a fixed number of rows whatever the size of the data.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.access import access_team_by_id, require_editor
from goalkeeper.accounts.decorators import admin_required, member_required
from goalkeeper.accounts.models import Person, Team
from goalkeeper.domain.coach import KeyResultDraft
from goalkeeper.domain.key_results import KeyResultKind, KeyResultSpec
from goalkeeper.okrs import coaching, services
from goalkeeper.okrs.access import (
    access_cycle_by_id,
    access_key_result_by_id,
    access_objective_by_id,
)
from goalkeeper.okrs.cycles import active_cycle
from goalkeeper.okrs.forms import (
    KIND_CHOICES,
    KIND_FIELDS,
    CarryOverForm,
    CloseCycleForm,
    CycleForm,
    KeyResultForm,
    ObjectiveForm,
    key_result_initial,
    quarter_presets,
)
from goalkeeper.okrs.models import Cycle, CycleState, KeyResult, Objective, ObjectiveState
from goalkeeper.okrs.pages.board import cycle_overview

# --- Helpers -------------------------------------------------------------------------------


def _url(name: str, *args: Any, fallback: str = "home") -> str:
    """The page named `name`, or `fallback` while that page does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse(fallback)


def objective_url(objective_id: int) -> str:
    """Where an objective is shown: its page, else home."""
    return _url("objective_detail", objective_id)


def board_url(cycle_id: int) -> str:
    """Where a cycle's objectives are shown: its board, else the list of cycles."""
    return _url("cycle_board", cycle_id, fallback="cycle_list")


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    person: Person = context["person"]
    # Dates read in the workspace's zone, as its cycles are counted.
    with timezone.override(person.workspace.zone):
        return render(request, template, context)


def _annotate(form: Any, focus: bool = True) -> None:
    """Link each input to its help and error slots; focus the first error (or field)."""
    first = None
    for bound in form:
        attrs = bound.field.widget.attrs
        described = [f"{bound.auto_id}_error"]
        if bound.help_text:
            described.insert(0, f"{bound.auto_id}_help")
        attrs["aria-describedby"] = " ".join(described)
        if bound.errors:
            attrs["aria-invalid"] = "true"
            first = first or bound
        else:
            attrs.pop("aria-invalid", None)
        attrs.pop("autofocus", None)
    if not focus:
        return
    if first is None and not form.is_bound:
        first = form["title"] if "title" in form.fields else next(iter(form), None)
    if first is not None:
        first.field.widget.attrs["autofocus"] = True


def _touched(request: HttpRequest) -> set[str] | None:
    """Fields the person has typed in: live errors show on those only (None: all)."""
    raw = request.POST.get("_touched")
    if raw is None:
        return None
    names = {name for name in raw.split(",") if name}
    return None if "*" in names else names


def _live_errors(form: Any, touched: set[str] | None) -> list[tuple[str, list[str]]]:
    errors = []
    for bound in form:
        shown = touched is None or bound.name in touched
        errors.append((bound.auto_id, list(bound.errors) if shown else []))
    return errors


def _default_team(person: Person) -> Team | None:
    """The caller's first team, else the company root: the common case needs no choice."""
    mine = (
        person.memberships.filter(team__archived_at__isnull=True)
        .select_related("team")
        .order_by("id")
        .first()
    )
    if mine is not None:
        return mine.team
    return Team.objects.filter(workspace_id=person.workspace_id, parent__isnull=True).first()


def _posted(request: HttpRequest) -> Any:
    """The submitted data of a POST, even an empty one (`request.POST or None` would take an
    empty POST for a page view and leave the form unbound)."""
    return request.POST if request.method == "POST" else None


def _int(value: str | None) -> int | None:
    """An id from the address or a form; anything else (or absurdly long) is no id."""
    return int(value) if value and value.isdigit() and len(value) < 12 else None


# --- Objectives ----------------------------------------------------------------------------


def _objective_coaching(title: str, has_owner: bool, key_results: Iterable[KeyResult]) -> Any:
    return coaching.coach(title, has_owner, [coaching.draft_of_row(kr) for kr in key_results])


def _objective_page(
    request: HttpRequest,
    person: Person,
    form: ObjectiveForm,
    objective: Objective | None,
    key_results: list[KeyResult],
) -> HttpResponse:
    _annotate(form)
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
        "owner": person.pk,
        "team": team.pk if team else "",
        "cycle": cycle.pk if cycle else "",
        "parent": parent.pk if parent else "",
    }
    form = ObjectiveForm(_posted(request), workspace=person.workspace, cycle=cycle, initial=initial)
    if request.method == "POST" and form.check():
        try:
            objective = services.create_objective(
                actor=person, cycle=form.cleaned_data["cycle"], **form.service_fields()
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(
                request, f"Objective “{objective.title}” created. Now add its key results."
            )
            return redirect("key_result_create", objective.pk)
    return _objective_page(request, person, form, None, [])


@member_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Change an objective's title, team, owner, kind, alignment or state."""
    objective = access_objective_by_id(person, pk, for_write=True)
    key_results = list(objective.key_results.select_related("owner").order_by("position", "id"))
    initial = {
        "title": objective.title,
        "description": objective.description,
        "team": objective.team_id,
        "owner": objective.owner_id or "",
        "kind": objective.kind,
        "parent": objective.parent_id or "",
        "roll_up_children": objective.roll_up_children,
        "state": objective.state,
    }
    form = ObjectiveForm(
        _posted(request), workspace=person.workspace, objective=objective, initial=initial
    )
    if request.method == "POST" and form.check():
        try:
            services.update_objective(actor=person, objective=objective, **form.service_fields())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, f"Objective “{objective.title}” saved.")
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
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"Objective “{objective.title}” deleted.")
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
    def number(name: str) -> float | None:
        value = values.get(name) if name in KIND_FIELDS.get(kind, ()) else None
        return value if isinstance(value, float) else None

    spec = KeyResultSpec(
        kind=KeyResultKind(kind),
        start=number("start"),
        target=number("target"),
        low=number("low"),
        high=number("high"),
        commit=number("commit"),
        stretch=number("stretch"),
    )
    return coaching.draft_of(title, spec, has_owner)


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
    initial = {"owner": objective.owner_id or person.pk, "weight": 1, "kind": "increase"}
    form = KeyResultForm(
        _posted(request),
        workspace=person.workspace,
        objective=objective,
        initial=initial,
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
            form.add_model_errors(error)
        else:
            messages.success(request, f"Key result “{key_result.title}” added.")
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
    )
    if request.method == "POST" and form.check():
        try:
            services.update_key_result(actor=person, key_result=key_result, **form.service_fields())
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, f"Key result “{key_result.title}” saved.")
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
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"Key result “{key_result.title}” deleted.")
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
        request.POST, workspace=person.workspace, objective=objective, key_result=key_result
    )
    form.check()
    remarks, _ = _key_result_coaching(objective, _siblings(objective), form, key_result)
    return _render(
        request,
        "okrs/_live.html",
        {
            "person": person,
            "coaching": remarks,
            "errors": _live_errors(form, _touched(request)),
        },
    )


# --- Cycles --------------------------------------------------------------------------------


@member_required
def cycle_list(request: HttpRequest, person: Person) -> HttpResponse:
    """Every cycle with its state, dates and objective counts; admins act on them."""
    cycles = list(
        Cycle.objects.filter(workspace_id=person.workspace_id)
        .annotate(
            objective_count=Count("objectives", filter=~Q(objectives__state=ObjectiveState.DRAFT)),
            draft_count=Count("objectives", filter=Q(objectives__state=ObjectiveState.DRAFT)),
            closed_count=Count("objectives", filter=Q(objectives__state=ObjectiveState.CLOSED)),
        )
        .order_by("-start_date", "-id")
    )
    today = person.workspace.clock(timezone.now()).today
    return _render(
        request,
        "okrs/cycle_list.html",
        {
            "person": person,
            "cycles": cycles,
            "today": today,
            "can_manage": person.is_admin,
            "rows": [{"cycle": cycle, "url": board_url(cycle.pk)} for cycle in cycles],
        },
    )


def _cycle_page(
    request: HttpRequest, person: Person, form: CycleForm, cycle: Cycle | None
) -> HttpResponse:
    _annotate(form)
    presets = []
    if cycle is None:
        taken = Cycle.objects.filter(workspace_id=person.workspace_id).values_list(
            "name", flat=True
        )
        today = person.workspace.clock(timezone.now()).today
        presets = quarter_presets(person.workspace, today, taken)
    return _render(
        request,
        "okrs/cycle_form.html",
        {
            "person": person,
            "form": form,
            "cycle": cycle,
            "presets": presets,
            "fiscal_start": calendar.month_name[person.workspace.fiscal_year_start_month],
            "locked": cycle is not None and cycle.state == CycleState.CLOSED,
        },
    )


@admin_required
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest, person: Person) -> HttpResponseBase:
    """A new cycle in planning: a fiscal quarter in one click, or any name and dates."""
    form = CycleForm(_posted(request), workspace=person.workspace)
    if request.method == "POST" and form.check():
        try:
            cycle = services.create_cycle(
                actor=person,
                workspace=person.workspace,
                name=form.cleaned_data["name"] or "",
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(
                request, f"Cycle {cycle.name} created, in planning: add its objectives."
            )
            return redirect("cycle_list")
    return _cycle_page(request, person, form, None)


@admin_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Rename a cycle or move its dates (not once it is closed)."""
    cycle = access_cycle_by_id(person, pk)
    initial = {"name": cycle.name, "start_date": cycle.start_date, "end_date": cycle.end_date}
    form = CycleForm(_posted(request), workspace=person.workspace, cycle=cycle, initial=initial)
    if request.method == "POST" and form.check():
        try:
            services.update_cycle(
                actor=person,
                cycle=cycle,
                name=form.cleaned_data["name"] or "",
                start_date=form.cleaned_data["start_date"],
                end_date=form.cleaned_data["end_date"],
            )
        except ValidationError as error:
            form.add_model_errors(error)
        else:
            messages.success(request, f"Cycle {cycle.name} saved.")
            return redirect("cycle_list")
    return _cycle_page(request, person, form, cycle)


@admin_required
@require_POST
def cycle_activate(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Planning -> active. A cycle whose dates overlap another active cycle asks first: the
    answer is a page naming the other cycles, whose button posts again with `confirm`."""
    cycle = access_cycle_by_id(person, pk)
    try:
        services.activate_cycle(
            actor=person, cycle=cycle, confirm_overlap=request.POST.get("confirm") == "1"
        )
    except services.CycleOverlapError as overlap:
        context = {"person": person, "cycle": cycle, "overlapping": overlap.overlapping}
        return _render(request, "okrs/cycle_activate.html", context)
    except ValidationError as error:
        messages.error(request, f"{cycle.name} was not activated: {' '.join(error.messages)}")
    else:
        messages.success(request, f"{cycle.name} is active.")
    return redirect("cycle_list")


@admin_required
@require_http_methods(["GET", "POST"])
def cycle_close(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Each objective's final score (prefilled from its progress) and note; then lock."""
    cycle = access_cycle_by_id(person, pk)
    now = timezone.now()
    overview = cycle_overview(person.workspace, cycle, now, viewer=person)
    notes = dict(
        Objective.objects.filter(cycle=cycle)
        .exclude(retrospective="")
        .values_list("pk", "retrospective")
    )
    drafts = Objective.objects.filter(cycle=cycle, state=ObjectiveState.DRAFT).count()
    form = CloseCycleForm(
        overview.objectives,
        request.POST if request.method == "POST" else None,
        retrospectives=notes,
    )
    problems: list[str] = []
    if request.method == "POST":
        if form.is_valid():
            try:
                services.close_cycle(actor=person, cycle=cycle, closings=form.closings())
            except ValidationError as error:
                problems = form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    f"{cycle.name} is closed: its objectives are final and locked.",
                )
                return redirect("cycle_list")
        cycle.refresh_from_db()
    for row in form.rows:
        _annotate(row.form, focus=False)
    first_error = form.first_error_id
    if first_error:
        for row in form.rows:
            for bound in row.form:
                if bound.auto_id == first_error:
                    bound.field.widget.attrs["autofocus"] = True
    return _render(
        request,
        "okrs/cycle_close.html",
        {
            "person": person,
            "cycle": cycle,
            "header": overview.cycle,
            "form": form,
            "drafts": drafts,
            "problems": problems,
            "has_errors": bool(first_error or problems),
            "board_url": board_url(cycle.pk),
        },
    )


@admin_required
@require_http_methods(["GET", "POST"])
def cycle_carry_over(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Copy the unfinished objectives of a closed cycle into a cycle in planning or active."""
    source = access_cycle_by_id(person, pk)
    targets = list(
        Cycle.objects.filter(workspace_id=person.workspace_id)
        .exclude(state=CycleState.CLOSED)
        .exclude(pk=source.pk)
        .order_by("start_date", "id")
    )
    later = [c for c in targets if c.start_date > source.start_date]
    default = later[0] if later else (targets[0] if targets else None)
    wanted = request.POST.get("target") if request.method == "POST" else request.GET.get("target")
    chosen = next((c for c in targets if str(c.pk) == wanted), default)
    # Objectives already carried into the chosen cycle are not offered twice.
    candidates = services.carry_over_candidates(source, chosen) if source.is_closed else []
    form = CarryOverForm(
        _posted(request),
        targets=targets,
        candidates=candidates,
        initial={"target": chosen.pk if chosen else ""},
    )
    if request.method == "POST" and source.is_closed and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            copies = services.carry_over(
                actor=person,
                source=source,
                target=target,
                objective_ids=form.cleaned_data["objectives"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            count = len(copies)
            messages.success(
                request,
                f"{count} objective{'s' if count != 1 else ''} carried over from "
                f"{source.name} to {target.name}.",
            )
            return redirect(board_url(target.pk))
    _annotate(form, focus=False)
    return _render(
        request,
        "okrs/cycle_carry_over.html",
        {
            "person": person,
            "cycle": source,
            "form": form,
            "targets": targets,
            "candidates": candidates,
            "selected": {str(v) for v in (form["objectives"].value() or [])},
            "board_url": board_url(source.pk),
        },
    )
