"""Writes for KPIs and measurements.

Each public function is one transaction with an audit entry, and emits its events. What
KPIs do to key results (drive, flag, promote) is the bridges' (`goalkeeper.bridges`): they
hear of new values through the `measurements_recorded` signal.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from goalkeeper.accounts.clock import Clock
from goalkeeper.accounts.models import Person, Team, Workspace
from goalkeeper.audit.services import diff, record, record_many, snapshot
from goalkeeper.audit.services import entry as audit_entry
from goalkeeper.changes.tracking import record_deletion
from goalkeeper.domain.instants import instant
from goalkeeper.domain.limits import MAX_ABS_VALUE, check_value
from goalkeeper.domain.periods import Frequency, latest_complete_period, period_of
from goalkeeper.domain.process_limits import MIN_BASELINE_PERIODS
from goalkeeper.kpis import events as kpi_events
from goalkeeper.kpis.figures import STORED_FIELDS, stored_figures
from goalkeeper.kpis.limits import SIGNAL_FIELDS, StoredSignal, kpi_limits, stored_signals
from goalkeeper.kpis.models import Kpi, KpiBaseline, Measurement, StagedUpload
from goalkeeper.kpis.series import instant_adapter
from goalkeeper.kpis.signals import measurements_recorded

KPI_FIELDS = (
    "name",
    "description",
    "team",
    "owner",
    "unit",
    "direction",
    "target",
    "warning",
    "low",
    "high",
    "frequency",
    "aggregation",
    "data_source",
)
MAX_BATCH = 10_000
# Values per INSERT statement of a batch (docs/api.md, "Measurements").
UPSERT_CHUNK = 1_000
# A parsed upload waits this long for its confirmation before it is purged.
STAGED_UPLOAD_TTL = dt.timedelta(hours=1)
_LATEST = "latest"


@dataclass(frozen=True)
class SkippedRow:
    """A line of an upload that could not be read, left out by the person's choice."""

    line: int
    column: str
    reason: str


@dataclass(frozen=True)
class UpsertResult:
    """How many measurements a batch created and how many it updated."""

    created: int
    updated: int


@transaction.atomic
def create_kpi(*, actor: Person | None, team: Team, name: str, **fields: Any) -> Kpi:
    """Create a KPI for a team; refuses a warning on the wrong side of the target, etc."""
    kpi = Kpi(workspace_id=team.workspace_id, team=team, name=name.strip(), **fields)
    kpi.full_clean()
    kpi.save()
    store_figures([kpi])
    record(
        workspace=team.workspace,
        actor=actor,
        action="kpi.created",
        obj=kpi,
        changes={k: [None, v] for k, v in snapshot(kpi, KPI_FIELDS).items()},
    )
    kpi_events.kpi_event("kpi.created", kpi)
    return kpi


@transaction.atomic
def delete_kpi(*, actor: Person | None, kpi: Kpi) -> None:
    """Delete a KPI with its measurements; linked key results keep their values, unlinked."""
    kpi_events.kpi_event("kpi.deleted", kpi)
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.deleted",
        obj=kpi,
        changes={"name": [kpi.name, None]},
    )
    kpi.delete()


@transaction.atomic
def update_kpi(*, actor: Person | None, kpi: Kpi, **changes: Any) -> Kpi:
    """Change a KPI's definition."""
    health_before = kpi_events.health_of(kpi)
    before = snapshot(kpi, KPI_FIELDS)
    for name, value in changes.items():
        if name not in KPI_FIELDS:
            raise ValidationError({name: gettext_noop("cannot be changed here")})
        setattr(kpi, name, value)
    kpi.full_clean()
    kpi.save()
    store_figures([kpi])
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.updated",
        obj=kpi,
        changes=diff(before, kpi),
    )
    kpi_events.kpi_event("kpi.updated", kpi)
    kpi_events.kpi_health_changed(kpi, health_before)
    return kpi


