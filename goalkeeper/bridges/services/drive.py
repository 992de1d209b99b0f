"""Drive: a key result reads its current value from a KPI.

The value arrives as an automatic check-in (through `goalkeeper.okrs.services`), whenever
the link is made or changed, on any path (the okrs services send `key_result_kpi_changed`),
and whenever the KPI receives values (the kpis services send `measurements_recorded`): the
receivers in `goalkeeper.bridges.receivers` call `sync_key_result` and `sync_key_results`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from goalkeeper.accounts.models import Person
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.domain.limits import bounded
from goalkeeper.domain.periods import Frequency, period_of
from goalkeeper.kpis.models import Kpi
from goalkeeper.kpis.series import window_values
from goalkeeper.okrs.models import (
    CheckIn,
    Cycle,
    CycleState,
    KeyResult,
    KpiLinkMode,
    ObjectiveState,
)
from goalkeeper.okrs.services import record_check_in, update_key_result

_LATEST = "latest"


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


def sync_key_results(
    *, kpi: Kpi, only: KeyResult | None = None, skip_unchanged: bool = False
) -> list[CheckIn]:
    """Give each key result driven by `kpi` its current value, as one automatic check-in.

    A fixed number of queries plus one check-in per linked key result, however many
    measurements arrived. A key result whose window holds no value is left as it is; so is,
    with `skip_unchanged`, one whose value already is the KPI's.
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
        if value is None or (skip_unchanged and value == kr.current):
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


def sync_key_result(key_result: KeyResult) -> list[CheckIn]:
    """Give a key result just linked to a KPI its value from it (nothing without a KPI).

    A key result whose value already is the KPI's gets no check-in: a promoted key result
    is linked to a KPI made of its own check-ins, and would only repeat its latest one.
    """
    if key_result.kpi_id is None:
        return []
    kpi = Kpi.objects.select_related("workspace").get(pk=key_result.kpi_id)
    return sync_key_results(kpi=kpi, only=key_result, skip_unchanged=True)


@transaction.atomic
def link_key_result(
    *, actor: Person | None, key_result: KeyResult, kpi: Kpi, mode: str = KpiLinkMode.LATEST
) -> KeyResult:
    """Let `kpi` drive `key_result`; it reads its value right away (the okrs service
    announces the new link, `key_result_kpi_changed`, and `receivers` reads the KPI)."""
    if key_result.kind == KeyResultKind.MILESTONE:
        raise ValidationError(
            {"key_result": "A milestone is done or not done: a KPI's number cannot drive it."}
        )
    if mode not in KpiLinkMode.values:
        raise ValidationError({"mode": f"must be one of {', '.join(KpiLinkMode.values)}"})
    if key_result.objective.state == ObjectiveState.CLOSED:
        raise ValidationError({"key_result": "The objective is closed: its numbers are final."})
    return update_key_result(actor=actor, key_result=key_result, kpi=kpi, kpi_mode=mode)


@transaction.atomic
def unlink_key_result(*, actor: Person | None, key_result: KeyResult) -> KeyResult:
    """Stop reading the key result's value from a KPI; its check-ins stay."""
    return update_key_result(
        actor=actor, key_result=key_result, kpi=None, kpi_mode=KpiLinkMode.LATEST
    )
