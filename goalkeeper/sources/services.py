"""Data source writes: configure a source, claim and execute its sync runs.

A run's rows are written in one transaction or not at all. Scheduling is a lease on the
source row taken by one conditional UPDATE, so any number of workers can dispatch the same
schedule and each slot is run once (the way healthchecks claims its checks).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings as conf
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import record
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.services import MAX_BATCH, UpsertResult, record_measurements
from goalkeeper.sources import events as source_events
from goalkeeper.sources.connectors import (
    Connector,
    Context,
    Row,
    SourceError,
    connector_class,
    is_pulled,
)
from goalkeeper.sources.models import (
    DataSource,
    RunStatus,
    RunTrigger,
    SourceStatus,
    SyncRun,
)
from goalkeeper.sources.secrets import UnreadableSecretsError, open_secrets, scrub, seal, unseal

logger = logging.getLogger(__name__)

# This process, as the runs it carries out record it.
WORKER = f"{socket.gethostname()}:{os.getpid()}"[:100]

MAX_INTERVAL_MINUTES = 31 * 24 * 60
# More rows than this in one pull is almost surely a query without a time bound.
MAX_ROWS = 500_000


class SyncInProgressError(Exception):
    """A run of this source is already queued or running."""

    def __init__(self, run: SyncRun | None) -> None:
        super().__init__("a sync of this source is already queued or running")
        self.run = run


def lease() -> dt.timedelta:
    """How long a claimed run may take before another worker may take the source again:
    long enough for the slowest pull the timeout allows, and the wait in the queue."""
    return dt.timedelta(seconds=4 * conf.SOURCE_TIMEOUT_SECONDS + 300)


def _unclaimed(now: dt.datetime) -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)


def context_for(kpi: Kpi) -> Context:
    return Context(timeout=float(conf.SOURCE_TIMEOUT_SECONDS), zone=kpi.workspace.zone)


def connector_for(source: DataSource) -> Connector:
    """The source's connector with its secrets opened (UnreadableSecretsError if the key
    changed)."""
    cls = connector_class(source.kind)
    return cls(source.settings, unseal(source.sealed_secrets), context_for(source.kpi))


# --- Configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Configuration:
    """A source's parameters as checked and tidied, ready to be saved or tried."""

    kind: str
    settings: dict[str, str]
    secrets: dict[str, str]


def configure(
    *,
    kpi: Kpi,
    kind: str,
    values: Mapping[str, str],
    saved_secrets: Mapping[str, str] | None = None,
    clear: Sequence[str] = (),
) -> Configuration:
    """Check parameters typed in a form or sent to the API; ValidationError by field.

    A secret left blank keeps the saved one (pages never show it back), unless it is
    listed in `clear`.
    """
    try:
        cls = connector_class(kind)
    except KeyError:
        raise ValidationError({"kind": f"unknown kind of source “{kind}”"}) from None
    unknown = sorted(set(values) - {p.name for p in cls.parameters})
    if unknown:
        raise ValidationError(
            dict.fromkeys(unknown, gettext_noop("not a parameter of this kind of source"))
        )
    saved = saved_secrets or {}
    settings: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for spec in cls.parameters:
        raw = str(values.get(spec.name) or "").strip()
        if not spec.secret:
            settings[spec.name] = raw
        elif raw:
            secrets[spec.name] = raw
        elif spec.name not in clear and saved.get(spec.name):
            secrets[spec.name] = saved[spec.name]
    settings, secrets = cls.prepare(settings, secrets)
    errors = cls(settings, secrets, context_for(kpi)).check()
    if errors:
        raise ValidationError(errors)
    return Configuration(kind=kind, settings=settings, secrets=secrets)


def _check_interval(minutes: int) -> None:
    if not 1 <= minutes <= MAX_INTERVAL_MINUTES:
        raise ValidationError(
            {"interval_minutes": f"must be between 1 and {MAX_INTERVAL_MINUTES} minutes"}
        )


def _audit_view(source: DataSource, secrets: Mapping[str, str]) -> dict[str, Any]:
    # Secrets enter the audit trail as "set", never as their value.
    view: dict[str, Any] = {
        "kind": source.kind,
        "interval_minutes": source.interval_minutes,
        "is_active": source.is_active,
        **{f"settings.{k}": v for k, v in source.settings.items()},
    }
    view.update({f"secret.{k}": "set" for k in secrets})
    return view


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _scheduled(source: DataSource) -> bool:
    """Whether the schedule pulls the source: active, and of a kind that is pulled."""
    return source.is_active and is_pulled(source.kind)