def _validated(points: Iterable[tuple[dt.datetime, float]]) -> dict[dt.datetime, float]:
    """Check a whole batch before anything is written; the last value wins for a repeated
    instant. Every bad item is named (`item 4: ...`), so one answer lists them all."""
    batch: dict[dt.datetime, float] = {}
    errors: dict[str, list[str]] = {}
    for line, (timestamp, value) in enumerate(points, start=1):
        if timestamp.tzinfo is None:
            errors.setdefault("timestamp", []).append(f"item {line}: needs a time zone")
            continue
        # The common case (a finite float within the limits) costs one comparison; the
        # domain's check, with its message, runs only for a value that fails it.
        if not (type(value) is float and -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE):
            problems = check_value("value", value)
            if problems:
                errors.setdefault("value", []).append(f"item {line}: {problems[0].message}")
                continue
        batch[timestamp] = float(value)
    if len(batch) > MAX_BATCH:
        errors.setdefault("items", []).append(f"at most {MAX_BATCH} values per batch")
    if errors:
        raise ValidationError(errors)
    return batch


def _upsert_sql(rows: int, stamp: str) -> str:
    """One INSERT of `rows` values that updates the value where the KPI already has the
    instant: `ON CONFLICT` on the (kpi, timestamp) unique index, on SQLite and PostgreSQL.
    `stamp` is the SQL literal of the write's instant (`created_at`, `updated_at`)."""
    table = connection.ops.quote_name(Measurement._meta.db_table)
    values = ", ".join([f"(%s, %s, %s, {stamp}, {stamp})"] * rows)
    # A value sent again unchanged keeps its `updated_at`: the changes feed lists real
    # changes only.
    return (
        f'INSERT INTO {table} ("kpi_id", "timestamp", "value", "created_at", "updated_at") '  # noqa: S608
        f"VALUES {values} "
        'ON CONFLICT ("kpi_id", "timestamp") DO UPDATE SET "value" = EXCLUDED."value", '
        f'"updated_at" = CASE WHEN {table}."value" = EXCLUDED."value" '
        f'THEN {table}."updated_at" ELSE EXCLUDED."updated_at" END'
    )


def _instant_literal(moment: dt.datetime) -> str:
    """`moment` as an SQL literal. Written into the statement rather than passed as two
    more parameters per row: a chunk keeps its size under SQLite's bound on parameters,
    and the text comes from a datetime, never from input."""
    if connection.vendor == "sqlite":
        return f"'{instant_adapter(connection)(moment)}'"
    return f"'{moment.astimezone(dt.UTC).isoformat()}'::timestamptz"


def _stored_between(kpi: Kpi, first: dt.datetime, last: dt.datetime) -> int:
    """How many values the KPI holds in [first, last]: one range count on the index."""
    return Measurement.objects.filter(kpi=kpi, timestamp__range=(first, last)).count()


