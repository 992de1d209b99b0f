"""KPI pages. Thin: resolve the caller, check access, call one query or one service, render.

Reads are scoped to the caller's workspace (another workspace's KPI is a 404); every write
needs an editor or an admin (a viewer gets a 403) and a CSRF token.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from goalkeeper import pickers
from goalkeeper.accounts.access import require_editor
from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.middleware import person_of
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.services import company_team
from goalkeeper.domain.periods import Frequency
from goalkeeper.kpis import board as board_reads
from goalkeeper.kpis import imports, queries, services
from goalkeeper.kpis.access import access_kpi_by_id
from goalkeeper.kpis.forms import (
    BaselineForm,
    BulkKpiForm,
    KpiForm,
    PasteForm,
    UploadForm,
    ValueForm,
)
from goalkeeper.kpis.models import Kpi, Measurement, StagedUpload
from goalkeeper.kpis.pickers import search_kpis

PREVIEW_ROWS = 20
# The bad lines a preview lists; the others are counted.
MAX_SKIPPED_SHOWN = 200


def _person(request: HttpRequest) -> Person:
    person = person_of(request)
    if person is None:
        raise Http404(_("you are not in a workspace"))
    return person


def _kpi(person: Person, kpi_id: int, *, for_write: bool = False) -> Kpi:
    kpi = access_kpi_by_id(person, kpi_id, for_write=for_write)
    # Same row as the caller's workspace, already loaded: spares a query per page.
    kpi.workspace = person.workspace
    return kpi


def _render(
    request: HttpRequest, person: Person, template: str, context: dict[str, Any]
) -> HttpResponse:
    # Dates on KPI pages read in the workspace's zone, as its periods do.
    with timezone.override(person.workspace.zone):
        return render(request, template, context)


def _error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The KPI board, one page at a time: searched, filtered (team, owner or mine, health,
    frequency, archived), sorted (health, name, team, change), as cards or a table."""
    person = _person(request)
    filters = board_reads.parse_filters(request.GET)
    data = board_reads.kpi_board(person.workspace, timezone.now(), filters, person)
    # Search as you type and paging swap the results alone; without JS it is a page.
    results_only = getattr(request, "htmx", False) and request.headers.get("HX-Target") == (
        "kpi-results"
    )
    if not results_only:
        context: dict[str, Any] = {"board": data}
        if person.can_edit:
            # The action bar of bulk changes (docs/kpis.md, "Bulk changes").
            context["bulk_form"] = BulkKpiForm(workspace=person.workspace, auto_id="bulk_%s")
            context["bulk_max"] = services.MAX_BULK
        return _render(request, person, "kpis/board.html", context)
    response = _render(request, person, "kpis/_board_results.html", {"board": data})
    # The address bar shows the board's own short query, not every field of the form.
    query = data.filters.query(page=data.page.number)
    response["HX-Push-Url"] = reverse("kpis") + (f"?{query}" if query else "")
    return response


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A KPI's chart, status, definition and raw values (its template adds the bridges:
    linked key results and recoveries, from `goalkeeper.bridges`)."""
    person = _person(request)
    return _detail(request, person, _kpi(person, pk))


def _detail(
    request: HttpRequest,
    person: Person,
    kpi: Kpi,
    baseline_form: BaselineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    period = request.GET.get("period", "")
    chart_frequency = Frequency(period) if period in Frequency._value2member_map_ else None
    page_text = request.GET.get("page", "1")
    page_number = int(page_text) if page_text.isdigit() else 1
    data = queries.kpi_page(kpi, timezone.now(), chart_frequency=chart_frequency, page=page_number)
    response = _render(
        request,
        person,
        "kpis/detail.html",
        {
            "page": data,
            "kpi": kpi,
            "baseline_form": baseline_form or BaselineForm(),
        },
    )
    response.status_code = status
    return response


@login_required
@require_http_methods(["POST"])
def set_baseline(request: HttpRequest, pk: int) -> HttpResponse:
    """A new baseline for the KPI's process limits (editors); a refusal shows the KPI page
    again with the form's errors."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    form = BaselineForm(request.POST)
    if form.is_valid():
        try:
            services.set_baseline(
                actor=person,
                kpi=kpi,
                first=form.cleaned_data["from"],
                last=form.cleaned_data["to"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("New baseline set: the limits are computed from it."))
            return redirect(reverse("kpi_detail", args=[kpi.pk]) + "#limits")
    return _detail(request, person, kpi, baseline_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """A new KPI."""
    person = _person(request)
    require_editor(person)
    initial: dict[str, Any] = {"owner": person.pk}
    team = request.GET.get("team", "")
    if team.isdigit():
        initial["team"] = int(team)
    else:
        # The caller's own team, else the company: the common case needs no choice.
        mine = person.memberships.order_by("id").values_list("team_id", flat=True).first()
        initial["team"] = mine or company_team(person.workspace).pk
    form = KpiForm(request.POST or None, workspace=person.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            kpi = services.create_kpi(actor=person, **fields)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("KPI “%(name)s” created. Now give it its values.") % {"name": kpi.name}
            )
            return redirect("kpi_detail", pk=kpi.pk)
    return _render(request, person, "kpis/form.html", {"form": form, "kpi": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a KPI's definition."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    initial = {name: getattr(kpi, name) for name in services.KPI_FIELDS}
    form = KpiForm(request.POST or None, workspace=person.workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_kpi(actor=person, kpi=kpi, **form.service_fields())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("KPI saved."))
            return redirect("kpi_detail", pk=kpi.pk)
    return _render(request, person, "kpis/form.html", {"form": form, "kpi": kpi})


@login_required
@require_http_methods(["GET", "POST"])
def values(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter values by hand: one value, or pasted "date,value" lines."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    zone = person.workspace.zone
    action = request.POST.get("action", "")
    value_form = ValueForm(
        request.POST if action == "one" else None,
        initial={"date": timezone.localdate(timezone.now(), zone)},
    )
    paste_form = PasteForm(request.POST if action == "paste" else None)
    errors: list[imports.RowError] = []
    problems: list[str] = []
    points: list[tuple[Any, float]] = []
    if action == "one" and value_form.is_valid():
        points = [(value_form.timestamp(zone), value_form.cleaned_data["value"])]
    elif action == "paste" and paste_form.is_valid():
        parsed = imports.parse_text(
            paste_form.cleaned_data["lines"],
            date_format=imports.DateFormat(paste_form.cleaned_data["date_format"]),
            zone=zone,
            kpi_name=kpi.name,
        )
        errors, problems = parsed.errors, parsed.problems
        if parsed.ok:
            points = parsed.points
    if points:
        try:
            result = services.record_measurements(
                actor=person, kpi=kpi, points=points, source="manual"
            )
        except ValidationError as error:
            problems = _error_messages(error)
        else:
            messages.success(request, _written(result))
            return redirect("kpi_detail", pk=kpi.pk)
    return _render(
        request,
        person,
        "kpis/values.html",
        {
            "kpi": kpi,
            "value_form": value_form,
            "paste_form": paste_form,
            "errors": errors,
            "problems": problems,
        },
    )


def _written(result: services.UpsertResult) -> str:
    total = result.created + result.updated
    if result.updated:
        return ngettext(
            "%(total)s value written (%(created)s new, %(updated)s updated).",
            "%(total)s values written (%(created)s new, %(updated)s updated).",
            total,
        ) % {"total": total, "created": result.created, "updated": result.updated}
    return ngettext(
        "%(total)s value written (%(created)s new).",
        "%(total)s values written (%(created)s new).",
        total,
    ) % {"total": total, "created": result.created}


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a CSV or XLSX file; a valid one goes to the preview, a bad one lists its errors."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    parsed: imports.ParseResult | None = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        parsed = imports.parse_file(
            upload_file.name or "",
            upload_file,
            upload_file.size or 0,
            date_format=imports.DateFormat(form.cleaned_data["date_format"]),
            zone=person.workspace.zone,
            kpi_name=kpi.name,
            date_column=form.cleaned_data["date_column"],
            value_column=form.cleaned_data["value_column"],
        )
        if parsed.ok or parsed.partly_ok:
            # A file with bad lines goes to the preview too: it lists them, and writes the
            # good ones only when the person chooses to skip the bad ones.
            staged = services.stage_upload(
                actor=person,
                kpi=kpi,
                points=parsed.points,
                filename=upload_file.name or "",
                skipped=[
                    services.SkippedRow(error.line, error.column, error.message)
                    for error in parsed.errors
                ],
            )
            return redirect("kpi_upload_preview", pk=kpi.pk, token=staged.token)
    return _render(
        request, person, "kpis/upload.html", {"kpi": kpi, "form": form, "parsed": parsed}
    )


def _staged(person: Person, kpi: Kpi, token: uuid.UUID) -> StagedUpload:
    cutoff = timezone.now() - services.STAGED_UPLOAD_TTL
    staged = StagedUpload.objects.filter(
        token=token, kpi=kpi, person=person, created_at__gte=cutoff
    ).first()
    if staged is None:
        raise Http404(_("this preview has expired or was already written"))
    return staged


@login_required
@require_http_methods(["GET", "POST"])
def upload_preview(request: HttpRequest, pk: int, token: uuid.UUID) -> HttpResponse:
    """What an upload will write; "Write N values" writes it, all or nothing. With lines that
    cannot be read, it lists them and writes only on "Import the N good rows, skip the M bad
    ones" (`skip_bad`)."""
    person = _person(request)
    kpi = _kpi(person, pk, for_write=True)
    staged = _staged(person, kpi, token)
    problems: list[str] = []
    if request.method == "POST":
        skipped = len(staged.skipped)
        try:
            result = services.write_staged_upload(
                actor=person, staged=staged, skip_bad=request.POST.get("skip_bad") == "yes"
            )
        except ValidationError as error:
            problems = _error_messages(error)
        else:
            message = _written(result)
            if skipped:
                message += " " + ngettext(
                    "%(count)d bad line skipped.", "%(count)d bad lines skipped.", skipped
                ) % {"count": skipped}
            messages.success(request, message)
            return redirect("kpi_detail", pk=kpi.pk)
    points = services.staged_points(staged)
    existing = Measurement.objects.filter(kpi=kpi, timestamp__in=[ts for ts, _ in points]).count()
    ordered = sorted(points, key=lambda point: point[0])
    return _render(
        request,
        person,
        "kpis/upload_preview.html",
        {
            "kpi": kpi,
            "staged": staged,
            "count": len(points),
            "updates": existing,
            "creates": len(points) - existing,
            "first": ordered[0][0],
            "last": ordered[-1][0],
            "rows": points[:PREVIEW_ROWS],
            "more": max(len(points) - PREVIEW_ROWS, 0),
            "skipped": staged.skipped[:MAX_SKIPPED_SHOWN],
            "skipped_count": len(staged.skipped),
            "problems": problems,
        },
    )


# --- Picker: search as you type (docs/pickers.md) -------------------------------------------


@require_GET
@member_required
def pick_kpis(request: HttpRequest, person: Person) -> HttpResponse:
    """KPIs of the workspace not archived matching `?q=`, at most 20, as JSON."""
    return pickers.options_response(search_kpis(person, pickers.query_of(request)))
