"""REST endpoints for data sources and their sync runs.

Any member reads a source's status and its runs; only admins see its parameters and
configure, test or sync it (a source holds credentials to the company's systems). Secret
parameters are never sent back in full: an admin sees them masked, everyone else not at
all, and run errors have any secret scrubbed out of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, Literal, get_args

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import StringConstraints

from goalkeeper.accounts.models import Person
from goalkeeper.api.auth import caller
from goalkeeper.api.common import listing
from goalkeeper.api.errors import CREATE, DELETE, READ_MANY, READ_ONE, UPDATE, responses
from goalkeeper.api.schemas import (
    SORT_HELP,
    AnyOf,
    Flag,
    Id,
    Input,
    Int,
    Note,
    Page,
    PageParams,
    SyncParams,
)
from goalkeeper.kpis.models import Kpi
from goalkeeper.sources import connection_tests, services, tasks
from goalkeeper.sources.access import (
    access_connection_test_by_id,
    access_kpi_for_source,
    access_source_by_kpi_id,
    access_sync_run_by_id,
)
from goalkeeper.sources.connectors import REGISTRY, Connector, connector_class
from goalkeeper.sources.models import ConnectionTest, DataSource, RunTrigger, SyncRun
from goalkeeper.sources.secrets import UnreadableSecretsError, mask, open_secrets, scrub, unseal
from goalkeeper.validation import validation_messages

router = Router(tags=["data sources"])

SourceKind = Literal["sql", "csv", "xlsx", "http_json", "push"]
assert set(get_args(SourceKind)) == set(REGISTRY), "SourceKind must list every connector"
SourceStatusName = Literal["new", "ok", "failing", "broken"]
RunStatusName = Literal["queued", "running", "succeeded", "failed"]
RunTriggerName = Literal["schedule", "manual", "cli", "push"]

# A parameter's name and value as a body carries them (a value is text up to 10,000
# characters, storable by every database: a SQL query is the longest).
ParameterName = Annotated[str, StringConstraints(min_length=1, max_length=100)]
ParameterValue = Note
MAX_PARAMETERS = 50


# --- Schemas -----------------------------------------------------------------------------------


class KpiRefOut(Schema):
    id: int
    name: str


class SourceSummaryOut(Schema):
    id: int
    kpi: KpiRefOut
    kind: SourceKind
    status: SourceStatusName = Field(
        description="new (not run yet), ok, failing (the last runs failed), broken (failed "
        "SOURCE_BROKEN_AFTER times in a row; still retried at its interval)"
    )
    interval_minutes: int = Field(description="how often a pulled source is synced")
    is_active: bool = Field(description="false: paused, not synced on schedule")
    consecutive_failures: int
    last_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    next_run_at: dt.datetime | None = Field(
        description="when the schedule pulls it next; null for a push or paused source"
    )
    last_error: str = Field(description="why the last run failed; empty after a success")
    created_at: dt.datetime
    updated_at: dt.datetime = Field(description="moves with every change, each run included")


class SourcePage(Page):
    items: list[SourceSummaryOut]


class SourceOut(SourceSummaryOut):
    settings: dict[str, str] | None = Field(
        description="the parameters that are not secret, by name (admins; null for others)"
    )
    secrets: dict[str, str] | None = Field(
        description=(
            "the saved secret parameters, masked (admins; null for others): never the value. "
            "Empty when they cannot be decrypted with the current key: enter them again"
        )
    )


class SourceIn(Input):
    """A source's whole configuration (PUT replaces it; fields left out take their default)."""

    kind: SourceKind
    settings: dict[ParameterName, ParameterValue] = Field(
        default_factory=dict,
        max_length=MAX_PARAMETERS,
        description="the parameters that are not secret, by name (see docs/api.md per kind)",
    )
    secrets: dict[ParameterName, ParameterValue] = Field(
        default_factory=dict,
        max_length=MAX_PARAMETERS,
        description="secret parameters (passwords, headers with tokens), stored encrypted; "
        "a secret left out or empty keeps the saved one",
    )
    clear_secrets: list[ParameterName] = Field(
        default_factory=list,
        max_length=MAX_PARAMETERS,
        description="names of saved secrets to remove",
    )
    interval_minutes: Annotated[Int, Field(ge=1, le=services.MAX_INTERVAL_MINUTES)] = Field(
        60, description="minutes between two scheduled syncs"
    )
    is_active: Flag = Field(True, description="false pauses the schedule")