def _upsert(kpi: Kpi, batch: dict[dt.datetime, float]) -> UpsertResult:
    """Write `batch` in chunks of UPSERT_CHUNK values, one statement each.

    The values a batch replaces are told from the new ones by counting the KPI's values
    inside the batch's time range before and after: two index range counts, whatever
    the size of the series.
    """
    first, last = min(batch), max(batch)
    before = _stored_between(kpi, first, last)
    kpi_id = kpi.pk
    adapt = instant_adapter(connection)
    stamp = _instant_literal(timezone.now())
    rows = [(kpi_id, adapt(timestamp), value) for timestamp, value in sorted(batch.items())]
    # Each statement stays under the database's bound on parameters (999 on old SQLite).
    bound = connection.features.max_query_params or 3 * UPSERT_CHUNK
    chunk = max(1, min(UPSERT_CHUNK, bound // 3))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(_upsert_sql(len(part), stamp), [item for row in part for item in row])
    created = _stored_between(kpi, first, last) - before
    return UpsertResult(created=created, updated=len(batch) - created)


@transaction.atomic
def record_measurements(
    *,
    actor: Person | None,
    kpi: Kpi,
    points: Sequence[tuple[dt.datetime, float]],
    source: str = "manual",
) -> UpsertResult:
    """Upsert a batch of values: the same KPI and timestamp updates, never duplicates.

    The whole batch is validated first and written in chunks (one statement each) in this
    one transaction, so a bad item leaves every stored value as it was. Then the batch's
    effects run once, in `measurements_written`.
    """
    batch = _validated(points)
    if not batch:
        return UpsertResult(created=0, updated=0)
    health_before = kpi_events.health_of(kpi)
    result = _upsert(kpi, batch)
    measurements_written(
        actor=actor,
        kpi=kpi,
        result=result,
        source=source,
        received=len(points),
        health_before=health_before,
    )
    return result


def measurements_written(
    *,
    actor: Person | None,
    kpi: Kpi,
    result: UpsertResult,
    source: str,
    received: int,
    health_before: str,
) -> None:
    """Everything a written batch of values causes, once per batch, inside its transaction.

    The KPI's newest instant and source, the audit entry, `measurements_recorded` (key
    results driven by the KPI take their new value, one automatic check-in each; a batch
    pushed over the API is logged as a run of the KPI's push source), the
    `kpi.measurements_recorded` event and, when the health moved, `kpi.health_changed`.
    Any write that adds values to a KPI ends here, so whatever a batch must refresh is
    added here once.
    """
    newest = (
        Measurement.objects.filter(kpi=kpi)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    # New values change the KPI (its latest value): it moves in the changes feed.
    kpi.updated_at = timezone.now()
    Kpi.objects.filter(pk=kpi.pk).update(
        last_measurement_at=newest, last_source=source[:20], updated_at=kpi.updated_at
    )
    kpi.last_measurement_at = newest
    kpi.last_source = source[:20]
    # Once per batch, whatever its size: the figures read the stored series.
    store_figures([kpi])
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.measurements_recorded",
        obj=kpi,
        changes={
            "created": [None, result.created],
            "updated": [None, result.updated],
            "source": [None, source],
        },
    )
    measurements_recorded.send(
        sender=Kpi, kpi=kpi, actor=actor, source=source, result=result, received=received
    )
    kpi_events.kpi_event(
        "kpi.measurements_recorded", kpi, created=result.created, updated=result.updated
    )
    kpi_events.kpi_health_changed(kpi, health_before)


# --- Uploads: parsed, previewed, then written ----------------------------------------------------


@transaction.atomic
def stage_upload(
    *,
    actor: Person,
    kpi: Kpi,
    points: Sequence[tuple[dt.datetime, float]],
    filename: str = "",
    now: dt.datetime | None = None,
    skipped: Sequence[SkippedRow] = (),
) -> StagedUpload:
    """Keep a parsed file until its preview is confirmed; purges expired ones.

    `skipped` are the lines that could not be read: the preview lists them, and the write
    happens only if the person chooses to skip them. Nothing is measured yet, so there is
    no audit entry: the write, when confirmed, has it.
    """
    batch = _validated(points)
    if not batch:
        raise ValidationError({"items": gettext_noop("there is nothing to write")})
    purge_staged_uploads(now=now)
    return StagedUpload.objects.create(
        token=uuid.uuid4(),
        kpi=kpi,
        person=actor,
        filename=filename[:255],
        points=[[ts.isoformat(), value] for ts, value in batch.items()],
        skipped=[{"line": row.line, "column": row.column, "reason": row.reason} for row in skipped],
        created_at=now or timezone.now(),
    )


def staged_points(staged: StagedUpload) -> list[tuple[dt.datetime, float]]:
    """The points a staged upload holds, in file order."""
    return [(dt.datetime.fromisoformat(ts), float(value)) for ts, value in staged.points]


@transaction.atomic
def write_staged_upload(
    *, actor: Person, staged: StagedUpload, skip_bad: bool = False
) -> UpsertResult:
    """Write a previewed upload, all or nothing, and forget it.

    An upload with lines that could not be read is written only with `skip_bad` (the
    person's explicit choice); the lines left out are audited with the write."""
    if staged.skipped and not skip_bad:
        count = len(staged.skipped)
        raise ValidationError(
            {
                "skip_bad": f"{count} line{'s' if count != 1 else ''} cannot be read: "
                "choose to skip them, or fix the file"
            }
        )
    result = record_measurements(
        actor=actor, kpi=staged.kpi, points=staged_points(staged), source="upload"
    )
    if staged.skipped:
        record(
            workspace=staged.kpi.workspace,
            actor=actor,
            action="kpi.upload_rows_skipped",
            obj=staged.kpi,
            changes={
                "skipped": [None, len(staged.skipped)],
                "lines": [None, [row["line"] for row in staged.skipped]],
                "file": [None, staged.filename],
            },
        )
    staged.delete()
    return result


def purge_staged_uploads(*, now: dt.datetime | None = None) -> int:
    """Delete previews older than STAGED_UPLOAD_TTL; returns how many went."""
    cutoff = (now or timezone.now()) - STAGED_UPLOAD_TTL
    deleted, _ = StagedUpload.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# --- Hand-over: a person leaves ------------------------------------------------------------------


@transaction.atomic
def reassign_owner(*, actor: Person | None, person: Person, new_owner: Person | None) -> int:
    """Give every KPI `person` owns to `new_owner`, each with its audit entry and its
    `kpi.updated` event; returns how many. Called when a person is deactivated."""
    owned = list(
        Kpi.objects.select_for_update()
        .filter(workspace_id=person.workspace_id, owner=person)
        .order_by("id")
    )
    new_owner_id = new_owner.pk if new_owner is not None else None
    record_many(
        audit_entry(
            workspace=person.workspace,
            actor=actor,
            action="kpi.owner_changed",
            obj=kpi,
            changes={"owner": [person.pk, new_owner_id]},
        )
        for kpi in owned
    )
    Kpi.objects.filter(pk__in=[kpi.pk for kpi in owned]).update(
        owner=new_owner, updated_at=timezone.now()
    )
    for kpi in owned:
        kpi.owner_id = new_owner_id
        kpi_events.kpi_event("kpi.updated", kpi)
    return len(owned)


# --- Stored figures ------------------------------------------------------------------------------

FIGURES_BATCH = 500


def store_figures(kpis: Sequence[Kpi], *, now: dt.datetime | None = None) -> int:
    """Write the stored figures of `kpis` (docs/kpis.md, "Stored figures"), computed by
    the read model at `now`; returns how many rows. Called inside the write that moved
    them; no audit entry: the figures follow from rows already audited. The one event is
    `kpi.signal`, when the stored signal of a KPI (its latest complete period's, from
    `goalkeeper.kpis.limits`) appears, changes or goes: after new values, a new baseline
    or a period's end (the refresh job).
    """
    if not kpis:
        return 0
    at = now or timezone.now()
    workspaces = {
        w.pk: w for w in Workspace.objects.filter(pk__in={kpi.workspace_id for kpi in kpis})
    }
    by_workspace: dict[int, list[Kpi]] = {}
    for kpi in kpis:
        by_workspace.setdefault(kpi.workspace_id, []).append(kpi)
    changed: list[tuple[Kpi, str, StoredSignal]] = []
    for workspace_id, group in by_workspace.items():
        clock = workspaces[workspace_id].clock(at)
        figures = stored_figures(group, clock)
        signals = stored_signals(group, clock)
        for kpi in group:
            # A row figured for the first time announces nothing: its signal is not news.
            before = kpi.signal if kpi.figures_at is not None else None
            for name, value in figures[kpi.pk].columns().items():
                setattr(kpi, name, value)
            for name, value in signals[kpi.pk].columns().items():
                setattr(kpi, name, value)
            if before is not None and before != kpi.signal:
                changed.append((kpi, before, signals[kpi.pk]))
    _write_stored(kpis)
    for kpi, before, signal in changed:
        kpi_events.kpi_signal_changed(
            kpi, before=before, after=kpi.signal, side=kpi.signal_side, period=signal.period
        )
    return len(kpis)


def _write_stored(kpis: Sequence[Kpi]) -> None:
    """UPDATE the stored figures of `kpis`, one prepared statement run for every row.

    `bulk_update` builds a CASE per column and row, 25x slower on SQLite for a whole
    company; only our own table and column names are pasted into the SQL.
    """
    concrete = {field.name: field for field in Kpi._meta.concrete_fields}
    fields = [concrete[name] for name in (*STORED_FIELDS, *SIGNAL_FIELDS)]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table = quote(Kpi._meta.db_table)
    sql = f"UPDATE {table} SET {assignments} WHERE {quote('id')} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(kpi, field.name), connection) for field in fields]
        + [kpi.pk]
        for kpi in kpis
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@transaction.atomic
def refresh_figures(
    *, workspace: Workspace | None = None, due_only: bool = True, now: dt.datetime | None = None
) -> int:
    """Recompute stored figures in bulk: those never computed or past their period's
    end (`due_only`), or all of them; of one workspace or every one. The refresh job runs
    it, `serve` after migrating, and the demo at the end of its load."""
    at = now or timezone.now()
    kpis = Kpi.objects.order_by("id")
    if workspace is not None:
        kpis = kpis.filter(workspace=workspace)
    if due_only:
        kpis = kpis.filter(Q(figures_at__isnull=True) | Q(health_turns_at__lte=at))
    ids = list(kpis.values_list("id", flat=True))
    done = 0
    for start in range(0, len(ids), FIGURES_BATCH * 4):
        chunk = list(Kpi.objects.filter(pk__in=ids[start : start + FIGURES_BATCH * 4]))
        done += store_figures(chunk, now=at)
    return done


# --- Upkeep: archive, restore, correct one value (docs/kpis.md, "Upkeep") ------------------------


@transaction.atomic
def archive_kpi(*, actor: Person | None, kpi: Kpi, now: dt.datetime | None = None) -> Kpi:
    """Hide a KPI from the board, the pickers and the alerts; its values and links stay.

    Archiving an archived KPI is refused, so a double click leaves one audit entry."""
    locked = Kpi.objects.select_for_update().get(pk=kpi.pk)
    if locked.archived_at is not None:
        raise ValidationError({"archived": "this KPI is archived already"})
    kpi.archived_at = now or timezone.now()
    kpi.updated_at = timezone.now()
    Kpi.objects.filter(pk=kpi.pk).update(archived_at=kpi.archived_at, updated_at=kpi.updated_at)
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.archived",
        obj=kpi,
        changes={"archived_at": [None, kpi.archived_at.isoformat()]},
    )
    kpi_events.kpi_event("kpi.updated", kpi)
    return kpi


@transaction.atomic
def restore_kpi(*, actor: Person | None, kpi: Kpi) -> Kpi:
    """Bring an archived KPI back on the board, as it was."""
    locked = Kpi.objects.select_for_update().get(pk=kpi.pk)
    if locked.archived_at is None:
        raise ValidationError({"archived": "this KPI is not archived"})
    before = locked.archived_at
    kpi.archived_at = None
    kpi.updated_at = timezone.now()
    Kpi.objects.filter(pk=kpi.pk).update(archived_at=None, updated_at=kpi.updated_at)
    # Time went on while it was archived: its health is read again at once.
    store_figures([kpi])
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.restored",
        obj=kpi,
        changes={"archived_at": [before.isoformat(), None]},
    )
    kpi_events.kpi_event("kpi.updated", kpi)
    return kpi


