"""Data source pages. Thin: resolve the caller, check access, call a query or a service, render.

Any member of the workspace reads a KPI's source status and its run history; only admins
configure, test, sync or remove a source, since it holds credentials to the company's
systems. Parameters are shown to admins only, and a secret never more than masked.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from goalkeeper.accounts.decorators import member_required
from goalkeeper.accounts.models import Person
from goalkeeper.accounts.rendering import render_page
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import connection_tests, queries, services, tasks
from goalkeeper.sources.access import (
    access_connection_test_by_id,
    access_kpi_for_source,
    access_source_by_kpi_id,
    access_sync_run_by_id,
)
from goalkeeper.sources.connectors import REGISTRY, Row, kind_label
from goalkeeper.sources.forms import (
    DEFAULT_INTERVAL,
    INTERVAL_PRESETS,
    PARAM_PREFIX,
    SourceForm,
)
from goalkeeper.sources.models import (
    ConnectionTest,
    DataSource,
    RunStatus,
    RunTrigger,
    SyncRun,
)
from goalkeeper.sources.secrets import UnreadableSecretsError, open_secrets
from goalkeeper.web.templatetags.goalkeeper_ui import qty

logger = logging.getLogger(__name__)

# The event a finished run sends to the page, which then reloads the summary and history.
SYNCED_EVENT = "source-synced"
# The part of the source page that reloads when a run finishes.
LIVE_TARGET = "source-live"
# A run queued this long without a worker taking it: the page says to check the worker.
WORKER_HINT_SECONDS = 30


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _kpi_and_source(
    person: Person, kpi_id: int, *, for_write: bool = False
) -> tuple[Kpi, DataSource | None]:
    """The KPI and its source (None without one), through the access helpers: another
    workspace's KPI is missing (404); configuring needs an admin (403)."""
    try:
        source = access_source_by_kpi_id(person, kpi_id, for_write=for_write)
    except Http404:
        kpi = access_kpi_for_source(person, kpi_id, for_write=for_write)
        # The caller's workspace, already loaded: spares a query per page.
        kpi.workspace = person.workspace
        return kpi, None
    return source.kpi, source


# --- The source page ---------------------------------------------------------------------


def _detail_context(person: Person, kpi: Kpi, source: DataSource | None) -> dict[str, Any]:
    runs = queries.recent_runs(source) if source is not None else []
    return {
        "kpi": kpi,
        "source": source,
        "summary": queries.summary(source, for_admin=person.is_admin) if source else None,
        "runs": runs,
        "active_run": queries.active_run(runs),
        "history_limit": queries.HISTORY_RUNS,
        "now": timezone.now(),
        "live_target": LIVE_TARGET,
        "synced_event": SYNCED_EVENT,
    }


@require_GET
@member_required
def source_detail(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """A KPI's data source: status, schedule, Sync now, and the history of its runs.

    Without a source it says how to add one. When a run finishes, the page asks again for
    its live part only (summary and history), as an htmx request targeting it.
    """
    kpi, source = _kpi_and_source(person, pk)
    context = _detail_context(person, kpi, source)
    if _is_htmx(request) and request.headers.get("HX-Target") == LIVE_TARGET:
        # The header's status badge is outside the live part: it comes along out of band.
        return render_page(request, person, "sources/_live.html", {**context, "oob": True})
    return render_page(request, person, "sources/detail.html", context)


# --- Add or change a source ----------------------------------------------------------------


@dataclass
class Preview:
    """What "Test connection" found: rows, or why there are none."""

    rows: list[Row] = field(default_factory=list)
    problem: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)
    # The queued test, while a worker has not finished it (the fragment polls for it).
    test: ConnectionTest | None = None
    pending: bool = False

    @property
    def ok(self) -> bool:
        return not self.problem and not self.errors


def _secrets_for(source: DataSource | None, kind: str) -> tuple[dict[str, str], bool]:
    """The saved secrets a form of `kind` may keep (those of the same kind only), and
    whether they could not be opened."""
    if source is None or source.kind != kind:
        return {}, False
    return open_secrets(source.sealed_secrets)


