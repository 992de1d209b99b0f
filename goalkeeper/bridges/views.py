"""Pages of the bridges: flag a red KPI, link and unlink key results, promote a key result,
hand one down as another team's KPI, drive one by several KPIs, dismiss a recovery draft
left in a closed cycle. Thin: resolve the caller, check access,
call one bridge service, redirect or render.

Every write needs an editor or an admin (a viewer gets a 403) and a CSRF token; another
workspace's KPI or key result is a 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person, Team
from goalkeeper.accounts.rendering import render_page
from goalkeeper.bridges import services
from goalkeeper.bridges.access import access_recovery_by_id
from goalkeeper.bridges.forms import FormulaForm, HandDownForm, LinkForm, PromoteForm
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.access import access_key_result_by_id
from goalkeeper.okrs.models import KeyResult, KpiFormula


def _person(request: HttpRequest) -> Person:
    person = person_of(request)
    if person is None:
        raise Http404(_("you are not in a workspace"))
    return person


def _kpi(person: Person, kpi_id: int) -> Kpi:
    kpi = access_kpi_by_id(person, kpi_id, for_write=True)
    # Same row as the caller's workspace, already loaded: spares a query.
    kpi.workspace = person.workspace
    return kpi


def _error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [_(message) for messages_ in error.message_dict.values() for message in messages_]
    return [_(message) for message in error.messages]


def _kpi_page(kpi: Kpi, anchor: str = "") -> str:
    return reverse("kpi_detail", args=[kpi.pk]) + anchor


@login_required
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the recovery objective of a red KPI."""
    person = _person(request)
    kpi = _kpi(person, pk)
    try:
        objective = services.create_recovery_objective(actor=person, kpi=kpi)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Draft objective “%(title)s” created in %(cycle)s for %(team)s.")
            % {"title": objective.title, "cycle": objective.cycle.name, "team": kpi.team.name},
        )
    return redirect(_kpi_page(kpi))


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    """Forget a recovery draft whose cycle closed, so that it no longer shows on the KPI."""
    person = _person(request)
    kpi = _kpi(person, pk)
    recovery = access_recovery_by_id(person, kpi, objective_id, for_write=True)
    try:
        services.dismiss_recovery(actor=person, recovery=recovery)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Recovery draft dismissed: it stays in its closed cycle."))
    return redirect(_kpi_page(kpi, "#recoveries"))


@login_required
@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Let the KPI drive one key result."""
    person = _person(request)
    kpi = _kpi(person, pk)
    form = LinkForm(request.POST, kpi=kpi)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else None
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect(_kpi_page(kpi, "#linked"))
    key_result = form.cleaned_data["key_result"]
    try:
        services.link_key_result(
            actor=person, key_result=key_result, kpi=kpi, mode=form.cleaned_data["mode"]
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(title)s” now reads its value from this KPI.") % {"title": key_result.title},
        )
    return redirect(_kpi_page(kpi, "#linked"))


@login_required
@require_POST
def unlink(request: HttpRequest, pk: int, key_result_id: int) -> HttpResponse:
    """Stop a key result from reading the KPI."""
    person = _person(request)
    kpi = _kpi(person, pk)
    key_result = access_key_result_by_id(person, key_result_id, for_write=True)
    if key_result.kpi_id != kpi.pk:
        raise Http404(_("this key result does not read this KPI"))
    try:
        services.unlink_key_result(actor=person, key_result=key_result)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request, _("“%(title)s” no longer reads this KPI.") % {"title": key_result.title}
        )
    return redirect(_kpi_page(kpi, "#linked"))


@login_required
@require_http_methods(["GET", "POST"])
def promote(request: HttpRequest, pk: int) -> HttpResponse:
    """Promote a key result to a KPI: GET shows what the KPI will be, POST creates it."""
    person = _person(request)
    key_result = access_key_result_by_id(person, pk, for_write=True)
    form = PromoteForm(request.POST or None)
    plan: services.PromotionPlan | None = None
    refusal: list[str] = []
    try:
        plan = services.promotion_plan(key_result)
    except ValidationError as error:
        refusal = _error_messages(error)
    if request.method == "POST" and plan is not None and form.is_valid():
        try:
            kpi = services.promote_key_result(
                actor=person,
                key_result=key_result,
                frequency=form.cleaned_data["frequency"],
                aggregation=form.cleaned_data["aggregation"],
            )
        except ValidationError as error:
            refusal = _error_messages(error)
        else:
            messages.success(
                request,
                ngettext(
                    "“%(name)s” is now a KPI, with %(count)s check-in as its history. "
                    "The key result reads its value from it.",
                    "“%(name)s” is now a KPI, with %(count)s check-ins as its history. "
                    "The key result reads its value from it.",
                    plan.check_ins,
                )
                % {"name": kpi.name, "count": plan.check_ins},
            )
            return redirect("kpi_detail", pk=kpi.pk)
    return render_page(
        request,
        person,
        "bridges/promote.html",
        {"key_result": key_result, "plan": plan, "form": form, "refusal": refusal},
    )


def _first_team_below(key_result: KeyResult) -> Team | None:
    """Where a key result is usually handed down: the first team under its objective's."""
    return (
        Team.objects.filter(parent_id=key_result.objective.team_id, archived_at__isnull=True)
        .order_by("name", "id")
        .first()
    )


