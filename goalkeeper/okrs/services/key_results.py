"""Writes for key results and their check-ins.

A key result's value columns (`current`, `done`, `confidence`, `last_check_in_at`, which
mirror its latest check-in) have two writers that can run at once: a person checking in and
a KPI sync checking in automatically. Every write that saves the row locks it first and
reloads those columns (`lock_key_result`), so two check-ins are applied one after the other
and a definition edit never puts back a value read before a sync. See docs/architecture.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from goalkeeper.accounts.models import Person
from goalkeeper.audit.services import diff, record, snapshot
from goalkeeper.domain.key_results import KeyResultKind
from goalkeeper.okrs import events as okr_events
from goalkeeper.okrs.models import CheckIn, KeyResult, Objective
from goalkeeper.okrs.services.common import ensure_cycle_open
from goalkeeper.okrs.signals import key_result_kpi_changed

KEY_RESULT_FIELDS = (
    "title",
    "owner",
    "kind",
    "unit",
    "weight",
    "start",
    "target",
    "low",
    "high",
    "commit",
    "stretch",
    "kpi",
    "kpi_mode",
    "position",
)
# What the latest check-in writes on the key result's row.
VALUE_FIELDS = ("current", "done", "confidence", "last_check_in_at")


def lock_key_result(key_result: KeyResult) -> KeyResult:
    """Lock the key result's row until the transaction ends, and reload its value columns.

    Call inside a transaction, before reading the value to change it. PostgreSQL makes a
    second writer wait on the lock; SQLite serialises writers anyway (`BEGIN IMMEDIATE`).
    """
    fresh = (
        KeyResult.objects.select_for_update()
        .filter(pk=key_result.pk)
        .order_by()
        .values(*VALUE_FIELDS)
        .get()
    )
    for name, value in fresh.items():
        setattr(key_result, name, value)
    return key_result


def _link_changed(key_result: KeyResult) -> None:
    """Tell the receivers that the key result's KPI link changed (see `okrs.signals`), then
    reload the value a receiver may have checked in on its own copy of the row."""
    key_result_kpi_changed.send(sender=KeyResult, key_result=key_result)
    key_result.refresh_from_db(fields=VALUE_FIELDS)


@transaction.atomic
def create_key_result(
    *, actor: Person | None, objective: Objective, title: str, kind: str, **fields: Any
) -> KeyResult:
    """Add a key result to an objective; refuses impossible numbers with the field named.

    Emits `key_result.created`. One linked to a KPI reads the KPI's value at once: the
    receivers of `key_result_kpi_changed` check in from the KPI, with their own events.
    """
    ensure_cycle_open(objective.cycle)
    if "position" not in fields:
        fields["position"] = objective.key_results.count()
    key_result = KeyResult(
        workspace_id=objective.workspace_id,
        objective=objective,
        title=title.strip(),
        kind=kind,
        **fields,
    )
    if (
        key_result.kind in (KeyResultKind.INCREASE, KeyResultKind.DECREASE)
        and key_result.current is None
    ):
        key_result.current = key_result.start
    key_result.full_clean()
    key_result.save()
    record(
        workspace=objective.workspace,
        actor=actor,
        action="key_result.created",
        obj=key_result,
        changes={k: [None, v] for k, v in snapshot(key_result, KEY_RESULT_FIELDS).items()},
    )
    okr_events.key_result_event("key_result.created", key_result)
    if key_result.kpi_id is not None:
        _link_changed(key_result)
    return key_result


@transaction.atomic
def update_key_result(*, actor: Person | None, key_result: KeyResult, **changes: Any) -> KeyResult:
    """Change a key result's definition (not its value: that is a check-in).

    Emits `key_result.updated`, and `key_result.status_changed` when the new definition
    moves its pace status. A changed KPI link is read at once (see `create_key_result`).
    """
    ensure_cycle_open(key_result.objective.cycle)
    unknown = [name for name in changes if name not in KEY_RESULT_FIELDS]
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "cannot be changed here"))
    lock_key_result(key_result)
    status_before = okr_events.status_of(key_result)
    before = snapshot(key_result, KEY_RESULT_FIELDS)
    link_before = (key_result.kpi_id, key_result.kpi_mode)
    for name, value in changes.items():
        setattr(key_result, name, value)
    key_result.full_clean()
    key_result.save()
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.updated",
        obj=key_result,
        changes=diff(before, key_result),
    )
    okr_events.key_result_event("key_result.updated", key_result)
    okr_events.key_result_status_changed(key_result, status_before)
    if (key_result.kpi_id, key_result.kpi_mode) != link_before:
        _link_changed(key_result)
    return key_result


@transaction.atomic
def delete_key_result(*, actor: Person | None, key_result: KeyResult) -> None:
    """Delete a key result with its check-ins; emits `key_result.deleted` (as it was)."""
    ensure_cycle_open(key_result.objective.cycle)
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="key_result.deleted",
        obj=key_result,
        changes={"title": [key_result.title, None], "objective": [key_result.objective_id, None]},
    )
    okr_events.key_result_event("key_result.deleted", key_result)
    key_result.delete()


@transaction.atomic
def record_check_in(
    *,
    actor: Person | None,
    key_result: KeyResult,
    value: float | None = None,
    done: bool = False,
    confidence: int | None = None,
    note: str = "",
    automatic: bool = False,
    at: dt.datetime | None = None,
) -> CheckIn:
    """Append a check-in and make it the key result's current value.

    Emits `check_in.created`, and `key_result.status_changed` when the pace status moved.
    """
    ensure_cycle_open(key_result.objective.cycle)
    lock_key_result(key_result)
    status_before = okr_events.status_of(key_result)
    # A milestone is done or not (no value); a metric key result has a value (no done flag).
    if key_result.kind == KeyResultKind.MILESTONE:
        value = None
    elif value is None:
        raise ValidationError({"value": "a value is required for a metric key result"})
    else:
        done = False
    check_in = CheckIn(
        key_result=key_result,
        value=value,
        done=done,
        confidence=confidence,
        note=note.strip(),
        author=actor,
        automatic=automatic,
        created_at=at or timezone.now(),
    )
    check_in.full_clean()
    check_in.save()
    before = snapshot(key_result, ["current", "done", "confidence"])
    key_result.current = value if value is not None else key_result.current
    key_result.done = done
    key_result.confidence = confidence
    key_result.last_check_in_at = check_in.created_at
    key_result.save(update_fields=list(VALUE_FIELDS))
    record(
        workspace=key_result.workspace,
        actor=actor,
        action="check_in.created",
        obj=key_result,
        changes={**diff(before, key_result), "note": [None, check_in.note]},
    )
    okr_events.check_in_created(check_in, key_result)
    okr_events.key_result_status_changed(key_result, status_before)
    return check_in