class SourceTestIn(Input):
    """Parameters to try: as in PUT, or nothing (`{}`) to try the saved configuration."""

    kind: SourceKind | None = Field(None, description="omitted: the saved configuration")
    settings: dict[ParameterName, ParameterValue] = Field(
        default_factory=dict, max_length=MAX_PARAMETERS
    )
    secrets: dict[ParameterName, ParameterValue] = Field(
        default_factory=dict, max_length=MAX_PARAMETERS
    )
    clear_secrets: list[ParameterName] = Field(default_factory=list, max_length=MAX_PARAMETERS)


class PreviewRowOut(Schema):
    line: int = Field(description="the row's position in what the source returned")
    timestamp: dt.datetime
    value: float


class ConnectionTestOut(Schema):
    id: int
    kpi: int
    status: RunStatusName = Field(description="queued, running, succeeded or failed")
    rows: list[PreviewRowOut] = Field(
        description="the first rows (at most 10) once it succeeded; nothing stored"
    )
    error: str = Field(description="why it failed, naming the row when a row was wrong")
    queued_at: dt.datetime
    finished_at: dt.datetime | None


class RunOut(Schema):
    id: int
    source: int
    kpi: int
    trigger: RunTriggerName
    status: RunStatusName
    phase: str = Field(description="what a queued or running run is doing now")
    requested_by: int | None = Field(description="the person who asked for it, if any")
    queued_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    rows_fetched: int
    rows_created: int
    rows_updated: int
    error: str = Field(description="why it failed, naming the row when a row was wrong")


class RunPage(Page):
    items: list[RunOut]


class SourceFilters(SyncParams):
    kind: AnyOf[SourceKind] = None
    status: AnyOf[SourceStatusName] = None
    sort: Literal["id", "-id", "created_at", "-created_at", "updated_at", "-updated_at"] = Field(
        "id", description=SORT_HELP
    )


def _saved_secrets(source: DataSource | None) -> dict[str, str]:
    """The source's secrets, or none (no source, or the key that sealed them is gone)."""
    return open_secrets(source.sealed_secrets)[0] if source is not None else {}


# --- Answers -----------------------------------------------------------------------------------


def source_summary_out(source: DataSource) -> dict[str, Any]:
    return {
        "id": source.pk,
        "kpi": KpiRefOut(id=source.kpi.pk, name=source.kpi.name),
        "kind": source.kind,
        "status": source.status,
        "interval_minutes": source.interval_minutes,
        "is_active": source.is_active,
        "consecutive_failures": source.consecutive_failures,
        "last_run_at": source.last_run_at,
        "last_success_at": source.last_success_at,
        "next_run_at": source.next_run_at,
        # Secrets were masked out of errors before they were stored (services._fail).
        "last_error": source.last_error,
        "created_at": source.created_at,
        "updated_at": source.updated_at,
    }


def source_out(person: Person, source: DataSource) -> SourceOut:
    settings: dict[str, str] | None = None
    secrets: dict[str, str] | None = None
    if person.is_admin:
        settings = dict(source.settings)
        secrets = {name: mask(value) for name, value in _saved_secrets(source).items()}
    return SourceOut(
        **source_summary_out(source),
        settings=settings,
        secrets=secrets,
    )


def run_out(run: SyncRun, kpi_id: int) -> RunOut:
    return RunOut(
        id=run.pk,
        source=run.source_id,
        kpi=kpi_id,
        trigger=run.trigger,  # type: ignore[arg-type]
        status=run.status,  # type: ignore[arg-type]
        phase=run.phase,
        requested_by=run.requested_by_id,
        queued_at=run.queued_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        rows_fetched=run.rows_fetched,
        rows_created=run.rows_created,
        rows_updated=run.rows_updated,
        error=run.error,
    )


# --- Configuration in, field errors out ----------------------------------------------------------


def _field_of(name: str, cls: type[Connector]) -> str:
    """Where a parameter lives in the body: `settings.query`, `secrets.password`."""
    try:
        return f"secrets.{name}" if cls.parameter(name).secret else f"settings.{name}"
    except KeyError:
        return name


def _check_placement(
    cls: type[Connector], settings: Mapping[str, str], secrets: Mapping[str, str], clear: list[str]
) -> None:
    """Each parameter in its place: secrets in `secrets`, the others in `settings`."""
    names = {p.name for p in cls.parameters}
    secret_names = cls.secret_names()
    errors: dict[str, str] = {}
    for name in settings:
        if name in secret_names:
            errors[f"settings.{name}"] = "a secret parameter: send it in secrets"
        elif name not in names:
            errors[f"settings.{name}"] = f"not a parameter of a {cls.kind} source"
    for name in secrets:
        if name in names and name not in secret_names:
            errors[f"secrets.{name}"] = "not a secret parameter: send it in settings"
        elif name not in names:
            errors[f"secrets.{name}"] = f"not a parameter of a {cls.kind} source"
    for index, name in enumerate(clear):
        if name not in secret_names:
            errors[f"clear_secrets.{index}"] = f"not a secret parameter of a {cls.kind} source"
    if errors:
        raise ValidationError(errors)


