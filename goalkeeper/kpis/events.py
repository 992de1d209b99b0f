"""The events KPI services emit, with their payloads: plain JSON built from the row alone.

Called by `goalkeeper.kpis.services` only, inside the write's transaction; see
`goalkeeper.events`. Event names are listed in docs/api.md ("Webhooks").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from goalkeeper import events
from goalkeeper.kpis.figures import kpi_health_now
from goalkeeper.kpis.models import Kpi, KpiBaseline

Payload = dict[str, Any]


def kpi_payload(obj: Kpi) -> Payload:
    """A KPI's definition and when it was last measured."""
    return {
        "id": obj.pk,
        "name": obj.name,
        "team": obj.team_id,
        "owner": obj.owner_id,
        "unit": obj.unit,
        "direction": obj.direction,
        "target": obj.target,
        "warning": obj.warning,
        "low": obj.low,
        "high": obj.high,
        "frequency": obj.frequency,
        "aggregation": obj.aggregation,
        "last_measurement_at": obj.last_measurement_at.isoformat()
        if obj.last_measurement_at is not None
        else None,
    }


def kpi_event(name: str, kpi: Kpi, **extra: Any) -> None:
    """`kpi.created|updated|deleted|measurements_recorded`; `extra` joins the payload."""
    events.emit(kpi.workspace_id, name, {"kpi": kpi_payload(kpi), **extra})


def health_of(kpi: Kpi) -> str:
    """The KPI's health as stored now (one query); taken before a write to compare after."""
    return str(kpi_health_now(kpi))


def kpi_health_changed(kpi: Kpi, before: str) -> None:
    """`kpi.health_changed` when the health differs from `before`."""
    after = health_of(kpi)
    if after != before:
        events.emit(
            kpi.workspace_id,
            "kpi.health_changed",
            {"kpi": kpi_payload(kpi), "before": before, "after": after},
        )


def kpi_signal_changed(
    kpi: Kpi, *, before: str, after: str, side: str, period: dt.datetime | None
) -> None:
    """`kpi.signal`: the KPI's latest signal appeared, changed or went ("" is none)."""
    events.emit(
        kpi.workspace_id,
        "kpi.signal",
        {
            "kpi": kpi_payload(kpi),
            "before": before or None,
            "after": after or None,
            "side": side or None,
            "period": period.astimezone(dt.UTC).isoformat() if period is not None else None,
        },
    )


def baseline_payload(baseline: KpiBaseline) -> Payload:
    """A baseline as the API shows it (`from` and `to`: period starts, or null)."""

    def shown(moment: dt.datetime | None) -> str | None:
        return moment.astimezone(dt.UTC).isoformat() if moment is not None else None

    return {
        "id": baseline.pk,
        "from": shown(baseline.first),
        "to": shown(baseline.last),
        "note": baseline.note,
        "created_by": baseline.created_by_id,
        "created_at": shown(baseline.created_at),
    }


def kpi_baseline_set(kpi: Kpi, baseline: KpiBaseline) -> None:
    """`kpi.baseline_set`: the KPI's process limits read a new baseline."""
    events.emit(
        kpi.workspace_id,
        "kpi.baseline_set",
        {"kpi": kpi_payload(kpi), "baseline": baseline_payload(baseline)},
    )
