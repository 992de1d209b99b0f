"""Writes for KPIs and measurements, and the bridges between KPIs and OKRs.

Each public function is one transaction with an audit entry. The bridges (docs/model.md):
a key result driven by a KPI gets an automatic check-in whenever measurements arrive;
a red KPI proposes a recovery objective; a key result is promoted to a KPI.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from goalkeeper.accounts.models import Person, Team
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.kpis import Direction, Health
from goalkeeper.domain.limits import bounded, check_value
from goalkeeper.domain.periods import Aggregation, Frequency, period_of
from goalkeeper.kpis import events as kpi_events
from goalkeeper.kpis.models import Kpi, Measurement, RecoveryLink, StagedUpload
from goalkeeper.kpis.queries import kpi_status
from goalkeeper.kpis.series import window_values
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    KpiLinkMode,
    Objective,
    ObjectiveKind,
    ObjectiveState,
)
from goalkeeper.okrs.queries import active_cycle
from goalkeeper.okrs.services import (
    create_key_result,
    create_objective,
    record_check_in,
    update_key_result,
)

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
# A parsed upload waits this long for its confirmation before it is purged.
STAGED_UPLOAD_TTL = dt.timedelta(hours=1)
_LATEST = "latest"


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
            raise ValidationError({name: "cannot be changed here"})
        setattr(kpi, name, value)
    kpi.full_clean()
    kpi.save()
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
    """Check a batch before anything is written; the last value wins for a repeated instant."""
    batch: dict[dt.datetime, float] = {}
    errors: dict[str, list[str]] = {}
    for line, (timestamp, value) in enumerate(points, start=1):
        if timestamp.tzinfo is None:
            errors.setdefault("timestamp", []).append(f"item {line}: needs a time zone")
            continue
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


@transaction.atomic
def record_measurements(
    *,
    actor: Person | None,
    kpi: Kpi,
    points: Sequence[tuple[dt.datetime, float]],
    source: str = "manual",
) -> UpsertResult:
    """Upsert a batch of values: the same KPI and timestamp updates, never duplicates.

    The whole batch is validated first and written with bulk SQL in this one transaction,
    so a bad item leaves every stored value as it was. Key results linked to the KPI then
    take their new value, each through one automatic check-in for the whole batch.
    """
    batch = _validated(points)
    if not batch:
        return UpsertResult(created=0, updated=0)
    health_before = kpi_events.health_of(kpi)
    existing = set(
        Measurement.objects.filter(kpi=kpi, timestamp__in=list(batch)).values_list(
            "timestamp", flat=True
        )
    )
    Measurement.objects.bulk_create(
        [Measurement(kpi=kpi, timestamp=ts, value=value) for ts, value in batch.items()],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["kpi", "timestamp"],
        update_fields=["value"],
    )
    newest = (
        Measurement.objects.filter(kpi=kpi)
        .order_by("-timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    Kpi.objects.filter(pk=kpi.pk).update(last_measurement_at=newest, last_source=source[:20])
    kpi.last_measurement_at = newest
    kpi.last_source = source[:20]
    result = UpsertResult(created=len(batch) - len(existing), updated=len(existing))
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
    sync_key_results(kpi=kpi)
    kpi_events.kpi_event(
        "kpi.measurements_recorded", kpi, created=result.created, updated=result.updated
    )
    kpi_events.kpi_health_changed(kpi, health_before)
    return result


# --- KR driven by a KPI --------------------------------------------------------------------------


def cycle_window(cycle: Cycle, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The instants a cycle covers: from its first day's midnight to the day after its last,
    in the workspace's zone (the domain's day, so a daylight-saving change is respected)."""
    first = dt.datetime.combine(cycle.start_date, dt.time(12), tzinfo=zone)
    last = dt.datetime.combine(cycle.end_date, dt.time(12), tzinfo=zone)
    return period_of(first, Frequency.DAILY).start, period_of(last, Frequency.DAILY).end