MAX_REASON = 500


def _measurement_of(kpi: Kpi, timestamp: dt.datetime) -> Measurement:
    found = Measurement.objects.select_for_update().filter(kpi=kpi, timestamp=timestamp).first()
    if found is None:
        raise ValidationError({"timestamp": "this KPI has no value at that time"})
    return found


def _reason(reason: str) -> str:
    cleaned = reason.strip()
    if len(cleaned) > MAX_REASON:
        raise ValidationError({"reason": f"at most {MAX_REASON} characters"})
    return cleaned


@transaction.atomic
def correct_measurement(
    *,
    actor: Person | None,
    kpi: Kpi,
    timestamp: dt.datetime,
    value: float,
    new_timestamp: dt.datetime | None = None,
    reason: str = "",
) -> Measurement:
    """Change one stored value (and, with `new_timestamp`, its instant); audited with the old
    and the new value and the reason. Moving it onto an instant that holds another value is
    refused: delete that one first."""
    note = _reason(reason)
    measurement = _measurement_of(kpi, timestamp)
    moved_to = new_timestamp if new_timestamp is not None else measurement.timestamp
    if moved_to.tzinfo is None:
        raise ValidationError({"timestamp": "needs a time zone"})
    problems = check_value("value", value)
    if problems:
        raise ValidationError({"value": problems[0].message})
    if (
        moved_to != measurement.timestamp
        and Measurement.objects.filter(kpi=kpi, timestamp=moved_to).exists()
    ):
        raise ValidationError({"timestamp": "the KPI already has a value at that time"})
    changes: dict[str, list[Any]] = {}
    if float(value) != measurement.value:
        changes["value"] = [measurement.value, float(value)]
    if moved_to != measurement.timestamp:
        changes["timestamp"] = [measurement.timestamp.isoformat(), moved_to.isoformat()]
    if not changes:
        return measurement
    health_before = kpi_events.health_of(kpi)
    measurement.value = float(value)
    measurement.timestamp = moved_to
    measurement.updated_at = timezone.now()
    measurement.save(update_fields=["value", "timestamp", "updated_at"])
    if note:
        changes["reason"] = [None, note]
    _values_changed(
        actor=actor,
        kpi=kpi,
        action="kpi.measurement_corrected",
        changes=changes,
        health_before=health_before,
        result=UpsertResult(created=0, updated=1),
    )
    return measurement