def _schedule(params: Mapping[str, Any], source: DataSource | None) -> dict[str, Any]:
    """The schedule to show: as the request carries it, else the source's, else defaults."""
    raw = str(params.get("interval_minutes", "") or "").strip()
    if "interval_minutes" in params:
        return {
            "interval_minutes": int(raw) if raw.isdigit() and len(raw) < 7 else raw,
            "is_active": bool(params.get("is_active")),
        }
    if source is not None:
        return {"interval_minutes": source.interval_minutes, "is_active": source.is_active}
    return {"interval_minutes": DEFAULT_INTERVAL, "is_active": True}


def _initial_form(
    kind: str,
    source: DataSource | None,
    params: Mapping[str, Any],
    saved: Mapping[str, str],
) -> SourceForm:
    """A form for `kind` filled with the source's values (when it is of that kind), the
    defaults, and whatever non-secret values the request already carries."""
    initial: dict[str, Any] = {"kind": kind, **_schedule(params, source)}
    cls = REGISTRY.get(kind)
    for spec in cls.parameters if cls is not None else ():
        if spec.secret:
            continue
        value = spec.default
        if source is not None and source.kind == kind:
            value = str(source.settings.get(spec.name, "") or "") or spec.default
        key = PARAM_PREFIX + spec.name
        if key in params:
            value = str(params.get(key) or "")
        initial[key] = value
    return SourceForm(kind=kind, initial=initial, saved_secrets=saved)


def _edit_page(
    request: HttpRequest,
    person: Person,
    kpi: Kpi,
    source: DataSource | None,
    form: SourceForm,
    *,
    unreadable: bool = False,
    preview: Preview | None = None,
) -> HttpResponse:
    response = render_page(
        request,
        person,
        "sources/edit.html",
        {
            "kpi": kpi,
            "source": source,
            "form": form,
            "unreadable": unreadable,
            "preview": preview,
            "presets": INTERVAL_PRESETS,
        },
    )
    # The page may carry a masked secret: never keep it in a cache.
    response["Cache-Control"] = "no-store"
    return response


def _configure(kpi: Kpi, form: SourceForm) -> services.Configuration:
    """The form's parameters checked by the service (ValidationError by parameter)."""
    return services.configure(
        kpi=kpi,
        kind=form.chosen_kind,
        values=form.values(),
        saved_secrets=form.saved_secrets,
        clear=form.cleared(),
    )


def _try_connection(person: Person, kpi: Kpi, form: SourceForm) -> Preview:
    """ "Test connection": queue a test of the form's parameters for a worker (nothing is
    written); the preview follows it, or says at once why it cannot start."""
    if form.connector is None:
        return Preview(errors=[(_("Kind of source"), _("choose a kind of source first"))])
    if not form.pulled:
        return Preview(
            problem=_(
                "a push source is not pulled, so there is nothing to test: its values "
                "arrive through the API"
            )
        )
    try:
        configuration = _configure(kpi, form)
    except ValidationError as error:
        form.add_service_errors(error)
        return Preview(
            errors=[
                (form.field_label(name), _(message))
                for name, found in error.message_dict.items()
                for message in found
            ]
        )
    try:
        test = connection_tests.request_test(actor=person, kpi=kpi, configuration=configuration)
    except connection_tests.TooManyTestsError as busy:
        return Preview(
            problem=_(
                "%(limit)s connection tests are already under way in this workspace: wait "
                "for one to finish, then try again"
            )
            % {"limit": busy.limit}
        )
    tasks.test_connection(test.pk)
    # A worker in this process (immediate mode) may have finished it already.
    test.refresh_from_db()
    return _preview_of(test)


def _preview_of(test: ConnectionTest) -> Preview:
    if test.status == RunStatus.SUCCEEDED:
        return Preview(rows=connection_tests.rows_of(test), test=test)
    if test.status == RunStatus.FAILED:
        return Preview(problem=_(test.error), test=test)
    return Preview(test=test, pending=True)