def key_result_values(kpi: Kpi, key_results: Sequence[KeyResult]) -> dict[int, float | None]:
    """The value each linked key result reads from `kpi`, in one query.

    `latest`: the KPI's value for its newest period that holds a measurement (for a `last`
    KPI, the newest measurement itself). `cycle_aggregate`: the KPI's aggregation over all
    measurements inside the key result's cycle.
    """
    if not key_results or kpi.last_measurement_at is None:
        return {kr.pk: None for kr in key_results}
    workspace = kpi.workspace
    zone = workspace.zone
    windows: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for kr in key_results:
        if kr.kpi_mode == KpiLinkMode.CYCLE_AGGREGATE:
            cycle = kr.objective.cycle
            windows[f"cycle:{cycle.pk}"] = cycle_window(cycle, zone)
        elif _LATEST not in windows:
            newest = period_of(
                kpi.last_measurement_at.astimezone(zone),
                Frequency(kpi.frequency),
                workspace.fiscal_year_start_month,
            )
            windows[_LATEST] = (newest.start, newest.end)
    values = window_values(kpi, windows)
    return {kr.pk: values[_window_key(kr)] for kr in key_results}


def _window_key(key_result: KeyResult) -> str:
    if key_result.kpi_mode == KpiLinkMode.CYCLE_AGGREGATE:
        return f"cycle:{key_result.objective.cycle_id}"
    return _LATEST


def _driven_key_results(kpi: Kpi) -> QuerySet[KeyResult]:
    """Key results that read `kpi` and may still move: measurable, in an open objective."""
    return (
        KeyResult.objects.filter(kpi=kpi)
        .exclude(kind=KeyResultKind.MILESTONE)
        .exclude(objective__state=ObjectiveState.CLOSED)
        .exclude(objective__cycle__state=CycleState.CLOSED)
        .select_related("objective", "objective__cycle", "workspace")
        .order_by("id")
    )


def sync_key_results(*, kpi: Kpi, only: KeyResult | None = None) -> list[CheckIn]:
    """Give each key result driven by `kpi` its current value, as one automatic check-in.

    A fixed number of queries plus one check-in per linked key result, however many
    measurements arrived. A key result whose window holds no value is left as it is.
    """
    rows = _driven_key_results(kpi)
    if only is not None:
        rows = rows.filter(pk=only.pk)
    key_results = list(rows)
    values = key_result_values(kpi, key_results)
    check_ins = []
    for kr in key_results:
        # A sum over a cycle may pass the range a stored value must keep (docs/scoring.md,
        # "Limits"): it is held at the limit, where the key result's score is the same.
        value = bounded(values[kr.pk])
        if value is None:
            continue
        how = (
            f"over {kr.objective.cycle.name}"
            if kr.kpi_mode == KpiLinkMode.CYCLE_AGGREGATE
            else "latest value"
        )
        check_ins.append(
            record_check_in(
                actor=None,
                key_result=kr,
                value=value,
                confidence=kr.confidence,
                note=f"Automatic: KPI “{kpi.name}”, {how}.",
                automatic=True,
            )
        )
    return check_ins


@transaction.atomic
def link_key_result(
    *, actor: Person | None, key_result: KeyResult, kpi: Kpi, mode: str = KpiLinkMode.LATEST
) -> KeyResult:
    """Let `kpi` drive `key_result`, and give the key result its value right away."""
    if key_result.kind == KeyResultKind.MILESTONE:
        raise ValidationError(
            {"key_result": "A milestone is done or not done: a KPI's number cannot drive it."}
        )
    if mode not in KpiLinkMode.values:
        raise ValidationError({"mode": f"must be one of {', '.join(KpiLinkMode.values)}"})
    if key_result.objective.state == ObjectiveState.CLOSED:
        raise ValidationError({"key_result": "The objective is closed: its numbers are final."})
    key_result = update_key_result(actor=actor, key_result=key_result, kpi=kpi, kpi_mode=mode)
    sync_key_results(kpi=kpi, only=key_result)
    key_result.refresh_from_db()
    return key_result


@transaction.atomic
def unlink_key_result(*, actor: Person | None, key_result: KeyResult) -> KeyResult:
    """Stop reading the key result's value from a KPI; its check-ins stay."""
    return update_key_result(
        actor=actor, key_result=key_result, kpi=None, kpi_mode=KpiLinkMode.LATEST
    )


# --- Flag: a red KPI proposes a recovery objective -----------------------------------------------


def _number(value: float, unit: str) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit else text


