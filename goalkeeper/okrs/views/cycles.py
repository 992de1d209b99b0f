"""Pages of the cycle lifecycle: list, create, edit, activate, close, carry over."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.decorators import admin_required, member_required
from goalkeeper.accounts.models import Person
from goalkeeper.okrs import services
from goalkeeper.okrs.access import access_cycle_by_id
from goalkeeper.okrs.forms import (
    CarryOverForm,
    CloseCycleForm,
    CycleForm,
    quarter_presets,
)
from goalkeeper.okrs.forms.common import shown
from goalkeeper.okrs.models import Cycle, CycleState, Objective, ObjectiveState
from goalkeeper.okrs.pages.board import cycle_overview
from goalkeeper.okrs.views.common import _annotate, _posted, _render, board_url

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
            "fiscal_start": MONTHS[person.workspace.fiscal_year_start_month],
            "fiscal_start_month": person.workspace.fiscal_year_start_month,
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
                request,
                _("Cycle %(name)s created, in planning: add its objectives.")
                % {"name": cycle.name},
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
            messages.success(request, _("Cycle %(name)s saved.") % {"name": cycle.name})
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
        messages.error(
            request,
            _("%(name)s was not activated: %(reasons)s")
            % {"name": cycle.name, "reasons": " ".join(shown(m) for m in error.messages)},
        )
    else:
        messages.success(request, _("%(name)s is active.") % {"name": cycle.name})
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
                    _("%(name)s is closed: its objectives are final and locked.")
                    % {"name": cycle.name},
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
                    form.add_error(field if field in form.fields else None, shown(message))
        else:
            count = len(copies)
            messages.success(
                request,
                ngettext(
                    "%(count)s objective carried over from %(source)s to %(target)s.",
                    "%(count)s objectives carried over from %(source)s to %(target)s.",
                    count,
                )
                % {"count": count, "source": source.name, "target": target.name},
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