@transaction.atomic
def create_source(
    *,
    actor: Person | None,
    kpi: Kpi,
    configuration: Configuration,
    interval_minutes: int = 60,
    is_active: bool = True,
) -> DataSource:
    """Attach a source to a KPI; a pulled source is due at once, so its history arrives."""
    _check_interval(interval_minutes)
    if DataSource.objects.filter(kpi=kpi).exists():
        raise ValidationError({"kind": gettext_noop("this KPI already has a data source")})
    source = DataSource(
        workspace=kpi.workspace,
        kpi=kpi,
        kind=configuration.kind,
        settings=configuration.settings,
        sealed_secrets=seal(configuration.secrets),
        interval_minutes=interval_minutes,
        is_active=is_active,
        created_by=actor,
    )
    source.next_run_at = timezone.now() if _scheduled(source) else None
    source.save()
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="source.created",
        obj=kpi,
        changes=_changes({}, _audit_view(source, configuration.secrets)),
    )
    return source


@transaction.atomic
def update_source(
    *,
    actor: Person | None,
    source: DataSource,
    configuration: Configuration,
    interval_minutes: int,
    is_active: bool,
) -> DataSource:
    """Change a source's parameters or schedule. A new kind or new parameters make it due
    now (the person wants to see them work) and clear its failure count."""
    _check_interval(interval_minutes)
    # Sealed with a lost key, they read as none: the secrets entered now replace them.
    old_secrets, _ = open_secrets(source.sealed_secrets)
    before = _audit_view(source, old_secrets)
    reconfigured = (
        configuration.kind != source.kind
        or configuration.settings != source.settings
        or configuration.secrets != old_secrets
    )
    source.kind = configuration.kind
    source.settings = configuration.settings
    source.sealed_secrets = seal(configuration.secrets)
    source.interval_minutes = interval_minutes
    source.is_active = is_active
    if reconfigured:
        source.cursor = None
        source.consecutive_failures = 0
        source.status = SourceStatus.NEW
        source.last_error = ""
    if not _scheduled(source):
        source.next_run_at = None
    elif reconfigured or source.next_run_at is None:
        source.next_run_at = timezone.now()
    source.save()
    changes = _changes(before, _audit_view(source, configuration.secrets))
    for name, value in configuration.secrets.items():
        if name in old_secrets and old_secrets[name] != value:
            changes[f"secret.{name}"] = ["set", "changed"]
    record(
        workspace=source.workspace,
        actor=actor,
        action="source.updated",
        obj=source.kpi,
        changes=changes,
    )
    return source


def save_source(
    *,
    actor: Person | None,
    kpi: Kpi,
    source: DataSource | None,
    configuration: Configuration,
    interval_minutes: int,
    is_active: bool,
) -> tuple[DataSource, bool]:
    """Attach `configuration` to the KPI, or change its `source`; (the source, created)."""
    if source is None:
        created = create_source(
            actor=actor,
            kpi=kpi,
            configuration=configuration,
            interval_minutes=interval_minutes,
            is_active=is_active,
        )
        return created, True
    updated = update_source(
        actor=actor,
        source=source,
        configuration=configuration,
        interval_minutes=interval_minutes,
        is_active=is_active,
    )
    return updated, False


@transaction.atomic
def delete_source(*, actor: Person | None, source: DataSource) -> None:
    """Detach a source; the values it brought stay on the KPI."""
    record(
        workspace=source.workspace,
        actor=actor,
        action="source.deleted",
        obj=source.kpi,
        changes={"kind": [source.kind, None]},
    )
    source.delete()


def preview(kpi: Kpi, configuration: Configuration, *, timeout: float | None = None) -> list[Row]:
    """ "Test connection": the first rows the parameters bring, without writing anything
    (the worker runs it: goalkeeper/sources/connection_tests.py). Raises SourceError with
    the reason when the source cannot be read."""
    cls = connector_class(configuration.kind)
    if not cls.pulled:
        raise SourceError(gettext_noop("a push source is not pulled: nothing to test"))
    context = context_for(kpi)
    if timeout is not None:
        context = Context(timeout=timeout, zone=context.zone)
    connector = cls(configuration.settings, configuration.secrets, context)
    try:
        rows = connector.preview()
        check_rows(rows)
    except SourceError as error:
        raise SourceError(scrub(error.message, configuration.secrets), row=error.row) from None
    return rows


# --- Runs --------------------------------------------------------------------------------


def check_rows(rows: Sequence[Row]) -> dict[dt.datetime, float]:
    """Rows as points, refusing a timestamp the source returned twice (naming both rows):
    two values for one instant mean the query or file is wrong, and guessing would hide it."""
    points: dict[dt.datetime, float] = {}
    seen: dict[dt.datetime, int] = {}
    for row in rows:
        if row.timestamp in seen:
            raise SourceError(
                f"timestamp {row.timestamp.isoformat()} appears twice (also row "
                f"{seen[row.timestamp]})",
                row=row.line,
            )
        seen[row.timestamp] = row.line
        points[row.timestamp] = row.value
    return points