@transaction.atomic
def create_recovery_objective(
    *, actor: Person | None, kpi: Kpi, now: dt.datetime | None = None
) -> Objective:
    """A draft objective "bring X back to target" in the active cycle, for the KPI's team.

    Its key result is linked to the KPI (latest value), starts at the latest complete
    period's value and targets the KPI's target; for an in-range KPI, the nearer bound.
    Refused unless the KPI is red, when a recovery is already open, or without a cycle.
    """
    now = now or timezone.now()
    # Lock the KPI's row (PostgreSQL; SQLite serialises writers anyway), so that two
    # clicks cannot both find no open recovery and open two.
    list(Kpi.objects.select_for_update().filter(pk=kpi.pk).order_by().values_list("pk"))
    workspace = kpi.workspace
    status = kpi_status(kpi, workspace, now)
    if status.health is not Health.RED or status.value is None:
        raise ValidationError(
            {"kpi": "Only a red KPI needs a recovery objective: this one is not red."}
        )
    already = (
        RecoveryLink.objects.filter(kpi=kpi)
        .exclude(objective__state=ObjectiveState.CLOSED)
        .select_related("objective")
        .first()
    )
    if already is not None:
        raise ValidationError(
            {"kpi": f"The recovery objective “{already.objective.title}” is already open."}
        )
    cycle = active_cycle(workspace)
    if cycle is None:
        raise ValidationError(
            {"cycle": "There is no open cycle to hold the objective: an admin must start one."}
        )
    current = status.value
    kind, target = _recovery_goal(kpi, current)
    target_text = _number(target, kpi.unit)
    objective = create_objective(
        actor=actor,
        cycle=cycle,
        team=kpi.team,
        title=f"Bring {kpi.name} back to target"[:200],
        owner=kpi.owner,
        description=(
            f"Created from the KPI “{kpi.name}”, red at {_number(current, kpi.unit)} "
            f"against a target of {target_text}."
        ),
        kind=ObjectiveKind.COMMITTED,
        state=ObjectiveState.DRAFT,
    )
    create_key_result(
        actor=actor,
        objective=objective,
        title=f"{kpi.name} reaches {target_text}"[:200],
        kind=kind,
        unit=kpi.unit,
        owner=kpi.owner,
        # A period's sum may pass the range a start must keep: held at the limit.
        start=bounded(current),
        target=target,
        kpi=kpi,
        kpi_mode=KpiLinkMode.LATEST,
    )
    RecoveryLink.objects.create(kpi=kpi, objective=objective, created_by=actor)
    record(
        workspace=workspace,
        actor=actor,
        action="kpi.recovery_created",
        obj=kpi,
        changes={"objective": [None, objective.pk], "value": [None, current]},
    )
    return objective


def _recovery_goal(kpi: Kpi, current: float) -> tuple[str, float]:
    """(key result kind, target) that brings `current` back to the KPI's goal."""
    direction = Direction(kpi.direction)
    if direction is Direction.IN_RANGE:
        if kpi.low is not None and current < kpi.low:
            return KeyResultKind.INCREASE.value, kpi.low
        assert kpi.high is not None  # a red in-range value lies below low or above high
        return KeyResultKind.DECREASE.value, kpi.high
    assert kpi.target is not None  # required for these directions, checked on save
    if direction is Direction.HIGHER_IS_BETTER:
        return KeyResultKind.INCREASE.value, kpi.target
    return KeyResultKind.DECREASE.value, kpi.target


# --- Promote: a key result becomes a KPI ---------------------------------------------------------


@dataclass(frozen=True)
class PromotionPlan:
    """The KPI a key result would become, shown before it is created."""

    name: str
    team: Team
    owner: Person | None
    unit: str
    direction: Direction
    target: float | None
    warning: float | None
    low: float | None
    high: float | None
    check_ins: int

    def fields(self) -> dict[str, Any]:
        """The KPI's goal fields, as `create_kpi` takes them."""
        return {
            "owner": self.owner,
            "unit": self.unit,
            "direction": self.direction.value,
            "target": self.target,
            "warning": self.warning,
            "low": self.low,
            "high": self.high,
        }