def _configuration(
    *,
    kpi: Kpi,
    kind: str,
    settings: Mapping[str, str],
    secrets: Mapping[str, str],
    clear: list[str],
    saved: Mapping[str, str],
) -> services.Configuration:
    """Check parameters from a body; ValidationError naming each field where the body has it
    (and never quoting a secret)."""
    cls = connector_class(kind)
    _check_placement(cls, settings, secrets, clear)
    try:
        return services.configure(
            kpi=kpi,
            kind=kind,
            values={**settings, **secrets},
            saved_secrets=saved,
            clear=clear,
        )
    except ValidationError as error:
        typed = {name: value for name, value in secrets.items() if value}
        raise ValidationError(
            {
                _field_of(name, cls): scrub(message, {**saved, **typed})
                for name, message in validation_messages(error)
            }
        ) from None


# --- Endpoints ---------------------------------------------------------------------------------


def _sources(person: Person) -> QuerySet[DataSource]:
    return (
        DataSource.objects.filter(workspace_id=person.workspace_id)
        .select_related("kpi")
        .order_by("id")
    )


@router.get("/sources", response=responses({200: SourcePage}, READ_MANY))
def list_sources(request: HttpRequest, filters: Query[SourceFilters]) -> SourcePage:
    """The workspace's data sources with their status (any member); filter by kind, status."""
    sources = _sources(caller(request))
    if filters.kind is not None:
        sources = sources.filter(kind__in=filters.kind)
    if filters.status is not None:
        sources = sources.filter(status__in=filters.status)
    found = listing(
        request,
        sources,
        filters,
        sort=filters.sort,
        keys={"created_at": "created_at", "updated_at": "updated_at"},
    )
    return SourcePage(
        count=found.count,
        next=found.next,
        items=[SourceSummaryOut(**source_summary_out(s)) for s in found.items],
    )


@router.get("/kpis/{id}/source", response=responses({200: SourceOut}, READ_ONE))
def get_source(request: HttpRequest, id: Id) -> SourceOut:
    """A KPI's data source: its status for any member; its parameters for admins, secrets
    masked. 404 when the KPI has none."""
    person = caller(request)
    return source_out(person, access_source_by_kpi_id(person, id))


@router.put("/kpis/{id}/source", response=responses({200: SourceOut, 201: SourceOut}, UPDATE))
def put_source(request: HttpRequest, id: Id, payload: SourceIn) -> Status[SourceOut]:
    """Attach a data source to a KPI (201) or replace its configuration (200) (admins).

    A secret left out or empty keeps the saved one; `clear_secrets` removes some. New
    parameters make a pulled source due at once.
    """
    person = caller(request)
    kpi = access_kpi_for_source(person, id, for_write=True)
    source = DataSource.objects.filter(kpi=kpi).first()
    configuration = _configuration(
        kpi=kpi,
        kind=payload.kind,
        settings=payload.settings,
        secrets=payload.secrets,
        clear=payload.clear_secrets,
        saved=_saved_secrets(source),
    )
    source, created = services.save_source(
        actor=person,
        kpi=kpi,
        source=source,
        configuration=configuration,
        interval_minutes=payload.interval_minutes,
        is_active=payload.is_active,
    )
    source.kpi = kpi
    return Status(201 if created else 200, source_out(person, source))


@router.delete("/kpis/{id}/source", response=responses({204: None}, DELETE))
def delete_source(request: HttpRequest, id: Id) -> Status[None]:
    """Detach a KPI's data source and its run history (admins); its values stay."""
    person = caller(request)
    services.delete_source(actor=person, source=access_source_by_kpi_id(person, id, for_write=True))
    return Status(204, None)