def _save(
    request: HttpRequest, person: Person, kpi: Kpi, source: DataSource | None, form: SourceForm
) -> HttpResponseBase | None:
    """Save a valid form; None (with the errors on the form) when the service refuses."""
    if not form.is_valid():
        return None
    if form.connector is None:
        form.add_error("kind", _("choose a kind of source"))
        return None
    try:
        configuration = _configure(kpi, form)
        # A push source has no schedule: the form does not ask for one.
        interval = int(form.cleaned_data["interval_minutes"] or DEFAULT_INTERVAL)
        active = bool(form.cleaned_data["is_active"]) if form.pulled else True
        services.save_source(
            actor=person,
            kpi=kpi,
            source=source,
            configuration=configuration,
            interval_minutes=interval,
            is_active=active,
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return None
    except UnreadableSecretsError as error:
        form.add_error(
            None, _("%(error)s; or remove the source and add it again") % {"error": error}
        )
        return None
    if form.pulled:
        text = (
            _(
                "Data source saved. The schedule reads it within a minute; press Sync now to "
                "read it at once."
            )
            if form.cleaned_data["is_active"]
            else _("Data source saved, paused: press Sync now to read it.")
        )
    else:
        text = _(
            "Data source saved. Send values to POST /api/v1/kpis/%(id)s/measurements with an "
            "API token; each batch shows in the history."
        ) % {"id": kpi.pk}
    messages.success(request, text)
    return redirect("source_detail", pk=kpi.pk)


@require_http_methods(["GET", "POST"])
@member_required
def source_edit(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Add a source to a KPI or change it (admins).

    POST `action`: "save" (the default), "test" (Test connection without JavaScript: the
    page comes back with the preview) or "choose" (the kind chooser without JavaScript).
    """
    kpi, source = _kpi_and_source(person, pk, for_write=True)
    if request.method == "GET":
        kind = request.GET.get("kind", "") or (source.kind if source else "")
        saved, unreadable = _secrets_for(source, kind)
        form = _initial_form(kind, source, request.GET, saved)
        return _edit_page(request, person, kpi, source, form, unreadable=unreadable)
    kind = request.POST.get("kind", "")
    saved, unreadable = _secrets_for(source, kind)
    action = request.POST.get("action", "save")
    if action == "choose":
        form = _initial_form(kind, source, request.POST, saved)
        return _edit_page(request, person, kpi, source, form, unreadable=unreadable)
    form = SourceForm(request.POST, kind=kind, saved_secrets=saved)
    if action == "test":
        preview = _try_connection(person, kpi, form)
        return _edit_page(
            request, person, kpi, source, form, unreadable=unreadable, preview=preview
        )
    done = _save(request, person, kpi, source, form)
    if done is not None:
        return done
    return _edit_page(request, person, kpi, source, form, unreadable=unreadable)


@require_GET
@member_required
def source_fields(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """The parameter fields of one kind (`?kind=`), swapped into the form when the kind
    changes (admins: they carry the saved parameters)."""
    kpi, source = _kpi_and_source(person, pk, for_write=True)
    kind = request.GET.get("kind", "")
    saved, unreadable = _secrets_for(source, kind)
    form = _initial_form(kind, source, request.GET, saved)
    response = render_page(
        request,
        person,
        "sources/_fields.html",
        {
            "kpi": kpi,
            "source": source,
            "form": form,
            "unreadable": unreadable,
            "presets": INTERVAL_PRESETS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@member_required
def source_test(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """ "Test connection" with the form's current values: queued for a worker, whose
    preview of the first rows (or the error, naming the row or the field) the fragment
    polls for. Nothing is saved."""
    kpi, source = _kpi_and_source(person, pk, for_write=True)
    kind = request.POST.get("kind", "")
    saved, unreadable = _secrets_for(source, kind)
    form = SourceForm(request.POST, kind=kind, saved_secrets=saved)
    preview = _try_connection(person, kpi, form)
    if not _is_htmx(request):
        return _edit_page(
            request, person, kpi, source, form, unreadable=unreadable, preview=preview
        )
    return render_page(request, person, "sources/_preview.html", {"kpi": kpi, "preview": preview})


@require_GET
@member_required
def source_test_result(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """One connection test (admins): polled every second while a worker has not finished
    it; without JavaScript, a page that reloads itself until it has."""
    test = access_connection_test_by_id(person, pk)
    preview = _preview_of(test)
    context = {"kpi": test.kpi, "preview": preview}
    if _is_htmx(request):
        return render_page(request, person, "sources/_preview.html", context)
    return render_page(request, person, "sources/test.html", context)


# --- Sync now and its progress -------------------------------------------------------------


def _worker_hint(run: SyncRun) -> bool:
    """Whether the run has waited in the queue long enough to suggest checking the worker."""
    return (timezone.now() - run.queued_at).total_seconds() > WORKER_HINT_SECONDS


def _progress(
    request: HttpRequest, person: Person, run: SyncRun, *, started: bool = False
) -> HttpResponse:
    response = render_page(
        request, person, "sources/_progress.html", {"run": run, "worker_hint": _worker_hint(run)}
    )
    if started or run.is_finished:
        # The page reloads its summary and history (the new run shows in it); a finished
        # run's fragment carries no trigger to poll again, so the polling stops.
        response["HX-Trigger"] = SYNCED_EVENT
    return response


def _run_result(run: SyncRun) -> str:
    if run.status == RunStatus.SUCCEEDED:
        return _("Sync finished: %(created)s new, %(updated)s updated (%(fetched)s read).") % {
            "created": qty(run.rows_created),
            "updated": qty(run.rows_updated),
            "fetched": qty(run.rows_fetched),
        }
    if run.status == RunStatus.FAILED:
        return _("Sync failed: %(error)s") % {"error": run.error}
    return _("Sync started. Its progress shows below.")


def _refuse_sync(request: HttpRequest, person: Person, kpi: Kpi, message: str) -> HttpResponse:
    if _is_htmx(request):
        return render_page(request, person, "sources/_sync_refused.html", {"message": message})
    messages.error(request, message)
    return redirect("source_detail", pk=kpi.pk)


@require_POST
@member_required
def source_sync(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """ "Sync now" (admins): queue a run and hand it to a worker, then show its progress.
    When a run is already under way, its progress shows instead."""
    kpi, source = _kpi_and_source(person, pk, for_write=True)
    if source is None:
        return _refuse_sync(request, person, kpi, _("This KPI has no data source to sync."))
    try:
        run: SyncRun | None = services.request_sync(
            actor=person, source=source, trigger=RunTrigger.MANUAL
        )
    except services.SyncInProgressError as busy:
        run = busy.run
    except ValidationError as error:
        return _refuse_sync(request, person, kpi, " ".join(_(m) for m in error.messages))
    else:
        assert run is not None
        tasks.sync_source(run.pk)
        # A worker in this process (immediate mode) may have finished it already.
        run.refresh_from_db()
    if run is None:
        return _refuse_sync(
            request, person, kpi, _("A sync of this source is starting: try again in a moment.")
        )
    if _is_htmx(request):
        return _progress(request, person, run, started=True)
    if run.status == RunStatus.FAILED:
        messages.error(request, _run_result(run))
    else:
        messages.success(request, _run_result(run))
    return redirect("source_detail", pk=kpi.pk)


@require_GET
@member_required
def source_run(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """One run's progress (any member): polled every second while it is queued or running;
    its final state stops the polling and tells the page to reload its history."""
    run = access_sync_run_by_id(person, pk)
    if _is_htmx(request):
        return _progress(request, person, run)
    kpi = run.source.kpi
    return render_page(
        request,
        person,
        "sources/run.html",
        {
            "run": run,
            "kpi": kpi,
            "worker_hint": _worker_hint(run),
        },
    )


# --- Remove a source ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def source_delete(request: HttpRequest, person: Person, pk: int) -> HttpResponseBase:
    """Remove a KPI's source (admins), after a confirmation; the values stay on the KPI."""
    kpi, source = _kpi_and_source(person, pk, for_write=True)
    if source is None:
        messages.info(request, _("This KPI has no data source."))
        return redirect("source_detail", pk=kpi.pk)
    if request.method == "POST":
        services.delete_source(actor=person, source=source)
        messages.success(
            request,
            _(
                "Data source removed. The values it brought stay on “%(name)s”; new values "
                "now come only from what is entered or uploaded."
            )
            % {"name": kpi.name},
        )
        return redirect("source_detail", pk=kpi.pk)
    return render_page(
        request,
        person,
        "sources/delete.html",
        {"kpi": kpi, "source": source, "kind_label": kind_label(source.kind)},
    )


# --- Every source of the workspace ------------------------------------------------------------


@require_GET
@member_required
def sources(request: HttpRequest, person: Person) -> HttpResponse:
    """Every data source of the workspace, broken ones first (any member)."""
    rows = queries.workspace_sources(person.workspace)
    counts = Counter(row.status for row in rows)
    return render_page(
        request,
        person,
        "sources/list.html",
        {
            "rows": rows,
            "counts": [
                (status, status.label, queries.STATUS_TONES[status], counts[status])
                for status in queries.STATUS_ORDER
            ],
            "now": timezone.now(),
        },
    )