def promotion_plan(key_result: KeyResult) -> PromotionPlan:
    """What `promote_key_result` would create; refuses what cannot become a KPI.

    increase -> higher is better, decrease -> lower is better (target kept, the commit
    value, if any, becomes the warning threshold); maintain -> in range [low, high], or a
    one-sided target when the band has one bound; milestone -> refused.
    """
    if key_result.kind == KeyResultKind.MILESTONE:
        raise ValidationError(
            {"key_result": "A milestone is done or not done: it has no number to track as a KPI."}
        )
    if key_result.kpi_id is not None:
        raise ValidationError({"key_result": "This key result already reads its value from a KPI."})
    target = warning = low = high = None
    if key_result.kind == KeyResultKind.MAINTAIN:
        if key_result.low is not None and key_result.high is not None:
            direction, low, high = Direction.IN_RANGE, key_result.low, key_result.high
        elif key_result.low is not None:
            direction, target = Direction.HIGHER_IS_BETTER, key_result.low
        else:
            direction, target = Direction.LOWER_IS_BETTER, key_result.high
    else:
        direction = (
            Direction.HIGHER_IS_BETTER
            if key_result.kind == KeyResultKind.INCREASE
            else Direction.LOWER_IS_BETTER
        )
        target, warning = key_result.target, key_result.commit
    objective = key_result.objective
    return PromotionPlan(
        name=key_result.title[:160],
        team=objective.team,
        owner=key_result.owner or objective.owner,
        unit=key_result.unit,
        direction=direction,
        target=target,
        warning=warning,
        low=low,
        high=high,
        check_ins=key_result.check_ins.filter(value__isnull=False).count(),
    )


@transaction.atomic
def promote_key_result(
    *,
    actor: Person | None,
    key_result: KeyResult,
    frequency: str = Frequency.WEEKLY.value,
    aggregation: str = Aggregation.LAST.value,
) -> Kpi:
    """Turn a key result into a permanent KPI: same unit, direction and target, its
    check-in history copied as measurements, and the key result linked to the new KPI."""
    plan = promotion_plan(key_result)
    objective = key_result.objective
    kpi = create_kpi(
        actor=actor,
        team=plan.team,
        name=plan.name,
        description=(
            f"Promoted from the key result “{key_result.title}” of “{objective.title}” "
            f"({objective.cycle.name})."
        ),
        frequency=frequency,
        aggregation=aggregation,
        data_source="Check-ins of the key result, then manual entry",
        **plan.fields(),
    )
    history = list(
        CheckIn.objects.filter(key_result=key_result, value__isnull=False)
        .order_by("created_at", "id")
        .values_list("created_at", "value")
    )
    for start in range(0, len(history), MAX_BATCH):
        record_measurements(
            actor=actor,
            kpi=kpi,
            points=[
                (at, value) for at, value in history[start : start + MAX_BATCH] if value is not None
            ],
            source="promotion",
        )
    update_key_result(actor=actor, key_result=key_result, kpi=kpi, kpi_mode=KpiLinkMode.LATEST)
    record(
        workspace=kpi.workspace,
        actor=actor,
        action="key_result.promoted",
        obj=kpi,
        changes={"key_result": [None, key_result.pk], "check_ins_copied": [None, len(history)]},
    )
    return kpi


# --- Uploads: parsed, previewed, then written ----------------------------------------------------


@transaction.atomic
def stage_upload(
    *,
    actor: Person,
    kpi: Kpi,
    points: Sequence[tuple[dt.datetime, float]],
    filename: str = "",
    now: dt.datetime | None = None,
) -> StagedUpload:
    """Keep a parsed file until its preview is confirmed; purges expired ones.

    Nothing is measured yet, so there is no audit entry: the write, when confirmed, has it.
    """
    batch = _validated(points)
    if not batch:
        raise ValidationError({"items": "there is nothing to write"})
    purge_staged_uploads(now=now)
    return StagedUpload.objects.create(
        token=uuid.uuid4(),
        kpi=kpi,
        person=actor,
        filename=filename[:255],
        points=[[ts.isoformat(), value] for ts, value in batch.items()],
        created_at=now or timezone.now(),
    )


def staged_points(staged: StagedUpload) -> list[tuple[dt.datetime, float]]:
    """The points a staged upload holds, in file order."""
    return [(dt.datetime.fromisoformat(ts), float(value)) for ts, value in staged.points]


@transaction.atomic
def write_staged_upload(*, actor: Person, staged: StagedUpload) -> UpsertResult:
    """Write a previewed upload, all or nothing, and forget it."""
    result = record_measurements(
        actor=actor, kpi=staged.kpi, points=staged_points(staged), source="upload"
    )
    staged.delete()
    return result


def purge_staged_uploads(*, now: dt.datetime | None = None) -> int:
    """Delete previews older than STAGED_UPLOAD_TTL; returns how many went."""
    cutoff = (now or timezone.now()) - STAGED_UPLOAD_TTL
    deleted, _ = StagedUpload.objects.filter(created_at__lt=cutoff).delete()
    return deleted
