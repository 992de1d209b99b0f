"""Pages' writes of guardrails and driver links: add and remove a guardrail on an objective
page, declare and remove a driver link on a KPI page. Thin: resolve the caller, check
access, call one bridge service, redirect with a message.

A guardrail needs the objective's owner or an editor, a driver link an editor (a viewer gets
a 403); every write needs a CSRF token; another workspace's objective or KPI is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goalkeeper.accounts.access import require_editor
from goalkeeper.bridges import services
from goalkeeper.bridges.access import access_driver_link_by_id, access_guardrail_by_kpi
from goalkeeper.bridges.forms import DriverForm, GuardrailForm
from goalkeeper.bridges.views import _error_messages, _person
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.okrs.access import access_objective_by_id


def _form_errors(request: HttpRequest, form: GuardrailForm | DriverForm) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@login_required
@require_POST
def guardrail_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a KPI guard the objective."""
    person = _person(request)
    objective = access_objective_by_id(person, pk)
    services.require_guard(person, objective)
    back = reverse("objective_detail", args=[objective.pk]) + "#guardrails"
    form = GuardrailForm(request.POST, workspace=person.workspace)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    kpi = form.cleaned_data["kpi"]
    try:
        services.add_guardrail(
            actor=person, objective=objective, kpi=kpi, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("“%(kpi)s” now guards this objective.") % {"kpi": kpi.name})
    return redirect(back)


@login_required
@require_POST
def guardrail_remove(request: HttpRequest, pk: int, kpi_id: int) -> HttpResponse:
    """The KPI no longer guards the objective."""
    person = _person(request)
    objective = access_objective_by_id(person, pk)
    guardrail = access_guardrail_by_kpi(person, objective, kpi_id)
    name = guardrail.kpi.name
    services.remove_guardrail(actor=person, guardrail=guardrail)
    messages.success(request, _("“%(kpi)s” no longer guards this objective.") % {"kpi": name})
    return redirect(reverse("objective_detail", args=[objective.pk]) + "#guardrails")


@login_required
@require_POST
def driver_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Declare that the KPI drives another KPI or a key result."""
    person = _person(request)
    kpi = access_kpi_by_id(person, pk, for_write=True)
    back = reverse("kpi_detail", args=[kpi.pk]) + "#drivers"
    form = DriverForm(request.POST, kpi=kpi)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(back)
    try:
        services.add_driver_link(
            actor=person,
            leading=kpi,
            kpi=form.cleaned_data["kpi"],
            key_result=form.cleaned_data["key_result"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        for message in _error_messages(error):
            messages.error(request, message)
    else:
        messages.success(request, _("Driver link saved."))
    return redirect(back)


@login_required
@require_POST
def driver_remove(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    """Forget a driver link of the KPI."""
    person = _person(request)
    require_editor(person)
    kpi = access_kpi_by_id(person, pk)
    link = access_driver_link_by_id(person, kpi, link_id)
    services.remove_driver_link(actor=person, link=link)
    messages.success(request, _("Driver link removed."))
    return redirect(reverse("kpi_detail", args=[kpi.pk]) + "#drivers")