@transaction.atomic
def delete_measurement(
    *, actor: Person | None, kpi: Kpi, timestamp: dt.datetime, reason: str = ""
) -> None:
    """Remove one stored value for good; audited with the value and the reason."""
    note = _reason(reason)
    measurement = _measurement_of(kpi, timestamp)
    health_before = kpi_events.health_of(kpi)
    changes: dict[str, list[Any]] = {
        "timestamp": [measurement.timestamp.isoformat(), None],
        "value": [measurement.value, None],
    }
    if note:
        changes["reason"] = [None, note]
    # Deleted one by one here; a KPI's deletion takes its series without a tombstone each
    # (the KPI's says it).
    record_deletion(kpi.workspace_id, "measurement", [measurement.pk], parent=kpi.pk)
    measurement.delete()
    _values_changed(
        actor=actor,
        kpi=kpi,
        action="kpi.measurement_deleted",
        changes=changes,
        health_before=health_before,
        result=UpsertResult(created=0, updated=0),
    )


# The `source` a corrected series is told to the apps above with; the KPI's `last_source`
# keeps saying how its values last arrived.
CORRECTION = "correction"


def _values_changed(
    *,
    actor: Person | None,
    kpi: Kpi,
    action: str,
    changes: dict[str, list[Any]],
    health_before: str,
    result: UpsertResult,
) -> None:
    """What a corrected or deleted value causes, as `measurements_written` for a batch: the
    newest instant, the stored figures, the audit entry, the key results the KPI drives
    (`measurements_recorded`) and the events."""
    newest = (
        Measurement.objects.filter(kpi=kpi)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    kpi.updated_at = timezone.now()
    Kpi.objects.filter(pk=kpi.pk).update(last_measurement_at=newest, updated_at=kpi.updated_at)
    kpi.last_measurement_at = newest
    store_figures([kpi])
    record(workspace=kpi.workspace, actor=actor, action=action, obj=kpi, changes=changes)
    measurements_recorded.send(
        sender=Kpi, kpi=kpi, actor=actor, source=CORRECTION, result=result, received=1
    )
    kpi_events.kpi_event(
        "kpi.measurements_recorded", kpi, created=result.created, updated=result.updated
    )
    kpi_events.kpi_health_changed(kpi, health_before)


# --- Bulk changes from the board -----------------------------------------------------------------

# How many KPIs one bulk change takes: the board's pages are smaller, and each KPI still
# costs its own audit entry and events.
MAX_BULK = 200


class BulkAction(StrEnum):
    """What a bulk change does to every selected KPI."""

    OWNER = "owner"
    TEAM = "team"
    ARCHIVE = "archive"


def _named(kpis: Iterable[Kpi]) -> str:
    return ", ".join(f"“{kpi.name}”" for kpi in kpis)


def selected_kpis(*, actor: Person, kpi_ids: Sequence[int], lock: bool = False) -> list[Kpi]:
    """The KPIs of `kpi_ids` in the actor's workspace, by id; refuses an empty or too large
    selection and ids that are not there (named), so nothing is half-changed."""
    wanted = sorted(set(kpi_ids))
    if not wanted:
        raise ValidationError({"kpis": "select at least one KPI"})
    if len(wanted) > MAX_BULK:
        raise ValidationError({"kpis": f"at most {MAX_BULK} KPIs at once"})
    rows = Kpi.objects.filter(pk__in=wanted, workspace_id=actor.workspace_id).order_by("id")
    if lock:
        rows = rows.select_for_update()
    found = list(rows)
    missing = sorted(set(wanted) - {kpi.pk for kpi in found})
    if missing:
        raise ValidationError(
            {"kpis": "no such KPI in this workspace: " + ", ".join(str(pk) for pk in missing)}
        )
    return found


@transaction.atomic
def bulk_change_kpis(
    *,
    actor: Person,
    kpi_ids: Sequence[int],
    action: BulkAction,
    owner: Person | None = None,
    team: Team | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Give every selected KPI a new owner or team, or archive them, in one transaction with
    one audit entry and one `kpi.updated` event per KPI changed; returns how many changed.

    Refused as a whole, naming the KPIs, when the actor may not change one of them."""
    kpis = selected_kpis(actor=actor, kpi_ids=kpi_ids, lock=True)
    if not actor.can_edit:
        raise ValidationError({"kpis": "only editors and admins may change " + _named(kpis)})
    workspace = actor.workspace
    new_value: int | dt.datetime | None
    entries: list[tuple[Kpi, dict[str, list[Any]]]]
    if action is BulkAction.OWNER:
        if owner is not None and (owner.workspace_id != actor.workspace_id or not owner.is_active):
            raise ValidationError({"owner": "must be an active person of this workspace"})
        new_id = owner.pk if owner is not None else None
        changed = [kpi for kpi in kpis if kpi.owner_id != new_id]
        column, new_value = "owner_id", new_id
        entries = [(kpi, {"owner": [kpi.owner_id, new_id]}) for kpi in changed]
        Kpi.objects.filter(pk__in=[kpi.pk for kpi in changed]).update(
            owner_id=new_id, updated_at=timezone.now()
        )
    elif action is BulkAction.TEAM:
        if team is None or team.workspace_id != actor.workspace_id or team.archived_at:
            raise ValidationError({"team": "must be a team of this workspace, not archived"})
        new_id = team.pk
        changed = [kpi for kpi in kpis if kpi.team_id != new_id]
        column, new_value = "team_id", new_id
        entries = [(kpi, {"team": [kpi.team_id, new_id]}) for kpi in changed]
        Kpi.objects.filter(pk__in=[kpi.pk for kpi in changed]).update(
            team_id=new_id, updated_at=timezone.now()
        )
    else:
        at = now or timezone.now()
        changed = [kpi for kpi in kpis if kpi.archived_at is None]
        column, new_value = "archived_at", at
        entries = [(kpi, {"archived_at": [None, at.isoformat()]}) for kpi in changed]
        Kpi.objects.filter(pk__in=[kpi.pk for kpi in changed]).update(
            archived_at=at, updated_at=timezone.now()
        )
    audit_action = "kpi.archived" if action is BulkAction.ARCHIVE else "kpi.updated"
    record_many(
        audit_entry(workspace=workspace, actor=actor, action=audit_action, obj=kpi, changes=c)
        for kpi, c in entries
    )
    for kpi in changed:
        setattr(kpi, column, new_value)
        kpi.workspace = workspace
        kpi_events.kpi_event("kpi.updated", kpi)
    return len(changed)


# --- Process limits: a new baseline after a process change (docs/signals.md) ---------------------

MAX_BASELINE_NOTE = 2_000


def _period_start_of(
    moment: dt.date | dt.datetime, frequency: Frequency, clock: Clock
) -> dt.datetime:
    """The start (UTC) of the period of `frequency` holding `moment`: a day is read at its
    midnight in the workspace's zone."""
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(), tzinfo=clock.zone)
    local = moment.astimezone(clock.zone)
    return instant(period_of(local, frequency, clock.fiscal_year_start_month).start)


@transaction.atomic
def set_baseline(
    *,
    actor: Person | None,
    kpi: Kpi,
    first: dt.date | dt.datetime | None,
    last: dt.date | dt.datetime | None,
    note: str,
    now: dt.datetime | None = None,
) -> KpiBaseline:
    """Compute the KPI's process limits from the periods `first` to `last` from now on.

    Each end is the period holding that day or instant (None: from the first period of the
    limits' window, or up to the latest complete one). Both must be complete periods, in
    order, and the range must hold at least 6 periods with a value among the last
    LIMITS_PERIODS; the note says what changed. Earlier baselines stay in the history. One
    audit entry, `kpi.baseline_set`, and `kpi.signal` when the KPI's signal moves with it.
    """
    clock = kpi.workspace.clock(now)
    frequency = Frequency(kpi.frequency)
    latest = instant(
        latest_complete_period(clock.local_now, frequency, clock.fiscal_year_start_month).start
    )
    note = note.strip()
    errors: dict[str, str] = {}
    start = _period_start_of(first, frequency, clock) if first is not None else None
    end = _period_start_of(last, frequency, clock) if last is not None else None
    for field, value in (("from", start), ("to", end)):
        if value is not None and value > latest:
            errors[field] = gettext_noop("must be a complete period, not the current one or later")
    if start is not None and end is not None and end < start and "to" not in errors:
        errors["to"] = gettext_noop("must not be before the start of the baseline")
    if not note:
        errors["note"] = gettext_noop("say what changed in the process")
    elif len(note) > MAX_BASELINE_NOTE:
        errors["note"] = gettext_noop("at most 2000 characters")
    if errors:
        raise ValidationError(errors)
    baseline = KpiBaseline(
        kpi=kpi, first=start, last=end, note=note, created_by=actor, created_at=clock.now
    )
    limits = kpi_limits(kpi, clock, baseline=baseline)
    count = limits.range_count
    if count < MIN_BASELINE_PERIODS:
        raise ValidationError(
            {
                "from": gettext_noop(
                    "the range holds too few periods with a value: limits need at least 6"
                )
            }
        )
    baseline.save()
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="kpi.baseline_set",
        obj=kpi,
        changes={
            "baseline_from": [None, start.isoformat() if start else None],
            "baseline_to": [None, end.isoformat() if end else None],
            "note": [None, note],
        },
    )
    kpi_events.kpi_baseline_set(kpi, baseline)
    store_figures([kpi], now=clock.now)
    return baseline