def request_sync(*, actor: Person | None, source: DataSource, trigger: str) -> SyncRun:
    """Queue a run now, whatever the schedule ("Sync now", the command line).

    Raises SyncInProgressError (with the run) when one is already queued or running.
    """
    if not is_pulled(source.kind):
        raise ValidationError(
            {"kind": gettext_noop("a push source is not pulled: its values arrive by API")}
        )
    now = timezone.now()
    with transaction.atomic():
        won = (
            DataSource.objects.filter(pk=source.pk)
            .filter(_unclaimed(now))
            .update(claimed_until=now + lease())
        )
        if won:
            return SyncRun.objects.create(
                source=source,
                workspace_id=source.workspace_id,
                trigger=trigger,
                requested_by=actor,
                queued_at=now,
                phase="Waiting for a worker",
            )
    raise SyncInProgressError(
        SyncRun.objects.filter(source=source, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .order_by("-queued_at")
        .first()
    )


def claim_due(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Claim the sources whose schedule is due and queue one run for each; returns the runs.

    Each claim is one conditional UPDATE that only succeeds while the source is due, still
    for the same slot and not held: of several workers doing this at once, one wins each
    source. The run's (source, due_at) is unique as well, so a slot cannot run twice even
    if two claims somehow passed.
    """
    now = now or timezone.now()
    reap_expired(now)
    candidates = list(
        DataSource.objects.filter(is_active=True, next_run_at__lte=now)
        .filter(_unclaimed(now))
        .order_by("next_run_at", "pk")
        .values_list("pk", "workspace_id", "next_run_at")[:limit]
    )
    queued: list[int] = []
    for pk, workspace_id, due in candidates:
        try:
            with transaction.atomic():
                won = (
                    DataSource.objects.filter(pk=pk, is_active=True, next_run_at=due)
                    .filter(_unclaimed(now))
                    .update(claimed_until=now + lease())
                )
                if not won:
                    continue
                run = SyncRun.objects.create(
                    source_id=pk,
                    workspace_id=workspace_id,
                    trigger=RunTrigger.SCHEDULE,
                    due_at=due,
                    queued_at=now,
                    phase="Waiting for a worker",
                )
        except IntegrityError:
            continue
        queued.append(run.pk)
    return queued


def reap_expired(now: dt.datetime) -> int:
    """Fail the runs whose lease ran out (a worker died or the queue lost them), so their
    source is scheduled again instead of waiting for ever."""
    stuck = list(
        SyncRun.objects.filter(
            status__in=[RunStatus.QUEUED, RunStatus.RUNNING], source__claimed_until__lt=now
        ).select_related("source__kpi__workspace")[:100]
    )
    for run in stuck:
        _fail(run, run.source, "interrupted: no worker finished this run in time", now=now)
    return len(stuck)


def execute(run_id: int) -> SyncRun | None:
    """Carry out a queued run; None when it is not queued any more (another worker took it,
    or it was reaped). Never raises for a failing source: the run records the failure."""
    started = timezone.now()
    won = SyncRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=started, phase="Connecting", worker=WORKER
    )
    if not won:
        return None
    run = SyncRun.objects.select_related("source__kpi__workspace").get(pk=run_id)
    source = run.source
    DataSource.objects.filter(pk=source.pk).update(claimed_until=started + lease())
    try:
        connector = connector_for(source)
        errors = connector.check()
        if errors:
            raise SourceError(
                "the settings are not valid: "
                + "; ".join(f"{name}: {message}" for name, message in errors.items())
            )
        _phase(run, "Fetching")
        rows = []
        for row in connector.fetch(source.cursor):
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise SourceError(
                    f"more than {MAX_ROWS:,} rows in one pull: bound the query by :since"
                )
        points = check_rows(rows)
        _phase(run, f"Writing {len(points):,} values")
        with transaction.atomic():
            result = _write(source, points)
            _succeed(run, source, len(rows), result, max(points, default=None))
    except _RunTakenError:
        pass  # reaped while writing: its rows were rolled back, the run says why
    except (SourceError, UnreadableSecretsError, ValidationError) as error:
        _fail(run, source, _message(error))
    except Exception as error:  # a run never takes the worker down; the run says why
        logger.exception("sync run %s failed", run_id)
        _fail(run, source, f"unexpected error: {type(error).__name__}: {error}")
    run.refresh_from_db()
    return run


class _RunTakenError(Exception):
    """The run was reaped while it was writing: roll its rows back."""


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return str(error)


def _phase(run: SyncRun, phase: str) -> None:
    SyncRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(phase=phase[:80])


def _write(source: DataSource, points: dict[dt.datetime, float]) -> UpsertResult:
    created = updated = 0
    items = sorted(points.items())
    label = f"{source.kind} sync"
    for start in range(0, len(items), MAX_BATCH):
        result = record_measurements(
            actor=None, kpi=source.kpi, points=items[start : start + MAX_BATCH], source=label
        )
        created += result.created
        updated += result.updated
    return UpsertResult(created=created, updated=updated)


def _succeed(
    run: SyncRun,
    source: DataSource,
    fetched: int,
    result: UpsertResult,
    newest: dt.datetime | None,
) -> None:
    now = timezone.now()
    finished = SyncRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.SUCCEEDED,
        finished_at=now,
        phase="",
        rows_fetched=fetched,
        rows_created=result.created,
        rows_updated=result.updated,
    )
    if not finished:
        raise _RunTakenError
    cursor = source.cursor
    if newest is not None and (cursor is None or newest > cursor):
        cursor = newest
    DataSource.objects.filter(pk=source.pk).update(
        status=SourceStatus.OK,
        consecutive_failures=0,
        last_run_at=now,
        updated_at=now,
        last_success_at=now,
        last_error="",
        cursor=cursor,
        claimed_until=None,
        next_run_at=now + source.interval if _scheduled(source) else None,
    )
    if source.status == SourceStatus.BROKEN:
        record(
            workspace=source.workspace,
            actor=None,
            action="source.recovered",
            obj=source.kpi,
            changes={"status": [SourceStatus.BROKEN.value, SourceStatus.OK.value]},
        )
        source_events.source_recovered(source)


def retry_delay(failures: int, interval: dt.timedelta) -> dt.timedelta:
    """Backoff after `failures` failures in a row: RETRY, 2x, 4x... never past the interval."""
    seconds = int(conf.SOURCE_RETRY_SECONDS) * 2 ** max(failures - 1, 0)
    return min(dt.timedelta(seconds=seconds), interval)


@transaction.atomic
def _fail(
    run: SyncRun, source: DataSource, message: str, *, now: dt.datetime | None = None
) -> None:
    now = now or timezone.now()
    # A server may quote what it was sent ("invalid token abc..."): keep secrets out of
    # what pages, the API and the audit trail show.
    message = scrub(message, open_secrets(source.sealed_secrets)[0])
    marked = SyncRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.FAILED, finished_at=now, phase="", error=message)
    if not marked:
        return
    failures = (
        DataSource.objects.filter(pk=source.pk)
        .values_list("consecutive_failures", flat=True)
        .first()
    )
    if failures is None:  # the source was deleted meanwhile
        return
    failures += 1
    broken = failures >= conf.SOURCE_BROKEN_AFTER
    # A broken source keeps being tried at its own pace, so it heals by itself once the
    # database or service is back.
    delay = source.interval if broken else retry_delay(failures, source.interval)
    DataSource.objects.filter(pk=source.pk).update(
        status=SourceStatus.BROKEN if broken else SourceStatus.FAILING,
        consecutive_failures=F("consecutive_failures") + 1,
        last_run_at=now,
        updated_at=now,
        last_error=message,
        claimed_until=None,
        next_run_at=now + delay if _scheduled(source) else None,
    )
    if broken and failures == conf.SOURCE_BROKEN_AFTER:
        record(
            workspace=source.workspace,
            actor=None,
            action="source.broken",
            obj=source.kpi,
            changes={
                "status": [source.status, SourceStatus.BROKEN.value],
                "error": [None, message],
            },
        )
        source_events.source_broken(source, message)


def record_push(*, actor: Person | None, kpi: Kpi, result: UpsertResult, received: int) -> None:
    """Log a batch pushed over the API as a run of the KPI's push source, if it has one."""
    source = DataSource.objects.filter(kpi=kpi, kind="push").first()
    if source is None:
        return
    now = timezone.now()
    SyncRun.objects.create(
        source=source,
        workspace_id=source.workspace_id,
        trigger=RunTrigger.PUSH,
        status=RunStatus.SUCCEEDED,
        requested_by=actor,
        queued_at=now,
        started_at=now,
        finished_at=now,
        rows_fetched=received,
        rows_created=result.created,
        rows_updated=result.updated,
    )
    DataSource.objects.filter(pk=source.pk).update(
        status=SourceStatus.OK,
        consecutive_failures=0,
        last_run_at=now,
        updated_at=now,
        last_success_at=now,
        last_error="",
    )
