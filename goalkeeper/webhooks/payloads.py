"""What a webhook says about an object: plain JSON, built from the row alone (no query)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from goalkeeper.kpis.models import Kpi
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective

Payload = dict[str, Any]


def _when(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def objective(obj: Objective) -> Payload:
    """An objective's stored fields, with ids for what it points to."""
    return {
        "id": obj.pk,
        "title": obj.title,
        "cycle": obj.cycle_id,
        "team": obj.team_id,
        "owner": obj.owner_id,
        "kind": obj.kind,
        "parent": obj.parent_id,
        "state": obj.state,
        "final_score": obj.final_score,
        "closed_at": _when(obj.closed_at),
    }


def key_result(kr: KeyResult) -> Payload:
    """A key result's definition and current value."""
    return {
        "id": kr.pk,
        "objective": kr.objective_id,
        "title": kr.title,
        "kind": kr.kind,
        "unit": kr.unit,
        "owner": kr.owner_id,
        "start": kr.start,
        "target": kr.target,
        "current": kr.current,
        "done": kr.done,
        "confidence": kr.confidence,
        "weight": kr.weight,
        "kpi": kr.kpi_id,
        "last_check_in_at": _when(kr.last_check_in_at),
    }


def check_in(entry: CheckIn) -> Payload:
    """One check-in as written."""
    return {
        "id": entry.pk,
        "key_result": entry.key_result_id,
        "value": entry.value,
        "done": entry.done,
        "confidence": entry.confidence,
        "note": entry.note,
        "author": entry.author_id,
        "created_at": _when(entry.created_at),
    }


def kpi(obj: Kpi) -> Payload:
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
        "last_measurement_at": _when(obj.last_measurement_at),
    }
