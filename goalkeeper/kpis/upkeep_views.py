"""KPI upkeep pages (docs/kpis.md, "Upkeep"): archive, restore and delete a KPI, correct or
delete one value, and the board's bulk changes. Thin: resolve the caller, check access, call
one service, render. Every write needs an editor or an admin and a CSRF token.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from goalkeeper.accounts.access import require_editor
from goalkeeper.kpis import links, services
from goalkeeper.kpis.forms import BulkKpiForm, DeleteKpiForm, MeasurementForm
from goalkeeper.kpis.models import Measurement
from goalkeeper.kpis.views import _error_messages, _kpi, _person, _render


def _back(request: HttpRequest, fallback: str) -> str:
    """Where to go after a write: the page the form came from when it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    """What links to the KPI, then "Archive": it leaves the board, its values stay."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    if request.method == "POST":
        try:
            services.archive_kpi(actor=person, kpi=kpi)
        except ValidationError as error:
            messages.error(request, " ".join(_error_messages(error)))
        else:
            messages.success(
                request,
                _("“%(name)s” is archived. Find it under Archived on the board to restore it.")
                % {"name": kpi.name},
            )
        return redirect(_back(request, reverse("kpi_detail", args=[kpi.pk])))
    return _render(
        request,
        person,
        "kpis/archive.html",
        {"kpi": kpi, "groups": links.kpi_links(kpi)},
    )


@login_required
@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring an archived KPI back on the board."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    try:
        services.restore_kpi(actor=person, kpi=kpi)
    except ValidationError as error:
        messages.error(request, " ".join(_error_messages(error)))
    else:
        messages.success(request, _("“%(name)s” is back on the board.") % {"name": kpi.name})
    return redirect(_back(request, reverse("kpi_detail", args=[kpi.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """What links to the KPI and what deleting does to each; deletes only once the person
    typed its name or ticked the box."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    form = DeleteKpiForm(request.POST or None, kpi_name=kpi.name)
    if request.method == "POST" and form.is_valid():
        name = kpi.name
        services.delete_kpi(actor=person, kpi=kpi)
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
        return redirect("kpis")
    return _render(
        request,
        person,
        "kpis/delete.html",
        {"kpi": kpi, "form": form, "groups": links.kpi_links(kpi)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def value(request: HttpRequest, pk: int, measurement_id: int) -> HttpResponse:
    """Correct one stored value (its value, its time) or delete it, with a reason."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    measurement = Measurement.objects.filter(kpi=kpi, pk=measurement_id).first()
    if measurement is None:
        raise Http404("no such value")
    zone = person.workspace.zone
    local = timezone.localtime(measurement.timestamp, zone)
    initial = {
        "date": local.date(),
        "time": local.time() if local.time() != local.time().min else None,
        "value": measurement.value,
    }
    action = request.POST.get("action", "save")
    form = MeasurementForm(request.POST or None, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and action == "delete":
        try:
            services.delete_measurement(
                actor=person,
                kpi=kpi,
                timestamp=measurement.timestamp,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            problems = _error_messages(error)
        else:
            messages.success(request, _("The value was deleted; the figures follow it."))
            return redirect(reverse("kpi_detail", args=[kpi.pk]) + "#values")
    elif request.method == "POST" and form.is_valid():
        try:
            services.correct_measurement(
                actor=person,
                kpi=kpi,
                timestamp=measurement.timestamp,
                value=form.cleaned_data["value"],
                new_timestamp=form.timestamp(zone),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            problems = _error_messages(error)
        else:
            messages.success(request, _("The value was corrected; the figures follow it."))
            return redirect(reverse("kpi_detail", args=[kpi.pk]) + "#values")
    return _render(
        request,
        person,
        "kpis/value.html",
        {"kpi": kpi, "measurement": measurement, "form": form, "problems": problems},
    )


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """The board's action bar: one change (new owner, new team, archive) for every selected
    KPI, all or nothing; back to the board with what happened."""
    person = _person(request)
    require_editor(person)
    form = BulkKpiForm(request.POST, workspace=person.workspace)
    back = _back(request, reverse("kpis"))
    if not form.is_valid():
        reasons = [str(message) for field in form.errors.values() for message in field]
        messages.error(
            request, _("Nothing was changed: %(reasons)s") % {"reasons": " ".join(reasons)}
        )
        return redirect(back)
    data = form.cleaned_data
    try:
        changed = services.bulk_change_kpis(
            actor=person,
            kpi_ids=data["kpis"],
            action=services.BulkAction(data["action"]),
            owner=data.get("owner"),
            team=data.get("team"),
        )
    except ValidationError as error:
        messages.error(
            request,
            _("Nothing was changed: %(reasons)s") % {"reasons": " ".join(_error_messages(error))},
        )
        return redirect(back)
    messages.success(
        request,
        ngettext("%(count)d KPI changed.", "%(count)d KPIs changed.", changed) % {"count": changed},
    )
    return redirect(back)