def _refuse_on_form(form: forms.Form, error: ValidationError) -> list[str]:
    """Put a service's refusal on the form's field it names; return what names no field."""
    rest = []
    for field, messages_ in (error.message_dict if hasattr(error, "error_dict") else {}).items():
        for message in messages_:
            if field in form.fields:
                form.add_error(field, _(message))
            else:
                rest.append(_(message))
    return rest or ([] if hasattr(error, "error_dict") else [_(m) for m in error.messages])


@login_required
@require_http_methods(["GET", "POST"])
def hand_down(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand a key result down as another team's KPI: GET shows the KPI it will be (team
    picker, owner defaulting to the team's lead), POST creates it."""
    person = _person(request)
    key_result = access_key_result_by_id(person, pk, for_write=True)
    initial = {"team": _first_team_below(key_result)} if request.method == "GET" else None
    form = HandDownForm(request.POST or None, initial=initial, workspace=person.workspace)
    plan: services.PromotionPlan | None = None
    refusal: list[str] = []
    try:
        plan = services.promotion_plan(key_result)
    except ValidationError as error:
        refusal = _error_messages(error)
    if request.method == "POST" and plan is not None and form.is_valid():
        try:
            kpi = services.hand_down_key_result(
                actor=person,
                key_result=key_result,
                team=form.cleaned_data["team"],
                owner=form.cleaned_data["owner"],
                frequency=form.cleaned_data["frequency"],
                aggregation=form.cleaned_data["aggregation"],
            )
        except ValidationError as error:
            refusal = _refuse_on_form(form, error)
        else:
            messages.success(
                request,
                (
                    _(
                        "“%(name)s” is now a KPI of %(team)s, owned by %(owner)s. The key result "
                        "reads its value from it."
                    )
                    % {"name": kpi.name, "team": kpi.team.name, "owner": kpi.owner.name}
                    if kpi.owner
                    else _(
                        "“%(name)s” is now a KPI of %(team)s, owned by nobody. The key result "
                        "reads its value from it."
                    )
                    % {"name": kpi.name, "team": kpi.team.name}
                ),
            )
            return redirect("kpi_detail", pk=kpi.pk)
    return render_page(
        request,
        person,
        "bridges/hand_down.html",
        {"key_result": key_result, "plan": plan, "form": form, "refusal": refusal},
    )


@login_required
@require_http_methods(["GET", "POST"])
def formula(request: HttpRequest, pk: int) -> HttpResponse:
    """Drive a key result by several KPIs: GET shows the formula and its KPIs, POST sets it
    (an empty formula, or no KPI, stops it)."""
    person = _person(request)
    key_result = access_key_result_by_id(person, pk, for_write=True)
    current = list(key_result.inputs.order_by("position", "id").values_list("kpi_id", flat=True))
    initial: dict[str, object] = {
        "formula": key_result.kpi_formula or KpiFormula.SUM.value,
        "mode": key_result.kpi_mode,
    }
    initial.update({f"kpi_{slot}": pk for slot, pk in enumerate(current, start=1)})
    form = FormulaForm(
        request.POST or None, initial=initial, workspace=person.workspace, keep=current
    )
    refusal: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.drive_by_formula(
                actor=person,
                key_result=key_result,
                formula=form.cleaned_data["formula"],
                kpis=form.chosen_kpis(),
                mode=form.cleaned_data["mode"],
            )
        except ValidationError as error:
            refusal = _refuse_on_form(form, error)
        else:
            messages.success(
                request,
                _("“%(title)s” reads its value from %(count)s KPIs.")
                % {"title": key_result.title, "count": len(form.chosen_kpis())}
                if key_result.kpi_formula
                else _("“%(title)s” no longer reads several KPIs.") % {"title": key_result.title},
            )
            return redirect("objective_detail", pk=key_result.objective_id)
    return render_page(
        request,
        person,
        "bridges/formula.html",
        {"key_result": key_result, "form": form, "refusal": refusal},
    )


@login_required
@require_POST
def follow_shape(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a key result the phased targets of last year's shape of its KPI, then show them
    on its form."""
    person = _person(request)
    key_result = access_key_result_by_id(person, pk, for_write=True)
    try:
        services.follow_kpi_shape(actor=person, key_result=key_result)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("“%(title)s” now follows last year's shape of its KPI.")
            % {"title": key_result.title},
        )
    return redirect("key_result_edit", pk=key_result.pk)