@router.post("/kpis/{id}/source/test", response=responses({202: ConnectionTestOut}, (*CREATE, 409)))
def preview_source(
    request: HttpRequest, id: Id, payload: SourceTestIn
) -> Status[ConnectionTestOut]:
    """Queue a read of the first rows of a source, storing nothing (admins): 202 with the
    test, to follow at `/sources/tests/{test id}` until it succeeded (its rows) or failed
    (why, naming the row at fault). A worker reads the source, never the web server.

    The body holds parameters to try, as in PUT (secrets left out use the saved ones), or
    is `{}` to try the saved configuration. Parameters that are refused answer 422 at once;
    409 when the workspace already has as many tests under way as it may (3 by default).
    """
    person = caller(request)
    kpi = access_kpi_for_source(person, id, for_write=True)
    if payload.kind is None:
        given = payload.model_fields_set & {"settings", "secrets", "clear_secrets"}
        if given:
            raise ValidationError({"kind": "required when parameters are given"})
        source = access_source_by_kpi_id(person, id, for_write=True)
        try:
            saved = unseal(source.sealed_secrets)
        except UnreadableSecretsError as error:
            raise ValidationError({"secrets": str(error)}) from None
        cls = connector_class(source.kind)
        secret_names = cls.secret_names()
        configuration = _configuration(
            kpi=source.kpi,
            kind=source.kind,
            settings={k: v for k, v in source.settings.items() if k not in secret_names},
            secrets={},
            clear=[],
            saved=saved,
        )
    else:
        saved = _saved_secrets(DataSource.objects.filter(kpi=kpi).first())
        configuration = _configuration(
            kpi=kpi,
            kind=payload.kind,
            settings=payload.settings,
            secrets=payload.secrets,
            clear=payload.clear_secrets,
            saved=saved,
        )
    try:
        test = connection_tests.request_test(actor=person, kpi=kpi, configuration=configuration)
    except connection_tests.TooManyTestsError as busy:
        raise HttpError(409, str(busy)) from None
    # The worker must find the test: queue it once it is committed.
    transaction.on_commit(partial(tasks.test_connection, test.pk))
    return Status(202, connection_test_out(test))


def connection_test_out(test: ConnectionTest) -> ConnectionTestOut:
    return ConnectionTestOut(
        id=test.pk,
        kpi=test.kpi_id,
        status=test.status,  # type: ignore[arg-type]
        rows=[
            PreviewRowOut(
                line=row.line, timestamp=row.timestamp.astimezone(dt.UTC), value=row.value
            )
            for row in connection_tests.rows_of(test)
        ],
        error=test.error,
        queued_at=test.queued_at,
        finished_at=test.finished_at,
    )


@router.get("/sources/tests/{id}", response=responses({200: ConnectionTestOut}, READ_ONE))
def get_connection_test(request: HttpRequest, id: Id) -> ConnectionTestOut:
    """One connection test (admins), to follow it until a worker has read the source."""
    return connection_test_out(access_connection_test_by_id(caller(request), id))


@router.post("/kpis/{id}/source/sync", response=responses({202: RunOut}, (401, 403, 404, 409, 422)))
def sync_source(request: HttpRequest, id: Id) -> Status[RunOut]:
    """Queue a sync of a pulled source now, whatever its schedule (admins): 202 with the
    run, to follow at `/sources/runs/{run id}`. 409 when a run is already queued or
    running (the answer names it); 422 for a push source (nothing to pull)."""
    person = caller(request)
    source = access_source_by_kpi_id(person, id, for_write=True)
    try:
        run = services.request_sync(actor=person, source=source, trigger=RunTrigger.MANUAL)
    except services.SyncInProgressError as busy:
        raise HttpError(409, _in_progress(busy.run)) from None
    # The worker must find the run: queue it once it is committed.
    transaction.on_commit(partial(tasks.sync_source, run.pk))
    run.refresh_from_db()
    return Status(202, run_out(run, source.kpi_id))


def _in_progress(run: SyncRun | None) -> str:
    if run is None:
        return "A sync of this source is already running."
    return (
        f"A sync of this source is already {run.status}: run {run.pk}, "
        f"at /api/v1/sources/runs/{run.pk}."
    )


@router.get("/kpis/{id}/source/runs", response=responses({200: RunPage}, READ_ONE))
def list_source_runs(request: HttpRequest, id: Id, params: Query[PageParams]) -> RunPage:
    """A KPI's data source's runs, newest first (any member): when, how, what they wrote,
    why they failed."""
    source = access_source_by_kpi_id(caller(request), id)
    runs = SyncRun.objects.filter(source=source)
    found = listing(request, runs, params, sort="-queued_at", keys={"queued_at": "queued_at"})
    return RunPage(
        count=found.count,
        next=found.next,
        items=[run_out(run, source.kpi_id) for run in found.items],
    )


@router.get("/sources/runs/{id}", response=responses({200: RunOut}, READ_ONE))
def get_sync_run(request: HttpRequest, id: Id) -> RunOut:
    """One sync run (any member), to follow a sync's progress."""
    run = access_sync_run_by_id(caller(request), id)
    return run_out(run, run.source.kpi_id)
