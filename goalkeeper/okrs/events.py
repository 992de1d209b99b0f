"""The events OKR services emit, with their payloads: plain JSON built from the row alone.

Called by `goalkeeper.okrs.services` only (and the bridges' services), inside the write's
transaction; see `goalkeeper.events`. Event names are listed in docs/api.md ("Webhooks").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from goalkeeper import events
from goalkeeper.okrs.figures import key_result_status
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective

Payload = dict[str, Any]


def _when(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def objective_payload(obj: Objective) -> Payload:
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


def key_result_payload(kr: KeyResult) -> Payload:
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


def check_in_payload(entry: CheckIn) -> Payload:
    """One check-in as written."""
    return {
        "id": entry.pk,
        "key_result": entry.key_result_id,
        "value": entry.value,
        "done": entry.done,
        "confidence": entry.confidence,
        "note": entry.note,
        "author": entry.author_id,
        "automatic": entry.automatic,
        "created_at": _when(entry.created_at),
    }


def objective_event(name: str, objective: Objective) -> None:
    """`objective.created|updated|closed|deleted` (emit before deleting the row)."""
    events.emit(objective.workspace_id, name, {"objective": objective_payload(objective)})


def key_result_event(name: str, key_result: KeyResult) -> None:
    """`key_result.created|updated|deleted` (emit before deleting the row)."""
    events.emit(key_result.workspace_id, name, {"key_result": key_result_payload(key_result)})


def check_in_created(check_in: CheckIn, key_result: KeyResult) -> None:
    """`check_in.created`, with the key result as the check-in left it."""
    events.emit(
        key_result.workspace_id,
        "check_in.created",
        {"check_in": check_in_payload(check_in), "key_result": key_result_payload(key_result)},
    )


def status_of(key_result: KeyResult) -> str:
    """The key result's pace status now; taken before a write to compare after."""
    return str(key_result_status(key_result))


def key_result_status_changed(key_result: KeyResult, before: str) -> None:
    """`key_result.status_changed` when the status differs from `before`."""
    after = status_of(key_result)
    if after != before:
        events.emit(
            key_result.workspace_id,
            "key_result.status_changed",
            {"key_result": key_result_payload(key_result), "before": before, "after": after},
        )


def review_requested(objective: Objective, reviewer_id: int, requested_by: int) -> None:
    """`objective.review_requested`: a draft waits for `reviewer_id`'s review."""
    events.emit(
        objective.workspace_id,
        "objective.review_requested",
        {
            "objective": objective_payload(objective),
            "reviewer": reviewer_id,
            "requested_by": requested_by,
        },
    )


def review_returned(objective: Objective, reviewer_id: int, note: str) -> None:
    """`objective.review_returned`: the reviewer sent the draft back with `note`."""
    events.emit(
        objective.workspace_id,
        "objective.review_returned",
        {"objective": objective_payload(objective), "reviewer": reviewer_id, "note": note},
    )
